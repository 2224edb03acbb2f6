"""Where the working calendar's years come from: the chinesecalendar package and admin files.

The package carries the State Council arrangements for 2004-2026 and seeds a new installation.
Later years are published by an admin from a TOML file transcribed from the official notice
(see docs/calendar.md for the format), so no year is ever guessed.
"""

from __future__ import annotations

import tomllib
from datetime import date
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

import chinese_calendar

from domain.calendar import YearArrangement
from domain.errors import InvalidInputError

# The package names holidays in English only; staff read both.
CHINESE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}

FILE_KEYS = {"year", "source", "rest_days", "working_days"}


class ArrangementFileError(InvalidInputError):
    """An arrangement file is missing, unreadable or does not describe the year it claims."""


def readable_name(english: str) -> str:
    """'Spring Festival' -> 'Spring Festival 春节' (unknown names stay as they are)."""
    chinese = CHINESE_NAMES.get(english)
    return f"{english} {chinese}" if chinese else english


def official_arrangements() -> list[YearArrangement]:
    """One arrangement per year the installed chinesecalendar package covers, oldest first."""
    rest: dict[int, dict[date, str]] = {}
    working: dict[int, dict[date, str]] = {}
    notices: dict[int, set[int]] = {}
    for table, target, prefix in (
        (chinese_calendar.holidays, rest, ""),
        (chinese_calendar.workdays, working, "make-up for "),
    ):
        for day, holiday in table.items():
            english = str(getattr(holiday, "value", holiday))
            target.setdefault(day.year, {})[day] = prefix + readable_name(english)
            notices.setdefault(day.year, set()).add(_notice_year(day, english))
    package = f"chinesecalendar {installed_version('chinesecalendar')}"
    return [
        YearArrangement(
            year,
            dict(sorted(rest.get(year, {}).items())),
            dict(sorted(working.get(year, {}).items())),
            f"{package} (State Council notices, "
            + "; ".join(f"国务院办公厅关于{n}年部分节假日安排的通知" for n in sorted(notices[year]))
            + ")",
        )
        for year in sorted(notices)
    ]


def _notice_year(day: date, english: str) -> int:
    # A New Year holiday may start on Dec 30/31; those days come from the next year's notice.
    return day.year + 1 if day.month == 12 and english == "New Year's Day" else day.year


def read_arrangement_file(path: Path, year: int) -> YearArrangement:
    """Parse an admin's arrangement file for ``year``; every mistake names the file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ArrangementFileError(
            f"{path}: no such file", code="arrangement-file-missing", params={"file": str(path)}
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ArrangementFileError(
            f"{path}: cannot be read ({error})",
            code="arrangement-file-unreadable",
            params={"file": str(path)},
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise ArrangementFileError(
            f"{path}: not valid TOML ({error})",
            code="arrangement-file-not-toml",
            params={"file": str(path), "detail": str(error)},
        ) from None
    unknown = sorted(set(data) - FILE_KEYS)
    if unknown:
        raise ArrangementFileError(
            f"{path}: unknown keys {', '.join(unknown)} (allowed: {', '.join(sorted(FILE_KEYS))})",
            code="arrangement-file-unknown-keys",
            params={"file": str(path), "keys": unknown, "allowed_keys": sorted(FILE_KEYS)},
        )
    if data.get("year") != year:
        raise ArrangementFileError(
            f"{path}: the file says year = {data.get('year')!r}, but {year} is being published",
            code="arrangement-file-year",
            params={"file": str(path), "found": str(data.get("year")), "year": year},
        )
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        raise ArrangementFileError(
            f"{path}: needs source = \"...\" naming the official notice"
            " (e.g. 国办发明电〔2026〕N号)",
            code="arrangement-file-needs-source",
            params={"file": str(path)},
        )
    rest_days = _read_days(path, data, "rest_days", year)
    working_days = _read_days(path, data, "working_days", year)
    weekdays = [d.isoformat() for d in working_days if d.weekday() < 5]
    if weekdays:
        raise ArrangementFileError(
            f"{path}: make-up working days fall on a Saturday or Sunday, not {', '.join(weekdays)}",
            code="arrangement-makeup-on-weekday",
            params={"file": str(path), "days": weekdays},
        )
    try:
        return YearArrangement(year, rest_days, working_days, source.strip())
    except InvalidInputError as error:
        raise ArrangementFileError(
            f"{path}: {error}", code=error.code, params={**error.params, "file": str(path)}
        ) from None


def _read_days(path: Path, data: dict[str, Any], table: str, year: int) -> dict[date, str]:
    entries = data.get(table, {})
    if not isinstance(entries, dict):
        raise ArrangementFileError(
            f"{path}: [{table}] must be a table of \"date\" = \"name\"",
            code="arrangement-file-table",
            params={"file": str(path), "table": table},
        )
    days: dict[date, str] = {}
    for key, name in entries.items():
        try:
            day = date.fromisoformat(key)
        except ValueError:
            raise ArrangementFileError(
                f"{path}: [{table}] {key!r} is not a date like {year}-01-01",
                code="arrangement-file-date",
                params={"file": str(path), "table": table, "entry": key, "year": year},
            ) from None
        if day.year != year:
            raise ArrangementFileError(
                f"{path}: [{table}] {key} is not in {year}",
                code="arrangement-file-day-year",
                params={"file": str(path), "table": table, "entry": key, "year": year},
            )
        if not isinstance(name, str) or not name.strip():
            raise ArrangementFileError(
                f"{path}: [{table}] {key} needs a name (the holiday)",
                code="arrangement-file-day-name",
                params={"file": str(path), "table": table, "entry": key},
            )
        days[day] = name.strip()
    return dict(sorted(days.items()))
