"""The case list: one row per case that follows every step, replayed from the log."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from domain.actors import SYSTEM, Actor, Role
from domain.application import Casetrail
from projections.cases import CaseProjection
from tests.support.app import memory_app, seed_directory
from tests.support.clock import CHINA, FakeClock
from tests.support.views import project, rows_by_id

LI = Actor("li.na", Role.WINDOW_STAFF)
WANG = Actor("wang.qiang", Role.UNIT_HEAD)
ZHAO = Actor("zhao.lei", Role.WINDOW_STAFF)
CHEN = Actor("chen.jie", Role.SUPERVISOR)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 6, 2, 9, 0, tzinfo=CHINA))


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    app = memory_app(clock)
    seed_directory(app)
    return app


def test_a_case_row_follows_routing_returns_and_closure(app: Casetrail, clock: FakeClock) -> None:
    case_id = app.file_demand(
        case_type="complaint",
        channel="web",
        summary="审批超时",
        actor=LI,
        filer_name="吴先生",
        service_item="AMR-license",
    ).id
    app.dispatch(case_id, "HRS", actor=LI)
    clock.advance(hours=2)
    app.request_return(case_id, "非本单位职责", actor=ZHAO)
    app.decide_return(case_id, True, "同意", actor=WANG)
    app.dispatch(case_id, "AMR", actor=LI)
    app.sign_for(case_id, actor=LI)
    app.request_return(case_id, "想退", actor=LI)
    app.decide_return(case_id, False, "属本单位职责", actor=CHEN)
    clock.advance(days=1)
    app.reply(case_id, "已办理", actor=LI)
    app.record_callback(case_id, True, True, "满意", actor=LI)
    app.close_case(case_id, "solved", "办结", actor=LI)
    row = rows_by_id(app, CaseProjection(), "cases")[str(case_id)]
    assert row["status"] == "closed"
    assert (row["returns"], row["improper_returns"], row["dispatch_count"]) == (1, 1, 2)
    assert (row["closed_on_time"], row["outcome"], row["callback_satisfied"]) == (
        True,
        "solved",
        True,
    )
    assert row["service_item"] == "AMR-license"
    assert row["first_response_at"] == datetime(2026, 6, 2, 11, 0, tzinfo=CHINA)
    units = {
        r["unit_id"]: (r["dispatches"], r["returns_approved"], r["returns_refused"])
        for r in project(app, CaseProjection()).rows(CaseProjection().table("case_units"))
    }
    # Each return is on the row of the unit that asked for it.
    assert units == {str(app.unit("HRS").id): (1, 1, 0), str(app.unit("AMR").id): (1, 0, 1)}


def test_a_reopened_case_starts_a_new_cycle_in_the_view(app: Casetrail, clock: FakeClock) -> None:
    case_id = app.file_demand(
        case_type="consultation", channel="window", summary="咨询", actor=LI, filer_name="甲"
    ).id
    app.answer_directly(case_id, "已解答", actor=LI)
    app.close_case(case_id, "explained", "已答复", actor=LI)
    clock.set(datetime(2026, 6, 8, 9, 0, tzinfo=CHINA))  # Monday
    app.reopen(case_id, "未解决", actor=WANG)
    row = rows_by_id(app, CaseProjection(), "cases")[str(case_id)]
    assert (row["status"], row["cycle"], row["reopen_count"], row["closed_at"]) == (
        "in_progress",
        2,
        1,
        None,
    )
    assert row["due"] == date(2026, 6, 10).isoformat()  # 2 working days after Mon 06-08


def test_pauses_extensions_and_alerts_reach_the_row(app: Casetrail, clock: FakeClock) -> None:
    case_id = app.file_demand(
        case_type="complaint", channel="window", summary="超时", actor=LI, filer_name="乙"
    ).id
    app.dispatch(case_id, "AMR", actor=LI)
    app.sign_for(case_id, actor=LI)
    app.pause(case_id, "testing", "送检", actor=LI)
    paused = rows_by_id(app, CaseProjection(), "cases")[str(case_id)]
    assert (paused["status"], paused["paused_since"]) == ("paused", clock.now)
    clock.set(datetime(2026, 6, 4, 9, 0, tzinfo=CHINA))
    app.resume(case_id, "检测完成", actor=LI)
    app.request_extension(case_id, date(2026, 7, 1), "需会商", actor=LI)
    asked = rows_by_id(app, CaseProjection(), "cases")[str(case_id)]
    assert asked["extension_requested_at"] == clock.now  # in the head's approvals queue
    app.decide_extension(case_id, True, "同意", actor=WANG)
    decided = rows_by_id(app, CaseProjection(), "cases")[str(case_id)]
    assert decided["extension_requested_at"] is None
    clock.set(datetime(2026, 7, 2, 9, 0, tzinfo=CHINA))
    app.issue_due_alerts(case_id, actor=SYSTEM)
    row = rows_by_id(app, CaseProjection(), "cases")[str(case_id)]
    assert (row["status"], row["paused_since"], row["due"]) == ("in_progress", None, "2026-07-01")
    assert (row["extension_days"], row["alert_level"]) == (3, "reminder")
