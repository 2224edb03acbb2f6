"""Appeal of a rating (申诉) by the unit that was rated, decided by a supervisor.

The rated unit's head may appeal a malicious or mistaken rating within a number of working days
of the rating (policy). One appeal per rating: its id is derived from the evaluation's. An
upheld appeal excludes the rating from scores by an event on the evaluation; the rating itself
stays as it was recorded.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Self
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actors import Actor, Role
from domain.base import Tracked, named_id
from domain.clock import Deadline, WorkingCalendar, working_day_deadline
from domain.errors import NotPermittedError
from domain.evaluation import Evaluation
from domain.policy import Policy
from domain.refusals import ConcludedError, WindowClosedError, iso, require_role, require_text


class Grounds(StrEnum):
    MALICIOUS = "malicious"
    MISTAKEN = "mistaken"


class Appeal(Tracked):
    """A unit's objection to one rating, and the supervisor's decision on it."""

    kind: ClassVar[str] = "appeal"

    class Filed(Tracked.Created):
        evaluation_id: UUID
        unit_id: UUID
        grounds: str
        reason: str
        window: dict[str, Any]
        policy_version: str

    class Decided(Tracked.Event):
        upheld: bool
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Appeal)
            aggregate.upheld, aggregate.decision_reason = self.upheld, self.reason
            aggregate.decided_at = self.timestamp

    def __init__(
        self,
        *,
        evaluation_id: UUID,
        unit_id: UUID,
        grounds: str,
        reason: str,
        window: dict[str, Any],
        policy_version: str,
    ) -> None:
        self.evaluation_id, self.unit_id = evaluation_id, unit_id
        self.grounds, self.reason = Grounds(grounds), reason
        self.window, self.policy_version = Deadline.from_data(window), policy_version
        self.upheld: bool | None = None
        self.decision_reason: str | None = None
        self.decided_at: datetime | None = None

    @staticmethod
    def id_for(evaluation_id: UUID) -> UUID:
        return named_id("appeal", str(evaluation_id))

    @classmethod
    def file(
        cls,
        evaluation: Evaluation,
        grounds: Grounds,
        reason: str,
        *,
        actor: Actor,
        actor_unit: UUID | None,
        at: datetime,
        policy: Policy,
        calendar: WorkingCalendar,
    ) -> Self:
        require_role(actor, (Role.UNIT_HEAD,), "appeal a rating")
        if actor_unit != evaluation.unit_id:
            raise NotPermittedError(
                f"evaluation {evaluation.id} rated unit {evaluation.unit_id}; only that unit's"
                " head may appeal it",
                code="appeal-by-rated-unit-head",
            )
        days = policy.evaluation.appeal_window_working_days
        window = working_day_deadline(
            evaluation.rated_at, days, calendar, tz=policy.tz, policy_version=policy.version
        )
        if at >= window.due_at:
            raise WindowClosedError(
                "appeal the rating",
                f"appealing evaluation {evaluation.id}",
                window.due_at,
                f"policy {policy.version}: {days} working days after the rating",
            )
        return cls._create_by(
            cls.Filed,
            id=cls.id_for(evaluation.id),
            actor=actor,
            at=at,
            evaluation_id=evaluation.id,
            unit_id=evaluation.unit_id,
            grounds=grounds.value,
            reason=require_text("the reason for an appeal", reason),
            window=window.to_data(),
            policy_version=policy.version,
        )

    def decide(self, upheld: bool, reason: str, *, actor: Actor, at: datetime) -> None:
        require_role(actor, (Role.SUPERVISOR,), "decide an appeal")
        if self.upheld is not None:
            raise ConcludedError("appeal", self.id, f"decided ({self.status})", "decide")
        self._record(
            self.Decided,
            actor=actor,
            at=at,
            upheld=upheld,
            reason=require_text("the reason for the decision", reason),
        )

    @property
    def status(self) -> str:
        if self.upheld is None:
            return "pending"
        return "upheld" if self.upheld else "rejected"

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "evaluation_id": str(self.evaluation_id),
            "unit_id": str(self.unit_id),
            "grounds": self.grounds.value,
            "reason": self.reason,
            "status": self.status,
            "window_ends": self.window.due_at.isoformat(),
            "decision_reason": self.decision_reason,
            "decided_at": iso(self.decided_at),
            "policy_version": self.policy_version,
        }
