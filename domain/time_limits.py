"""A case's time limit: where it starts, how it is recounted, how an extension is measured.

A working-day limit comes from the demand type, or from the service item's commitment (服务承诺)
when that is shorter. An emergency's limit is in hours, and so is everything that moves it: a
pause adds the time it lasted, an extension whole hours. Refusals name the rule and say what is
allowed instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.clock import (
    Deadline,
    Extension,
    Pause,
    WorkingCalendar,
    add_working_days,
    end_of_day,
    hours_deadline,
    working_day_deadline,
    working_days_between,
)
from domain.errors import InvalidInputError
from domain.policy import Policy


@dataclass(frozen=True)
class Timekeeping:
    """What a case needs to count its time limit: the calendar and the policy in force."""

    calendar: WorkingCalendar
    policy: Policy


@dataclass(frozen=True)
class ExtensionAsked:
    """An extension request measured against the deadline it extends."""

    working_days: int
    hours: int
    new_due: date


def new_deadline(
    case_type: str, service_item: str | None, *, emergency: bool, at: datetime, time: Timekeeping
) -> Deadline:
    """The limit of a handling cycle starting at ``at`` (an intake, or a reopening)."""
    policy = time.policy
    if emergency:
        return hours_deadline(
            at,
            policy.emergency_handle_hours,
            tz=policy.tz,
            policy_version=policy.version,
            calendar_version=time.calendar.version,
        )
    basis = policy.time_limit(case_type, service_item)
    return working_day_deadline(
        at,
        basis.working_days,
        time.calendar,
        tz=policy.tz,
        policy_version=policy.version,
        basis=basis.as_data(),
    )


def recount(
    deadline: Deadline, pauses: list[Pause], extensions: list[Extension], time: Timekeeping
) -> Deadline:
    """The same limit from the same start, counted again with these pauses and extensions."""
    derivation = deadline.derivation
    start, period = datetime.fromisoformat(derivation["start"]), int(derivation["period"])
    policy = time.policy
    if derivation.get("unit") == "hours":
        return hours_deadline(
            start,
            period,
            tz=policy.tz,
            policy_version=policy.version,
            calendar_version=time.calendar.version,
            pauses=pauses,
            extensions=extensions,
        )
    return working_day_deadline(
        start,
        period,
        time.calendar,
        tz=policy.tz,
        policy_version=policy.version,
        pauses=pauses,
        extensions=extensions,
        basis=derivation.get("basis"),
    )


def measure_extension(deadline: Deadline, new_due: date, time: Timekeeping) -> ExtensionAsked:
    """How much later ``new_due`` is than ``deadline``, within the policy's bounds: working days
    for a working-day limit; for an hours limit (an emergency), whole hours to a new due time."""
    policy = time.policy
    if deadline.derivation.get("unit") == "hours":
        if not isinstance(new_due, datetime):
            raise InvalidInputError(
                "this case's limit is counted in hours (an emergency); ask for a new due time,"
                f" not a date, after {deadline.due_at.isoformat()}",
                code="extension-of-hours-limit-needs-a-time",
                params={"due_at": deadline.due_at.isoformat()},
            )
        hours = math.ceil((new_due - deadline.due_at) / timedelta(hours=1))
        most = policy.emergency_extension_max_hours
        if not 1 <= hours <= most:
            raise InvalidInputError(
                f"the new due time {new_due.isoformat()} is {hours} hour(s) after the deadline"
                f" {deadline.due_at.isoformat()}; policy {policy.version} allows 1 to {most}",
                code="extension-length-out-of-range",
                params={"asked": hours, "most": most, "unit": "hours"},
            )
        extended = deadline.due_at + timedelta(hours=hours)
        return ExtensionAsked(0, hours, extended.astimezone(policy.tz).date())
    day = new_due.astimezone(policy.tz).date() if isinstance(new_due, datetime) else new_due
    days = working_days_between(time.calendar, deadline.due, day)
    most = policy.extension.max_working_days
    if not 1 <= days <= most:
        raise InvalidInputError(
            f"the new date {day.isoformat()} is {days} working day(s) after the deadline"
            f" {deadline.due.isoformat()}; policy {policy.version} allows 1 to {most}",
            code="extension-length-out-of-range",
            params={"asked": days, "most": most, "unit": "working_days"},
        )
    return ExtensionAsked(days, 0, day)


def decision_closes(deadline: Deadline, time: Timekeeping) -> datetime:
    """When an extension can no longer be approved: the deadline it extends, or the end of the
    policy's grace after it."""
    grace = time.policy.extension.decision_grace_working_days
    if not grace:
        return deadline.due_at
    last = add_working_days(time.calendar, deadline.due, grace)
    return end_of_day(last, time.policy.tz)
