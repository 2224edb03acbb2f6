"""Accountability matters (问责), judged under the three distinctions (三个区分开来).

An inspector opens a matter on a case, a staff member or a unit, records what the investigation
found, classifies the conduct on each of the three distinctions as the lenient or the strict
side, and decides the outcome. Exemption (容错免责) is open only when all three fall on the
lenient side. A false accusation is cleared (澄清正名) by its own event. Only inspectors act.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Self
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actors import Actor, Role
from domain.base import Tracked
from domain.errors import InvalidInputError
from domain.refusals import ConcludedError, StepRefusedError, iso, require_role, require_text

INSPECTORS = (Role.INSPECTOR,)

DISTINCTIONS: dict[str, tuple[str, str]] = {
    "inexperience_vs_knowing": (
        "honest mistake from inexperience or reform (缺乏经验、先行先试出现的失误)",
        "knowing violation (明知故犯的违纪违法)",
    ),
    "experiment_vs_ban": (
        "mistake in an untried experiment (尚无明确限制的探索性试验中的失误)",
        "continuing after a ban (上级明令禁止后依然我行我素)",
    ),
    "development_vs_private_gain": (
        "unintentional error to promote development (为推动发展的无意过失)",
        "violation for private gain (为谋取私利的违纪违法)",
    ),
}


class Side(StrEnum):
    LENIENT = "lenient"
    STRICT = "strict"


class Outcome(StrEnum):
    CRITICISM_EDUCATION = "criticism_education"
    ORDERED_RECTIFICATION = "ordered_rectification"
    ORGANISATIONAL_HANDLING = "organisational_handling"
    EXEMPTION = "exemption"


class SubjectKind(StrEnum):
    CASE = "case"
    STAFF = "staff"
    UNIT = "unit"
    ACCUSER = "accuser"
    """Whoever made an accusation found false: the subject is their sealed identity (a data
    subject), opened only by a recorded identity read (十二: 从严查处诬告陷害)."""


class AccountabilityMatter(Tracked):
    """One matter from the allegation to its outcome or the clearing of the accused."""

    kind: ClassVar[str] = "accountability"

    class Opened(Tracked.Created):
        subject_kind: str
        subject_id: UUID
        allegation: str
        source: str | None

    class FindingsRecorded(Tracked.Event):
        findings: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, AccountabilityMatter)
            aggregate.findings.append(self.findings)

    class Classified(Tracked.Event):
        classification: dict[str, str]
        notes: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, AccountabilityMatter)
            aggregate.classification = {k: Side(v) for k, v in self.classification.items()}
            aggregate.classification_notes = self.notes

    class OutcomeDecided(Tracked.Event):
        outcome: str
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, AccountabilityMatter)
            aggregate.outcome, aggregate.outcome_reason = Outcome(self.outcome), self.reason
            aggregate.concluded_at = self.timestamp

    class Cleared(Tracked.Event):
        statement: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, AccountabilityMatter)
            aggregate.clearing_statement, aggregate.concluded_at = self.statement, self.timestamp

    class ClearingCircularRequested(Tracked.Event):
        request: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, AccountabilityMatter)
            aggregate.circular_request = self.request

    class ClearingPublished(Tracked.Event):
        circular_id: UUID

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, AccountabilityMatter)
            aggregate.clearing_circular_id = self.circular_id

    class AccuserMatterOpened(Tracked.Event):
        matter_id: UUID
        case_id: UUID

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, AccountabilityMatter)
            aggregate.accuser_matter_id = self.matter_id

    def __init__(
        self, *, subject_kind: str, subject_id: UUID, allegation: str, source: str | None
    ) -> None:
        self.subject_kind, self.subject_id = SubjectKind(subject_kind), subject_id
        self.allegation, self.source = allegation, source
        self.findings: list[str] = []
        self.classification: dict[str, Side] | None = None
        self.classification_notes: str | None = None
        self.outcome: Outcome | None = None
        self.outcome_reason: str | None = None
        self.clearing_statement: str | None = None
        self.concluded_at: datetime | None = None
        self.circular_request: str | None = None
        self.clearing_circular_id: UUID | None = None
        self.accuser_matter_id: UUID | None = None

    @classmethod
    def open(
        cls,
        matter_id: UUID,
        *,
        subject_kind: SubjectKind,
        subject_id: UUID,
        allegation: str,
        source: str | None,
        actor: Actor,
        at: datetime,
    ) -> Self:
        require_role(actor, INSPECTORS, "open an accountability matter")
        return cls._create_by(
            cls.Opened,
            id=matter_id,
            actor=actor,
            at=at,
            subject_kind=subject_kind.value,
            subject_id=subject_id,
            allegation=require_text("the allegation", allegation),
            source=source.strip() if source and source.strip() else None,
        )

    def record_findings(self, findings: str, *, actor: Actor, at: datetime) -> None:
        self._require_open("record findings", actor)
        self._record(
            self.FindingsRecorded,
            actor=actor,
            at=at,
            findings=require_text("the findings", findings),
        )

    def classify(
        self, classification: dict[str, Side], notes: str, *, actor: Actor, at: datetime
    ) -> None:
        """Place the conduct on each distinction; a later classification supersedes it."""
        self._require_open("classify", actor)
        if not self.findings:
            raise StepRefusedError(
                "classify",
                self.status,
                f"accountability matter {self.id} has no findings yet; classify what the"
                " investigation found",
                ["record_findings"],
                code="classify-needs-findings",
            )
        missing = sorted(set(DISTINCTIONS) - set(classification))
        unknown = sorted(set(classification) - set(DISTINCTIONS))
        if missing or unknown:
            raise InvalidInputError(
                "classify on each of the three distinctions"
                f" ({', '.join(DISTINCTIONS)}); missing: {', '.join(missing) or 'none'},"
                f" unknown: {', '.join(unknown) or 'none'}",
                code="three-distinctions-incomplete",
                params={"missing": list(missing), "unknown": list(unknown)},
            )
        self._record(
            self.Classified,
            actor=actor,
            at=at,
            classification={k: Side(classification[k]).value for k in DISTINCTIONS},
            notes=require_text("the grounds of the classification", notes),
        )

    def decide(self, outcome: Outcome, reason: str, *, actor: Actor, at: datetime) -> None:
        self._require_open("decide the outcome", actor)
        if self.classification is None:
            raise StepRefusedError(
                "decide the outcome",
                self.status,
                f"accountability matter {self.id} is not classified under the three"
                " distinctions yet",
                ["classify"],
                code="outcome-needs-classification",
            )
        strict = sorted(k for k, side in self.classification.items() if side is Side.STRICT)
        if outcome is Outcome.EXEMPTION and strict:
            raise StepRefusedError(
                "exempt",
                self.status,
                f"accountability matter {self.id} cannot end in exemption (容错免责): it is on"
                f" the strict side of {', '.join(strict)}; exemption needs the lenient side of"
                " all three distinctions",
                code="exemption-needs-lenient-side", params={"strict": list(strict)},
            )
        self._record(
            self.OutcomeDecided,
            actor=actor,
            at=at,
            outcome=outcome.value,
            reason=require_text("the reason for the outcome", reason),
        )

    def clear(self, statement: str, *, actor: Actor, at: datetime) -> None:
        """澄清正名: the investigation showed the accusation false; say so on the record."""
        self._require_open("clear the accused", actor)
        if not self.findings:
            raise StepRefusedError(
                "clear the accused",
                self.status,
                f"accountability matter {self.id} has no findings yet; a clearing rests on them",
                ["record_findings"],
                code="clearing-needs-findings",
            )
        self._record(
            self.Cleared,
            actor=actor,
            at=at,
            statement=require_text("the clearing statement", statement),
        )

    def request_clearing_circular(
        self, request: str, *, actor: Actor, at: datetime, by_the_cleared: bool = False
    ) -> None:
        """Record that the cleared person asked for the clearing to be published: they ask
        themselves (``by_the_cleared``: the staff member cleared, or the head of the unit
        cleared), or an inspector records how and when they asked (``request``). A clearing is
        published only at their request."""
        step = "record the request to publish the clearing"
        if not by_the_cleared:
            require_role(actor, INSPECTORS, f"{step} on an accountability matter")
        self._require_clearing(step)
        if self.circular_request is not None:
            raise StepRefusedError(
                step,
                self.status,
                f"the request to publish the clearing of matter {self.id} is recorded",
                code="clearing-request-recorded-once",
            )
        self._record(
            self.ClearingCircularRequested,
            actor=actor,
            at=at,
            request=require_text("how the cleared person asked", request),
        )

    def record_clearing_published(self, circular_id: UUID, *, actor: Actor, at: datetime) -> None:
        """The clearing went out as circular ``circular_id`` (published in the same commit)."""
        self._require_cleared("publish the clearing", actor)
        if self.circular_request is None:
            raise StepRefusedError(
                "publish the clearing",
                self.status,
                f"the person cleared by matter {self.id} has not asked for it to be published;"
                " a clearing is published as a circular only at their request",
                ["request_clearing_circular"],
                code="clearing-circular-needs-request",
            )
        if self.clearing_circular_id is not None:
            raise StepRefusedError(
                "publish the clearing",
                self.status,
                f"the clearing of matter {self.id} was published",
                code="clearing-published-once",
            )
        if self.subject_kind not in (SubjectKind.STAFF, SubjectKind.UNIT):
            raise StepRefusedError(
                "publish the clearing",
                self.status,
                f"matter {self.id} is on a {self.subject_kind.value}; a clearing circular names"
                " the staff member or unit cleared",
                code="clearing-circular-names-person",
            )
        self._record(self.ClearingPublished, actor=actor, at=at, circular_id=circular_id)

    def record_accuser_matter(
        self, matter_id: UUID, case_id: UUID, *, actor: Actor, at: datetime
    ) -> None:
        """A matter against whoever made the accusation (through ``case_id``) was opened."""
        self._require_cleared("open a matter against the accuser", actor)
        if self.accuser_matter_id is not None:
            raise StepRefusedError(
                "open a matter against the accuser",
                self.status,
                f"a matter against the accuser was opened from matter {self.id}",
                code="accuser-matter-opened-once",
            )
        self._record(
            self.AccuserMatterOpened, actor=actor, at=at, matter_id=matter_id, case_id=case_id
        )

    def _require_cleared(self, step: str, actor: Actor) -> None:
        require_role(actor, INSPECTORS, f"{step} on an accountability matter")
        self._require_clearing(step)

    def _require_clearing(self, step: str) -> None:
        if self.clearing_statement is None:
            raise StepRefusedError(
                step,
                self.status,
                f"accountability matter {self.id} has not cleared anybody; {step} follows a"
                " clearing (澄清正名)",
                ["clear"],
                code="needs-clearing",
            )

    def _require_open(self, step: str, actor: Actor) -> None:
        require_role(actor, INSPECTORS, f"{step} on an accountability matter")
        if self.concluded_at is not None:
            raise ConcludedError("accountability matter", self.id, self.status, step)

    @property
    def status(self) -> str:
        if self.clearing_statement is not None:
            return "cleared"
        if self.outcome is not None:
            return f"concluded ({self.outcome.value})"
        if self.classification is not None:
            return "classified"
        return "investigating" if self.findings else "opened"

    @property
    def lenient_on_all(self) -> bool:
        return self.classification is not None and all(
            side is Side.LENIENT for side in self.classification.values()
        )

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "subject_kind": self.subject_kind.value,
            "subject_id": str(self.subject_id),
            "allegation": self.allegation,
            "source": self.source,
            "status": self.status,
            "findings": self.findings,
            "classification": (
                {k: v.value for k, v in self.classification.items()}
                if self.classification
                else None
            ),
            "classification_notes": self.classification_notes,
            "outcome": self.outcome.value if self.outcome else None,
            "outcome_reason": self.outcome_reason,
            "clearing_statement": self.clearing_statement,
            "concluded_at": iso(self.concluded_at),
            "circular_request": self.circular_request,
            "clearing_circular_id": str(self.clearing_circular_id)
            if self.clearing_circular_id
            else None,
            "accuser_matter_id": str(self.accuser_matter_id) if self.accuser_matter_id else None,
        }
