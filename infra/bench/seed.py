"""A fast seeder for large stores: demo histories through the application, then clones by COPY.

Writing a million events through the application takes hours (every command loads, decides and
commits on its own). Instead the demo writes a year of realistic history through the
application (directory, cases, reviews, visits, oversight); then whole case histories are copied
under new case ids, many at a time, with COPY, until the log holds the number of events asked
for. Clones of different template cases are interleaved in the order their templates happened,
as cases handled side by side are.

The copies are chained like any event: each gets its record-chain and log-chain hashes, computed
here with the same functions the recorder uses, and a checkpoint is recorded every
``INTEGRITY_CHECKPOINT_EVERY`` positions, so ``casetrail verify`` checks a seeded store like any
other. A clone keeps its template's filer (the same sealed data subject) and business times.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import psycopg
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic
from psycopg import sql

from domain.actors import SYSTEM
from domain.application import Casetrail
from domain.case import Case
from domain.integrity import LogCheckpoint
from infra.demo.run import SimClock
from infra.demo.seed import seed_demo
from infra.integrity.checkpoints import checkpoint_interval
from infra.integrity.standalone import GENESIS, hash_event, hash_position
from infra.integrity.tables import chain_of
from infra.views.sql import NEXT_SUFFIX, VIEW_PREFIX
from infra.views.store import POSITION_TABLE
from projections.store import NEXT

BLOCK_EVENTS = 20_000
Progress = Callable[[int, int], None]
"""Called after each block with the events in the log and the number asked for."""


@dataclass(frozen=True)
class Template:
    """One case history of the demo: its events with their log positions."""

    events: tuple[tuple[int, int, str, bytes], ...]
    """(log position, version, topic, state) in version order."""


@dataclass(frozen=True)
class Seeded:
    events: int
    """Events in the log once seeded."""
    cases: int
    templates: int
    written_by_application: int
    seconds: float


class ChainedBlock:
    """The rows of one COPY, chained on from the log's end as they are added, exactly as the
    recorder chains the events of a commit (``infra.integrity.chain.link``)."""

    def __init__(self, position: int, global_hash: bytes) -> None:
        self.position, self.global_hash = position, global_hash
        self.events: list[tuple[object, ...]] = []
        self.chain: list[tuple[object, ...]] = []
        self._records: dict[UUID, bytes] = {}

    def append(self, owner: UUID, version: int, topic: str, state: bytes) -> None:
        """Add the next event of record ``owner``; a record new to the block starts its chain
        (every record in a block is new: clones and checkpoints are)."""
        self.position += 1
        text = str(owner)
        record_hash = hash_event(text, version, topic, state, self._records.get(owner, GENESIS))
        self.global_hash = hash_position(
            self.position, text, version, record_hash, self.global_hash
        )
        self._records[owner] = record_hash
        self.events.append((owner, version, topic, state, self.position))
        self.chain.append((self.position, text, version, record_hash, self.global_hash))


def interleave(clones: Sequence[tuple[UUID, Template]]) -> list[tuple[UUID, int, str, bytes]]:
    """The events of new clones (new id, template), in the order their templates' events
    happened; clones of one template in the order given."""
    merged = sorted(
        (position, index, version, topic, state)
        for index, (_, template) in enumerate(clones)
        for position, version, topic, state in template.events
    )
    return [(clones[index][0], version, topic, state) for _, index, version, topic, state in merged]


def seed_store(
    app: Casetrail,
    clock: SimClock,
    conninfo: str,
    events: int,
    *,
    template_cases: int,
    seed: int = 2026,
    progress: Progress | None = None,
) -> Seeded:
    """Fill an empty store until its log holds about ``events`` events (never fewer)."""
    began, end = time.perf_counter(), clock.now
    seed_demo(app, clock, cases=template_cases, end=end, seed=seed)
    written = app.recorder.max_notification_id() or 0
    cloner = Cloner(app, conninfo, random.Random(seed))
    total, clones = cloner.clone_until(events, progress)
    return Seeded(
        events=total,
        cases=len(cloner.templates) + clones,
        templates=len(cloner.templates),
        written_by_application=written,
        seconds=time.perf_counter() - began,
    )


def as_seeded(app: Casetrail, conninfo: str) -> Seeded:
    """What a kept store holds, for a run that measures it again: its log's size and cases.
    A rebuild an earlier run left unfinished is discarded, so the rebuild is timed from the
    first event, as on a store seeded in the same run."""
    began = time.perf_counter()
    with psycopg.connect(conninfo, autocommit=True) as connection:
        head, cases = connection.execute(
            "SELECT MAX(notification_id), COUNT(*) FILTER (WHERE topic = %s)"
            f" FROM {chain_of(app.recorder).events_table_sql}",
            (get_topic(Case.Filed),),
        ).fetchone() or (0, 0)
        discard_unfinished_rebuilds(connection)
    return Seeded(
        events=int(head or 0), cases=int(cases or 0), templates=0, written_by_application=0,
        seconds=time.perf_counter() - began,
    )


def discard_unfinished_rebuilds(connection: psycopg.Connection[Any]) -> None:
    """Drop the next tables (``view_*__next``) and their positions (``NAME:next``)."""
    tables = connection.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    ).fetchall()
    for (table,) in tables:
        if str(table).startswith(VIEW_PREFIX) and str(table).endswith(NEXT_SUFFIX):
            connection.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(str(table))))
    if connection.execute("SELECT to_regclass(%s)", (POSITION_TABLE,)).fetchone() != (None,):
        connection.execute(
            sql.SQL("DELETE FROM {} WHERE projection LIKE %s").format(
                sql.Identifier(POSITION_TABLE)
            ),
            (f"%{NEXT}",),
        )


def grow_store(
    app: Casetrail, conninfo: str, events: int, *, seed: int = 2026,
    progress: Progress | None = None,
) -> tuple[int, int]:
    """Clone the store's cases on until its log holds about ``events`` events: a store seeded
    small, measured, then grown to the full size. Returns (events, cases cloned)."""
    return Cloner(app, conninfo, random.Random(seed + 1)).clone_until(events, progress)


class Cloner:
    def __init__(self, app: Casetrail, conninfo: str, rng: random.Random) -> None:
        chain = chain_of(app.recorder)
        self.app, self.conninfo, self.rng = app, conninfo, rng
        self.events_table, self.hashes_table = chain.events_table_sql, chain.hashes_table_sql
        self.every = checkpoint_interval(app)
        self.templates = self._templates()
        if not self.templates:
            raise ValueError("the store holds no case to copy; seed some through the application")

    def _templates(self) -> list[Template]:
        with psycopg.connect(self.conninfo, autocommit=True) as connection:
            rows = connection.execute(
                f"SELECT originator_id, notification_id, originator_version, topic, state"
                f" FROM {self.events_table} WHERE originator_id IN (SELECT originator_id FROM"
                f" {self.events_table} WHERE topic = %s) ORDER BY originator_id,"
                " originator_version",
                (get_topic(Case.Filed),),
            ).fetchall()
        by_case: dict[UUID, list[tuple[int, int, str, bytes]]] = {}
        for case_id, position, version, topic, state in rows:
            by_case.setdefault(case_id, []).append((position, version, topic, bytes(state)))
        return [Template(tuple(found)) for found in by_case.values()]

    def clone_until(self, events: int, progress: Progress | None = None) -> tuple[int, int]:
        """Copy case histories until the log holds ``events``; returns (log size, clones)."""
        mean = sum(len(t.events) for t in self.templates) / len(self.templates)
        clones = 0
        with psycopg.connect(self.conninfo, autocommit=True) as connection:
            head = self._head(connection)
            while head < events:
                count = max(1, min(int((events - head) / mean) + 1, int(BLOCK_EVENTS / mean)))
                with connection.transaction():
                    connection.execute(f"LOCK TABLE {self.events_table} IN EXCLUSIVE MODE")
                    head = self._write_block(connection, count)
                clones += count
                if progress is not None:
                    progress(head, events)
        with psycopg.connect(self.conninfo, autocommit=True) as connection:
            connection.execute(f"ANALYZE {self.events_table}")
            connection.execute(f"ANALYZE {self.hashes_table}")
        return head, clones

    def _head(self, connection: psycopg.Connection[tuple[object, ...]]) -> int:
        row = connection.execute(f"SELECT MAX(notification_id) FROM {self.events_table}").fetchone()
        return int(str(row[0])) if row and row[0] is not None else 0

    def _block(self, connection: psycopg.Connection[tuple[object, ...]]) -> ChainedBlock:
        row = connection.execute(
            f"SELECT notification_id, global_hash FROM {self.hashes_table}"
            " ORDER BY notification_id DESC LIMIT 1"
        ).fetchone()
        position, global_hash = (0, GENESIS) if row is None else (row[0], row[1])
        if position != self._head(connection):
            raise RuntimeError("the log's last events are not chained; verify the store first")
        return ChainedBlock(int(str(position)), bytes(global_hash))  # type: ignore[call-overload]

    def _write_block(self, connection: psycopg.Connection[tuple[object, ...]], count: int) -> int:
        block = self._block(connection)
        clones = [(uuid4(), self.rng.choice(self.templates)) for _ in range(count)]
        for owner, version, topic, state in interleave(clones):
            block.append(owner, version, topic, state)
            if block.position % self.every == 0:
                self._checkpoint(block)
        with connection.cursor() as cursor:
            with cursor.copy(
                f"COPY {self.events_table} (originator_id, originator_version, topic, state,"
                " notification_id) FROM STDIN (FORMAT BINARY)"
            ) as copy:
                copy.set_types(["uuid", "int8", "text", "bytea", "int8"])
                for event_row in block.events:
                    copy.write_row(event_row)
            with cursor.copy(
                f"COPY {self.hashes_table} (notification_id, originator_id, originator_version,"
                " aggregate_hash, global_hash) FROM STDIN (FORMAT BINARY)"
            ) as copy:
                copy.set_types(["int8", "text", "int8", "bytea", "bytea"])
                for chain_row in block.chain:
                    copy.write_row(chain_row)
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'notification_id'), %s)",
                (self.events_table, block.position),
            )
        return block.position

    def _checkpoint(self, block: ChainedBlock) -> None:
        """A periodic checkpoint of the position just written, as the recorder's listener
        would record it after that commit."""
        checkpoint = LogCheckpoint.record(
            block.position, block.global_hash.hex(), "periodic", actor=SYSTEM, at=self.app.now()
        )
        for stored in self._stored(checkpoint.collect_events()):
            block.append(
                UUID(str(stored.originator_id)), stored.originator_version, stored.topic,
                stored.state,
            )

    def _stored(self, events: Sequence[object]) -> list[StoredEvent]:
        return [self.app.mapper.to_stored_event(e) for e in events]  # type: ignore[arg-type]
