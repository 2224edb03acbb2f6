"""Reporting periods: a year, a quarter or a month of dates in the jurisdiction's civil time.

Figures are computed for a period, lists and rankings are published for one, and the
consecutive-bottom rule counts periods running; all of them name a period the same way
(``2026``, ``2026-Q2``, ``2026-05``) and read it with this one class.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone

from domain.errors import InvalidInputError

KINDS = ("year", "quarter", "month")
_FORMS = {
    "year": re.compile(r"^(\d{4})$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "month": re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
}
_MONTHS = {"year": 12, "quarter": 3, "month": 1}
FIRST_YEAR, LAST_YEAR = 1900, 9998
EXAMPLES = {"year": "2026", "quarter": "2026-Q1", "month": "2026-03"}


class PeriodError(InvalidInputError, ValueError):
    """A period name that is not a year, a quarter or a month (or not of the kind wanted)."""


@dataclass(frozen=True)
class Period:
    """A half-open range of days [first, after) named like 2026, 2026-Q2 or 2026-05."""

    name: str
    kind: str
    first: date
    after: date

    @classmethod
    def parse(cls, name: str, kind: str | None = None) -> Period:
        """The period called ``name``; with ``kind``, it must be of that kind."""
        if kind is not None:
            check_kind(kind)
        for found, form in _FORMS.items():
            match = form.match(name)
            if match is None or kind not in (None, found):
                continue
            year = int(match.group(1))
            if not FIRST_YEAR <= year <= LAST_YEAR:
                raise PeriodError(
                    f"period {name!r} is out of range: years run from {FIRST_YEAR} to"
                    f" {LAST_YEAR}",
                    code="period-out-of-range",
                    params={"period": name},
                )
            part = int(match.group(2)) - 1 if found != "year" else 0
            start_month = part * _MONTHS[found] + 1
            first = date(year, start_month, 1)
            return cls(name, found, first, _add_months(first, _MONTHS[found]))
        wanted = f"a {kind} like {EXAMPLES[kind]}" if kind else "like 2026, 2026-Q2 or 2026-05"
        raise PeriodError(
            f"period {name!r} must be written {wanted}",
            code="period-unknown",
            params={"period": name, "kind": kind},
        )

    @property
    def index(self) -> int:
        """The period as a number: consecutive periods of one kind differ by one."""
        months = self.first.year * 12 + self.first.month - 1
        return months // _MONTHS[self.kind] if self.kind != "year" else self.first.year

    def contains(self, moment: datetime | None, tz: timezone) -> bool:
        return moment is not None and self.first <= moment.astimezone(tz).date() < self.after

    def is_over(self, at: datetime, tz: timezone) -> bool:
        """Whether the period's last day has ended by ``at`` (in the jurisdiction's time)."""
        return at.astimezone(tz).date() >= self.after

    def previous(self) -> Period:
        return self._shifted(-1)

    def following(self) -> Period:
        return self._shifted(1)

    def _shifted(self, by: int) -> Period:
        first = _add_months(self.first, by * _MONTHS[self.kind])
        if self.kind == "year":
            return Period.parse(str(first.year))
        if self.kind == "quarter":
            return Period.parse(f"{first.year}-Q{(first.month - 1) // 3 + 1}")
        return Period.parse(f"{first.year}-{first.month:02d}")


def check_kind(kind: str) -> None:
    if kind not in _FORMS:
        raise PeriodError(
            f"period kind {kind!r} is unknown (kinds: {', '.join(KINDS)})",
            code="period-kind-unknown",
            params={"kind": kind},
        )


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)
