"""Handling rates per group and period: 按时办结率, 超期率, 回退率, 重办率, 响应率, 解决率, 满意率.

The formulas, with their populations, are in docs/metrics.md. A case belongs to the period in
which it was filed; a case open and past its deadline counts as overdue at the moment of the
query. Under ``metrics-2026.2`` a case is judged by the first answer of its first handling cycle
(a reopening, 重办, never changes that verdict and is counted in 重办率), a cycle that ran out
stays overdue whatever follows, and a return (退单) is counted against the unit that asked for
it. The earlier definitions are kept in ``legacy`` so figures published under them reproduce.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from domain.clock import add_working_days
from projections.figures import legacy
from projections.figures.context import Context
from projections.figures.facts import Facts
from projections.figures.periods import Period
from projections.figures.rates import Rate, rate

Row = dict[str, Any]
GroupOf = Callable[[Row], str | None]


def case_groups(facts: Facts) -> dict[str, GroupOf]:
    """How each group reads a case row. A case's window is its owner's: the first asker's
    window is where the demand is followed (首问负责), as ``staff`` is the owner."""
    windows = {str(s["login"]): s.get("window_id") for s in facts.staff}
    return {
        "unit": lambda row: row["lead_unit_id"],
        "window": lambda row: windows.get(str(row["owner"])) if row["owner"] else None,
        "staff": lambda row: row["owner"],
        "service_item": lambda row: row["service_item"],
        "all": lambda row: "all",
    }


GROUPS = ("unit", "window", "staff", "service_item", "all")


def handling_rates(
    rows: Iterable[Row], period: Period, ctx: Context, dispatches: Iterable[Row] = ()
) -> dict[str, Rate]:
    """The rates of one group: its case rows, and (for 回退率) its ``case_units`` rows."""
    tz = ctx.policy.tz
    cases = [r for r in rows if period.contains(r["filed_at"], tz)]
    if ctx.definitions == legacy.DEFINITIONS_2026_1:
        judged = legacy.time_and_return_rates(cases, ctx)
    else:
        verdicts = [v for v in (first_cycle_verdict(r, ctx) for r in cases) if v is not None]
        late = verdicts.count("late")
        routed = [d for d in dispatches if period.contains(d["filed_at"], tz)]
        returned = {d["case_id"] for d in routed if d["returns_requested"]}
        judged = {
            "on_time_rate": rate(len(verdicts) - late, len(verdicts)),
            "overdue_rate": rate(late, len(verdicts)),
            "return_rate": rate(len(returned), len({d["case_id"] for d in routed})),
        }
    once_closed = [r for r in cases if r["status"] == "closed" or r["reopen_count"]]
    called_back = [r for r in cases if r["callback_resolved"] is not None]
    return {
        **judged,
        "reopen_rate": rate(sum(1 for r in once_closed if r["reopen_count"]), len(once_closed)),
        "response_rate": rate(sum(1 for r in cases if _responded(r, ctx)), len(cases)),
        "resolution_rate": rate(
            sum(1 for r in called_back if r["callback_resolved"]), len(called_back)
        ),
        "satisfaction_rate": rate(
            sum(1 for r in called_back if r["callback_satisfied"]), len(called_back)
        ),
    }


def first_cycle_verdict(row: Row, ctx: Context) -> str | None:
    """ "on_time" or "late" for the case's first cycle, or None while it can still go either
    way (open, not due) or when it left the population (terminated before running out)."""
    if row["first_answer_on_time"] is not None:
        return "on_time" if row["first_answer_on_time"] else "late"
    if row["status"] == "terminated":
        return "late" if row["terminated_overdue"] else None
    overdue_now = row["status"] != "paused" and ctx.now >= row["due_at"]
    return "late" if row["cycle_overdue"] or overdue_now else None


def handling_rates_by(
    facts: Facts, group: str, period: Period, ctx: Context
) -> dict[str, dict[str, Rate]]:
    if group not in GROUPS:
        raise ValueError(f"handling rates are grouped by {', '.join(GROUPS)}, not {group!r}")
    key = case_groups(facts)[group]
    grouped: dict[str, list[Row]] = {}
    for row in facts.cases:
        grouped.setdefault(key(row) or "-", []).append(row)
    # A return belongs to the unit that asked for it; other groups follow the case.
    by_case = {str(row["id"]): key(row) or "-" for row in facts.cases}
    routed: dict[str, list[Row]] = {}
    for unit_row in facts.case_units:
        name = unit_row["unit_id"] if group == "unit" else by_case.get(str(unit_row["case_id"]))
        routed.setdefault(name or "-", []).append(unit_row)
    names = set(grouped)
    if ctx.definitions != legacy.DEFINITIONS_2026_1:
        names |= set(routed)  # a unit that only returned cases is still measured
    return {
        name: handling_rates(grouped.get(name, []), period, ctx, routed.get(name, []))
        for name in sorted(names)
    }


def _responded(row: Row, ctx: Context) -> bool:
    """First handling step by the end of the N-th working day after intake."""
    first = row["first_response_at"]
    if first is None:
        return False
    tz = ctx.policy.tz
    filed_day = row["filed_at"].astimezone(tz).date()
    limit = add_working_days(ctx.calendar, filed_day, ctx.policy.rates.response_working_days)
    return bool(first.astimezone(tz).date() <= limit)
