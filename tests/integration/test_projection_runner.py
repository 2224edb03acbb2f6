"""The projection runner on real stores: caught up, killed mid-batch, and woken by NOTIFY.

Every test runs on SQLite and on PostgreSQL (``durable_store``). The directory view counts
staff per unit, so an event applied twice or missed shows as a wrong head count, not only as a
different checksum.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from domain.actors import Role
from domain.application import Casetrail
from infra.projections import open_runner
from infra.projections.follow import ListenFollower
from infra.projections.operations import checksums, rebuild
from infra.settings import Settings
from infra.views import open_view_store
from projections.directory import DirectoryProjection
from projections.store import ViewStore
from tests.support.app import ADMIN
from tests.support.clock import START, FakeClock
from tests.support.stores import StoreUnderTest

REPO = Path(__file__).resolve().parents[2]
UNITS = DirectoryProjection.tables[0]


def enrol(app: Casetrail, units: int, staff: int, first: int = 0) -> None:
    """Enrol ``staff`` people, spread over units U0..U(units-1) in turn."""
    for n in range(first, first + staff):
        app.enrol_staff(f"s{n}", f"Staff {n}", Role.WINDOW_STAFF, unit_code=f"U{n % units}",
                        actor=ADMIN)


def seed(app: Casetrail, units: int, staff: int) -> None:
    for u in range(units):
        app.register_unit(f"U{u}", f"Unit {u}", actor=ADMIN)
    enrol(app, units, staff)


def head_counts(store: ViewStore) -> dict[str, int]:
    return {row["code"]: row["staff_count"] for row in store.rows(UNITS)}


def position(store: ViewStore) -> int:
    found = store.position(DirectoryProjection.name)
    return found.position if found else 0


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> float:
    began = time.monotonic()
    while not condition():
        if time.monotonic() - began > seconds:
            pytest.fail(f"{what} did not happen within {seconds}s")
        time.sleep(0.005)
    return time.monotonic() - began


def test_a_caught_up_view_matches_the_log_and_a_rebuild_gives_the_same_checksum(
    durable_store: StoreUnderTest,
) -> None:
    app = durable_store.open()
    seed(app, units=3, staff=30)
    runner = open_runner(app, durable_store.settings, batch_size=7)
    try:
        runner.run(until_caught_up=True)
        assert head_counts(runner.store) == {"U0": 10, "U1": 10, "U2": 10}
        assert position(runner.store) == runner.log.head()
        before = checksums(runner.store, runner.projections)

        applied = rebuild(runner.log, runner.store, DirectoryProjection())

        assert applied == 33
        assert checksums(runner.store, runner.projections) == before
    finally:
        runner.store.close()


@pytest.mark.postgres
def test_the_same_history_gives_the_same_checksum_on_sqlite_and_postgres(
    fresh_postgres_url: str, tmp_path: Path, clock: FakeClock,
) -> None:
    found = []
    for settings in (
        Settings(store="sqlite", home=tmp_path / "sqlite"),
        Settings(store="postgres", database_url=fresh_postgres_url, home=tmp_path / "pg"),
    ):
        clock.set(START)
        store = StoreUnderTest(settings.backend, settings, clock)
        app = store.open()
        seed(app, units=3, staff=12)
        clock.advance(days=3)
        app.register_enterprise("91440300MA5EXAMPLE", "深圳示例科技有限公司", actor=ADMIN)
        runner = open_runner(app, settings, batch_size=5)
        runner.run(until_caught_up=True)
        found.append(checksums(runner.store, [DirectoryProjection()]))
        runner.store.close()
        store.close()

    assert found[0] == found[1]


def cli_env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASETRAIL_")}
    env.update({
        "CASETRAIL_STORE": settings.backend,
        "CASETRAIL_HOME": str(settings.home),
        "CASETRAIL_POLICY_FILE": str(settings.policy_file),
        "CASETRAIL_JURISDICTION": settings.jurisdiction,
        "PYTHONPATH": str(REPO),
    })
    if settings.database_url:
        env["CASETRAIL_DATABASE_URL"] = settings.database_url
    return env


def projections_cli(settings: Settings, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli.main", "projections", *args], cwd=REPO,
        env=cli_env(settings), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


@pytest.mark.slow
def test_a_runner_killed_in_the_middle_of_its_work_resumes_and_counts_each_event_once(
    durable_store: StoreUnderTest,
) -> None:
    app = durable_store.open()
    seed(app, units=4, staff=2000)
    settings = durable_store.settings
    watcher = open_view_store(settings, durable_store.clock)
    head = app.recorder.max_notification_id() or 0
    killed_at: list[int] = []
    try:
        for _ in range(3):
            process = projections_cli(settings, "run", "--batch-size", "5")
            last = killed_at[-1] if killed_at else 0
            wait_for(lambda: position(watcher) > last, 60, "the runner moving on")  # noqa: B023
            time.sleep(random.uniform(0, 0.02))
            process.kill()
            process.wait(timeout=10)
            killed_at.append(position(watcher))

        finish = projections_cli(settings, "run", "--until-caught-up")
        _, errors = finish.communicate(timeout=120)
        assert finish.returncode == 0, errors.decode()

        assert killed_at == sorted(killed_at)
        assert killed_at[-1] < head, "the runner finished before it was killed: add events"
        assert head_counts(watcher) == {"U0": 500, "U1": 500, "U2": 500, "U3": 500}
        assert position(watcher) == head
        [(_, after_crashes)] = checksums(watcher, [DirectoryProjection()])
        finish = projections_cli(settings, "rebuild", "--all")
        finish.communicate(timeout=120)
        assert finish.returncode == 0
        assert checksums(watcher, [DirectoryProjection()]) == [("directory", after_crashes)]
    finally:
        watcher.close()


def test_sigterm_stops_a_following_runner_cleanly(durable_store: StoreUnderTest) -> None:
    app = durable_store.open()
    seed(app, units=1, staff=3)
    watcher = open_view_store(durable_store.settings, durable_store.clock)
    process = projections_cli(durable_store.settings, "run")
    try:
        wait_for(lambda: position(watcher) == app.recorder.max_notification_id(), 30, "catch-up")
        enrol(app, units=1, staff=1, first=3)
        wait_for(lambda: head_counts(watcher) == {"U0": 4}, 10, "following a new event")

        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=10)
    finally:
        process.kill()
        watcher.close()

    assert process.returncode == 0, errors.decode()
    assert "SIGTERM: stopping after the current batch" in errors.decode()


@pytest.mark.postgres
def test_a_postgres_runner_wakes_on_notify_and_listens_again_after_losing_its_connection(
    fresh_postgres_url: str, tmp_path: Path, clock: FakeClock,
) -> None:
    settings = Settings(store="postgres", database_url=fresh_postgres_url, home=tmp_path)
    store = StoreUnderTest("postgres", settings, clock)
    app = store.open()
    seed(app, units=1, staff=1)
    runner = open_runner(app, settings)
    thread = threading.Thread(target=runner.run)
    thread.start()
    try:
        wait_for(lambda: position(runner.store) == runner.log.head(), 10, "catching up")
        follower = runner.follower
        assert isinstance(follower, ListenFollower)

        enrol(app, units=1, staff=1, first=1)
        took = wait_for(lambda: head_counts(runner.store) == {"U0": 2}, 5, "the first NOTIFY")
        assert took < 2

        with psycopg.connect(fresh_postgres_url, autocommit=True) as admin:
            terminated = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND query ILIKE 'LISTEN%%'"
                " AND pid <> pg_backend_pid()"
            ).fetchall()
        assert terminated, "no LISTEN connection was found to terminate"
        wait_for(lambda: follower.started >= 2, 15, "the subscription restarting")

        enrol(app, units=1, staff=1, first=2)
        took = wait_for(lambda: head_counts(runner.store) == {"U0": 3}, 5, "a NOTIFY after")
        assert took < 2
    finally:
        runner.stop()
        thread.join(timeout=10)
        runner.store.close()
        store.close()
    assert not thread.is_alive()
