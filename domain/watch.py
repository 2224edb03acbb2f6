"""The deadline watcher's rule: which warnings a case is due, given the time.

Levels, in order: ``yellow`` (due soon: at most N working days left, or a share of the period
used), ``red`` (overdue), ``reminder`` (催办, the working day after the deadline and later),
``criticism`` (通报批评, still overdue N working days after the reminder). A paused clock raises
nothing, and neither does a cycle already answered (办结 is the answer: the callback and the
closure that follow are not late). Each level is issued once per handling cycle, and the caller
records each as an event. An emergency also has a dispatch limit (``dispatch``, once per case).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domain.case import Case
from domain.case_rules import CaseStatus
from domain.clock import WorkingCalendar, add_working_days, working_days_between
from domain.policy import Policy

LEVELS = ("yellow", "red", "reminder", "criticism")


def alerts_due(case: Case, now: datetime, calendar: WorkingCalendar, policy: Policy) -> list[str]:
    """The levels this case has reached by ``now`` and not yet been issued, in order."""
    if not case.is_open or case.status == CaseStatus.PAUSED or case.replied_at is not None:
        return []
    reached = [level for level in LEVELS if _reached(level, case, now, calendar, policy)]
    return [level for level in reached if (case.cycle, level) not in case.alerts]


def _reached(
    level: str, case: Case, now: datetime, calendar: WorkingCalendar, policy: Policy
) -> bool:
    deadline, warnings = case.deadline, policy.warnings
    today = now.astimezone(policy.tz).date()
    if level == "yellow":
        return now >= deadline.due_at or _due_soon(case, now, calendar, policy)
    if now < deadline.due_at:
        return False
    if level == "red":
        return True
    reminder_day = add_working_days(
        calendar, deadline.due, warnings.reminder_after_overdue_working_days
    )
    if level == "reminder":
        return today >= reminder_day
    criticism_day = add_working_days(
        calendar, reminder_day, warnings.criticism_after_reminder_working_days
    )
    return today >= criticism_day


def _due_soon(case: Case, now: datetime, calendar: WorkingCalendar, policy: Policy) -> bool:
    derivation = case.deadline.derivation
    return is_due_soon(
        TimeLimit(
            unit=str(derivation.get("unit", "working_days")),
            period=int(derivation["period"])
            + int(derivation.get("extension_working_days", 0))
            + int(derivation.get("extension_hours", 0)),
            start=datetime.fromisoformat(derivation["start"]),
            due=case.deadline.due,
            due_at=case.deadline.due_at,
        ),
        now,
        calendar,
        policy,
    )


@dataclass(frozen=True)
class TimeLimit:
    """A running time limit as the board and the watcher see it."""

    unit: str
    period: int
    """Working days, or hours for an hours limit; extensions included."""
    start: datetime
    due: date
    due_at: datetime


def is_due_soon(limit: TimeLimit, now: datetime, calendar: WorkingCalendar, policy: Policy) -> bool:
    """Yellow-card rule: at most N working days left, or a share of the period used."""
    warnings = policy.warnings
    if now >= limit.due_at:
        return False
    if limit.unit == "hours":
        # Counted back from the due time, so time spent paused is not taken as time used.
        total = limit.period * 3600
        left = (limit.due_at - now).total_seconds()
        return total - left >= warnings.yellow_fraction_elapsed * total
    today = now.astimezone(policy.tz).date()
    left = working_days_between(calendar, today, limit.due)
    return left <= warnings.yellow_working_days_before or (
        limit.period - left >= warnings.yellow_fraction_elapsed * limit.period
    )
