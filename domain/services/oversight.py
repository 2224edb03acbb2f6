"""Oversight commands: supervision orders, named circulars (citing published lists and
rankings) and accountability matters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from uuid import UUID, uuid4

from domain.accountability import AccountabilityMatter, Outcome, Side, SubjectKind
from domain.actors import Actor
from domain.case import Case
from domain.circular import CITED, Circular, Citation
from domain.circular import SourceKind as CircularSource
from domain.circular import SubjectKind as CircularSubject
from domain.clock import Deadline, end_of_day, working_day_deadline
from domain.directory import Staff, Unit, Window
from domain.errors import InvalidInputError
from domain.publication import Publication
from domain.refusals import choice
from domain.services.base import Saved, ServiceBase
from domain.services.staffing import directory_id, unit_of_staff
from domain.supervision import Supervision, TargetKind


class OversightService(ServiceBase):
    # Supervision orders (督办).

    def supervise_case(
        self,
        case_id: UUID,
        *,
        instruction: str,
        required_response: str,
        actor: Actor,
        due: date | None = None,
        working_days: int | None = None,
    ) -> Saved:
        """Supervise a case; the unit that answers is its lead unit, or its owner's unit."""
        case = self.load(Case, case_id)
        unit_id = case.lead_unit_id or unit_of_staff(self, case.owner)
        if unit_id is None:
            raise InvalidInputError(
                f"case {case_id} has no lead unit and no owner in a unit yet; supervise a unit",
                code="supervise-unrouted-case",
            )
        return self._issue(
            TargetKind.CASE,
            case.id,
            unit_id,
            instruction=instruction,
            required_response=required_response,
            actor=actor,
            due=due,
            working_days=working_days,
        )

    def supervise_unit(
        self,
        unit: str | UUID,
        *,
        instruction: str,
        required_response: str,
        actor: Actor,
        due: date | None = None,
        working_days: int | None = None,
    ) -> Saved:
        unit_id = self.load(Unit, directory_id(Unit.id_for, unit)).id
        return self._issue(
            TargetKind.UNIT,
            unit_id,
            unit_id,
            instruction=instruction,
            required_response=required_response,
            actor=actor,
            due=due,
            working_days=working_days,
        )

    def _issue(
        self,
        target_kind: TargetKind,
        target_id: UUID,
        unit_id: UUID,
        *,
        instruction: str,
        required_response: str,
        actor: Actor,
        due: date | None,
        working_days: int | None,
    ) -> Saved:
        at = self.now()
        order = Supervision.issue(
            uuid4(),
            target_kind=target_kind,
            target_id=target_id,
            unit_id=unit_id,
            instruction=instruction,
            required_response=required_response,
            deadline=self._supervision_deadline(due, working_days),
            actor=actor,
            at=at,
        )
        return self.commit(order)[0]

    def _supervision_deadline(self, due: date | None, working_days: int | None) -> Deadline:
        """A date the supervisor sets, or a number of working days from now."""
        at = self.now()
        if (due is None) == (working_days is None):
            raise InvalidInputError(
                "give a supervision order either a due date or working days",
                code="supervision-needs-due",
            )
        if working_days is not None:
            return working_day_deadline(
                at,
                working_days,
                self.work_calendar(),
                tz=self.policy.tz,
                policy_version=self.policy.version,
            )
        assert due is not None
        derivation = {
            "rule": "due date set by the supervisor; ends 24:00 of that day",
            "start": at.isoformat(),
            "unit": "date",
            "policy_version": self.policy.version,
        }
        return Deadline(due, end_of_day(due, self.policy.tz), False, derivation)

    def respond_to_supervision(
        self,
        order_id: UUID,
        response: str,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        return self.step(
            Supervision,
            order_id,
            expected_version,
            lambda order, at: order.respond(
                response, actor=actor, actor_unit=unit_of_staff(self, actor.id), at=at
            ),
        )

    def close_supervision(
        self,
        order_id: UUID,
        conclusion: str,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        return self.step(
            Supervision,
            order_id,
            expected_version,
            lambda order, at: order.close(conclusion, actor=actor, at=at),
        )

    def supervision(self, order_id: UUID, expected_version: int | None = None) -> Supervision:
        return self.load(Supervision, order_id, expected_version)

    # Named circulars (实名通报).

    def publish_circular(
        self,
        *,
        title: str,
        source_kind: CircularSource | str,
        source_ref: str,
        subjects: Sequence[tuple[CircularSubject | str, str, str]],
        actor: Actor,
    ) -> Saved:
        """``subjects``: (staff | unit | window, login or code, why they are named). From a
        list or a period, ``source_ref`` is the period whose published lists or ranking the
        subjects are named from."""
        named = [
            (choice(CircularSubject, kind, "subject kind"), who, why) for kind, who, why in subjects
        ]
        for kind, who, _ in named:
            if kind is CircularSubject.STAFF:
                self.load(Staff, Staff.id_for(who))
            elif kind is CircularSubject.UNIT:
                self.load(Unit, Unit.id_for(who))
        source = choice(CircularSource, source_kind, "source kind")
        circular = Circular.publish(
            uuid4(),
            title=title,
            source_kind=source,
            source_ref=source_ref,
            subjects=named,
            actor=actor,
            at=self.now(),
            citation=self._citation(source, source_ref.strip()),
        )
        return self.commit(circular)[0]

    def _citation(self, source: CircularSource, period: str) -> Citation | None:
        """The latest edition of the publication a list or period circular cites, if any."""
        what = CITED.get(source)
        if what is None or not self.exists(Publication.id_for(what, period)):
            return None
        publication = self.load(Publication, Publication.id_for(what, period))
        lines: dict[tuple[str, str], str] = {}
        for dimension, entries in publication.latest["entries"].items():
            for line in entries:
                standing = line["side"] if what == "lists" else line["rank"]
                if standing is not None:
                    lines[(dimension, self._name_of(dimension, line["member"]))] = str(standing)
        return Citation(publication.id, what, period, publication.edition, lines)

    def _name_of(self, dimension: str, member: str) -> str:
        """How a circular names a published member: a staff login, a unit or window code."""
        if dimension == "unit":
            return self.load(Unit, UUID(member)).code
        if dimension == "window":
            return self.load(Window, UUID(member)).code
        return member

    def withdraw_circular(self, circular_id: UUID, reason: str, *, actor: Actor) -> Saved:
        circular = self.circular(circular_id)
        circular.withdraw(reason, actor=actor, at=self.now())
        return self.commit(circular)[0]

    def circular(self, circular_id: UUID) -> Circular:
        return self.load(Circular, circular_id)

    # Accountability matters (问责).

    def open_accountability_matter(
        self,
        *,
        subject_kind: SubjectKind | str,
        subject: str | UUID,
        allegation: str,
        actor: Actor,
        source: str | None = None,
    ) -> Saved:
        """``subject``: a case id, a staff login or a unit code (or their ids)."""
        kind = choice(SubjectKind, subject_kind, "subject kind")
        if kind is SubjectKind.ACCUSER:
            raise InvalidInputError(
                "a matter against an accuser is opened from the matter that cleared the accused,"
                " through a recorded read of the accuser's identity",
                code="accuser-matter-from-clearing",
            )
        if kind is SubjectKind.CASE:
            subject_id = self.load(Case, _case_id(subject)).id
        elif kind is SubjectKind.STAFF:
            subject_id = self.load(Staff, directory_id(Staff.id_for, subject)).id
        else:
            subject_id = self.load(Unit, directory_id(Unit.id_for, subject)).id
        matter = AccountabilityMatter.open(
            uuid4(),
            subject_kind=kind,
            subject_id=subject_id,
            allegation=allegation,
            source=source,
            actor=actor,
            at=self.now(),
        )
        return self.commit(matter)[0]

    def record_accountability_findings(
        self,
        matter_id: UUID,
        findings: str,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        return self.step(
            AccountabilityMatter,
            matter_id,
            expected_version,
            lambda matter, at: matter.record_findings(findings, actor=actor, at=at),
        )

    def classify_accountability_matter(
        self,
        matter_id: UUID,
        classification: Mapping[str, Side | str],
        notes: str,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        """Place the conduct on each of the three distinctions: ``lenient`` or ``strict``."""
        matter = self.accountability_matter(matter_id, expected_version)
        sides = {k: choice(Side, v, f"the side of {k}") for k, v in classification.items()}
        matter.classify(sides, notes, actor=actor, at=self.now())
        return self.commit(matter)[0]

    def decide_accountability_outcome(
        self,
        matter_id: UUID,
        outcome: Outcome | str,
        reason: str,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        return self.step(
            AccountabilityMatter,
            matter_id,
            expected_version,
            lambda matter, at: matter.decide(
                choice(Outcome, outcome, "outcome"), reason, actor=actor, at=at
            ),
        )

    def clear_accountability_subject(
        self,
        matter_id: UUID,
        statement: str,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        """澄清正名: record that the accusation was false."""
        return self.step(
            AccountabilityMatter,
            matter_id,
            expected_version,
            lambda matter, at: matter.clear(statement, actor=actor, at=at),
        )

    def accountability_matter(
        self, matter_id: UUID, expected_version: int | None = None
    ) -> AccountabilityMatter:
        return self.load(AccountabilityMatter, matter_id, expected_version)


def _case_id(subject: str | UUID) -> UUID:
    try:
        return subject if isinstance(subject, UUID) else UUID(subject)
    except ValueError:
        raise InvalidInputError(
            f"{subject!r} is not a case id",
            code="not-a-case-id", params={"subject": subject},
        ) from None
