"""A case row's time-limit state as of now, worked out when it is read.

The case read model keeps only facts (deadline, its start and period, pauses, closure); whether
an open case is due soon or overdue depends on the moment of the query, so an open overdue case
counts as overdue now. The rule follows the deadline watcher's (domain/watch.py): due soon when
at most the policy's working days are left or the policy's share of the period is used.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.clock import WorkingCalendar, working_days_between
from domain.policy import Policy


def time_state(
    row: dict[str, Any], now: datetime, calendar: WorkingCalendar, policy: Policy
) -> str:
    status = row.get("status")
    if status == "terminated":
        return "terminated"
    if status == "closed":
        return "closed_on_time" if row.get("closed_on_time") else "closed_late"
    if status == "paused":
        return "paused"
    due_at = row.get("due_at")
    if due_at is None:
        return "on_time"
    if now >= due_at:
        return "overdue"
    return "due_soon" if _due_soon(row, now, calendar, policy) else "on_time"


def _due_soon(
    row: dict[str, Any], now: datetime, calendar: WorkingCalendar, policy: Policy
) -> bool:
    warnings = policy.warnings
    due_at: datetime = row["due_at"]
    start: datetime | None = row.get("deadline_start")
    if row.get("period_unit") == "hours" and start is not None:
        total = (due_at - start).total_seconds()
        return (
            total <= 0 or (now - start).total_seconds() >= warnings.yellow_fraction_elapsed * total
        )
    today = now.astimezone(policy.tz).date()
    due = date.fromisoformat(str(row["due"])) if row.get("due") else due_at.date()
    left: int = working_days_between(calendar, today, due)
    period = int(row.get("period") or 0) + int(row.get("extension_days") or 0)
    return left <= warnings.yellow_working_days_before or (
        period > 0 and period - left >= warnings.yellow_fraction_elapsed * period
    )
