"""Commendations and sanctions citing published entries; the clearing of a falsely accused person
(澄清正名), published at their request; and the matter against whoever accused them falsely,
opened through a recorded read of the accuser's sealed identity (十二: 从严查处诬告陷害)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID, uuid4

from domain.accountability import AccountabilityMatter
from domain.accountability import SubjectKind as MatterSubject
from domain.actors import Actor, Role
from domain.case import Case
from domain.circular import Circular
from domain.circular import SubjectKind as CircularSubject
from domain.directory import Staff, Unit, Window
from domain.errors import InvalidInputError
from domain.merit import DecisionKind, MeritDecision, SubjectKind
from domain.privacy import ERASED, DataSubject
from domain.publication import Publication
from domain.refusals import StepRefusedError, choice
from domain.services.base import Saved, ServiceBase
from domain.services.privacy import Identity
from domain.services.staffing import directory_id, unit_of_staff


@dataclass(frozen=True)
class AccuserMatter:
    """The matter opened against an accuser, and the identity the recorded read opened."""

    saved: Saved
    identity: Identity


class MeritService(ServiceBase):
    # Commendations and sanctions (表彰奖励, 批评教育, 责令整改, 组织处理).

    def decide_merit(
        self,
        decision: DecisionKind | str,
        *,
        subject_kind: SubjectKind | str,
        subject: str | UUID,
        reason: str,
        publication_id: UUID | None,
        entry: tuple[str, str] | None,
        actor: Actor,
    ) -> Saved:
        """Decide a commendation or sanction on a staff member (login), window or unit (code),
        citing ``entry`` (dimension, login or code) of the publication ``publication_id``."""
        kind = choice(DecisionKind, decision, "decision")
        subject_as = choice(SubjectKind, subject_kind, "subject kind")
        subject_id, member = self._member_of(subject_as.value, subject)
        publication = None
        if publication_id is not None and self.exists(publication_id):
            found: object = self.repository.get(publication_id)
            publication = found if isinstance(found, Publication) else None
        cited = None
        if entry is not None and publication is not None:
            dimension, who = entry
            cited = (dimension, self._cited_member(dimension, who))
        record = MeritDecision.decide(
            uuid4(),
            decision=kind,
            subject_kind=subject_as,
            subject_id=subject_id,
            member=member,
            reason=reason,
            publication=publication,
            entry=cited,
            top=self.policy.lists.red_size,
            actor=actor,
            at=self.now(),
        )
        return self.commit(record)[0]

    def withdraw_merit(self, decision_id: UUID, reason: str, *, actor: Actor) -> Saved:
        return self.step(
            MeritDecision,
            decision_id,
            None,
            lambda record, at: record.withdraw(reason, actor=actor, at=at),
        )

    def merit_decision(self, decision_id: UUID) -> MeritDecision:
        return self.load(MeritDecision, decision_id)

    def _member_of(self, kind: str, who: str | UUID) -> tuple[UUID, str]:
        """A subject's directory id and the name publications give it (login; window or unit
        id)."""
        if kind == SubjectKind.STAFF.value:
            staff = self.load(Staff, directory_id(Staff.id_for, who))
            return staff.id, staff.login
        if kind == SubjectKind.WINDOW.value:
            window = self.load(Window, _id(Window.id_for, who))
            return window.id, str(window.id)
        unit = self.load(Unit, _id(Unit.id_for, who))
        return unit.id, str(unit.id)

    def _cited_member(self, dimension: str, who: str) -> str:
        if dimension not in {k.value for k in SubjectKind}:
            raise InvalidInputError(
                f"entries are published for staff, window and unit, not {dimension!r}",
                code="no-such-dimension",
                params={"dimension": dimension},
            )
        return self._member_of(dimension, who)[1]

    # Clearing a falsely accused person (澄清正名) and the matter against the accuser.

    def request_clearing_circular(
        self, matter_id: UUID, request: str, *, actor: Actor
    ) -> Saved:
        """Record the cleared person's request that their clearing be published: made by the
        staff member cleared (or the head of the unit cleared), or recorded by an inspector."""
        return self.step(
            AccountabilityMatter,
            matter_id,
            None,
            lambda matter, at: matter.request_clearing_circular(
                request, actor=actor, at=at, by_the_cleared=self._is_cleared(matter, actor)
            ),
        )

    def _is_cleared(self, matter: AccountabilityMatter, actor: Actor) -> bool:
        """Whether ``actor`` is the person the matter is about: the staff member, or the head
        of the unit."""
        if matter.subject_kind is MatterSubject.STAFF:
            if actor.role not in (Role.WINDOW_STAFF, Role.UNIT_HEAD):
                return False
            return self.load(Staff, matter.subject_id).login == actor.id
        if matter.subject_kind is MatterSubject.UNIT:
            return actor.role is Role.UNIT_HEAD and unit_of_staff(self, actor.id) == (
                matter.subject_id
            )
        return False

    def publish_clearing(self, matter_id: UUID, *, title: str, actor: Actor) -> Saved:
        """Publish the clearing as a circular naming the cleared staff member or unit, and note
        it on the matter, in one commit. Returns the circular."""
        matter = self.load(AccountabilityMatter, matter_id)
        at = self.now()
        circular_id = uuid4()
        matter.record_clearing_published(circular_id, actor=actor, at=at)
        assert matter.clearing_statement is not None
        if matter.subject_kind is MatterSubject.STAFF:
            subject = (CircularSubject.STAFF, self.load(Staff, matter.subject_id).login)
        else:
            subject = (CircularSubject.UNIT, self.load(Unit, matter.subject_id).code)
        circular = Circular.publish_clearing(
            circular_id,
            title=title,
            matter_id=matter.id,
            subject=subject,
            statement=matter.clearing_statement,
            actor=actor,
            at=at,
        )
        return self.commit(circular, matter)[0]

    def open_matter_against_accuser(
        self,
        matter_id: UUID,
        *,
        allegation: str,
        purpose: str,
        actor: Actor,
        case_id: UUID | None = None,
    ) -> AccuserMatter:
        """Open a matter against whoever filed the false accusation: the case that carried it
        (the matter's own case, or ``case_id``), whose filer's sealed identity the inspector
        reads; the read is recorded on the data subject, the new matter names only the data
        subject, and the cleared matter notes it, all in one commit."""
        matter = self.load(AccountabilityMatter, matter_id)
        if case_id is None and matter.subject_kind is MatterSubject.CASE:
            case_id = matter.subject_id
        if case_id is None:
            raise InvalidInputError(
                f"matter {matter_id} is not on a case; name the case that carried the accusation",
                code="accuser-case-needed",
            )
        case = self.load(Case, case_id)
        at = self.now()
        if case.filer_subject is None:
            raise StepRefusedError(
                "open a matter against the accuser",
                "anonymous",
                f"case {case_id} was filed anonymously; there is no identity to hold to account",
                code="accuser-anonymous",
            )
        new_id = uuid4()
        matter.record_accuser_matter(new_id, case.id, actor=actor, at=at)
        subject = self.load(DataSubject, case.filer_subject)
        subject.reveal(purpose, actor=actor, at=at)
        against = AccountabilityMatter.open(
            new_id,
            subject_kind=MatterSubject.ACCUSER,
            subject_id=subject.id,
            allegation=allegation,
            source=f"accountability:{matter.id}",
            actor=actor,
            at=at,
        )
        saved = self.commit(against, subject, matter)[0]
        erased = subject.erased_at is not None
        identity = Identity(
            subject.id,
            self._opened(case.filer_name, erased),
            self._opened(case.filer_contact, erased),
            erased,
            case.enterprise_id,
        )
        return AccuserMatter(saved, identity)

    def _opened(self, sealed: str | None, erased: bool) -> str | None:
        if not sealed:
            return None
        opened = None if erased else self.vault.open(sealed)
        return ERASED if opened is None else opened


def _id(id_for: Callable[[str], UUID], code_or_id: str | UUID) -> UUID:
    """A directory entry's id, given as the id itself or as its code."""
    if isinstance(code_or_id, UUID):
        return code_or_id
    try:
        return UUID(code_or_id)
    except ValueError:
        return id_for(code_or_id)
