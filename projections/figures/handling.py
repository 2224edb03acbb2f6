"""Handling rates per group and period: 按时办结率, 超期率, 回退率, 重办率, 响应率, 解决率, 满意率.

The formulas, with their populations, are in docs/metrics.md (definition ``DEFINITIONS``).
A case belongs to the period in which it was filed; open cases past their deadline count as
overdue at the moment of the query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from domain.clock import add_working_days
from projections.figures.context import Context
from projections.figures.periods import Period
from projections.figures.rates import Rate, rate

Row = dict[str, Any]
GROUPS: dict[str, Callable[[Row], str | None]] = {
    "unit": lambda row: row["lead_unit_id"],
    "staff": lambda row: row["owner"],
    "service_item": lambda row: row["service_item"],
    "all": lambda row: "all",
}


def handling_rates(rows: Iterable[Row], period: Period, ctx: Context) -> dict[str, Rate]:
    policy, now = ctx.policy, ctx.now
    cases = [r for r in rows if period.contains(r["filed_at"], policy.tz)]
    handled = [r for r in cases if r["status"] != "terminated"]
    closed = [r for r in handled if r["status"] == "closed"]
    open_overdue = [
        r for r in handled if r["status"] not in ("closed", "paused") and now >= r["due_at"]
    ]
    decided = len(closed) + len(open_overdue)
    late = sum(1 for r in closed if not r["closed_on_time"]) + len(open_overdue)
    dispatched = [r for r in cases if r["dispatch_count"]]
    once_closed = [r for r in cases if r["status"] == "closed" or r["reopen_count"]]
    called_back = [r for r in cases if r["callback_resolved"] is not None]
    return {
        "on_time_rate": rate(decided - late, decided),
        "overdue_rate": rate(late, decided),
        "return_rate": rate(
            sum(1 for r in dispatched if r["returns"] or r["improper_returns"]), len(dispatched)
        ),
        "reopen_rate": rate(sum(1 for r in once_closed if r["reopen_count"]), len(once_closed)),
        "response_rate": rate(sum(1 for r in cases if _responded(r, ctx)), len(cases)),
        "resolution_rate": rate(
            sum(1 for r in called_back if r["callback_resolved"]), len(called_back)
        ),
        "satisfaction_rate": rate(
            sum(1 for r in called_back if r["callback_satisfied"]), len(called_back)
        ),
    }


def handling_rates_by(
    rows: Iterable[Row], group: str, period: Period, ctx: Context
) -> dict[str, dict[str, Rate]]:
    key = GROUPS[group]
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        grouped.setdefault(key(row) or "-", []).append(row)
    return {name: handling_rates(members, period, ctx) for name, members in sorted(grouped.items())}


def _responded(row: Row, ctx: Context) -> bool:
    """First handling step by the end of the N-th working day after intake."""
    first = row["first_response_at"]
    if first is None:
        return False
    tz = ctx.policy.tz
    filed_day = row["filed_at"].astimezone(tz).date()
    limit = add_working_days(ctx.calendar, filed_day, ctx.policy.rates.response_working_days)
    return bool(first.astimezone(tz).date() <= limit)
