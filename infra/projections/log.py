"""The application's notification log as the runner reads it: positions and domain events.

Positions are notification ids. Both durable stores hand them out in commit order (PostgreSQL
by locking the events table for each insert, SQLite by its single writer), so once the runner
has read up to a position nothing can later appear below it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import ApplicationRecorder, Mapper
from eventsourcing.postgres import PostgresApplicationRecorder

from infra.projections.decode import EventDecoder
from projections.store import EventAt


class EventLog:
    def __init__(self, recorder: ApplicationRecorder, mapper: Mapper[Any]) -> None:
        self.recorder, self.mapper = recorder, mapper
        self._decode = EventDecoder(mapper).decode

    @classmethod
    def of(cls, app: Application[Any]) -> EventLog:
        return cls(app.recorder, app.mapper)

    @property
    def can_listen(self) -> bool:
        """Whether new events are announced (PostgreSQL NOTIFY) rather than found by polling."""
        return isinstance(self.recorder, PostgresApplicationRecorder)

    def head(self) -> int:
        return self.recorder.max_notification_id() or 0

    def read(self, after: int, limit: int, stop: int, topics: Sequence[str]) -> list[EventAt]:
        """Up to ``limit`` events after ``after`` and at most at ``stop``, of ``topics`` (all if
        empty), in log order."""
        notifications = self.recorder.select_notifications(
            after + 1, limit, stop=stop, topics=topics
        )
        decode = self._decode
        return [(n.id, decode(n)) for n in notifications]

    def timestamp_at(self, position: int) -> datetime | None:
        """When the event at ``position`` (or the first one after it) happened."""
        found = self.recorder.select_notifications(max(position, 1), 1)
        if not found:
            return None
        timestamp = getattr(self.mapper.to_domain_event(found[0]), "timestamp", None)
        return timestamp if isinstance(timestamp, datetime) else None
