"""``write_vs_raw``: commands saved through the application against raw inserts of their rows.

The application's rate is commands per second for case lifecycles (``workload``). The baseline
inserts exactly the event rows those commands wrote, grouped as they were committed (by
transaction id), one transaction per group, with plain psycopg into a table shaped like the
events table: the physical limit of the store for those writes. The two alternate every few
lifecycles, so a neighbour's load on a shared machine weighs on both alike. The difference is
what the application adds: loading each case from its history, deciding, the table lock that
keeps the log in commit order, the hash chain, sealing the filer's data, periodic checkpoints.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg

from domain.application import Casetrail
from infra.bench.stats import rate
from infra.bench.workload import lifecycle
from infra.integrity.tables import chain_of

SCRATCH = "bench_raw_events"
CHUNK = 5
"""Lifecycles between two raw runs."""
Row = tuple[object, object, object, object]


@dataclass(frozen=True)
class WriteResult:
    commands: int
    app_per_s: float
    raw_per_s: float
    transactions: int
    """Transactions the commands committed (checkpoints add one now and then)."""

    @property
    def ratio(self) -> float:
        return self.app_per_s / self.raw_per_s


def measure_writes(app: Casetrail, conninfo: str, lifecycles: int) -> WriteResult:
    """Alternate a few lifecycles through the application with raw inserts of their rows, so
    both see the same neighbours on a shared machine."""
    events_table = chain_of(app.recorder).events_table_sql
    lifecycle(app, -1)  # warm the connection pool and the code paths
    commands, transactions, app_seconds, raw_seconds = 0, 0, 0.0, 0.0
    with scratch_table(conninfo) as raw:
        for first in range(0, lifecycles, CHUNK):
            before = app.recorder.max_notification_id() or 0
            began = time.perf_counter()
            for number in range(first, min(first + CHUNK, lifecycles)):
                commands += lifecycle(app, number)
            app_seconds += time.perf_counter() - began
            groups = committed_groups(raw, events_table, before)
            transactions += len(groups)
            raw_seconds += insert_one_transaction_each(raw, groups)
    return WriteResult(
        commands=commands,
        app_per_s=rate(commands, app_seconds),
        raw_per_s=rate(commands, raw_seconds),
        transactions=transactions,
    )


Connection = psycopg.Connection[tuple[Any, ...]]


@contextmanager
def scratch_table(conninfo: str) -> Iterator[Connection]:
    """A connection, and a table shaped like the events table for the block."""
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        connection.execute(
            f"CREATE TABLE {SCRATCH} (originator_id uuid NOT NULL, originator_version bigint"
            " NOT NULL, topic text, state bytea, notification_id bigserial,"
            " PRIMARY KEY (originator_id, originator_version))"
        )
        connection.execute(f"CREATE UNIQUE INDEX ON {SCRATCH} (notification_id)")
        try:
            yield connection
        finally:
            connection.execute(f"DROP TABLE IF EXISTS {SCRATCH}")


def committed_groups(connection: Connection, events_table: str, after: int) -> list[list[Row]]:
    """The event rows after position ``after``, grouped by the transaction that wrote them."""
    found = connection.execute(
        f"SELECT xmin::text, originator_id, originator_version, topic, state"
        f" FROM {events_table} WHERE notification_id > %s ORDER BY notification_id",
        (after,),
    ).fetchall()
    groups: dict[str, list[Row]] = {}
    for xid, *row in found:
        groups.setdefault(str(xid), []).append((row[0], row[1], row[2], row[3]))
    return list(groups.values())


def insert_one_transaction_each(connection: Connection, groups: Sequence[Sequence[Row]]) -> float:
    """Seconds to insert each group into the scratch table in a transaction of its own."""
    began = time.perf_counter()
    with connection.cursor() as cursor:
        for group in groups:
            with connection.transaction():
                cursor.executemany(
                    f"INSERT INTO {SCRATCH} (originator_id, originator_version, topic, state)"
                    " VALUES (%s, %s, %s, %s)",
                    group,
                )
    return time.perf_counter() - began
