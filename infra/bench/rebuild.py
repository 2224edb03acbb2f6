"""``rebuild_events_per_s`` and ``rebuild_vs_copy``: every read model rebuilt from the whole log,
against a COPY of as many event rows.

The rebuild replays the log into fresh tables beside each view with the projection runner, a
batch per transaction, the case model in parts and the others in groups, a process each,
exactly as ``casetrail projections rebuild --all`` does. Its rate is log
events per second of wall time for all read models together. The baseline streams the same
event rows out of the events table with ``COPY ... TO STDOUT`` and into a table of the same
shape (keys included) with ``COPY ... FROM STDIN``: the fastest the database moves those rows.
It runs before and after the rebuild, and the mean of the two is the baseline.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import psycopg

from domain.application import Casetrail
from infra.bench.stats import rate
from infra.integrity.tables import chain_of
from infra.projections.log import EventLog
from infra.projections.parallel import rebuild_in_processes
from infra.settings import Settings
from projections.registry import log_projections

SCRATCH = "bench_copied_events"
COLUMNS = "originator_id, originator_version, topic, state, notification_id"


@dataclass(frozen=True)
class RebuildResult:
    events: int
    """Log positions replayed (the head of the log when the rebuild began)."""
    seconds: float
    copy_seconds: float
    applied: int
    """Events handed to projections (each projection reads only the topics it handles)."""

    @property
    def events_per_s(self) -> float:
        return rate(self.events, self.seconds)

    @property
    def copy_rows_per_s(self) -> float:
        return rate(self.events, self.copy_seconds)

    @property
    def ratio(self) -> float:
        return self.events_per_s / self.copy_rows_per_s


def measure_rebuild(app: Casetrail, conninfo: str, settings: Settings) -> RebuildResult:
    head = EventLog.of(app).head()
    events_table = chain_of(app.recorder).events_table_sql
    copy_before = copy_rows(conninfo, events_table, head)
    began = time.perf_counter()
    applied = sum(rebuild_in_processes(
        settings, [p.name for p in log_projections()]
    ).values())
    seconds = time.perf_counter() - began
    copy_after = copy_rows(conninfo, events_table, head)
    return RebuildResult(head, seconds, (copy_before + copy_after) / 2, applied)


def copy_rows(conninfo: str, events_table: str, upto: int) -> float:
    """Seconds to COPY the events up to ``upto`` out and into a fresh keyed table."""
    selected = (
        f"SELECT {COLUMNS} FROM {events_table} WHERE notification_id <= {upto:d}"
        " ORDER BY notification_id"
    )
    with psycopg.connect(conninfo, autocommit=True) as source, \
            psycopg.connect(conninfo, autocommit=True) as target:
        target.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        target.execute(
            f"CREATE TABLE {SCRATCH} (originator_id uuid NOT NULL, originator_version bigint"
            " NOT NULL, topic text, state bytea, notification_id bigint NOT NULL,"
            " PRIMARY KEY (originator_id, originator_version))"
        )
        target.execute(f"CREATE UNIQUE INDEX ON {SCRATCH} (notification_id)")
        try:
            began = time.perf_counter()
            with source.cursor() as out, target.cursor() as into, target.transaction(), \
                    out.copy(f"COPY ({selected}) TO STDOUT (FORMAT BINARY)") as reading, \
                    into.copy(f"COPY {SCRATCH} ({COLUMNS}) FROM STDIN (FORMAT BINARY)") as writing:
                for chunk in reading:
                    writing.write(chunk)
            return time.perf_counter() - began
        finally:
            target.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
