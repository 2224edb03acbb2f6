"""Finding 2: a version conflict must not poison the connection it happened on.

Racing writers on one record get 2xx or 409, never 5xx, and the writes after them, on the
same pooled connections, succeed. Checked over HTTP and on the application alone.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from domain.actors import Actor, Role
from domain.errors import ConflictError
from infra.bootstrap import bootstrap
from infra.settings import Settings, shipped_policy_path
from tests.e2e.api_world import World, open_world, settings_for
from tests.support.clock import FakeClock

pytestmark = pytest.mark.postgres

PAIRS = 50
CLERK = Actor("li.na", Role.WINDOW_STAFF)
ADMIN = Actor("admin", Role.ADMIN)
CASE = {"case_type": "complaint", "channel": "window", "summary": "审批超时", "filer_name": "张伟"}


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at once (released together by a barrier); their results or errors."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = calls[index]()
        except Exception as error:  # the test judges every outcome, errors included
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def world(tmp_path: Path, clock: FakeClock, fresh_postgres_url: str) -> Any:
    opened = open_world(settings_for(tmp_path / "home", "postgres", fresh_postgres_url), clock)
    yield opened
    opened.container.close()


def file_case(world: World) -> str:
    response = world.post("li.na", "/api/v1/cases", CASE)
    assert response.status_code == 201, response.text
    case_id = str(response.json()["id"])
    world.step("li.na", f"/api/v1/cases/{case_id}/dispatch", {"lead_unit": "AMR"}, version=1)
    world.step("li.na", f"/api/v1/cases/{case_id}/sign-for", version=2)
    return case_id


def contact(world: World, case_id: str, version: int | None) -> Callable[[], Any]:
    headers = {"If-Match": f'W/"{version}"'} if version is not None else {}
    path = f"/api/v1/cases/{case_id}/contacts"
    return lambda: world.post("li.na", path, {"note": "电话联系企业"}, **headers)


@pytest.mark.parametrize("if_match", [True, False], ids=["if-match", "no-if-match"])
def test_racing_pairs_get_2xx_or_409_and_later_writes_succeed(
    world: World, if_match: bool
) -> None:
    statuses: list[int] = []
    for _ in range(PAIRS):
        case_id = file_case(world)
        version = 3 if if_match else None
        answers = race(contact(world, case_id, version), contact(world, case_id, version))
        statuses += [answer.status_code for answer in answers]
        assert all(a.status_code < 500 for a in answers), [a.text for a in answers]
    assert set(statuses) <= {200, 201, 409}
    assert any(status in (200, 201) for status in statuses)
    if if_match:  # both saw version 3: exactly one of each pair may win
        assert statuses.count(409) == PAIRS
    for _ in range(PAIRS):
        answer = world.post("li.na", "/api/v1/cases", CASE)
        assert answer.status_code == 201, answer.text


def test_conflicts_leave_the_connections_usable_without_http(
    tmp_path: Path, clock: FakeClock, fresh_postgres_url: str
) -> None:
    settings = Settings(
        store="postgres",
        database_url=f"{fresh_postgres_url}?pool_size=1&max_overflow=0",
        home=tmp_path / "home",
        policy_file=shipped_policy_path(),
        jurisdiction="national",
    )
    app = bootstrap(settings, clock=clock)
    try:
        app.register_unit("AMR", "市场监督管理局", actor=ADMIN)
        conflicts = 0
        for number in range(PAIRS):
            first, second = app.unit("AMR"), app.unit("AMR")
            first.rename(f"甲 {number}", actor=ADMIN, at=app.now())
            second.rename(f"乙 {number}", actor=ADMIN, at=app.now())
            app.commit(first)
            try:
                app.commit(second)
            except ConflictError:
                conflicts += 1
        assert conflicts == PAIRS
        for number in range(PAIRS):  # one connection: every write reuses the conflicted one
            unit = app.unit("AMR")
            unit.rename(f"之后 {number}", actor=ADMIN, at=app.now())
            app.commit(unit)
        assert app.unit("AMR").name == f"之后 {PAIRS - 1}"
    finally:
        app.close()
