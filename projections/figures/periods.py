"""Reporting periods: a month, a quarter or a year in the jurisdiction's civil time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone

_FORMS = {
    "year": re.compile(r"^(\d{4})$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "month": re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
}


@dataclass(frozen=True)
class Period:
    """A half-open range of days [first, after) named like 2026, 2026-Q2 or 2026-05."""

    name: str
    first: date
    after: date

    @classmethod
    def parse(cls, name: str) -> Period:
        for kind, form in _FORMS.items():
            match = form.match(name)
            if match:
                year = int(match.group(1))
                if kind == "year":
                    return cls(name, date(year, 1, 1), date(year + 1, 1, 1))
                start_month = (
                    (int(match.group(2)) - 1) * 3 + 1 if kind == "quarter" else int(match.group(2))
                )
                months = 3 if kind == "quarter" else 1
                return cls(name, date(year, start_month, 1), _add_months(year, start_month, months))
        raise ValueError(f"period {name!r} must look like 2026, 2026-Q2 or 2026-05")

    def contains(self, moment: datetime | None, tz: timezone) -> bool:
        return moment is not None and self.first <= moment.astimezone(tz).date() < self.after

    def previous(self) -> Period:
        if re.match(r"^\d{4}$", self.name):
            return Period.parse(str(int(self.name) - 1))
        if "Q" in self.name:
            year, quarter = int(self.name[:4]), int(self.name[-1])
            return Period.parse(f"{year - 1}-Q4" if quarter == 1 else f"{year}-Q{quarter - 1}")
        year, month = int(self.name[:4]), int(self.name[5:])
        return Period.parse(f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}")


def _add_months(year: int, month: int, months: int) -> date:
    index = year * 12 + (month - 1) + months
    return date(index // 12, index % 12 + 1, 1)
