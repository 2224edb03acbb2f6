"""Named circulars (实名通报): a supervisor names staff or units, and says why, in public.

A circular is published from a source (a red/black list, an overdue board, an assessment
period). It is never edited: a circular published in error is withdrawn by a later event with
a reason, and both stay in the record.
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
from domain.refusals import ConcludedError, iso, require_role, require_text


class SubjectKind(StrEnum):
    STAFF = "staff"
    UNIT = "unit"
    WINDOW = "window"


class SourceKind(StrEnum):
    LIST = "list"
    BOARD = "board"
    PERIOD = "period"


class Circular(Tracked):
    """One published circular naming who and why."""

    kind: ClassVar[str] = "circular"

    class Published(Tracked.Created):
        title: str
        source_kind: str
        source_ref: str
        subjects: list[dict[str, str]]

    class Withdrawn(Tracked.Event):
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Circular)
            aggregate.withdrawn_at, aggregate.withdrawal_reason = self.timestamp, self.reason

    def __init__(
        self, *, title: str, source_kind: str, source_ref: str, subjects: list[dict[str, str]]
    ) -> None:
        self.title, self.source_kind, self.source_ref = title, SourceKind(source_kind), source_ref
        self.subjects = [dict(s) for s in subjects]
        self.withdrawn_at: datetime | None = None
        self.withdrawal_reason: str | None = None

    @classmethod
    def publish(
        cls,
        circular_id: UUID,
        *,
        title: str,
        source_kind: SourceKind,
        source_ref: str,
        subjects: list[tuple[SubjectKind, str, str]],
        actor: Actor,
        at: datetime,
    ) -> Self:
        """``subjects`` are (kind, who: a login or a unit/window code or id, why)."""
        require_role(actor, (Role.SUPERVISOR,), "publish a named circular")
        if not subjects:
            raise InvalidInputError("a named circular names at least one staff member or unit")
        named = [
            {
                "kind": kind.value,
                "who": require_text("who is named", who),
                "why": require_text(f"why {who} is named", why),
            }
            for kind, who, why in subjects
        ]
        return cls._create_by(
            cls.Published,
            id=circular_id,
            actor=actor,
            at=at,
            title=require_text("the title", title),
            source_kind=source_kind.value,
            source_ref=require_text("the source (which list, board or period)", source_ref),
            subjects=named,
        )

    def withdraw(self, reason: str, *, actor: Actor, at: datetime) -> None:
        require_role(actor, (Role.SUPERVISOR,), "withdraw a named circular")
        if self.withdrawn_at is not None:
            raise ConcludedError("circular", self.id, "withdrawn", "withdraw")
        self._record(
            self.Withdrawn,
            actor=actor,
            at=at,
            reason=require_text("the reason for the withdrawal", reason),
        )

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "title": self.title,
            "source_kind": self.source_kind.value,
            "source_ref": self.source_ref,
            "subjects": self.subjects,
            "withdrawn_at": iso(self.withdrawn_at),
            "withdrawal_reason": self.withdrawal_reason,
        }
