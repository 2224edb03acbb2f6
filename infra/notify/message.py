"""A notice in words: its subject and text in the reader's language, from the web catalogues.

The notice's params hold values (a case type, times, names, text people wrote); here they
become words (``case_type.*`` labels, dates written the language's way) and fill the
``notice.*`` messages. Nothing here shows an id or a raw enum value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from api.web.i18n import Locale, pick_language

DATE_PARAMS = ("filed_at", "rated_at")
TIME_PARAMS = ("due",)


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    words: dict[str, str]
    """The filled-in values by name: an SMS template's parameters."""


def words(params: dict[str, Any], locale: Locale) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in params.items():
        if name in DATE_PARAMS:
            found[name] = locale.date(value)
        elif name in TIME_PARAMS:
            found[name] = locale.datetime(value) if "T" in str(value) else locale.date(value)
        elif name == "case_type":
            label = locale.label("case_type", value)
            found[name] = label if locale.chinese else label.lower()
        elif name == "decision":
            label = locale.label("merit_decision", value)
            found[name] = label if locale.chinese else label.lower()
        elif name == "subject" and not value:
            found[name] = locale.t("notice.merit_you")
        elif name == "upheld":
            found["outcome"] = locale.t("notice.appeal_upheld" if value else
                                        "notice.appeal_rejected")
        else:
            found[name] = "" if value is None else str(value)
    return found


def render(kind: str, params: dict[str, Any], language: str | None, tz: dt.timezone) -> Message:
    locale = Locale(pick_language(language), tz)
    filled = words(params, locale)
    return Message(
        subject=locale.t(f"notice.{kind}_subject", **filled),
        text=locale.t(f"notice.{kind}_text", **filled),
        words=filled,
    )
