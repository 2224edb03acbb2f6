"""The projection runner killed with SIGKILL twenty times while commands keep coming.

Each start picks up from the positions the last one committed; a kill in the middle of a batch
loses that batch's transaction, never half of it. Once the writes stop and a runner catches up,
every read model's checksum equals the checksum of a rebuild from the whole log.
"""

from __future__ import annotations

import random
import subprocess
import sys
import threading
import time

import pytest

from domain.application import Casetrail
from infra.bench.clock import SEEDED_UNTIL, MovingClock
from infra.bench.workload import lifecycle
from infra.bootstrap import bootstrap
from infra.demo.people import seed_directory
from infra.persistence import persistence_env
from infra.projections import open_runner
from infra.projections.operations import checksums, rebuild
from infra.settings import Settings, shipped_policy_path
from infra.views import postgres_conninfo
from infra.views.postgres import PostgresViewStore

pytestmark = [pytest.mark.fault, pytest.mark.postgres]

KILLS = 20
BATCH = 20


def _settings(url: str) -> Settings:
    return Settings(
        store="postgres", database_url=url, policy_file=shipped_policy_path(),
        jurisdiction="national",
    )


def _write_until(app: Casetrail, stop: threading.Event, written: list[int]) -> None:
    number = 0
    while not stop.is_set():
        written.append(lifecycle(app, number))
        number += 1


def _cases_position(store: PostgresViewStore) -> int:
    found = store.position("cases")
    return found.position if found else 0


def test_a_runner_killed_twenty_times_under_load_ends_with_the_checksums_of_a_rebuild(
    fresh_postgres_url: str,
) -> None:
    settings = _settings(fresh_postgres_url)
    app = bootstrap(settings, clock=MovingClock(SEEDED_UNTIL))
    seed_directory(app)
    store = PostgresViewStore(postgres_conninfo(persistence_env(settings))[0], app.clock)
    stop, written = threading.Event(), list[int]()
    writer = threading.Thread(target=_write_until, args=(app, stop, written), daemon=True)
    writer.start()
    rng, killed_behind = random.Random(20), 0
    try:
        for _ in range(KILLS):
            before = _cases_position(store)
            runner = subprocess.Popen(
                [sys.executable, "-m", "tests.fault.run_projections", fresh_postgres_url,
                 str(BATCH)],
            )
            deadline = time.monotonic() + 10
            while _cases_position(store) == before and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(rng.uniform(0.0, 0.3))
            runner.kill()
            runner.wait(10)
            killed_behind += _cases_position(store) < (app.recorder.max_notification_id() or 0)
    finally:
        stop.set()
        writer.join(30)

    assert sum(written) > 100, "too little was written while the runner was being killed"
    assert killed_behind > KILLS // 2, "the kills should land while the runner has work left"
    runner_in_process = open_runner(app, settings)
    try:
        runner_in_process.run(until_caught_up=True)
        head = app.recorder.max_notification_id() or 0
        reached = {
            p.name: getattr(runner_in_process.store.position(p.name), "position", None)
            for p in runner_in_process.projections
        }
        assert set(reached.values()) == {head}, reached
        resumed = checksums(runner_in_process.store, runner_in_process.projections)
        for projection in runner_in_process.projections:
            rebuild(runner_in_process.log, runner_in_process.store, projection)
        rebuilt = checksums(runner_in_process.store, runner_in_process.projections)
    finally:
        runner_in_process.store.close()
        store.close()
        app.close()
    assert resumed == rebuilt
