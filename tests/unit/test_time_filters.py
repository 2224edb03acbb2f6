"""The overdue and due-soon filters the view store answers select exactly the cases the board
(``case_state``) puts in those states, at every moment of a month: each kind of limit (2, 10 and
15 working days, a service commitment, an emergency's hours), paused, answered and
long-overdue cases, across weekends and a holiday. The board's counts, from the read model's
counters (the open ones labelled now), are the board's too, and so are those from the cases
labelled one by one (while a new definition is rebuilt). ``tests/integration/
test_board_counters.py`` runs the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from domain.application import Casetrail
from projections.cases import CaseProjection
from projections.figures import time_filters
from projections.figures.board import STATES, board, case_state, counts_by
from projections.figures.board_counts import board_counts
from projections.figures.context import Context
from projections.query import Filter, Not
from projections.store import PageQuery, ViewStore
from tests.support.city import city as open_city
from tests.support.city import clerk, complaint, handled_by
from tests.support.clock import FakeClock
from tests.support.views import project

PROJECTION = CaseProjection()
CASES = PROJECTION.table("cases")


def test_the_time_filters_select_what_the_board_shows(clock: FakeClock) -> None:
    app = open_city(clock)
    start = clock.now
    every_kind_of_limit(app, clock)
    store = project(app, CaseProjection())
    assert_board_states(store, app, start)


def every_kind_of_limit(app: Casetrail, clock: FakeClock) -> None:
    """Cases of every kind of limit, paused and answered ones, filed hours apart."""
    for case_type in ("consultation", "help", "suggestion", "complaint"):
        complaint(app, case_type=case_type)
        clock.advance(hours=5)
    complaint(app, case_type="help", emergency=True)
    complaint(app, case_type="help", service_item="GSC-consultation")
    paused = handled_by(app, "TAX")
    app.pause(paused, "supplement", "缺材料", actor=clerk("TAX"))
    answered = handled_by(app, "NRP")
    clock.advance(days=1)
    app.reply(answered, "已答复", actor=clerk("NRP"))
    emergency = complaint(app, case_type="complaint", emergency=True)
    app.dispatch(emergency, "AMR", actor=clerk("GSC"))
    clock.advance(hours=3)
    for _ in range(3):
        handled_by(app, "AMR")
        clock.advance(days=2, hours=7)


def assert_board_states(store: ViewStore, app: Casetrail, start: datetime) -> None:
    """At every moment of 40 days from ``start``: each state's filter, the labelled count and
    the board's counts (``board_counts``) give what ``case_state`` gives row by row."""
    rows = store.rows(CASES)
    assert {r["status"] for r in rows} >= {"received", "in_progress", "paused", "replied"}
    seen: set[str] = set()
    for step in range(0, 24 * 40, 5):
        ctx = Context(start + timedelta(hours=step), app.work_calendar(), app.policy)
        states = {str(r["id"]): case_state(r, ctx) for r in rows}
        seen |= set(states.values())
        for name, state in (("overdue", time_filters.overdue), ("due_soon", time_filters.due_soon)):
            wanted = {i for i, s in states.items() if s == name}
            found = {str(r["id"]) for r in store.page(CASES, _all(state(ctx)))}
            assert found == wanted, (name, ctx.now)
            others = {str(r["id"]) for r in store.page(CASES, _all(Not(state(ctx))))}
            assert others == set(states) - wanted, (name, ctx.now)
        labelled = store.counts(CASES, ("lead_unit_id",), None, time_filters.states(ctx))
        assert {(u or "-", st): n for (u, st), n in labelled.items()} == {
            (u, st): n for u, c in counts_by(board(rows, ctx), "lead_unit_id").items()
            for st, n in c.items()
        }
        for name, where in time_filters.states(ctx).items():
            found = {str(r["id"]) for r in store.page(CASES, _all(where))}
            assert found == {i for i, s in states.items() if s == name}, (name, ctx.now)
        shown = counts_by(board(rows, ctx), "lead_unit_id")
        assert board_counts(Read(store), ctx) == shown  # the open counters labelled now
        assert board_counts(Read(store, current=False), ctx) == shown  # the cases labelled
    assert {"on_time", "due_soon", "overdue", "paused", "answered_on_time"} <= seen
    assert set(time_filters.states(ctx)) == set(STATES)


class Read:
    """The read side's part the board uses, over one store of the cases read model."""

    def __init__(self, store: ViewStore, current: bool = True) -> None:
        self.store, self.current = store, current

    def page(self, name: str, table: str, query: PageQuery) -> list[dict[str, Any]]:
        return self.store.page(PROJECTION.table(table), query)

    def counts(
        self, name: str, table: str, by: tuple[str, ...], where: Filter | None = None,
        labels: Mapping[str, Filter] | None = None,
    ) -> dict[tuple[Any, ...], int]:
        return self.store.counts(PROJECTION.table(table), by, where, labels)

    def is_current(self, name: str) -> bool:
        return self.current


def _all(where: Filter) -> PageQuery:
    return PageQuery("filed_at", False, 10_000, where=where)
