"""View stores that record Kafka offsets in the same transaction as the view rows.

For each projection and each partition of the topic, a row in ``kafka_offset`` holds the next
offset to read and the highest log position applied from that partition. ``apply_partition``
handles a batch of one partition for every projection and moves those rows, all in one
transaction: after a crash the rows and the offsets agree, and the worker resumes from there.

Batches for one read model take turns across workers (see ``_serialise``), so its handlers
never run concurrently, as with the log-fed runner. Deduplication is by log position: the relay
sends each partition's events in log order and only re-sends (after a restart or an outage)
events it sent before, so an event whose position is not above the partition's highest applied
one has been applied already. That also covers two workers briefly holding one partition during
a rebalance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from infra.views.postgres import PostgresViewStore
from infra.views.sql import Cursor, apply_events
from infra.views.sqlite import SqliteViewStore
from infra.views.store import SqlViewStore
from projections.base import Projection
from projections.store import EventAt

OFFSETS_TABLE = "kafka_offset"


@dataclass(frozen=True)
class Delivered:
    """One consumed message: its offset, its log position and the event (None: not needed)."""

    offset: int
    position: int
    event: object | None


@dataclass(frozen=True)
class PartitionOffset:
    projection: str
    next_offset: int
    last_position: int


class KafkaOffsetsMixin:
    """Adds Kafka offsets to a ``SqlViewStore`` (its connection, lock and transactions)."""

    _offsets_ready = False

    def ensure_offsets(self) -> None:
        store = self._sql()
        with store._lock, store._write() as cursor:
            self._offsets_table(cursor)
        self._offsets_ready = True  # committed: later transactions need not ask again

    def _offsets_table(self, cursor: Cursor) -> None:
        if self._offsets_ready:
            return
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {OFFSETS_TABLE} (projection text NOT NULL,"
            " topic text NOT NULL, kafka_partition integer NOT NULL,"
            " next_offset bigint NOT NULL, last_position bigint NOT NULL, updated_at text,"
            " PRIMARY KEY (projection, topic, kafka_partition))"
        )

    def offsets(self, topic: str, partition: int) -> list[PartitionOffset]:
        store = self._sql()
        with store._lock, store._write() as cursor:
            self._offsets_table(cursor)
            cursor.execute(
                f"SELECT projection, next_offset, last_position FROM {OFFSETS_TABLE}"
                f" WHERE topic = {store.marker} AND kafka_partition = {store.marker}"
                " ORDER BY projection",
                [topic, partition],
            )
            return [PartitionOffset(str(p), int(o), int(q)) for p, o, q in cursor.fetchall()]

    def forget_offsets(self, projection: Projection) -> None:
        """Drop a projection's offsets (before its view is reset and fed from the start)."""
        store = self._sql()
        with store._lock, store._write() as cursor:
            self._offsets_table(cursor)
            cursor.execute(
                f"DELETE FROM {OFFSETS_TABLE} WHERE projection = {store.marker}",
                [projection.name],
            )

    def apply_partition(
        self,
        projections: Sequence[Projection],
        topic: str,
        partition: int,
        batch: Sequence[Delivered],
    ) -> int:
        """Apply ``batch`` (in offset order) to every projection; returns events applied."""
        if not batch:
            return 0
        store = self._sql()
        applied = 0
        with store._lock, store._write() as cursor:
            self._offsets_table(cursor)
            self._serialise(cursor, projections)
            for projection in projections:
                key: list[object] = [projection.name, topic, partition]
                next_offset, last = self._locked_offset(cursor, key)
                events: list[EventAt] = [
                    (d.position, d.event) for d in batch
                    if d.position > last and d.event is not None
                    and type(d.event) in projection._handlers
                ]
                apply_events(projection, cursor, store.marker, events)
                applied += len(events)
                self._save_offset(
                    cursor, key, max(next_offset, batch[-1].offset + 1),
                    max(last, *(d.position for d in batch)),
                )
        return applied

    def _serialise(self, cursor: Cursor, projections: Sequence[Projection]) -> None:
        """One batch at a time per read model, across every worker of every partition.

        Read models update rows that events of many partitions touch (a unit's staff count) by
        reading and then writing them; two workers doing that at once on PostgreSQL would lose
        one update. A transaction-scoped lock per read model, taken in name order so no two
        workers wait on each other in a circle, makes such batches take turns. SQLite's single
        writer already does.
        """
        if isinstance(self, PostgresViewStore):
            for name in sorted(p.name for p in projections):
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"casetrail-view:{name}"]
                )

    def _locked_offset(self, cursor: Cursor, key: list[object]) -> tuple[int, int]:
        """The row's (next offset, last position), locked until the transaction ends.

        The row is created first if missing: of two workers doing so at once, the second waits
        for the first's transaction and then finds its row, instead of failing on the key.
        """
        store = self._sql()
        m = store.marker
        cursor.execute(
            f"INSERT INTO {OFFSETS_TABLE} (projection, topic, kafka_partition, next_offset,"
            f" last_position) VALUES ({m}, {m}, {m}, 0, 0)"
            " ON CONFLICT (projection, topic, kafka_partition) DO NOTHING",
            key,
        )
        cursor.execute(
            f"SELECT next_offset, last_position FROM {OFFSETS_TABLE}"
            f" WHERE projection = {m} AND topic = {m} AND kafka_partition = {m}"
            + store.lock_suffix,
            key,
        )
        found = cursor.fetchone()
        return int(found[0]), int(found[1])

    def _save_offset(
        self, cursor: Cursor, key: list[object], next_offset: int, last_position: int
    ) -> None:
        store = self._sql()
        m = store.marker
        cursor.execute(
            f"UPDATE {OFFSETS_TABLE} SET next_offset = {m}, last_position = {m},"
            f" updated_at = {m} WHERE projection = {m} AND topic = {m}"
            f" AND kafka_partition = {m}",
            [next_offset, last_position, store._now(), *key],
        )

    def _sql(self) -> SqlViewStore:
        assert isinstance(self, SqlViewStore)
        return self


class SqliteKafkaViewStore(KafkaOffsetsMixin, SqliteViewStore):
    pass


class PostgresKafkaViewStore(KafkaOffsetsMixin, PostgresViewStore):
    pass


KafkaViewStore = SqliteKafkaViewStore | PostgresKafkaViewStore
