"""A list reads only the columns it shows and judges by: the rows it answers with must be the
same as if it had read every column, and a page of chosen columns carries just those."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.http.georeport import REQUEST_COLUMNS
from api.http.routers.case_queries import LIST_COLUMNS, STATE_COLUMNS
from projections.cases import CaseProjection
from projections.figures.board import case_state
from projections.figures.context import Context
from projections.store import PageQuery
from projections.values import encode
from tests.support.city import city as open_city
from tests.support.city import clerk, complaint, handled_by
from tests.support.clock import FakeClock
from tests.support.views import project

CASES = CaseProjection().table("cases")


def test_a_case_is_judged_the_same_from_the_state_columns_alone(clock: FakeClock) -> None:
    app = open_city(clock)
    start = clock.now
    complaint(app, case_type="help", emergency=True)
    complaint(app, case_type="suggestion")
    paused = handled_by(app, "TAX")
    app.pause(paused, "supplement", "缺材料", actor=clerk("TAX"))
    answered = handled_by(app, "NRP")
    clock.advance(days=1)
    app.reply(answered, "已答复", actor=clerk("NRP"))
    for _ in range(3):
        handled_by(app, "AMR")
        clock.advance(days=2, hours=7)
    rows = project(app, CaseProjection()).rows(CASES)
    seen = set()
    for step in range(0, 24 * 30, 7):
        ctx = Context(start + timedelta(hours=step), app.work_calendar(), app.policy)
        for row in rows:
            state = case_state(row, ctx)
            assert case_state({c: row[c] for c in STATE_COLUMNS}, ctx) == state
            seen.add(state)
    assert {"on_time", "due_soon", "overdue", "paused", "answered_on_time"} <= seen


def test_a_page_of_chosen_columns_carries_those_decoded_as_a_whole_row_has_them(
    clock: FakeClock,
) -> None:
    app = open_city(clock)
    for case_type in ("consultation", "help", "complaint"):
        complaint(app, case_type=case_type)
        clock.advance(hours=3)
    store = project(app, CaseProjection())
    whole = store.page(CASES, PageQuery("filed_at", True, 50))
    for columns in (LIST_COLUMNS, REQUEST_COLUMNS):
        chosen = store.page(CASES, PageQuery("filed_at", True, 50, columns=columns))
        assert [set(r) for r in chosen] == [set(columns)] * len(whole)
        assert chosen == [{c: r[c] for c in columns} for r in whole]
    # The stored values a request is written from: the rows' columns, each as stored.
    shown = store.stored_page(CASES, PageQuery("filed_at", True, 50, columns=REQUEST_COLUMNS))
    assert shown == [
        tuple(encode(CASES.column(c), r[c]) for c in REQUEST_COLUMNS) for r in whole
    ]


def test_a_page_refuses_a_column_the_table_does_not_have(clock: FakeClock) -> None:
    store = project(open_city(clock), CaseProjection())
    with pytest.raises(ValueError, match="no column"):
        store.page(CASES, PageQuery("filed_at", True, 5, columns=("id", "nonsense")))
