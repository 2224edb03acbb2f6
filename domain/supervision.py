"""Supervision orders (督办): a supervisor presses a unit on a case or on its work.

An order names its target (a case or a unit), the unit that must answer, what it must answer,
and a deadline with its derivation. The unit's head responds; the supervisor closes the order
once answered. Whether an order is overdue is computed from the stored deadline.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Self
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actors import Actor, Role
from domain.base import Tracked
from domain.clock import Deadline
from domain.errors import InvalidInputError, NotPermittedError
from domain.refusals import ConcludedError, StepRefusedError, iso, require_role, require_text


class TargetKind(StrEnum):
    CASE = "case"
    UNIT = "unit"


class Supervision(Tracked):
    """One supervision order and its answer."""

    kind: ClassVar[str] = "supervision"

    class Issued(Tracked.Created):
        target_kind: str
        target_id: UUID
        unit_id: UUID
        instruction: str
        required_response: str
        deadline: dict[str, Any]

    class Responded(Tracked.Event):
        response: str
        late: bool

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Supervision)
            aggregate.responses.append(
                {
                    "at": self.timestamp.isoformat(),
                    "by": self.actor_id,
                    "response": self.response,
                    "late": self.late,
                }
            )

    class Closed(Tracked.Event):
        conclusion: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Supervision)
            aggregate.closed_at, aggregate.conclusion = self.timestamp, self.conclusion

    def __init__(
        self,
        *,
        target_kind: str,
        target_id: UUID,
        unit_id: UUID,
        instruction: str,
        required_response: str,
        deadline: dict[str, Any],
    ) -> None:
        self.target_kind, self.target_id = TargetKind(target_kind), target_id
        self.unit_id, self.instruction = unit_id, instruction
        self.required_response = required_response
        self.deadline = Deadline.from_data(deadline)
        self.responses: list[dict[str, Any]] = []
        self.closed_at: datetime | None = None
        self.conclusion: str | None = None

    @classmethod
    def issue(
        cls,
        order_id: UUID,
        *,
        target_kind: TargetKind,
        target_id: UUID,
        unit_id: UUID,
        instruction: str,
        required_response: str,
        deadline: Deadline,
        actor: Actor,
        at: datetime,
    ) -> Self:
        require_role(actor, (Role.SUPERVISOR,), "issue a supervision order")
        if deadline.due_at <= at:
            raise InvalidInputError(
                f"a supervision order's deadline ({deadline.due_at.isoformat()}) must be after"
                " it is issued",
                code="supervision-deadline-after-issue",
            )
        return cls._create_by(
            cls.Issued,
            id=order_id,
            actor=actor,
            at=at,
            target_kind=target_kind.value,
            target_id=target_id,
            unit_id=unit_id,
            instruction=require_text("the instruction", instruction),
            required_response=require_text("the required response", required_response),
            deadline=deadline.to_data(),
        )

    def respond(
        self, response: str, *, actor: Actor, actor_unit: UUID | None, at: datetime
    ) -> None:
        self._require_open("respond")
        require_role(actor, (Role.UNIT_HEAD,), "respond to a supervision order")
        if actor_unit != self.unit_id:
            raise NotPermittedError(
                f"supervision order {self.id} is addressed to unit {self.unit_id}; only its head"
                " responds",
                code="supervision-answered-by-unit-head",
            )
        self._record(
            self.Responded,
            actor=actor,
            at=at,
            response=require_text("the response", response),
            late=at >= self.deadline.due_at,
        )

    def close(self, conclusion: str, *, actor: Actor, at: datetime) -> None:
        self._require_open("close")
        require_role(actor, (Role.SUPERVISOR,), "close a supervision order")
        if not self.responses:
            raise StepRefusedError(
                "close",
                self.status,
                f"supervision order {self.id} awaits the response of unit {self.unit_id}",
                ["respond"],
                code="supervision-awaits-response",
            )
        self._record(
            self.Closed, actor=actor, at=at, conclusion=require_text("the conclusion", conclusion)
        )

    def _require_open(self, step: str) -> None:
        if self.closed_at is not None:
            raise ConcludedError("supervision order", self.id, "closed", step)

    @property
    def status(self) -> str:
        if self.closed_at is not None:
            return "closed"
        return "responded" if self.responses else "awaiting_response"

    def is_overdue(self, at: datetime) -> bool:
        """Unanswered past its deadline (an answer, even late, stops the overdue count)."""
        return not self.responses and self.closed_at is None and at >= self.deadline.due_at

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "target_kind": self.target_kind.value,
            "target_id": str(self.target_id),
            "unit_id": str(self.unit_id),
            "instruction": self.instruction,
            "required_response": self.required_response,
            "due_at": self.deadline.due_at.isoformat(),
            "status": self.status,
            "responses": self.responses,
            "closed_at": iso(self.closed_at),
            "conclusion": self.conclusion,
        }
