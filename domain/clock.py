"""Counting time limits in working days, with a proof an inspector can check by hand.

Rules (Civil Code arts. 201 and 203): the day the period starts is not counted; a period counted
in days ends at 24:00 of its last day; a period whose end falls on a rest day ends on the next
working day (counting working days, the last counted day is always a working day). Working days
inside a pause (补正, hearing, testing, expert review) are not counted: a pause from day P to a
resumption on day R removes the working days after P up to and including R. A period that runs
into a year with no official arrangement is counted with weekends and the fixed-date statutory
holidays as its rest days, and marked provisional.

An emergency's limit is counted in hours from intake, and so are its pauses (the paused time, to
the minute) and extensions (whole hours): a working-day count never enters an hours limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Protocol

RULE = (
    "Civil Code arts. 201/203: start day not counted; working days per the official"
    " arrangement; ends 24:00 of the last day; paused working days not counted"
)


class WorkingCalendar(Protocol):
    """What the clock needs of a calendar (``WorkCalendar`` provides it)."""

    @property
    def version(self) -> int: ...

    def has_year(self, year: int) -> bool: ...

    def rest_reason(self, day: date) -> str | None: ...


@dataclass(frozen=True)
class Pause:
    """The clock stopped on ``start`` for ``kind``, restarted on ``end`` (None: still stopped).

    ``started_at``/``ended_at`` are the moments, which an hours limit counts with."""

    kind: str
    start: date
    end: date | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None

    def covers(self, day: date) -> bool:
        return self.start < day and (self.end is None or day <= self.end)

    def ended(self, day: date, at: datetime) -> Pause:
        """This pause, restarted on ``day`` at ``at``."""
        return Pause(self.kind, self.start, day, self.started_at, at)

    @property
    def duration(self) -> timedelta:
        if self.started_at is None or self.ended_at is None:
            raise ValueError(f"the {self.kind} pause from {self.start} has no end time yet")
        return self.ended_at - self.started_at


@dataclass(frozen=True)
class Extension:
    """An approved extension: working days for a working-day limit, hours for an hours one."""

    working_days: int
    approved_on: date
    reason: str
    hours: int = 0


@dataclass(frozen=True)
class Deadline:
    """A due time and the derivation that produced it, all as plain data."""

    due: date
    due_at: datetime
    provisional: bool
    derivation: dict[str, Any] = field(compare=False)

    def to_data(self) -> dict[str, Any]:
        return {
            "due": self.due.isoformat(),
            "due_at": self.due_at.isoformat(),
            "provisional": self.provisional,
            "derivation": self.derivation,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Deadline:
        return cls(
            due=date.fromisoformat(data["due"]),
            due_at=datetime.fromisoformat(data["due_at"]),
            provisional=bool(data["provisional"]),
            derivation=dict(data["derivation"]),
        )

    @property
    def provisional_years(self) -> list[int]:
        return list(self.derivation.get("provisional_years", []))


def end_of_day(day: date, tz: timezone) -> datetime:
    """24:00 of ``day``: the instant a period whose last day is ``day`` runs out."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)


def working_day_deadline(
    start: datetime,
    working_days: int,
    calendar: WorkingCalendar,
    *,
    tz: timezone,
    policy_version: str,
    pauses: Sequence[Pause] = (),
    extensions: Sequence[Extension] = (),
    basis: dict[str, Any] | None = None,
) -> Deadline:
    """The last day of a period of ``working_days`` (plus extensions) starting at ``start``.
    ``basis`` says where the period comes from (a demand type, a service commitment)."""
    if working_days < 1:
        raise ValueError(f"a time limit must be at least one working day, not {working_days}")
    open_pauses = [p for p in pauses if p.end is None]
    if open_pauses:
        raise ValueError(f"the clock is stopped since {open_pauses[0].start}; no due date yet")
    needed = working_days + sum(e.working_days for e in extensions)
    start_day = start.astimezone(tz).date()
    skipped: list[dict[str, str]] = []
    paused: list[str] = []
    make_up: list[dict[str, str]] = []
    unpublished: set[int] = set()
    day, counted = start_day, 0
    while counted < needed:
        day += timedelta(days=1)
        if not calendar.has_year(day.year):
            unpublished.add(day.year)
        reason = calendar.rest_reason(day)
        if reason is not None:
            skipped.append({"date": day.isoformat(), "reason": reason})
        elif any(p.covers(day) for p in pauses):
            paused.append(day.isoformat())
        else:
            counted += 1
            if day.weekday() >= 5:
                make_up.append({"date": day.isoformat(), "reason": "make-up working day"})
    derivation = {
        "rule": RULE,
        "start": start.isoformat(),
        "start_day": start_day.isoformat(),
        "unit": "working_days",
        "period": working_days,
        "pauses": [_pause_data(p) for p in pauses],
        "paused_working_days": paused,
        "extensions": [
            {
                "working_days": e.working_days,
                "approved_on": e.approved_on.isoformat(),
                "reason": e.reason,
            }
            for e in extensions
        ],
        "extension_working_days": needed - working_days,
        "skipped_rest_days": skipped,
        "make_up_working_days": make_up,
        "provisional_years": sorted(unpublished),
        "calendar_version": calendar.version,
        "policy_version": policy_version,
    }
    if basis is not None:
        derivation["basis"] = basis
    return Deadline(day, end_of_day(day, tz), bool(unpublished), derivation)


HOURS_RULE = (
    "emergency: natural hours from intake; paused time and extension hours added to the period"
)


def hours_deadline(
    start: datetime,
    hours: int,
    *,
    tz: timezone,
    policy_version: str,
    calendar_version: int,
    pauses: Sequence[Pause] = (),
    extensions: Sequence[Extension] = (),
) -> Deadline:
    """An emergency time limit, counted in natural hours from the moment of intake; a pause
    adds the time it lasted, an extension its hours."""
    if hours < 1:
        raise ValueError(f"an emergency time limit must be at least one hour, not {hours}")
    open_pauses = [p for p in pauses if p.ended_at is None]
    if open_pauses:
        raise ValueError(f"the clock is stopped since {open_pauses[0].start}; no due time yet")
    paused = sum((p.duration for p in pauses), timedelta(0))
    extra = sum(e.hours for e in extensions)
    due_at = (start + timedelta(hours=hours + extra) + paused).astimezone(tz)
    derivation = {
        "rule": HOURS_RULE,
        "start": start.isoformat(),
        "unit": "hours",
        "period": hours,
        "pauses": [_pause_data(p, times=True) for p in pauses],
        "paused_hours": round(paused.total_seconds() / 3600, 4),
        "paused_working_days": [],
        "extensions": [
            {"hours": e.hours, "approved_on": e.approved_on.isoformat(), "reason": e.reason}
            for e in extensions
        ],
        "extension_hours": extra,
        "extension_working_days": 0,
        "skipped_rest_days": [],
        "make_up_working_days": [],
        "provisional_years": [],
        "calendar_version": calendar_version,
        "policy_version": policy_version,
    }
    return Deadline(due_at.date(), due_at, False, derivation)


def ran_out(deadline: Deadline, at: datetime) -> bool:
    """Whether a running clock had reached its deadline at ``at`` (24:00 of the due day, or the
    due hour of an hours limit)."""
    return at >= deadline.due_at


def natural_day_deadline(
    start: datetime, days: int, calendar: WorkingCalendar, *, tz: timezone
) -> datetime:
    """End of a period of natural days; an end on a rest day rolls to the next working day."""
    day = start.astimezone(tz).date() + timedelta(days=days)
    while calendar.rest_reason(day) is not None:
        day += timedelta(days=1)
    return end_of_day(day, tz)


def working_days_between(calendar: WorkingCalendar, after: date, until: date) -> int:
    """Working days in (after, until]; negative when ``until`` is before ``after``."""
    if until < after:
        return -working_days_between(calendar, until, after)
    count, day = 0, after
    while day < until:
        day += timedelta(days=1)
        if calendar.rest_reason(day) is None:
            count += 1
    return count


def add_working_days(calendar: WorkingCalendar, start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (start not counted)."""
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if calendar.rest_reason(day) is None:
            counted += 1
    return day


def _pause_data(pause: Pause, *, times: bool = False) -> dict[str, str | None]:
    """A pause as plain data; ``times`` adds the moments, which only an hours limit uses."""
    data = {
        "kind": pause.kind,
        "start": pause.start.isoformat(),
        "end": pause.end.isoformat() if pause.end else None,
    }
    if times and pause.started_at is not None:
        data["started_at"] = pause.started_at.isoformat()
        data["ended_at"] = pause.ended_at.isoformat() if pause.ended_at else None
    return data
