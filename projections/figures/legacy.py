"""The formulas of earlier definition versions, kept so a figure published under them can be
reproduced from the log (``--definitions`` on ``casetrail report``). docs/metrics.md says what
each version counts and why it changed.

``metrics-2026.1``: a case was on time when its closure said so, whichever handling cycle that
closure ended (a reopening and a quick closure replaced a late verdict); a case paused or
terminated after its deadline left the population; a return counted against the unit leading
the case at the time of the query. (Its board rule is kept in ``board``.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from projections.figures.context import Context
from projections.figures.rates import Rate, rate

Row = dict[str, Any]
DEFINITIONS_2026_1 = "metrics-2026.1"


def time_and_return_rates(cases: Sequence[Row], ctx: Context) -> dict[str, Rate]:
    """按时办结率, 超期率 and 回退率 as ``metrics-2026.1`` counted them, for the cases of one
    group filed in the period (grouped by their lead unit now)."""
    handled = [r for r in cases if r["status"] != "terminated"]
    closed = [r for r in handled if r["status"] == "closed"]
    open_overdue = [
        r for r in handled if r["status"] not in ("closed", "paused") and ctx.now >= r["due_at"]
    ]
    decided = len(closed) + len(open_overdue)
    late = sum(1 for r in closed if not r["closed_on_time"]) + len(open_overdue)
    dispatched = [r for r in cases if r["dispatch_count"]]
    return {
        "on_time_rate": rate(decided - late, decided),
        "overdue_rate": rate(late, decided),
        "return_rate": rate(
            sum(1 for r in dispatched if r["returns"] or r["improper_returns"]), len(dispatched)
        ),
    }
