"""The deadline watcher's rule for key-project tasks: the case levels, on a task's date.

A task not done by 24:00 of its last working day is warned as a case is (domain/watch.py):
``yellow`` when due soon (the [warnings] policy: N working days left or a share of the period
used), ``red`` once overdue, ``reminder`` (催办) the policy's working days after, ``criticism``
(通报批评) the policy's working days after the reminder. A blocked task is still counted: a
blockage is escalated to the leader, it does not stop the clock. Each level is issued once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.clock import Deadline, WorkingCalendar, add_working_days
from domain.policy import Policy
from domain.watch import LEVELS, TimeLimit, is_due_soon


def task_alerts_due(
    task: dict[str, Any], now: datetime, calendar: WorkingCalendar, policy: Policy
) -> list[str]:
    """The levels this task has reached by ``now`` and not yet been given, in order."""
    if task["status"] == "done":
        return []
    deadline = Deadline.from_data(task["deadline"])
    reached = [level for level in LEVELS if _reached(level, deadline, now, calendar, policy)]
    return [level for level in reached if level not in task["alerts"]]


def _reached(
    level: str, deadline: Deadline, now: datetime, calendar: WorkingCalendar, policy: Policy
) -> bool:
    warnings = policy.warnings
    if level == "yellow":
        limit = TimeLimit(
            unit="working_days",
            period=int(deadline.derivation["period"]),
            start=datetime.fromisoformat(deadline.derivation["start"]),
            due=deadline.due,
            due_at=deadline.due_at,
        )
        return now >= deadline.due_at or is_due_soon(limit, now, calendar, policy)
    if now < deadline.due_at:
        return False
    if level == "red":
        return True
    today = now.astimezone(policy.tz).date()
    reminder_day = add_working_days(
        calendar, deadline.due, warnings.reminder_after_overdue_working_days
    )
    if level == "reminder":
        return today >= reminder_day
    return today >= add_working_days(
        calendar, reminder_day, warnings.criticism_after_reminder_working_days
    )
