"""The board read from its counters equals the board worked out case by case, on every backend.

The ``cases`` read model counts the settled states (answered, closed, terminated) per lead unit,
and the open cases per unit and deadline; the board labels the open counters now. Cases here
move between units, are returned unrouted, paused and resumed, extended, warned, answered,
closed, reopened and terminated, in batches small enough that a case's steps fall in different
batches; the counters must follow every move, and a rebuild must give the same counters, equal
to a fresh count over the rows. The time filters' own check
(``tests/unit/test_time_filters.py``) runs here on each backend too.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from domain.actors import SYSTEM
from domain.application import Casetrail
from domain.clock import add_working_days
from infra.calendar_loader import read_arrangement_file
from infra.projections import open_runner
from infra.projections.log import EventLog
from infra.projections.operations import rebuild
from projections.cases import OPEN, SETTLED, UNROUTED, CaseProjection
from projections.figures import board_counts as board_counts_module
from projections.figures.board import board, counts_by
from projections.figures.board_counts import board_counts, settled_cases
from projections.figures.context import Context
from projections.store import ViewStore
from tests.support.app import ADMIN
from tests.support.city import SUPERVISOR, clerk, complaint, furnished, handled_by, head
from tests.support.clock import CHINA, FakeClock
from tests.support.stores import StoreUnderTest
from tests.unit.test_case_clock import EXAMPLE_2027
from tests.unit.test_time_filters import Read, assert_board_states, every_kind_of_limit

PROJECTION = CaseProjection()
CASES, COUNTERS = PROJECTION.table("cases"), PROJECTION.table("case_counts")
OPEN_COUNTERS = PROJECTION.table("case_open_counts")


def history(app: Casetrail, clock: FakeClock) -> dict[str, UUID]:
    """One case of each way of reaching, leaving or moving between the settled states and
    between the open counters."""
    furnished(app)
    cases: dict[str, UUID] = {}
    moved = cases["moved"] = complaint(app)
    app.dispatch(moved, "TAX", actor=clerk("GSC"))
    app.request_return(moved, "非本单位职责", actor=clerk("TAX"))
    app.decide_return(moved, True, "同意", actor=SUPERVISOR)  # unrouted again
    app.dispatch(moved, "AMR", actor=clerk("GSC"))
    app.sign_for(moved, actor=clerk("AMR"))
    app.reply(moved, "已办理", actor=clerk("AMR"))
    unrouted = cases["answered_unrouted"] = complaint(app, case_type="consultation")
    app.answer_directly(unrouted, "已当场解答", actor=clerk("GSC"))
    reopened = cases["reopened"] = handled_by(app, "NRP")
    app.reply(reopened, "已答复", actor=clerk("NRP"))
    app.close_case(reopened, "solved", "办结", actor=clerk("NRP"))
    app.reopen(reopened, "未解决", actor=SUPERVISOR)
    terminated = cases["terminated"] = handled_by(app, "TAX")
    app.terminate(terminated, "企业撤回诉求", clerk("TAX").id, actor=head("TAX"))
    cases["open"] = handled_by(app, "AMR")
    cases["open_alike"] = handled_by(app, "AMR")  # the same unit and deadline: the same row
    late = cases["closed_late"] = handled_by(app, "AMR")
    paused = cases["paused"] = handled_by(app, "TAX")
    app.pause(paused, "supplement", "缺材料", actor=clerk("TAX"))
    resumed = cases["resumed"] = handled_by(app, "TAX")
    app.pause(resumed, "supplement", "缺材料", actor=clerk("TAX"))
    extended = cases["extended"] = handled_by(app, "NRP")
    emergency = cases["emergency"] = complaint(app, case_type="help", emergency=True)
    app.dispatch(emergency, "AMR", actor=clerk("GSC"))
    clock.advance(days=2)
    app.resume(resumed, "已补正", actor=clerk("TAX"))
    new_due = add_working_days(app.work_calendar(), _due(app, extended), 3)
    app.request_extension(extended, new_due, "需会商", actor=clerk("NRP"))
    app.decide_extension(extended, True, "同意", actor=head("NRP"))
    alerted = cases["alerted"] = handled_by(app, "GSC")
    clock.advance(days=40)
    app.issue_due_alerts(alerted, actor=SYSTEM)  # the cycle ran out: overdue from now on
    app.issue_due_alerts(emergency, actor=SYSTEM)
    app.reply(late, "迟复", actor=clerk("AMR"))
    app.close_case(late, "solved", "办结", actor=clerk("AMR"))
    again = cases["reopened_twice"] = handled_by(app, "GSC")
    app.reply(again, "已答复", actor=clerk("GSC"))
    app.close_case(again, "solved", "办结", actor=clerk("GSC"))
    app.reopen(again, "未解决", actor=SUPERVISOR)
    app.reply(again, "再次答复", actor=clerk("GSC"))
    app.close_case(again, "explained", "办结", actor=clerk("GSC"))
    clock.advance(days=3)
    app.reopen(again, "仍未解决", actor=SUPERVISOR)
    recounted(app, clock, cases)
    return cases


def recounted(app: Casetrail, clock: FakeClock, cases: dict[str, UUID]) -> None:
    """Deadlines into a year not yet published (provisional), recounted once it is."""
    clock.set(datetime(2026, 12, 21, 9, 0, tzinfo=CHINA))
    recounted = cases["recounted"] = handled_by(app, "NRP")
    cases["recounted_too"] = handled_by(app, "TAX")
    assert app.case(recounted).deadline.provisional
    app.publish_year(read_arrangement_file(EXAMPLE_2027, 2027), actor=ADMIN)
    app.recompute_provisional_deadlines(2027, actor=SYSTEM)
    assert not app.case(recounted).deadline.provisional


def test_the_counters_follow_every_move_and_survive_a_rebuild(
    store: StoreUnderTest, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = store.open()
    start = clock.now
    cases = history(app, clock)
    runner = open_runner(app, store.settings, projections=[PROJECTION], batch_size=7)
    try:
        runner.catch_up()
        rows = runner.store.rows(CASES)
        states = {r["id"]: r["status"] for r in rows}
        assert states[str(cases["reopened"])] == "in_progress"
        assert states[str(cases["terminated"])] == "terminated"
        counters = runner.store.rows(COUNTERS)
        assert {(r["lead_unit_id"], r["state"]) for r in counters} >= {
            (UNROUTED, "answered_on_time"),
            (str(app.unit("AMR").id), "answered_on_time"),
            (str(app.unit("AMR").id), "closed_late"),
            (str(app.unit("TAX").id), "terminated"),
        }
        assert all(r["cases"] > 0 for r in counters)  # a counter that reaches 0 goes
        opened = runner.store.rows(OPEN_COUNTERS)
        assert all(r["cases"] > 0 for r in opened)
        assert sum(r["cases"] for r in opened) == sum(r["status"] in OPEN for r in rows)
        assert {r["slot"] for r in opened} >= {"overdue", "paused"}
        assert len(opened) < sum(r["status"] in OPEN for r in rows)  # cases alike share a row
        assert _counted(counters) == _fresh(runner.store, Context(start, *_time(app)))
        moments = [start + timedelta(hours=h) for h in (0, 5, 24 * 3, 24 * 20, 24 * 22, 24 * 45)]
        moments += [clock.now + timedelta(days=d) for d in (0, 20, 30)]
        for moment in moments:
            ctx = Context(moment, *_time(app))
            wanted = counts_by(board(rows, ctx), "lead_unit_id")
            assert board_counts(Read(runner.store), ctx) == wanted, moment
            assert board_counts(Read(runner.store, current=False), ctx) == wanted, moment
        with monkeypatch.context() as patch:  # counters read a few rows a page
            patch.setattr(board_counts_module, "COUNTER_PAGE", 2)
            assert board_counts(Read(runner.store), ctx) == wanted
        rebuild(EventLog.of(app), runner.store, PROJECTION, batch_size=5)
        assert _counted(runner.store.rows(COUNTERS)) == _counted(counters)
        assert _open_counted(runner.store.rows(OPEN_COUNTERS)) == _open_counted(opened)
    finally:
        runner.store.close()


def test_the_time_filters_and_the_board_in_sql_are_the_boards(
    store: StoreUnderTest, clock: FakeClock
) -> None:
    """The time filters as this backend's SQL (the due-soon bounds one list parameter),
    against ``case_state`` at every moment of 40 days."""
    app = furnished(store.open())
    start = clock.now
    every_kind_of_limit(app, clock)
    runner = open_runner(app, store.settings, projections=[PROJECTION])
    try:
        runner.catch_up()
        assert_board_states(runner.store, app, start)
    finally:
        runner.store.close()


def _due(app: Casetrail, case_id: UUID) -> date:
    return app.case(case_id).deadline.due


def _time(app: Casetrail) -> tuple[Any, Any]:
    return app.work_calendar(), app.policy


def _counted(counters: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    return {(r["lead_unit_id"], r["state"]): r["cases"] for r in counters}


def _open_counted(counters: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    return {(r["lead_unit_id"], r["slot"]): r["cases"] for r in counters}


def _fresh(store: ViewStore, ctx: Context) -> dict[tuple[str, str], int]:
    """The settled states counted over the rows, as the board did before the counters."""
    found = store.counts(CASES, ("lead_unit_id",), *settled_cases(ctx))
    assert {state for _, state in found} <= set(SETTLED)
    return {(unit or UNROUTED, state): n for (unit, state), n in found.items()}
