"""Messages and formats per language: zh-CN (the default) and English.

The catalogues are TOML files beside this module (``i18n/zh-CN.toml``, ``i18n/en.toml``) with
the same keys; tests check that both have every key the templates and the code use. A message
that depends on a count has one form per CLDR plural category (``{one = "…", other = "…"}``).
Dates, times, months, weekdays and numbers are written by Babel from CLDR, in the
jurisdiction's civil time: the way each language writes them, not by hand.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale as CldrLocale
from babel.dates import format_date, format_skeleton, format_time, get_datetime_format
from babel.numbers import format_decimal

LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"
CATALOGUES = Path(__file__).parent / "i18n"
# CLDR's locales for the pages' languages: British English writes "2 Mar 2026, 09:00".
CLDR = {"zh-CN": "zh_Hans_CN", "en": "en_GB"}
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

    @property
    def cldr(self) -> CldrLocale:
        return _cldr(self.lang)

    def t(self, key: str, /, **values: Any) -> str:
        """The message ``key``, with ``{name}`` placeholders filled in. A message with plural
        forms takes the form of its count (the first whole number among ``values``). A missing
        key shows itself, so a gap is visible (and the catalogue test names it)."""
        messages = catalogue(self.lang)
        text = messages.get(key)
        if text is None:
            counts = [v for v in values.values() if isinstance(v, int) and not isinstance(v, bool)]
            form = self.cldr.plural_form(counts[0]) if counts else "other"
            text = messages.get(f"{key}.{form}", messages.get(f"{key}.other", key))
        return text.format(**values) if values else text

    def label(self, group: str, value: Any) -> str:
        """A value's name (a status, a case type...), or the value when it has none."""
        if value is None or value == "":
            return NOTHING
        messages = catalogue(self.lang)
        # A name added after its group's section sits in a table of its own (``.other``).
        return messages.get(f"{group}.{value}", messages.get(f"{group}.{value}.other", str(value)))

    def date(self, value: dt.date | dt.datetime | str | None) -> str:
        day = self._day(value)
        if day is None:
            return NOTHING
        return format_date(day, "medium", locale=self.cldr)

    def datetime(self, value: dt.datetime | str | None) -> str:
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        if moment is None:
            return NOTHING
        if moment.tzinfo is not None:
            moment = moment.astimezone(self.tz)
        clock = format_time(moment, "HH:mm", locale=self.cldr)
        joined = get_datetime_format("medium", locale=self.cldr)
        return str(joined).replace("{1}", self.date(moment)).replace("{0}", clock)

    def month(self, value: str) -> str:
        """A month ``2026-03`` as the language names it with its year (2026年3月, Mar 2026)."""
        first = dt.date.fromisoformat(f"{value}-01")
        return format_skeleton("yMMM", first, locale=self.cldr)

    def weekday(self, value: dt.date | str) -> str:
        day = self._day(value)
        assert day is not None
        return format_date(day, "EEEE", locale=self.cldr)

    def number(self, value: float | None, digits: int = 0) -> str:
        if value is None:
            return NOTHING
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, pattern, locale=self.cldr)

    def percent(self, fraction: float | None, digits: int = 1) -> str:
        """A rate in [0, 1] as a percentage; nothing counted shows a dash, never 0 %."""
        if fraction is None:
            return NOTHING
        return f"{self.number(fraction * 100, digits)}%"

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


@cache
def _cldr(lang: str) -> CldrLocale:
    return CldrLocale.parse(CLDR[lang])
