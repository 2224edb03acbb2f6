"""Rectification of a 差评 (差评整改): callback and verification, measures, outcome, re-rating.

Every 差评 opens one, with two clocks counted in working days from the rating (policy): the
callback and verification, then the rectification itself. A real-name rater must be called
back before the rectification can be completed; an anonymous rater cannot be, so the unit
records its verification without a callback instead. Completion invites the rater to re-rate.

A rectification completed before its deadline counts in 差评整改率, so its deadline is never
the unit's own to move: the unit's head asks for an extension before the deadline, and a
supervisor decides it, by the deadline it extends.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar, Self
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actors import SYSTEM, Actor, Role
from domain.base import Tracked, named_id
from domain.clock import Deadline, Extension, WorkingCalendar, natural_day_deadline
from domain.clock import working_day_deadline as count_working_days
from domain.errors import InvalidInputError, NotPermittedError
from domain.evaluation import Evaluation
from domain.policy import Policy
from domain.refusals import ConcludedError, StepRefusedError, iso, require_role, require_text

UNIT_STAFF = (Role.WINDOW_STAFF, Role.UNIT_HEAD)


class Stage(StrEnum):
    AWAITING_CALLBACK = "awaiting_callback"
    RECTIFYING = "rectifying"
    COMPLETED = "completed"


class Outcome(StrEnum):
    RECTIFIED = "rectified"
    PARTLY_RECTIFIED = "partly_rectified"
    NOT_SUBSTANTIATED = "not_substantiated"
    EXPLAINED = "explained"

    @property
    def needs_measures(self) -> bool:
        return self in (Outcome.RECTIFIED, Outcome.PARTLY_RECTIFIED)


class Rectification(Tracked):
    """What the rated unit did about one 差评, against its two clocks."""

    kind: ClassVar[str] = "rectification"

    class Opened(Tracked.Created):
        evaluation_id: UUID
        round: int
        unit_id: UUID
        real_name: bool
        rated_at: datetime
        callback_due: dict[str, Any]
        rectification_due: dict[str, Any]
        policy_version: str

    class CallbackRecorded(Tracked.Event):
        reached: bool
        complaint_verified: bool | None
        note: str
        on_time: bool

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Rectification)
            aggregate.callbacks.append(
                {
                    "at": self.timestamp.isoformat(),
                    "reached": self.reached,
                    "complaint_verified": self.complaint_verified,
                    "note": self.note,
                    "on_time": self.on_time,
                }
            )
            aggregate.stage = Stage.RECTIFYING

    class VerifiedWithoutCallback(Tracked.Event):
        why: str
        complaint_verified: bool
        note: str
        on_time: bool

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Rectification)
            aggregate.verification = {
                "at": self.timestamp.isoformat(),
                "why": self.why,
                "complaint_verified": self.complaint_verified,
                "note": self.note,
                "on_time": self.on_time,
            }
            aggregate.stage = Stage.RECTIFYING

    class MeasuresRecorded(Tracked.Event):
        measures: list[str]

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Rectification)
            aggregate.measures.extend(self.measures)

    class ExtensionRequested(Tracked.Event):
        working_days: int
        reason: str
        policy_version: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Rectification)
            aggregate.pending_extension = (self.working_days, self.reason, self.actor_id)

    class ExtensionRefused(Tracked.Event):
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Rectification)
            aggregate.pending_extension = None

    class Extended(Tracked.Event):
        working_days: int
        approved_on: str
        reason: str
        rectification_due: dict[str, Any]
        policy_version: str
        requested_by: str | None = None
        """Who asked (the unit's head); None on extensions its head granted alone, before
        extensions were decided by a supervisor."""

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Rectification)
            aggregate.pending_extension = None
            aggregate.extensions.append(
                Extension(self.working_days, date.fromisoformat(self.approved_on), self.reason)
            )
            aggregate.rectification_due = Deadline.from_data(self.rectification_due)

    class Completed(Tracked.Event):
        outcome: str
        summary: str
        on_time: bool

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Rectification)
            aggregate.stage = Stage.COMPLETED
            aggregate.outcome, aggregate.summary = Outcome(self.outcome), self.summary
            aggregate.completed_at, aggregate.completed_on_time = self.timestamp, self.on_time

    class ReRatingInvited(Tracked.Event):
        window_ends: datetime
        policy_version: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Rectification)
            aggregate.rerate_window_ends = self.window_ends

    def __init__(
        self,
        *,
        evaluation_id: UUID,
        round: int,
        unit_id: UUID,
        real_name: bool,
        rated_at: datetime,
        callback_due: dict[str, Any],
        rectification_due: dict[str, Any],
        policy_version: str,
    ) -> None:
        self.evaluation_id, self.round, self.unit_id = evaluation_id, round, unit_id
        self.real_name, self.rated_at, self.policy_version = real_name, rated_at, policy_version
        self.callback_due = Deadline.from_data(callback_due)
        self.rectification_due = Deadline.from_data(rectification_due)
        self.stage = Stage.AWAITING_CALLBACK
        self.callbacks: list[dict[str, Any]] = []
        self.verification: dict[str, Any] | None = None
        self.measures: list[str] = []
        self.extensions: list[Extension] = []
        self.pending_extension: tuple[int, str, str] | None = None
        """(working days, reason, who asked) of an extension waiting for its decision."""
        self.outcome: Outcome | None = None
        self.summary: str | None = None
        self.completed_at: datetime | None = None
        self.completed_on_time: bool | None = None
        self.rerate_window_ends: datetime | None = None

    @staticmethod
    def id_for(evaluation_id: UUID, round: int = 1) -> UUID:
        return named_id("rectification", f"{evaluation_id}:{round}")

    @classmethod
    def open_for(
        cls,
        evaluation: Evaluation,
        *,
        round: int,
        at: datetime,
        policy: Policy,
        calendar: WorkingCalendar,
    ) -> Self:
        """Opened by the 差评 itself, so the system is its actor (the rater stays unnamed)."""
        if not evaluation.is_bad:
            raise InvalidInputError(
                f"evaluation {evaluation.id} is not a 差评; nothing to rectify",
                code="rectify-bad-review-only",
            )
        rules = policy.evaluation
        return cls._create_by(
            cls.Opened,
            id=cls.id_for(evaluation.id, round),
            actor=SYSTEM,
            at=at,
            evaluation_id=evaluation.id,
            round=round,
            unit_id=evaluation.unit_id,
            real_name=evaluation.real_name,
            rated_at=at,
            callback_due=_count(at, rules.callback_working_days, calendar, policy).to_data(),
            rectification_due=_count(
                at, rules.rectification_working_days, calendar, policy
            ).to_data(),
            policy_version=policy.version,
        )

    def record_callback(
        self,
        *,
        reached: bool,
        complaint_verified: bool | None,
        note: str,
        actor: Actor,
        actor_unit: UUID | None,
        at: datetime,
    ) -> None:
        """A call to the rater (回访): were they reached, and did the complaint hold up?"""
        self._require_open("record a callback", actor, actor_unit)
        if not self.real_name:
            raise StepRefusedError(
                "record a callback",
                self.stage.value,
                f"the rater of rectification {self.id} rated anonymously and cannot be called"
                " back; record the verification without a callback instead",
                code="anonymous-rater-no-callback",
            )
        if not reached and complaint_verified is not None:
            raise InvalidInputError(
                "a callback that did not reach the rater verified nothing",
                code="callback-must-reach-rater",
            )
        self._record(
            self.CallbackRecorded,
            actor=actor,
            at=at,
            reached=reached,
            complaint_verified=complaint_verified,
            note=note.strip(),
            on_time=at < self.callback_due.due_at,
        )

    def record_verification_without_callback(
        self,
        *,
        complaint_verified: bool,
        note: str,
        actor: Actor,
        actor_unit: UUID | None,
        at: datetime,
    ) -> None:
        """For an anonymous 差评: the unit checks the complaint on its own records."""
        self._require_open("record a verification", actor, actor_unit)
        if self.real_name:
            raise StepRefusedError(
                "record a verification without a callback",
                self.stage.value,
                f"the rater of rectification {self.id} rated under their real name and must be"
                " called back",
                code="real-name-rater-needs-callback",
            )
        self._record(
            self.VerifiedWithoutCallback,
            actor=actor,
            at=at,
            why="the rater is anonymous",
            complaint_verified=complaint_verified,
            note=require_text("note", note),
            on_time=at < self.callback_due.due_at,
        )

    def record_measures(
        self, measures: list[str], *, actor: Actor, actor_unit: UUID | None, at: datetime
    ) -> None:
        self._require_open("record measures", actor, actor_unit)
        if self.stage is Stage.AWAITING_CALLBACK:
            raise StepRefusedError(
                "record measures",
                self.stage.value,
                f"rectification {self.id} awaits its callback and verification; record those"
                " before the measures",
                ["record_callback", "extend"],
                code="measures-after-verification",
            )
        cleaned = [m.strip() for m in measures if m.strip()]
        if not cleaned:
            raise InvalidInputError(
                "record at least one rectification measure",
                code="measure-required",
            )
        self._record(self.MeasuresRecorded, actor=actor, at=at, measures=cleaned)

    def request_extension(
        self,
        working_days: int,
        reason: str,
        *,
        actor: Actor,
        actor_unit: UUID | None,
        at: datetime,
        policy: Policy,
    ) -> None:
        """The unit's head asks for more working days, before the deadline."""
        self._require_open("extend", actor, actor_unit)
        require_role(actor, (Role.UNIT_HEAD,), "extend a rectification")
        rules = policy.extension
        if len(self.extensions) >= rules.max_count:
            raise StepRefusedError(
                "extend",
                self.stage.value,
                f"rectification {self.id} was extended {len(self.extensions)} time(s);"
                f" policy {policy.version} allows {rules.max_count}",
                code="extension-count",
                params={"allowed": rules.max_count},
            )
        if not 1 <= working_days <= rules.max_working_days:
            raise InvalidInputError(
                f"an extension is 1 to {rules.max_working_days} working days"
                f" (policy {policy.version}), not {working_days}",
                code="rectification-extension-range",
                params={
                    "most": rules.max_working_days,
                    "policy": policy.version,
                    "asked": working_days,
                },
            )
        self._require_before_due("ask for an extension", at)
        if self.pending_extension is not None:
            raise StepRefusedError(
                "extend",
                "extension requested",
                f"rectification {self.id} has an extension request waiting for a supervisor's"
                " decision",
                code="extension-pending",
            )
        self._record(
            self.ExtensionRequested,
            actor=actor,
            at=at,
            working_days=working_days,
            reason=require_text("the reason for an extension", reason),
            policy_version=policy.version,
        )

    def decide_extension(
        self,
        approved: bool,
        reason: str,
        *,
        actor: Actor,
        at: datetime,
        policy: Policy,
        calendar: WorkingCalendar,
    ) -> None:
        """A supervisor, never the one who asked, decides by the deadline it would extend: a
        late approval never turns a late rectification on time."""
        require_role(actor, (Role.SUPERVISOR,), "decide a rectification's extension")
        if self.stage is Stage.COMPLETED:
            raise ConcludedError("rectification", self.id, self.stage.value, "decide")
        if self.pending_extension is None:
            raise StepRefusedError(
                "decide an extension",
                self.stage.value,
                f"rectification {self.id} has no extension request waiting",
                code="no-extension-request",
            )
        working_days, asked_reason, asked_by = self.pending_extension
        if actor.id == asked_by:
            raise NotPermittedError(
                f"{actor.id} asked for this extension and may not decide it",
                code="extension-decided-by-another",
            )
        reason = require_text("the reason for the decision", reason)
        if not approved:
            self._record(self.ExtensionRefused, actor=actor, at=at, reason=reason)
            return
        self._require_before_due("approve the extension", at)
        approved_on = at.astimezone(policy.tz).date()
        extensions = [*self.extensions, Extension(working_days, approved_on, asked_reason)]
        due = _count(
            self.rated_at,
            policy.evaluation.rectification_working_days,
            calendar,
            policy,
            extensions,
        )
        self._record(
            self.Extended,
            actor=actor,
            at=at,
            working_days=working_days,
            approved_on=approved_on.isoformat(),
            reason=asked_reason,
            rectification_due=due.to_data(),
            policy_version=policy.version,
            requested_by=asked_by,
        )

    def _require_before_due(self, step: str, at: datetime) -> None:
        if at >= self.rectification_due.due_at:
            due = self.rectification_due.due_at.isoformat()
            raise StepRefusedError(
                "extend",
                "overdue",
                f"rectification {self.id} was due at {due}; an extension is asked for and"
                f" decided before the deadline (cannot {step} now)",
                code="extension-before-deadline",
                params={"due": due},
            )

    def complete(
        self,
        outcome: Outcome,
        summary: str,
        *,
        actor: Actor,
        actor_unit: UUID | None,
        at: datetime,
    ) -> None:
        self._require_open("complete", actor, actor_unit)
        require_role(actor, (Role.UNIT_HEAD,), "complete a rectification")
        if self.real_name and not self.callbacks:
            raise StepRefusedError(
                "complete",
                self.stage.value,
                f"rectification {self.id} is of a real-name 差评, which must get a callback;"
                " record the callback first",
                ["record_callback"],
                code="completion-needs-callback",
            )
        if self.stage is Stage.AWAITING_CALLBACK:
            raise StepRefusedError(
                "complete",
                self.stage.value,
                f"rectification {self.id} awaits the verification of the complaint",
                ["record_verification_without_callback"],
                code="completion-needs-verification",
            )
        if outcome.needs_measures and not self.measures:
            raise StepRefusedError(
                "complete",
                self.stage.value,
                f"rectification {self.id} records no measures; it cannot be {outcome.value}",
                ["record_measures"],
                code="completion-needs-measures",
            )
        self._record(
            self.Completed,
            actor=actor,
            at=at,
            outcome=outcome.value,
            summary=require_text("the summary of the outcome", summary),
            on_time=at < self.rectification_due.due_at,
        )

    def invite_rerating(self, *, at: datetime, policy: Policy, calendar: WorkingCalendar) -> None:
        """Open the re-rating window that follows a completed rectification."""
        if self.stage is not Stage.COMPLETED or self.rerate_window_ends is not None:
            raise StepRefusedError(
                "invite a re-rating",
                self.stage.value,
                f"rectification {self.id} invites a re-rating once, when it is completed",
                code="rerating-invited-once",
            )
        days = policy.evaluation.rating_window_days
        ends = natural_day_deadline(at, days, calendar, tz=policy.tz)
        self._record(
            self.ReRatingInvited,
            actor=SYSTEM,
            at=at,
            window_ends=ends,
            policy_version=policy.version,
        )

    def _require_open(self, step: str, actor: Actor, actor_unit: UUID | None) -> None:
        if self.stage is Stage.COMPLETED:
            raise ConcludedError("rectification", self.id, self.stage.value, step)
        require_role(actor, UNIT_STAFF, f"{step} on a rectification")
        if actor_unit != self.unit_id:
            raise NotPermittedError(
                f"rectification {self.id} belongs to unit {self.unit_id}; {actor.id} works"
                f" elsewhere",
                code="rectification-of-own-unit",
            )

    def is_overdue(self, at: datetime) -> bool:
        return self.stage is not Stage.COMPLETED and at >= self.rectification_due.due_at

    def callback_overdue(self, at: datetime) -> bool:
        return self.stage is Stage.AWAITING_CALLBACK and at >= self.callback_due.due_at

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "evaluation_id": str(self.evaluation_id),
            "round": self.round,
            "unit_id": str(self.unit_id),
            "real_name": self.real_name,
            "stage": self.stage.value,
            "rated_at": iso(self.rated_at),
            "callback_due": self.callback_due.due_at.isoformat(),
            "rectification_due": self.rectification_due.due_at.isoformat(),
            "callbacks": self.callbacks,
            "verification": self.verification,
            "measures": self.measures,
            "extensions": [
                {
                    "working_days": e.working_days,
                    "on": e.approved_on.isoformat(),
                    "reason": e.reason,
                }
                for e in self.extensions
            ],
            "pending_extension": None
            if self.pending_extension is None
            else {
                "working_days": self.pending_extension[0],
                "reason": self.pending_extension[1],
                "by": self.pending_extension[2],
            },
            "outcome": self.outcome.value if self.outcome else None,
            "summary": self.summary,
            "completed_at": iso(self.completed_at),
            "completed_on_time": self.completed_on_time,
            "rerate_window_ends": iso(self.rerate_window_ends),
            "policy_version": self.policy_version,
        }


def _count(
    start: datetime,
    working_days: int,
    calendar: WorkingCalendar,
    policy: Policy,
    extensions: list[Extension] | None = None,
) -> Deadline:
    return count_working_days(
        start,
        working_days,
        calendar,
        tz=policy.tz,
        policy_version=policy.version,
        extensions=extensions or (),
    )
