"""``replay_ms``: a 200-event case rebuilt as it stood at an earlier version.

An inspector replays a case step by step; each view of a past version reads the events up to it
and applies them. The case here is an ordinary one (filed, dispatched, signed for) followed by
contacts recorded until it has 200 events; it is replayed at version 150, repeatedly, and the
median time is the figure. The baseline is reading the same 150 rows with plain psycopg.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from uuid import UUID

import psycopg

from domain.application import Casetrail
from infra.bench.stats import percentile
from infra.bench.workload import open_case, record_contact
from infra.integrity.tables import chain_of

CASE_EVENTS = 200
AT_VERSION = 150


@dataclass(frozen=True)
class ReplayResult:
    median_ms: float
    p99_ms: float
    raw_median_ms: float
    runs: int


def long_case(app: Casetrail, events: int = CASE_EVENTS) -> UUID:
    case_id = open_case(app, events)
    for _ in range(events - 3):
        record_contact(app, case_id)
    return case_id


def measure_replay(app: Casetrail, conninfo: str, runs: int) -> ReplayResult:
    case_id = long_case(app)
    timings = []
    for _ in range(runs + 1):
        began = time.perf_counter()
        past = app.as_of_version(case_id, AT_VERSION)
        timings.append(time.perf_counter() - began)
        if past.version != AT_VERSION:
            raise RuntimeError(f"replayed version {past.version}, not {AT_VERSION}")
    raw = raw_reads(conninfo, chain_of(app.recorder).events_table_sql, case_id, runs + 1)
    millis, raw_millis = [t * 1000 for t in timings[1:]], [t * 1000 for t in raw[1:]]
    return ReplayResult(
        percentile(millis, 50), percentile(millis, 99), percentile(raw_millis, 50), runs
    )


def raw_reads(conninfo: str, events_table: str, case_id: UUID, runs: int) -> list[float]:
    """Seconds to fetch the case's first ``AT_VERSION`` rows, once per run."""
    timings = []
    with psycopg.connect(conninfo, autocommit=True) as connection:
        for _ in range(runs):
            began = time.perf_counter()
            rows = connection.execute(
                f"SELECT originator_version, topic, state FROM {events_table}"
                " WHERE originator_id = %s AND originator_version <= %s"
                " ORDER BY originator_version",
                (case_id, AT_VERSION),
                prepare=True,
            ).fetchall()
            timings.append(time.perf_counter() - began)
            if len(rows) != AT_VERSION:
                raise RuntimeError(f"read {len(rows)} rows, not {AT_VERSION}")
    return timings
