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
from eventsourcing.persistence import ApplicationRecorder, InterfaceError, Mapper, OperationalError
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Composed, Identifier

from infra.projections.decode import EventDecoder
from projections.store import EventAt, Part


class EventLog:
    def __init__(self, recorder: ApplicationRecorder, mapper: Mapper[Any]) -> None:
        self.recorder, self.mapper = recorder, mapper
        decoder = EventDecoder(mapper)
        self._decode, self._decode_parts = decoder.decode, decoder.decode_parts
        self._select: dict[tuple[bool, bool], Composed] | None = None
        if isinstance(recorder, PostgresApplicationRecorder):
            table = SQL("SELECT notification_id, originator_id, originator_version, topic, state"
                        " FROM {}.{} WHERE notification_id > %s AND notification_id <= %s").format(
                Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name)
            )
            of_topics = SQL(" AND topic = ANY(%s)")
            # ``Part.holds`` in SQL: a part's rows never leave the database.
            of_part = SQL(" AND get_byte(uuid_send(originator_id), 15) %% %s = %s")
            order = SQL(" ORDER BY notification_id LIMIT %s")
            self._select = {
                (topics, part): table + (of_topics if topics else SQL(""))
                + (of_part if part else SQL("")) + order
                for topics in (False, True) for part in (False, True)
            }

    @classmethod
    def of(cls, app: Application[Any]) -> EventLog:
        return cls(app.recorder, app.mapper)

    @property
    def can_listen(self) -> bool:
        """Whether new events are announced (PostgreSQL NOTIFY) rather than found by polling."""
        return isinstance(self.recorder, PostgresApplicationRecorder)

    def head(self) -> int:
        return self.recorder.max_notification_id() or 0

    @property
    def can_split(self) -> bool:
        """Whether ``read`` can give one part's events alone (PostgreSQL)."""
        return self._select is not None

    def read(
        self, after: int, limit: int, stop: int, topics: Sequence[str], part: Part | None = None
    ) -> list[EventAt]:
        """Up to ``limit`` events after ``after`` and at most at ``stop``, of ``topics`` (all if
        empty), and with ``part`` of its originators only, in log order."""
        if self._select is not None:
            return self._read_rows(after, limit, stop, topics, part)  # type: ignore[no-any-return]
        if part is not None:
            raise ValueError("this log cannot be read in parts")
        notifications = self.recorder.select_notifications(
            after + 1, limit, stop=stop, topics=topics
        )
        decode = self._decode
        return [(n.id, decode(n)) for n in notifications]

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def _read_rows(
        self, after: int, limit: int, stop: int, topics: Sequence[str], part: Part | None
    ) -> list[EventAt]:
        """``read`` on PostgreSQL: the library's ``select_notifications`` with its retries, but
        only the columns a replay needs, as plain tuples, decoded without a ``Notification``
        made for each row (a replay reads every event of the log this way)."""
        assert self._select is not None
        assert isinstance(self.recorder, PostgresApplicationRecorder)
        params: list[object] = [after, stop]
        if topics:
            params.append(list(topics))
        if part is not None:
            params += [part.of, part.number]
        params.append(limit)
        statement = self._select[bool(topics), part is not None]
        decode = self._decode_parts
        # Binary results: the state column is bytes on the wire as it is in the table, where
        # text results spelt every byte in hex (the server encoding it, psycopg decoding it),
        # which cost half of a read's time on both sides.
        with self.recorder.datastore.get_connection() as connection, \
                connection.cursor(row_factory=tuple_row, binary=True) as cursor:
            cursor.execute(statement, params, prepare=True)
            rows = cursor.fetchall()
        return [(n, decode(o, v, t, bytes(s))) for n, o, v, t, s in rows]

    def share_of(self, topics: Sequence[str]) -> float:
        """About what share of the log's events are of ``topics`` (all if empty), from the
        database's statistics of the topic column: instant, where counting would read the log.
        0 where the statistics say nothing (SQLite, a table not analysed yet, rare topics)."""
        if not topics:
            return 1.0
        if not isinstance(self.recorder, PostgresApplicationRecorder):
            return 0.0
        with self.recorder.datastore.get_connection() as connection, \
                connection.cursor(row_factory=tuple_row) as cursor:
            cursor.execute(
                "SELECT most_common_vals::text::text[], most_common_freqs FROM pg_stats"
                " WHERE schemaname = %s AND tablename = %s AND attname = 'topic'",
                [self.recorder.datastore.schema, self.recorder.events_table_name],
            )
            found = cursor.fetchone()
        if found is None or found[0] is None:
            return 0.0
        share = dict(zip(found[0], found[1], strict=True))
        return float(sum(share.get(topic, 0.0) for topic in set(topics)))

    def timestamp_at(self, position: int) -> datetime | None:
        """When the event at ``position`` (or the first one after it) happened."""
        found = self.recorder.select_notifications(max(position, 1), 1)
        if not found:
            return None
        timestamp = getattr(self.mapper.to_domain_event(found[0]), "timestamp", None)
        return timestamp if isinstance(timestamp, datetime) else None
