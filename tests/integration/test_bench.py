"""``casetrail bench`` on PostgreSQL: the seeded store verifies, and a tiny run gives every key."""

from __future__ import annotations

import os
from collections import Counter

import psycopg
import pytest
from eventsourcing.utils import get_topic

from domain.case import Case
from infra.bench.api_load import ROUTES
from infra.bench.clock import SEEDED_UNTIL
from infra.bench.database import BenchDatabaseError
from infra.bench.report import FIGURE_KEYS
from infra.bench.run import Sizes, run_bench
from infra.bench.seed import seed_store
from infra.bootstrap import bootstrap
from infra.demo.run import SimClock
from infra.integrity.checkpoints import claim_reader
from infra.integrity.standalone import CHECKPOINT_TOPIC
from infra.integrity.tables import chain_of
from infra.integrity.verify_log import verify_log
from infra.persistence import persistence_env
from infra.settings import Settings, shipped_policy_path
from infra.views import postgres_conninfo

pytestmark = pytest.mark.postgres


def _settings(url: str) -> Settings:
    return Settings(
        store="postgres", database_url=url, policy_file=shipped_policy_path(),
        jurisdiction="national",
    )


def test_a_seeded_store_holds_what_was_asked_and_verifies_like_one_written_by_the_application(
    fresh_postgres_url: str,
) -> None:
    settings, clock = _settings(fresh_postgres_url), SimClock(SEEDED_UNTIL)
    app = bootstrap(settings, clock=clock)
    try:
        conninfo = postgres_conninfo(persistence_env(settings))[0]
        seeded = seed_store(app, clock, conninfo, 6000, template_cases=5)
        head = app.recorder.max_notification_id() or 0
        report = verify_log(chain_of(app.recorder), claim_reader(app.mapper))
        topics = Counter(n.topic for n in app.recorder.select_notifications(1, head + 1))
        cloned = list(app.iter_ids([get_topic(Case.Filed)]))
        one = app.case(cloned[-1])
    finally:
        app.close()
    assert seeded.events == head >= 6000
    assert report.first_break is None, report.summary()
    assert report.checkpoints == head // 1000 == topics[CHECKPOINT_TOPIC]
    assert len(cloned) == seeded.cases > seeded.templates
    assert one.version >= 1


@pytest.mark.slow
def test_a_tiny_bench_run_reports_every_figure_beside_its_baseline(
    fresh_postgres_url: str,
) -> None:
    tiny = Sizes(
        events=3000, template_cases=5, lifecycles=2, freshness_samples=5, kafka_samples=0,
        api_clients=4, api_seconds=1.0, replay_runs=3, small_events=1000, small_seconds=0.5,
    )
    said: list[str] = []
    result, lines = run_bench(_settings(fresh_postgres_url), tiny, mode="test", say=said.append)
    assert set(FIGURE_KEYS) <= set(result)
    measured = {k: result[k] for k in FIGURE_KEYS if not k.startswith("kafka")}
    assert all(isinstance(v, float) and v > 0 for v in measured.values()), measured
    assert result["kafka_freshness_p50_ms"] is None
    assert result["sizes"]["events"] >= 3000
    assert result["details"]["api_failures"] == 0
    # Halfway through the run, each client's kept-alive connection is with one of the
    # server's workers (one per CPU).
    spread = result["details"]["api_connections_per_worker"]
    assert sum(spread) == tiny.api_clients
    assert len(spread) == (os.cpu_count() or 1)
    assert result["targets"]["replay_ms"]["target"] == "≤ 10"
    assert [line.key for line in lines if not line.key.startswith("route ")] == list(FIGURE_KEYS)
    # Each read of the mix on its own line, beside the same SQL run directly.
    routes = {line.key.removeprefix("route ") for line in lines if line.key.startswith("route ")}
    assert routes == set(ROUTES)
    assert all(result["details"]["api_routes"][r]["sql"]["samples"] > 0 for r in ROUTES)
    assert result["sizes"]["small_events"] < result["sizes"]["events"]
    assert said[0] == "seeding a store of 1,000 events"
    assert "growing the store to 3,000 events" in said


@pytest.mark.slow
def test_a_kept_store_is_measured_again_from_the_first_event(fresh_postgres_url: str) -> None:
    tiny = Sizes(
        events=2000, template_cases=4, lifecycles=2, freshness_samples=3, kafka_samples=0,
        api_clients=2, api_seconds=0.5, replay_runs=2, small_events=None,
    )
    first, _ = run_bench(_settings(fresh_postgres_url), tiny, mode="test", say=lambda _: None)
    conninfo = postgres_conninfo(persistence_env(_settings(fresh_postgres_url)))[0]
    with psycopg.connect(conninfo, autocommit=True) as connection:
        # A rebuild interrupted half-way (as a killed run leaves it), under today's definition.
        connection.execute(
            "INSERT INTO projection_position (projection, position, definition_version)"
            " SELECT projection || ':next', position / 2, definition_version"
            " FROM projection_position"
        )
        connection.execute("CREATE TABLE view_cases__next (id text)")
    said: list[str] = []
    again, _ = run_bench(
        _settings(fresh_postgres_url), tiny, mode="test", say=said.append,
        seeded=fresh_postgres_url,
    )
    assert said[0].startswith("measuring the kept store of ")
    assert again["sizes"]["events"] > first["sizes"]["events"]  # with the first run's writes
    assert f"{again['sizes']['events']:,} events" in said[0]
    # Every read model replayed from the first event, not from where the rebuild stopped.
    assert again["details"]["rebuild_events_applied"] >= first["details"]["rebuild_events_applied"]
    assert again["list_scale_ratio"] is None
    assert again["details"]["api_failures"] == 0


def test_measuring_a_kept_store_needs_one_that_holds_events(fresh_postgres_url: str) -> None:
    with pytest.raises(BenchDatabaseError, match="holds no events"):
        run_bench(
            _settings(fresh_postgres_url), Sizes(1000, 1, 1, 1, 0, 1, 0.1, 1), mode="test",
            say=lambda _: None, seeded=fresh_postgres_url,
        )
