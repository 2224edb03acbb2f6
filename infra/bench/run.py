"""One bench run: seed a store, then measure each figure beside its baseline, in this order.

1. rebuild every read model from the whole log (and COPY as many rows);
2. case lifecycles through the application (and raw inserts of the rows they wrote);
3. a 200-event case replayed at version 150 (and a raw read of those rows);
4. freshness through ``casetrail projections run`` in its own process;
5. freshness through Kafka, when a broker is configured;
6. queries against ``casetrail serve`` with 16 clients (and the same reads in SQL).

The rebuild comes first so the read models are complete before anything reads them.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from domain.application import Casetrail
from infra.bench import api_load
from infra.bench.clock import SEEDED_UNTIL, MovingClock, after_the_log
from infra.bench.connections import connections_per_worker
from infra.bench.database import bench_database, kept_store
from infra.bench.freshness import Freshness, NotVisibleError, measure_freshness, position_row
from infra.bench.kafka import measure_kafka_freshness
from infra.bench.machine import machine
from infra.bench.processes import casetrail_env, free_port, running, tail
from infra.bench.rebuild import measure_rebuild
from infra.bench.replay import AT_VERSION, CASE_EVENTS, measure_replay
from infra.bench.report import Line, lines_of, rounded, targets_met
from infra.bench.seed import as_seeded, grow_store, seed_store
from infra.bench.write import measure_writes
from infra.bootstrap import bootstrap, utc_now
from infra.demo.run import SimClock
from infra.persistence import persistence_env
from infra.settings import Settings
from infra.views import postgres_conninfo

Say = Callable[[str], None]
READY_SECONDS = 600.0


@dataclass(frozen=True)
class Sizes:
    events: int
    template_cases: int
    lifecycles: int
    freshness_samples: int
    kafka_samples: int
    api_clients: int
    api_seconds: float
    replay_runs: int
    small_events: int | None = None
    """A first, smaller store whose list latency the full size is compared with."""
    small_seconds: float = 10.0


FULL = Sizes(
    events=1_000_000, template_cases=200, lifecycles=150, freshness_samples=300,
    kafka_samples=100, api_clients=16, api_seconds=60.0, replay_runs=100,
    small_events=20_000, small_seconds=20.0,
)
QUICK = Sizes(
    events=20_000, template_cases=30, lifecycles=20, freshness_samples=60,
    kafka_samples=30, api_clients=16, api_seconds=10.0, replay_runs=30,
    small_events=5_000, small_seconds=5.0,
)


def sizes_for(quick: bool, events: int | None = None) -> Sizes:
    chosen = QUICK if quick else FULL
    return chosen if events is None else replace(chosen, events=events)


def run_bench(
    settings: Settings, sizes: Sizes, *, mode: str, say: Say, keep: bool = False,
    seeded: str | None = None,
) -> tuple[dict[str, Any], list[Line]]:
    """Seed a store and measure it; with ``seeded``, measure the store an earlier run seeded
    and kept there instead (``--keep``): seeding ten million events takes longer than the
    measurements, and one seeded store can then be measured by several versions."""
    began, started_load = time.perf_counter(), [round(n, 2) for n in os.getloadavg()]
    chosen = kept_store(seeded) if seeded else bench_database(settings.database_url, keep=keep)
    with chosen as database, tempfile.TemporaryDirectory(prefix="casetrail-bench-") as logs:
        if keep and database.created:
            say(f"the bench database is kept: {database.url}")
        bench = Settings(
            store="postgres", database_url=database.url, policy_file=settings.policy_file,
            jurisdiction=settings.jurisdiction, kafka_bootstrap=settings.kafka_bootstrap,
        )
        clock = SimClock(SEEDED_UNTIL)
        app = bootstrap(bench, clock=clock)
        try:
            result, lines = _measure(
                app, clock, bench, sizes, logs=Path(logs), say=say, reuse=seeded is not None
            )
        finally:
            app.close()
    result.update(
        mode=mode, seconds=round(time.perf_counter() - began, 1),
        load_average_at_start=started_load,
    )
    return result, lines


def _measure(
    app: Casetrail, clock: SimClock, bench: Settings, sizes: Sizes, *, logs: Path, say: Say,
    reuse: bool = False,
) -> tuple[dict[str, Any], list[Line]]:
    assert bench.database_url is not None
    url, (conninfo, _) = bench.database_url, postgres_conninfo(persistence_env(bench))
    def progress(head: int, wanted: int) -> None:
        say(f"  {head:,} of {wanted:,} events")

    small_size = sizes.small_events if (sizes.small_events or 0) < sizes.events else None
    if reuse:
        small_size, seeded = None, as_seeded(app, conninfo)
        say(f"measuring the kept store of {seeded.events:,} events ({seeded.cases:,} cases)")
    else:
        say(f"seeding a store of {small_size or sizes.events:,} events")
        seeded = seed_store(
            app, clock, conninfo, small_size or sizes.events,
            template_cases=sizes.template_cases, progress=progress,
        )
    app.clock = MovingClock(after_the_log(app, clock.now) if reuse else clock.now)
    readers = api_load.readers(app)
    small: api_load.Observed | None = None
    if small_size:
        say(f"queries at {seeded.events:,} events, {sizes.small_seconds:g} s")
        small = _api_small(conninfo, url, sizes, logs, readers)
        small_events, began = seeded.events, time.perf_counter()
        say(f"growing the store to {sizes.events:,} events")
        grown, cloned = grow_store(app, conninfo, sizes.events, progress=progress)
        seeded = replace(
            seeded, events=grown, cases=seeded.cases + cloned,
            seconds=seeded.seconds + time.perf_counter() - began,
        )
    say(("" if reuse else f"seeded in {seeded.seconds:.0f} s; ") + "rebuilding every read model")
    rebuilt = measure_rebuild(app, conninfo, bench)
    say(f"rebuilt in {rebuilt.seconds:.0f} s; writing {sizes.lifecycles} case lifecycles")
    written = measure_writes(app, conninfo, sizes.lifecycles)
    say("replaying a 200-event case")
    replayed = measure_replay(app, conninfo, sizes.replay_runs)
    say("freshness through the log-fed runner")
    fresh = _direct_freshness(app, url, conninfo, sizes.freshness_samples, logs)
    kafka: Freshness | None = None
    if bench.kafka_bootstrap:
        say(f"freshness through Kafka at {bench.kafka_bootstrap}")
        kafka = measure_kafka_freshness(app, bench, conninfo, sizes.kafka_samples)
    say(f"queries from {sizes.api_clients} clients for {sizes.api_seconds:g} s")
    api, sql, alone = _api(
        app, url, conninfo, sizes, logs, readers=readers, seconds=sizes.api_seconds
    )
    lists = api.latency_of(api_load.LISTS)
    scale = small.latency_of(api_load.LISTS) if small else None
    figures = {
        "write_vs_raw": written.ratio,
        "rebuild_events_per_s": rebuilt.events_per_s,
        "rebuild_vs_copy": rebuilt.ratio,
        "freshness_p50_ms": fresh.latency.p50_ms,
        "freshness_p99_ms": fresh.latency.p99_ms,
        "kafka_freshness_p50_ms": kafka.latency.p50_ms if kafka else None,
        "kafka_freshness_p99_ms": kafka.latency.p99_ms if kafka else None,
        "api_p50_ms": api.latency().p50_ms,
        "api_p99_ms": api.latency().p99_ms,
        "replay_ms": replayed.median_ms,
        "list_scale_ratio": lists.p99_ms / scale.p99_ms if scale and scale.p99_ms else None,
    }
    result: dict[str, Any] = {k: rounded(v) for k, v in figures.items()}
    result["sizes"] = {
        "events": seeded.events, "cases": seeded.cases, "template_cases": seeded.templates,
        "written_by_application": seeded.written_by_application,
        "commands": written.commands, "freshness_samples": fresh.latency.samples,
        "kafka_samples": kafka.latency.samples if kafka else 0,
        "api_clients": sizes.api_clients, "api_seconds": sizes.api_seconds,
        "api_requests": api.latency().samples, "replay_case_events": CASE_EVENTS,
        "replay_at_version": AT_VERSION, "replay_runs": replayed.runs,
        "small_events": small_events if small else None,
    }
    result["baselines"] = {
        "app_commands_per_s": rounded(written.app_per_s, 1),
        "raw_inserts_per_s": rounded(written.raw_per_s, 1),
        "copy_rows_per_s": rounded(rebuilt.copy_rows_per_s, 1),
        "freshness_poll_p50_ms": rounded(fresh.poll.p50_ms),
        "api_sql_p50_ms": rounded(sql.latency().p50_ms),
        "api_sql_p99_ms": rounded(sql.latency().p99_ms),
        "replay_raw_read_ms": rounded(replayed.raw_median_ms),
    }
    result["details"] = {
        "seed_seconds": round(seeded.seconds, 1),
        "rebuild_seconds": round(rebuilt.seconds, 1),
        "rebuild_events_applied": rebuilt.applied,
        "copy_seconds": round(rebuilt.copy_seconds, 2),
        "write_transactions": written.transactions,
        "replay_p99_ms": rounded(replayed.p99_ms),
        "freshness_timeouts": fresh.timeouts + (kafka.timeouts if kafka else 0),
        "api_routes": {
            route: {**asdict(api.latency(route)), "sql": asdict(sql.latency(route))}
            for route in sorted(api.seconds)
        },
        "api_one_client": {route: asdict(alone.latency(route)) for route in sorted(alone.seconds)},
        "api_requests_per_s": round(api.latency().samples / sizes.api_seconds, 1),
        "api_failures": len(api.failures),
        "api_failure_examples": api.failures[:3],
        "api_connections_per_worker": api.spread,
        "lists_p99_ms": rounded(lists.p99_ms),
        "lists_small_p99_ms": rounded(scale.p99_ms) if scale else None,
        "api_routes_small": (
            {route: asdict(small.latency(route)) for route in sorted(small.seconds)}
            if small else {}
        ),
    }
    result["targets"] = targets_met(figures)
    result["machine"] = machine(conninfo)
    return result, lines_of(result)


def _direct_freshness(
    app: Casetrail, url: str, conninfo: str, samples: int, logs: Path
) -> Freshness:
    log = logs / "projections.log"
    with running(["projections", "run"], casetrail_env(url), log):
        watch, close = position_row(conninfo)
        try:
            return measure_freshness(app, watch, samples)
        except NotVisibleError as error:
            raise NotVisibleError(f"{error}; the runner's log ends:\n{tail(log)}") from None
        finally:
            close()


def _api(
    app: Casetrail, url: str, conninfo: str, sizes: Sizes, logs: Path, *,
    readers: api_load.Readers, seconds: float,
) -> tuple[api_load.Observed, api_load.Observed, api_load.Observed]:
    """16 clients at once, the same reads in SQL, and one client alone (the service time)."""
    with _serving(url, logs) as (port, server):
        cases = api_load.sample_cases(conninfo, 500)  # once the server built the views
        api_load.load_http(port, readers, cases, clients=sizes.api_clients, seconds=2.0)
        alone = api_load.load_http(port, readers, cases, clients=1, seconds=3.0)
        api = api_load.Observed()
        # Halfway through, every client holds its connection.
        spread = threading.Timer(
            seconds / 2, lambda: api.spread.extend(connections_per_worker(server, port))
        )
        spread.start()
        try:
            api_load.load_http(
                port, readers, cases, clients=sizes.api_clients, seconds=seconds, into=api
            )
        finally:
            spread.cancel()  # a run cut short records no spread
            spread.join()
    _check_answered(api)
    statements = api_load.view_statements(app, readers, utc_now())
    sql = api_load.load_sql(
        conninfo, statements, cases, clients=sizes.api_clients, seconds=min(seconds, 10.0)
    )
    return api, sql, alone


def _api_small(
    conninfo: str, url: str, sizes: Sizes, logs: Path, readers: api_load.Readers
) -> api_load.Observed:
    """The same mix at the small size, 16 clients only: what the scale ratio compares with."""
    with _serving(url, logs) as (port, _):
        cases = api_load.sample_cases(conninfo, 500)
        api_load.load_http(port, readers, cases, clients=sizes.api_clients, seconds=1.0)
        api = api_load.load_http(
            port, readers, cases, clients=sizes.api_clients, seconds=sizes.small_seconds
        )
    return _check_answered(api)


@contextmanager
def _serving(url: str, logs: Path) -> Iterator[tuple[int, int]]:
    """``casetrail serve`` on the bench store, once its views caught up; yields the port and
    the server's process id."""
    port, log = free_port(), logs / "serve.log"
    args = ["serve", "--port", str(port), "--watch-every", "1e9"]
    with running(args, casetrail_env(url), log) as server:
        try:
            api_load.wait_ready(port, READY_SECONDS)
        except TimeoutError as error:
            raise TimeoutError(f"{error}; the server's log ends:\n{tail(log)}") from None
        yield port, server.pid


def _check_answered(api: api_load.Observed) -> api_load.Observed:
    if not api.seconds:
        raise RuntimeError(f"no query answered: {api.failures[:3]}")
    return api
