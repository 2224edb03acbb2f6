"""Messages and formats per language: zh-CN (the default) and English.

The catalogues are TOML files beside this module (``i18n/zh-CN.toml``, ``i18n/en.toml``) with
the same keys; tests check that both have every key the templates and the code use. Dates are
shown in the jurisdiction's civil time, written the way each language writes them.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"
CATALOGUES = Path(__file__).parent / "i18n"
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
NOTHING = "—"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The language's messages, flattened: ``[desk] title = ...`` becomes ``desk.title``."""
    data = tomllib.loads((CATALOGUES / f"{lang}.toml").read_text(encoding="utf-8"))
    return dict(_flatten(data, ""))


def _flatten(data: dict[str, Any], prefix: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            pairs += _flatten(value, f"{prefix}{key}.")
        else:
            pairs.append((f"{prefix}{key}", str(value)))
    return pairs


def pick_language(wanted: str | None) -> str:
    return wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Locale:
    lang: str
    tz: dt.timezone

    @property
    def chinese(self) -> bool:
        return self.lang == "zh-CN"

    def t(self, key: str, /, **values: Any) -> str:
        """The message ``key``, with ``{name}`` placeholders filled in. A missing key shows
        itself, so a gap is visible (and the catalogue test names it)."""
        text = catalogue(self.lang).get(key, key)
        return text.format(**values) if values else text

    def label(self, group: str, value: Any) -> str:
        """A value's name (a status, a case type...), or the value when it has none."""
        if value is None or value == "":
            return NOTHING
        return catalogue(self.lang).get(f"{group}.{value}", str(value))

    def date(self, value: dt.date | dt.datetime | str | None) -> str:
        day = self._day(value)
        if day is None:
            return NOTHING
        if self.chinese:
            return f"{day.year}年{day.month}月{day.day}日"
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"

    def datetime(self, value: dt.datetime | str | None) -> str:
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        if moment is None:
            return NOTHING
        if moment.tzinfo is not None:
            moment = moment.astimezone(self.tz)
        clock = moment.strftime("%H:%M")
        return f"{self.date(moment)} {clock}" if self.chinese else f"{self.date(moment)}, {clock}"

    def weekday(self, value: dt.date | str) -> str:
        day = self._day(value)
        assert day is not None
        return self.t(f"weekday.{day.weekday()}")

    def number(self, value: float | None, digits: int = 0) -> str:
        if value is None:
            return NOTHING
        return f"{value:,.{digits}f}"

    def percent(self, fraction: float | None, digits: int = 1) -> str:
        """A rate in [0, 1] as a percentage; nothing counted shows a dash, never 0 %."""
        if fraction is None:
            return NOTHING
        return f"{fraction * 100:.{digits}f}%"

    def _day(self, value: dt.date | dt.datetime | str | None) -> dt.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, str):
            value = (
                dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
            )
        if isinstance(value, dt.datetime):
            return value.astimezone(self.tz).date() if value.tzinfo else value.date()
        return value
