"""The time-limit board's counts per lead unit and state, without labelling every case.

A case answered, closed or terminated keeps its board state whatever the time: the ``cases``
read model counts those per unit as they happen (``case_counts``), and the board reads those
few counter rows. Open cases change state with the clock, but only through their deadline: the
read model counts them per unit and per the columns their state is judged from besides now
(``case_open_counts``), and the board labels those rows with the time filters, the moment a
parameter, grouped by their count of cases too, so that the store's count of rows becomes a sum
of cases (``_open_counts``). Neither reads a case.

While a new definition of the ``cases`` model is being rebuilt beside the serving one, the
serving tables may predate the counters (or hold them empty): the open cases are then labelled
one by one and the settled states counted from the rows, as before the counters existed.

The board page (``api/web/dashboard.py``) and the bench's baseline send the statements built
here (``open_counted``, ``counters_page``), so the two stay comparable.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from projections.cases import SETTLED, SETTLED_STATUSES, UNROUTED
from projections.figures import time_filters
from projections.figures.board import STATES
from projections.figures.context import Context
from projections.figures.reading import GroupedCounts
from projections.query import Filter, In
from projections.store import PageQuery

VIEW = "cases"
OPEN_TABLE = "case_open_counts"
OPEN_BY = ("lead_unit_id", "cases")
"""The open counters are counted per unit and per number of cases: rows times cases is a sum."""
COUNTER_PAGE = 1000
"""Counter rows per read: a unit has at most five, so one page holds two hundred units."""

Counts = dict[str, dict[str, int]]
"""State counts per lead unit (``UNROUTED`` for none), states in board order."""


class Reader(GroupedCounts, Protocol):
    """The read side as the board uses it (``infra.readside.ReadSide``)."""

    def page(self, name: str, table: str, query: PageQuery) -> list[dict[str, Any]]: ...

    def is_current(self, name: str) -> bool: ...


def open_cases(ctx: Context) -> tuple[Filter, dict[str, Filter]]:
    """The open cases (the ``where``) and the board state each is in now (the labels)."""
    every = time_filters.states(ctx)
    return In("status", time_filters.OPEN), {
        state: where for state, where in every.items() if state not in SETTLED
    }


def open_counted(ctx: Context) -> dict[str, Filter]:
    """The board state each open counter row is in now: the open cases' labels, the counter
    rows holding the columns they read under the same names."""
    return open_cases(ctx)[1]


def settled_cases(ctx: Context) -> tuple[Filter, dict[str, Filter]]:
    """The settled states as labels of the rows: what the counters hold, counted the long
    way (while they are rebuilt, and by the tests)."""
    every = time_filters.states(ctx)
    return In("status", SETTLED_STATUSES), {state: every[state] for state in SETTLED}


def counters_page(after: tuple[Any, ...] | None = None) -> PageQuery:
    """A page of ``case_counts``, in key order, after the keyset of the previous one."""
    return PageQuery("lead_unit_id", False, COUNTER_PAGE, after=after)


def board_counts(read: Reader, ctx: Context, *, current: bool | None = None) -> Counts:
    """Every case's board state now, counted per lead unit: the settled counters, and the
    open ones labelled now. ``current``: whether the serving view is the running definition's,
    when the caller read that with the view's position (else it is read here)."""
    counts: Counts = {}
    if read.is_current(VIEW) if current is None else current:
        _add(counts, _open_counts(read, ctx))
        _add(counts, _counters(read))
    else:
        _add(counts, read.counts(VIEW, "cases", ("lead_unit_id",), *open_cases(ctx)).items())
        _add(counts, read.counts(VIEW, "cases", ("lead_unit_id",), *settled_cases(ctx)).items())
    return {u: {s: c[s] for s in STATES if c.get(s)} for u, c in sorted(counts.items())}


def _open_counts(read: Reader, ctx: Context) -> list[tuple[tuple[str, str], int]]:
    found = read.counts(VIEW, OPEN_TABLE, OPEN_BY, None, open_counted(ctx))
    return [((unit, state), int(cases) * rows) for (unit, cases, state), rows in found.items()]


def _counters(read: Reader) -> list[tuple[tuple[str, str], int]]:
    found: list[tuple[tuple[str, str], int]] = []
    after: tuple[Any, ...] | None = None
    while True:
        rows = read.page(VIEW, "case_counts", counters_page(after))
        found += [((r["lead_unit_id"], r["state"]), int(r["cases"])) for r in rows]
        if len(rows) < COUNTER_PAGE:
            return found
        last = rows[-1]
        after = (last["lead_unit_id"], last["lead_unit_id"], last["state"])


def _add(counts: Counts, found: Iterable[tuple[tuple[Any, ...], int]]) -> None:
    for (unit, state), count in found:
        if count:
            into = counts.setdefault(unit or UNROUTED, {})
            into[state] = into.get(state, 0) + count
