"""The base of every Casetrail aggregate: each event names its actor and carries its time.

The library's event ``timestamp`` is set to the business time handed in by the caller (from the
injected clock), so ``created_on``/``modified_on`` are the times the steps were taken.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any, ClassVar, Self
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, CanInitAggregate, CanMutateAggregate

from domain.actors import Actor
from domain.errors import InvalidInputError
from domain.text import refuse_control_characters

CASETRAIL_NAMESPACE = uuid5(NAMESPACE_URL, "https://casetrail.example/ids")


@lru_cache(maxsize=4096)
def named_id(kind: str, key: str) -> UUID:
    """A stable id for an aggregate known by a natural key (a unit code, a calendar name).

    Remembered: commands ask for the same units, staff and calendar again and again, and
    hashing the name anew each time was a few per cent of a command's own work."""
    return uuid5(CASETRAIL_NAMESPACE, f"{kind}:{key.strip().lower()}")


refuse_nul = refuse_control_characters
"""The name this check had when it refused only U+0000 (which PostgreSQL cannot store)."""


def require_aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidInputError(
            f"time {at.isoformat()} has no time zone",
            code="time-without-zone", params={"at": at.isoformat()},
        )


class Tracked(Aggregate):
    """An aggregate whose every event records who acted, in which role, and when."""

    kind: ClassVar[str] = "aggregate"

    class Event(Aggregate.Event):
        actor_id: str
        actor_role: str

    class Created(Event, Aggregate.Created):
        pass

    @classmethod
    def _create_by(
        cls,
        event_class: type[CanInitAggregate[UUID]],
        *,
        id: UUID,
        actor: Actor,
        at: datetime,
        **kwargs: Any,
    ) -> Self:
        require_aware(at)
        refuse_control_characters(kwargs)
        return cls._create(
            event_class,
            id=id,
            timestamp=at,
            actor_id=actor.id,
            actor_role=actor.role.value,
            **kwargs,
        )

    def _record(
        self,
        event_class: type[CanMutateAggregate[UUID]],
        *,
        actor: Actor,
        at: datetime,
        **kwargs: Any,
    ) -> None:
        require_aware(at)
        refuse_control_characters(kwargs)
        if at < self.modified_on:
            raise InvalidInputError(
                f"time {at.isoformat()} is before this {self.kind}'s last step"
                f" ({self.modified_on.isoformat()}); steps are recorded in order",
                code="step-before-last", params={"last": self.modified_on.isoformat()},
            )
        self.trigger_event(
            event_class, timestamp=at, actor_id=actor.id, actor_role=actor.role.value, **kwargs
        )

    def state(self) -> dict[str, Any]:
        """The aggregate's state as plain data, for replays and inspectors."""
        return {"id": str(self.id), "kind": self.kind, "version": self.version}
