"""What the server keeps between reads, and what it no longer does per read, on every durable
store: the working calendar is asked about only once the views have moved past the position it
was last checked at, and a change made by another process is seen from that position on; a
case list is written without validating it again, to the very bytes ``CasesPage`` writes; the
board reads its view's position row once, with its counts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from api.http.schemas.cases import CasesPage
from api.web.dashboard import open_board
from domain.application import Casetrail
from domain.calendar import WorkCalendar
from tests.e2e.api_world import World, open_world, settings_for
from tests.support.app import ADMIN
from tests.support.clock import FakeClock
from tests.support.stores import StoreUnderTest


def _counted(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[Any]:
    """Calls of ``owner.name`` from now on (each call's arguments), still answered by it."""
    calls: list[Any] = []
    original: Callable[..., Any] = getattr(owner, name)

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counting)
    return calls


def _head(app: Casetrail) -> int:
    return app.recorder.max_notification_id() or 0


def test_the_kept_calendar_is_checked_once_per_position_the_views_move_past(
    durable_store: StoreUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    here, elsewhere = durable_store.open(), durable_store.open()
    kept = here.work_calendar_at(0)
    head = _head(here)
    asked = _counted(monkeypatch, here.recorder, "select_events")
    assert here.work_calendar_at(head) is kept
    assert len(asked) == 1  # the views passed the last position checked: asked once
    for _ in range(3):
        assert here.work_calendar_at(head) is kept
        assert here.work_calendar_at(head - 1) is kept
    assert len(asked) == 1  # ... and not again while they stand there

    saved = elsewhere.add_calendar_overlay(
        "a local festival", [date(2026, 3, 4)], "EXAMPLE notice", actor=ADMIN
    )
    assert saved.position is not None
    assert saved.position > head
    # A read of views that have not reached the change counts with the calendar they reflect.
    assert here.work_calendar_at(head) is kept
    changed = here.work_calendar_at(saved.position)
    assert changed.version == kept.version + 1
    assert not changed.is_working_day(date(2026, 3, 4))
    assert here.work_calendar_at(saved.position) is changed
    assert here.work_calendar_at(0) is changed


def test_a_command_that_changes_the_calendar_here_is_seen_past_its_position(
    durable_store: StoreUnderTest,
) -> None:
    app = durable_store.open()
    kept = app.work_calendar_at(_head(app))
    saved = app.add_calendar_overlay(
        "a local festival", [date(2026, 3, 4)], "EXAMPLE notice", actor=ADMIN
    )
    assert saved.position is not None
    assert app.work_calendar_at(saved.position).version == kept.version + 1


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> Iterator[World]:
    url = request.getfixturevalue("fresh_postgres_url") if request.param == "postgres" else None
    opened = open_world(settings_for(tmp_path / "home", request.param, url), clock)
    yield opened
    opened.container.close()


def _rest_until(world: World, due: date) -> None:
    """Every day from tomorrow to the day before ``due`` a rest day: the deadline, days away
    in working days, becomes the next working day."""
    today = world.clock.now.date()
    days = [today + timedelta(days=n) for n in range(1, (due - today).days)]
    world.container.app.add_calendar_overlay("a long festival", days, "EXAMPLE", actor=ADMIN)


def test_a_list_counts_with_a_calendar_changed_since_the_last_list(world: World) -> None:
    filed = world.step("li.na", "/api/v1/cases", {
        "case_type": "complaint", "channel": "window", "summary": "审批超时", "filer_name": "张伟",
    })
    case = f"/api/v1/cases/{filed['id']}"
    dispatched = world.step("li.na", f"{case}/dispatch", {"lead_unit": "AMR"}, version=1)
    listed = world.get("chen.jie", "/api/v1/cases", min_position=dispatched["position"])
    (row,) = [r for r in listed.json()["items"] if r["id"] == filed["id"]]
    assert row["time_state"] == "on_time"
    due = date.fromisoformat(row["due"])
    assert due - world.clock.now.date() > timedelta(days=3)

    _rest_until(world, due)

    for params in ({}, {"due_soon": "true"}):
        listed = world.get("chen.jie", "/api/v1/cases", **params)
        states = {r["id"]: r["time_state"] for r in listed.json()["items"]}
        assert states[filed["id"]] == "due_soon"


def test_a_list_is_written_as_casespage_writes_it(world: World) -> None:
    for intake in (
        {"case_type": "complaint", "enterprise": "91440300MA5EXAMPLE", "service_item": "登记"},
        {"case_type": "help", "emergency": True, "filer_name": "张伟"},
        {"case_type": "consultation", "confidential": True, "enterprise": "91440300MA5EXAMPLE"},
        {"case_type": "suggestion", "summary": 'a "quoted"\tword, 中文 and \\ too'},
    ):
        filed = world.step("li.na", "/api/v1/cases", {
            "channel": "window", "summary": "审批超时", "filer_name": "张伟", **intake,
        })
        if not intake.get("confidential"):  # (the confidential desk routes that one)
            world.step("li.na", f"/api/v1/cases/{filed['id']}/dispatch",
                       {"lead_unit": "AMR", "co_units": ["HRS"]}, version=1)
        world.clock.advance(hours=5)
    world.clock.advance(days=40)  # some overdue, some due soon
    world.step("li.na", "/api/v1/cases", {
        "case_type": "complaint", "summary": "新的", "filer_name": "李娜",
    })
    bodies = []
    for login in ("chen.jie", "li.na", "example-co", "data-platform"):
        for params in ({}, {"overdue": "true", "sort": "due_at"}, {"limit": 3}, {"unit": "AMR"}):
            response = world.get(login, "/api/v1/cases", **params)
            assert response.status_code == 200, response.text
            assert response.headers["content-type"] == "application/json"
            bodies.append(response.content)
    listed = [CasesPage.model_validate_json(body) for body in bodies]
    assert sum(len(page.items) for page in listed) > 20
    # Validated from its own bytes and written again, each page is what it was: no field
    # missing, added, reordered or in a form the model would change (an id, a day, a moment).
    assert [page.model_dump_json().encode() for page in listed] == bodies
    shown = {name for page in listed for row in page.items for name, v in row if v}
    assert {"co_unit_ids", "due", "due_at", "enterprise_id", "confidential"} <= shown


def test_the_board_reads_its_views_position_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = world.container.read
    read.refresh(["cases", "directory"])
    read.following.set()  # as in a server, where a runner follows the log: no read catches up
    positions = _counted(monkeypatch, read.store, "position")
    with_reads = _counted(monkeypatch, read.store, "position_and")
    board = open_board(world.container.app, read)
    # Read with its counts and counters, in one round trip where the store pipelines.
    assert positions == []
    assert [(name, len(reads)) for name, reads in with_reads] == [("cases", 2)]
    assert board.stamp["position"] == read.position("cases")
    assert board.stamp["calendar_version"] == world.container.app.work_calendar().version
    assert isinstance(board.ctx.calendar, WorkCalendar)


def test_a_list_reads_its_views_position_once_with_its_page(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whether the view is current (which a clerk's scope depends on) comes from the position
    row read with the page, not from a read of its own."""
    read = world.container.read
    read.refresh(["cases", "directory"])
    read.following.set()  # as in a server, where a runner follows the log: no read catches up
    positions = _counted(monkeypatch, read.store, "position")
    with_reads = _counted(monkeypatch, read.store, "position_and")
    for login in ("li.na", "chen.jie"):  # a clerk, seeing their unit's cases; a supervisor
        for path in ("/api/v1/cases", "/open311/v2/requests.json"):
            assert world.get(login, path).status_code == 200
    assert positions == []
    assert [(name, len(reads)) for name, reads in with_reads] == [("cases", 1)] * 4
