"""What text a person can have typed: no control characters but tab and line breaks.

A control character (U+0000–U+001F but tab, LF and CR; U+007F–U+009F), a lone surrogate or the
non-characters U+FFFE and U+FFFF is never part of a demand, a reason or a name. Stored, they
break what others read: PostgreSQL cannot hold U+0000, XML 1.0 cannot carry any of them (one
such summary made the Open311 list unreadable for every client), and an escape character
(U+001B) repaints the terminal of whoever prints the record. Every event refuses them, and the
edges refuse them earlier with the field's name; ``xml_safe`` is for what was stored before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from domain.errors import InvalidInputError

ALLOWED_CONTROLS = "\t\n\r"
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def forbidden_character(value: str) -> str | None:
    """The first character of ``value`` no person types, as ``U+XXXX``; None when clean."""
    found = _FORBIDDEN.search(value)
    return f"U+{ord(found.group()):04X}" if found else None


def first_forbidden(value: Any) -> str | None:
    """As ``forbidden_character``, looking into lists, tuples, sets and dicts (keys too)."""
    if isinstance(value, str):
        return forbidden_character(value)
    if isinstance(value, dict):
        return _first_in(value.keys()) or _first_in(value.values())
    if isinstance(value, list | tuple | set | frozenset):
        return _first_in(value)
    return None


def _first_in(items: Iterable[Any]) -> str | None:
    """The first forbidden character among ``items``, in order. Every event's values pass
    through here, most of them clean strings and scalars: those are settled without a call."""
    for item in items:
        if isinstance(item, str):
            if _FORBIDDEN.search(item):
                return forbidden_character(item)
        elif isinstance(item, dict | list | tuple | set | frozenset):
            found = first_forbidden(item)
            if found:
                return found
    return None


class ControlCharacterError(InvalidInputError):
    """A text field holds a control character (see the module's docstring)."""

    default_code = "control-character"

    def __init__(self, field: str, character: str) -> None:
        name = field.replace("_", " ")
        kind = "a NUL character" if character == "U+0000" else "a control character"
        super().__init__(
            f"{name} contains {kind} ({character}); only tab and line breaks are allowed",
            params={"field": field, "character": character},
        )


def refuse_control_characters(values: dict[str, Any]) -> None:
    """Refuse the first value (by its name) that holds a character no person types."""
    for name, value in values.items():
        if isinstance(value, str):
            if not _FORBIDDEN.search(value):
                continue
        elif not isinstance(value, dict | list | tuple | set | frozenset):
            continue  # a number, a flag, an id, a time: no text in it
        found = first_forbidden(value)
        if found:
            raise ControlCharacterError(name, found)


def xml_safe(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot carry: for text stored before they
    were refused, so that an XML answer stays well-formed whatever the store holds."""
    return _FORBIDDEN.sub("", value)
