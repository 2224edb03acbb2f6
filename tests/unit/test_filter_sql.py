"""A filter holding one part several times (the board's states each say "not overdue" and "not
due soon", the same objects) has that part compiled once and repeated: the statement and its
parameters are exactly those of a filter made of separate copies, in both dialects."""

from __future__ import annotations

import copy

import pytest

from infra.views.filters import compile_filter
from infra.views.store import counts_sql
from projections.cases import CaseProjection
from projections.figures.board_counts import OPEN_BY, OPEN_TABLE, open_cases, open_counted
from projections.figures.context import Context
from projections.query import All, AnyOf, Compare, Filter, InSelect, Not
from tests.support.app import memory_app
from tests.support.clock import FakeClock

CASES = CaseProjection().table("cases")
OPEN_COUNTS = CaseProjection().table(OPEN_TABLE)
MARKERS = ("%s", "?")  # PostgreSQL's and SQLite's


def unshared(where: Filter) -> Filter:
    """``where`` rebuilt with a new object for every part: nothing in it is held twice."""
    if isinstance(where, All | AnyOf):
        return type(where)(tuple(unshared(p) for p in where.parts))
    if isinstance(where, Not):
        return Not(unshared(where.part))
    return copy.copy(where)


@pytest.fixture
def ctx(clock: FakeClock) -> Context:
    app = memory_app(clock)
    return Context(app.now(), app.work_calendar(), app.policy)


@pytest.mark.parametrize("marker", MARKERS)
def test_the_boards_labels_compile_as_separate_copies_would(ctx: Context, marker: str) -> None:
    labels = open_counted(ctx)
    copies = {state: unshared(where) for state, where in labels.items()}
    assert counts_sql(OPEN_COUNTS, OPEN_BY, None, marker, labels) == counts_sql(
        OPEN_COUNTS, OPEN_BY, None, marker, copies
    )
    where, by_state = open_cases(ctx)
    for state, label in by_state.items():
        both = All((where, label, Not(label)))  # one object thrice, nested twice over
        compiled, params = compile_filter(both, CASES, marker)
        assert (compiled, params) == compile_filter(unshared(both), CASES, marker), state
        assert compiled.count(marker) == len(params)


@pytest.mark.parametrize("marker", MARKERS)
def test_a_part_held_inside_a_sub_select_too_is_compiled_for_each_place(marker: str) -> None:
    """Outside, the statement names the case table by an alias; inside the sub-select, the
    same part names the sub-select's own table."""
    part = Not(Compare("status", "=", "received"))
    where = All((part, InSelect("id", CASES, "id", part)))
    sql, params = compile_filter(where, CASES, marker, alias="c")
    outside, inside = sql.split(" IN (SELECT ")
    assert 'c."status"' in outside
    assert '"status"' in inside
    assert 'c."status"' not in inside
    assert params == ["received", "received"]
