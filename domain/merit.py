"""Commendations (表彰奖励) and sanctions (批评教育, 责令整改, 组织处理) decided on a person or unit
from the published lists and rankings (directive, part 七).

A supervisor decides them, and each decision cites the published entry that grounds it: the
publication (a period's red and black lists, or its ranking), its edition, and the line of the
person, window or unit decided on. A decision is never grounded in figures computed on the fly,
nor in somebody else's line: one that cites no published entry, or a line that does not name its
subject, is refused; so is a commendation from a black-list line (or a sanction from a red one),
and a decision on a line whose objection is still pending.

An inspector's accountability outcome (``domain.accountability``) reaches the same three
sanctions for a matter of conduct; a decision here is for standing in the published figures.
Both appear in the subject's record, side by side, never one for the other.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Self
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.accountability import Outcome
from domain.actors import Actor, Role
from domain.base import Tracked
from domain.list_rules import Side, bottom
from domain.publication import Kind, Publication
from domain.refusals import ConcludedError, StepRefusedError, iso, require_role, require_text

DECIDERS = (Role.SUPERVISOR,)


class DecisionKind(StrEnum):
    COMMENDATION = "commendation"
    CRITICISM_EDUCATION = Outcome.CRITICISM_EDUCATION.value
    ORDERED_RECTIFICATION = Outcome.ORDERED_RECTIFICATION.value
    ORGANISATIONAL_HANDLING = Outcome.ORGANISATIONAL_HANDLING.value

    @property
    def is_sanction(self) -> bool:
        return self is not DecisionKind.COMMENDATION


class SubjectKind(StrEnum):
    """Whom a decision is on: the dimensions lists and rankings are published for."""

    STAFF = "staff"
    WINDOW = "window"
    UNIT = "unit"


class MeritDecision(Tracked):
    """One commendation or sanction, with the published entry it rests on."""

    kind: ClassVar[str] = "merit_decision"

    class Decided(Tracked.Created):
        decision: str
        subject_kind: str
        subject_id: UUID
        member: str
        """The subject as publications name it: a staff login, a window or unit id."""
        reason: str
        cites: dict[str, Any]
        """The publication, edition and line the decision rests on."""

    class Withdrawn(Tracked.Event):
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, MeritDecision)
            aggregate.withdrawn_at, aggregate.withdrawal_reason = self.timestamp, self.reason

    def __init__(
        self,
        *,
        decision: str,
        subject_kind: str,
        subject_id: UUID,
        member: str,
        reason: str,
        cites: dict[str, Any],
    ) -> None:
        self.decision, self.subject_kind = DecisionKind(decision), SubjectKind(subject_kind)
        self.subject_id, self.member, self.reason = subject_id, member, reason
        self.cites = dict(cites)
        self.withdrawn_at: datetime | None = None
        self.withdrawal_reason: str | None = None

    @classmethod
    def decide(
        cls,
        decision_id: UUID,
        *,
        decision: DecisionKind,
        subject_kind: SubjectKind,
        subject_id: UUID,
        member: str,
        reason: str,
        publication: Publication | None,
        entry: tuple[str, str] | None,
        top: int,
        actor: Actor,
        at: datetime,
    ) -> Self:
        """Decide ``decision`` on a subject (``member``: how publications name it), citing
        ``entry`` (dimension, member) of ``publication``'s latest edition. A commendation cites a
        red-list line or a ranking line within the ``top`` ranks; a sanction a black-list line or
        a line at the bottom of a ranking."""
        require_role(actor, DECIDERS, f"decide a {decision.value}")
        if publication is None or entry is None:
            raise StepRefusedError(
                f"decide a {decision.value}",
                "not published",
                f"a {decision.value} cites the published list or ranking entry that grounds it;"
                " none was cited, or the publication cited does not exist",
                code="decision-cites-published-entry",
                params={"decision": decision.value},
            )
        dimension, cited = entry
        line = publication.line(dimension, cited)
        if line is None:
            raise StepRefusedError(
                f"decide a {decision.value}",
                "not listed",
                f"{dimension} {cited} has no line in the {publication.what.value} of"
                f" {publication.period} (edition {publication.edition})",
                code="decision-cites-published-entry",
                params={"decision": decision.value},
            )
        if (dimension, cited) != (subject_kind.value, member):
            raise StepRefusedError(
                f"decide a {decision.value}",
                "another's entry",
                f"the entry cited ({dimension} {cited}) is not about the subject of the decision"
                f" ({subject_kind.value} {member}); a decision cites its subject's own line",
                code="decision-cites-entry-of-subject",
                params={"decision": decision.value},
            )
        if not _grounds(publication, dimension, line, decision, top):
            raise StepRefusedError(
                f"decide a {decision.value}",
                "not grounded",
                f"the line of {dimension} {cited} in the {publication.what.value} of"
                f" {publication.period} (edition {publication.edition}) does not ground a"
                f" {decision.value}: a commendation rests on a red-list line or a ranking within"
                f" the top {top}, a sanction on a black-list line or the bottom of a ranking",
                code="decision-not-grounded-by-entry",
                params={"decision": decision.value, "top": top},
            )
        pending = [
            o.number
            for o in publication.objections
            if o.upheld is None and (o.dimension, o.member) == (dimension, cited)
        ]
        if pending:
            raise StepRefusedError(
                f"decide a {decision.value}",
                "under objection",
                f"objection {pending[0]} to the line of {dimension} {cited} is pending; decide it"
                " first, a decision rests on a line that stands",
                code="decision-entry-under-objection",
                params={"number": pending[0]},
            )
        cites = {
            "publication_id": str(publication.id),
            "what": publication.what.value,
            "period": publication.period,
            "edition": publication.edition,
            "dimension": dimension,
            "member": cited,
            "rank": line["rank"],
            "side": line.get("side"),
            "score": line["score"],
        }
        return cls._create_by(
            cls.Decided,
            id=decision_id,
            actor=actor,
            at=at,
            decision=decision.value,
            subject_kind=subject_kind.value,
            subject_id=subject_id,
            member=member,
            reason=require_text("the reason for the decision", reason),
            cites=cites,
        )

    def withdraw(self, reason: str, *, actor: Actor, at: datetime) -> None:
        """A decision made in error is withdrawn by a later event; both stay on the record."""
        require_role(actor, DECIDERS, f"withdraw a {self.decision.value}")
        if self.withdrawn_at is not None:
            raise ConcludedError(self.decision.value, self.id, "withdrawn", "withdraw")
        self._record(
            self.Withdrawn,
            actor=actor,
            at=at,
            reason=require_text("the reason for the withdrawal", reason),
        )

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "decision": self.decision.value,
            "subject_kind": self.subject_kind.value,
            "subject_id": str(self.subject_id),
            "member": self.member,
            "reason": self.reason,
            "cites": self.cites,
            "withdrawn_at": iso(self.withdrawn_at),
            "withdrawal_reason": self.withdrawal_reason,
        }


def _grounds(
    publication: Publication,
    dimension: str,
    line: dict[str, Any],
    decision: DecisionKind,
    top: int,
) -> bool:
    """Whether the line grounds the decision: its side of a list, or its place in a ranking."""
    if publication.what is Kind.LISTS:
        wanted = Side.BLACK if decision.is_sanction else Side.RED
        return line.get("side") == wanted.value
    rank = line["rank"]
    if rank is None:
        return False
    if not decision.is_sanction:
        return int(rank) <= top
    ranks = {e["member"]: e["rank"] for e in publication.latest["entries"].get(dimension, [])}
    return line["member"] in bottom(ranks)
