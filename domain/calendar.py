"""The official working-day calendar as an event-sourced aggregate.

The State Council publishes each November which days of the next year are statutory rest days
and which weekend days are make-up working days (调休). An admin records each year's arrangement
as an event naming its source document; local extra rest days are overlays. The calendar's
version is the aggregate version, and every deadline records the version it was computed with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar, Self

from eventsourcing.domain import Aggregate

from domain.actors import Actor, Role
from domain.base import Tracked, named_id
from domain.errors import InvalidInputError, NotPermittedError

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# The statutory holidays that fall on the same date every year (全国年节及纪念日放假办法, art. 2,
# as revised in 2024): a year whose arrangement is not yet published rests on them too, so a
# provisional deadline is not counted across New Year's Day as if it were a working day. The
# lunar holidays (Spring Festival, Tomb-sweeping, Dragon Boat, Mid-Autumn) and the weekends
# moved around them (调休) are known only from the year's notice.
FIXED_DATE_HOLIDAYS: dict[tuple[int, int], str] = {
    (1, 1): "New Year's Day 元旦",
    (5, 1): "Labour Day 劳动节",
    (5, 2): "Labour Day 劳动节",
    (10, 1): "National Day 国庆节",
    (10, 2): "National Day 国庆节",
    (10, 3): "National Day 国庆节",
}
PROVISIONAL_NOTE = "statutory date; the year's arrangement is not yet published"


@dataclass(frozen=True)
class YearArrangement:
    """One year's official arrangement: named rest days and make-up working days."""

    year: int
    rest_days: dict[date, str]
    working_days: dict[date, str]
    source: str

    def __post_init__(self) -> None:
        if not self.source.strip():
            raise InvalidInputError(
                f"the {self.year} arrangement needs its source document",
                code="arrangement-needs-source", params={"year": self.year},
            )
        for day in [*self.rest_days, *self.working_days]:
            if day.year != self.year:
                raise InvalidInputError(
                    f"{day.isoformat()} is not in {self.year}",
                    code="day-outside-year", params={"day": day.isoformat(), "year": self.year},
                )
        both = set(self.rest_days) & set(self.working_days)
        if both:
            listed = ", ".join(sorted(d.isoformat() for d in both))
            raise InvalidInputError(
                f"days both rest and working in {self.year}: {listed}",
                code="day-both-rest-and-working", params={"year": self.year, "days": listed},
            )


def _dump_days(days: dict[date, str]) -> dict[str, str]:
    return {d.isoformat(): name for d, name in sorted(days.items())}


def _load_days(days: dict[str, str]) -> dict[date, str]:
    return {date.fromisoformat(d): name for d, name in days.items()}


class WorkCalendar(Tracked):
    """Which days are working days, per the official arrangements and local overlays."""

    kind: ClassVar[str] = "calendar"

    class Opened(Tracked.Created):
        jurisdiction: str

    class YearPublished(Tracked.Event):
        year: int
        rest_days: dict[str, str]
        working_days: dict[str, str]
        source: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, WorkCalendar)
            aggregate.years[self.year] = YearArrangement(
                self.year, _load_days(self.rest_days), _load_days(self.working_days), self.source
            )

    class OverlayAdded(Tracked.Event):
        name: str
        rest_days: list[str]
        source: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, WorkCalendar)
            for day in self.rest_days:
                aggregate.local_rest_days[date.fromisoformat(day)] = self.name

    def __init__(self, jurisdiction: str) -> None:
        self.jurisdiction = jurisdiction
        self.years: dict[int, YearArrangement] = {}
        self.local_rest_days: dict[date, str] = {}

    @classmethod
    def calendar_id(cls, jurisdiction: str) -> Any:
        return named_id("calendar", jurisdiction)

    @classmethod
    def open(cls, jurisdiction: str, *, actor: Actor, at: datetime) -> Self:
        _require_admin(actor)
        return cls._create_by(
            cls.Opened,
            id=cls.calendar_id(jurisdiction),
            actor=actor,
            at=at,
            jurisdiction=jurisdiction,
        )

    def publish_year(self, arrangement: YearArrangement, *, actor: Actor, at: datetime) -> None:
        """Record a year's official arrangement; republishing a year corrects it."""
        _require_admin(actor)
        self._record(
            self.YearPublished,
            actor=actor,
            at=at,
            year=arrangement.year,
            rest_days=_dump_days(arrangement.rest_days),
            working_days=_dump_days(arrangement.working_days),
            source=arrangement.source,
        )

    def add_overlay(
        self, name: str, rest_days: list[date], source: str, *, actor: Actor, at: datetime
    ) -> None:
        """Add local extra rest days (for example a minority area's festival)."""
        _require_admin(actor)
        if not rest_days:
            raise InvalidInputError(
                "an overlay needs at least one rest day",
                code="overlay-needs-rest-day",
            )
        if not name.strip() or not source.strip():
            raise InvalidInputError(
                "an overlay needs a name and a source document",
                code="overlay-needs-name-and-source",
            )
        self._record(
            self.OverlayAdded,
            actor=actor,
            at=at,
            name=name,
            rest_days=sorted(d.isoformat() for d in rest_days),
            source=source,
        )

    # Queries: the calendar is what the clock counts with.

    def has_year(self, year: int) -> bool:
        return year in self.years

    def is_working_day(self, day: date) -> bool:
        return self.rest_reason(day) is None

    def rest_reason(self, day: date) -> str | None:
        """Why a day is not a working day, or None when it is one."""
        if day in self.local_rest_days:
            return self.local_rest_days[day]
        arrangement = self.years.get(day.year)
        if arrangement is not None:
            if day in arrangement.working_days:
                return None
            if day in arrangement.rest_days:
                return arrangement.rest_days[day]
        elif (day.month, day.day) in FIXED_DATE_HOLIDAYS:
            return f"{FIXED_DATE_HOLIDAYS[day.month, day.day]} ({PROVISIONAL_NOTE})"
        return WEEKDAY_NAMES[day.weekday()] if day.weekday() >= 5 else None

    def make_up_reason(self, day: date) -> str | None:
        """The holiday a weekend working day makes up for, if it is one."""
        arrangement = self.years.get(day.year)
        return arrangement.working_days.get(day) if arrangement else None

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "jurisdiction": self.jurisdiction,
            "years": sorted(self.years),
            "local_rest_days": len(self.local_rest_days),
        }


def _require_admin(actor: Actor) -> None:
    if actor.role not in (Role.ADMIN, Role.SYSTEM):
        raise NotPermittedError(
            f"only an admin changes the working calendar, not {actor.role}",
            code="calendar-by-admin", params={"role": actor.role},
        )
