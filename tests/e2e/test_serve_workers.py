"""``casetrail serve --workers 2`` on PostgreSQL: the API journeys pass against the real server,
and the projection runner, deadline watcher and relay run in one worker only, another taking
over when that one dies."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest

from infra.container import open_leadership
from infra.leader import AdvisoryLeadership
from tests.e2e import (
    test_api_consumer_journey,
    test_api_enterprise_journey,
    test_api_open311,
    test_api_staff_journey,
)
from tests.e2e.api_world import World, open_world, settings_for
from tests.support.clock import FakeClock

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
LEADS = re.compile(r"process (\d+) runs the projection runner")
TICKS = re.compile(r"deadline watcher pass in process (\d+)")

# Journeys whose steps do not move the test clock (the server keeps its own time) and that
# hold whatever other journeys left in the store (they share one server and store here).
JOURNEYS: list[Callable[[World], None]] = [
    test_api_staff_journey.test_a_stale_if_match_is_a_conflict_that_names_the_current_version,
    test_api_staff_journey.test_a_step_the_status_does_not_allow_is_409_with_the_steps_allowed_now,
    test_api_staff_journey.test_a_clerk_of_another_unit_cannot_see_or_touch_the_case,
    test_api_enterprise_journey.test_an_enterprise_files_follows_and_rates_its_case,
    test_api_enterprise_journey.test_an_enterprise_cannot_file_for_another_enterprise,
    test_api_open311.test_services_are_the_demand_types_in_json_and_xml,
    test_api_open311.test_errors_come_in_the_specs_format_for_the_requested_suffix,
    test_api_consumer_journey.test_a_position_past_the_end_of_the_log_is_refused,
]


@dataclass
class Served:
    world: World
    process: subprocess.Popen[bytes]
    log: Path
    url: str

    def lines(self, pattern: re.Pattern[str]) -> list[int]:
        return [int(m.group(1)) for m in pattern.finditer(self.log.read_text(errors="replace"))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {seconds}s")
        time.sleep(0.1)


@pytest.fixture
def served(tmp_path: Path, clock: FakeClock, fresh_postgres_url: str) -> Iterator[Served]:
    settings = settings_for(tmp_path / "home", "postgres", fresh_postgres_url)
    world = open_world(settings, clock)  # the directory, users and tokens, in the store
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASETRAIL_")}
    env.update({
        "CASETRAIL_STORE": "postgres", "CASETRAIL_DATABASE_URL": fresh_postgres_url,
        "CASETRAIL_HOME": str(settings.home), "CASETRAIL_POLICY_FILE": str(settings.policy_file),
        "CASETRAIL_JURISDICTION": settings.jurisdiction, "PYTHONPATH": str(REPO),
    })
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "api.cli.main", "serve", "--workers", "2", "--port", str(port),
             "--watch-every", "0.3"],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the workers can be stopped with it
        )
    url = f"http://127.0.0.1:{port}"
    client = httpx.Client(base_url=url, timeout=30)
    try:
        def healthy() -> bool:
            try:
                return client.get("/healthz").status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(healthy, 90, "the server answering")
        world.client = client  # type: ignore[assignment]  # same calls as the TestClient
        yield Served(world, process, log, url)
    finally:
        process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)
        # Whatever of the group is left (the supervisor, when it was slow to stop; a worker it
        # no longer waits for) would go on serving after the test, holding the port and its
        # connections to the store.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        client.close()
        world.container.close()


def background_lock_holders(served: Served, url: str) -> int:
    """Sessions holding the store's background lock. Other advisory locks are not it: a worker
    uvicorn starts again holds the set-up lock while it makes its tables (``infra.set_up_lock``)."""
    leadership = open_leadership(served.world.container.settings)
    assert isinstance(leadership, AdvisoryLeadership)
    high, low = divmod(leadership.key, 1 << 32)  # how pg_locks shows a bigint key
    with psycopg.connect(url, autocommit=True) as conn:
        found = conn.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND classid::bigint = %s AND objid::bigint = %s AND objsubid = 1",
            (high, low),
        ).fetchone()
    return int(found[0]) if found else 0


def test_two_workers_pass_the_api_journeys_with_the_background_work_run_once(
    served: Served, fresh_postgres_url: str,
) -> None:
    for journey in JOURNEYS:
        journey(served.world)

    wait_until(lambda: len(served.lines(TICKS)) >= 5, 60, "deadline watcher passes")
    leaders = set(served.lines(LEADS))
    assert len(leaders) == 1, served.log.read_text()
    assert set(served.lines(TICKS)) == leaders
    assert background_lock_holders(served, fresh_postgres_url) == 1
    workers = _worker_pids(served.process.pid)
    assert len(workers) >= 2
    assert leaders <= set(workers)

    # The holder dies: another worker takes over the background work.
    [leader] = leaders
    os.kill(leader, signal.SIGKILL)
    wait_until(lambda: len(set(served.lines(LEADS))) == 2, 60, "another worker taking over")
    [successor] = set(served.lines(LEADS)) - leaders
    ticks_before = served.lines(TICKS).count(successor)
    wait_until(lambda: served.lines(TICKS).count(successor) > ticks_before + 2, 30,
               "the new holder's watcher passes")
    assert background_lock_holders(served, fresh_postgres_url) == 1
    after_takeover = served.lines(TICKS)[-3:]
    assert set(after_takeover) == {successor}
    # The API still answers, and the views still follow the log.
    test_api_staff_journey.test_a_clerk_of_another_unit_cannot_see_or_touch_the_case(served.world)
    test_api_consumer_journey.test_a_position_past_the_end_of_the_log_is_refused(served.world)


def _worker_pids(parent: int) -> list[int]:
    children = Path(f"/proc/{parent}/task/{parent}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []
