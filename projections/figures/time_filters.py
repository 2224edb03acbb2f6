"""The board's time states as filters the view store answers: overdue and due soon, *now*.

``case_state`` judges one row in Python; a list of a million cases cannot be judged that way.
These filters say the same thing in terms of stored columns, with the moment turned into
parameters: "overdue" compares ``due_at`` with now; "due soon" compares each row's deadline with
a bound that depends on its period (the yellow card comes at most N working days before the
deadline, or once a share of the period is used), and the bounds for every period a case can
have are worked out here from the calendar and the policy, once per request.
``tests/unit/test_time_filters.py`` checks them against ``case_state`` row by row.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from projections import cases
from projections.figures.context import Context
from projections.query import (
    All,
    AnyOf,
    Below,
    Compare,
    Filter,
    In,
    Not,
)

OPEN = cases.OPEN
"""Statuses before the answer: the only ones the board can show as overdue or due soon."""
SLACK_DAYS = 30
SLACK_HOURS = 72
"""Room above the policy's longest limit for cases filed under an earlier, longer one."""


def overdue(ctx: Context) -> Filter:
    """Running and past the deadline now, or open and the cycle already ran out (it stays
    overdue, paused or not).

    Said as two alternatives, each of a status and a bound an index reads as a range (the
    cases view's ``(status, due_at)`` and ``(status, cycle_overdue, due_at)``): a list of the
    overdue cases then reads the running ones only as far as now, where "open, and ran out or
    past its deadline" read every open case of a status in order of deadline to find the few
    overdue ones."""
    return AnyOf((
        All((In("status", cases.RUNNING), Compare("due_at", "<=", ctx.now))),
        All((In("status", OPEN), Compare("cycle_overdue", "=", True))),
    ))


def due_soon(ctx: Context) -> Filter:
    """Running, not yet overdue, and within its yellow-card reach of the deadline."""
    return All((
        In("status", OPEN),
        Compare("status", "!=", "paused"),
        Not(Compare("cycle_overdue", "=", True)),
        Compare("due_at", ">", ctx.now),
        AnyOf((
            All((
                Compare("period_unit", "=", "hours"),
                Below("due_at", ("period", "extension_hours"), _hour_bounds(ctx), inclusive=True),
            )),
            All((
                Compare("period_unit", "!=", "hours"),
                Below("due", ("period", "extension_days"), _day_bounds(ctx)),
            )),
        )),
    ))


def states(ctx: Context) -> dict[str, Filter]:
    """Every board state (``board.STATES``) as a filter: each case matches exactly one, the
    one ``case_state`` gives it under the current definitions."""
    late, soon = overdue(ctx), due_soon(ctx)
    running = All((In("status", OPEN), Compare("status", "!=", "paused"), Not(late), Not(soon)))
    provisional = Compare("provisional", "=", True)

    def finished(status: str, on_time: str) -> tuple[Filter, Filter]:
        kept = All((Compare("status", "=", status), Compare(on_time, "=", True)))
        return kept, All((Compare("status", "=", status), Not(Compare(on_time, "=", True))))

    answered_on_time, answered_late = finished("replied", "answered_on_time")
    closed_on_time, closed_late = finished("closed", "closed_on_time")
    return {
        "on_time": All((running, Not(provisional))),
        "due_soon": soon,
        "overdue": late,
        "paused": All((Compare("status", "=", "paused"), Not(late))),
        "provisional": All((running, provisional)),
        "answered_on_time": answered_on_time,
        "answered_late": answered_late,
        "closed_on_time": closed_on_time,
        "closed_late": closed_late,
        "terminated": Compare("status", "=", "terminated"),
    }


def _hour_bounds(ctx: Context) -> dict[int, object]:
    """Per period in hours: the latest ``due_at`` already in the yellow (the share used)."""
    policy, share = ctx.policy, ctx.policy.warnings.yellow_fraction_elapsed
    longest = max(policy.emergency_handle_hours, policy.emergency_dispatch_hours)
    top = longest + policy.emergency_extension_max_hours + SLACK_HOURS
    # total - left >= share * total, with left = due_at - now: the same sum as is_due_soon.
    return {
        p: ctx.now + timedelta(seconds=p * 3600 - share * p * 3600) for p in range(0, top + 1)
    }


def _day_bounds(ctx: Context) -> dict[int, object]:
    """Per period in working days: the first ``due`` date *not* yet in the yellow."""
    policy, warnings = ctx.policy, ctx.policy.warnings
    longest = max([*policy.working_days_by_type.values(), *policy.service_commitments.values()])
    top = longest + policy.extension.max_working_days + SLACK_DAYS
    reach = {p: _reach(p, warnings.yellow_working_days_before, warnings.yellow_fraction_elapsed)
             for p in range(0, top + 1)}
    after = _working_days_after(ctx, max(reach.values()) + 1)
    # working_days_between(today, due) <= reach ⇔ due before the (reach + 1)-th working day.
    return {p: after[r].isoformat() for p, r in reach.items()}


@cache  # the board asks it of every period at every request, always of the same policy
def _reach(period: int, before: int, share: float) -> int:
    """The most working days left at which a limit of ``period`` days is due soon."""
    return max(left for left in range(-1, period + before + 1)
               if left <= before or period - left >= share * period)


def _working_days_after(ctx: Context, count: int) -> list[date]:
    """``[i]``: the (i + 1)-th working day after today."""
    found: list[date] = []
    day = ctx.today
    while len(found) < count + 1:
        day += timedelta(days=1)
        if ctx.calendar.rest_reason(day) is None:
            found.append(day)
    return found
