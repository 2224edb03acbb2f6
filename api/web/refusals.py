"""A domain refusal in the reader's language: its code picks the sentence from the catalogue's
``refusal.*`` messages and its parameters fill it in, each worded as the pages word it (a role,
a step or a status by its label, a time in the reader's calendar, a list joined as the language
joins lists). The English message the domain wrote serves logs and the command line; a page never
shows it in place of a sentence its language lacks (the catalogue test lists every code)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from api.web.i18n import Locale, catalogue, count_of
from domain.errors import DomainError

# Which label group words a parameter's value (the catalogue's keys ``<group>.<value>``).
LABELLED = {
    "role": "role",
    "state": "status",
    "step": "step",
    "allowed": "step",
    "level": "alert_level",
    "case_type": "case_type",
    "what": "refused_thing",
    "kind": "refused_thing",
    "dimension": "refused_thing",
    "unit_of_time": "refused_thing",
    "field": "refused_field",
}
# "hand over" and "the reason for an appeal" are looked up as hand_over, the_reason_for_an_appeal.
LABEL_KEY = re.compile(r"[^a-z0-9]+")
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?")


def refusal(loc: Locale, error: DomainError) -> str:
    """The refusal as a sentence of ``loc``'s language."""
    messages = catalogue(loc.lang)
    key = f"refusal.{error.code}"
    if key not in messages:
        key = f"refusal.{type(error).default_code}"
    if key not in messages:
        key = "refusal.refused"
    text = messages.text(key, count_of(error.params)) or messages["refusal.refused"]
    values = {name: _word(loc, name, value) for name, value in error.params.items()}
    try:
        return text.format_map(_Missing(values))
    except (IndexError, ValueError):  # a malformed sentence must not hide the refusal
        return messages["refusal.refused"]


def _word(loc: Locale, name: str, value: Any) -> str:
    if isinstance(value, list | tuple):
        if not value:
            return "—"
        joiner = "、" if loc.chinese else ", "
        return joiner.join(_word(loc, name, item) for item in value)
    if isinstance(value, str) and f"distinction.{value}" in catalogue(loc.lang):
        # One of the three distinctions (三个区分开来), named by its words, never by its key.
        return loc.t(f"distinction.{value}")
    group = LABELLED.get(name)
    if group is not None:
        return loc.label(group, LABEL_KEY.sub("_", str(value).lower()).strip("_"))
    if isinstance(value, str) and ISO_TIME.match(value):
        return loc.datetime(value) if "T" in value else loc.date(value)
    if isinstance(value, dt.datetime):
        return loc.datetime(value)
    return str(value)


class _Missing(dict[str, str]):
    """Leaves a placeholder the refusal did not fill visible rather than failing."""

    def __init__(self, values: Mapping[str, str]) -> None:
        super().__init__(values)

    def __missing__(self, key: str) -> str:
        return "—"
