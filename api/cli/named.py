"""Names beside ids in the CLI's JSON: who and which unit a figure is about, for its reader.

The ids stay (scripts join on them); each ``…_id`` field, ``owner`` and list ``member`` gets a
``…_name`` beside it, and a ``names`` map at the top gives the name of every other id the
document holds (the keys of figures grouped by unit, lists of leaders or enterprises).
"""

from __future__ import annotations

import re
from typing import Any

from api.web.names import Names

UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)

NAMED_FIELDS = ("owner", "member", "actor", "login")
RECORD_IDS = ("id", "case_id")
"""Ids of records, never of directory entries: not looked up (a board lists every case)."""


def resolve(names: Names, value: str, *, login: bool = False) -> str | None:
    """The name of a unit, window, leader or enterprise ``value`` is the id of, or with
    ``login`` of the staff member it is the login of. Each is one indexed lookup, kept for the
    document, so a report over a city's enterprises names them without loading the directory."""
    if UUID_TEXT.fullmatch(value):
        return names.of_id(value)
    return names.of_login(value) if login else None


def with_names(document: dict[str, Any], names: Names) -> dict[str, Any]:
    found: dict[str, str] = {}

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            out: dict[str, Any] = {}
            for key, value in node.items():
                if key in RECORD_IDS:
                    out[key] = value
                    continue
                if isinstance(key, str) and (name := resolve(names, key)):
                    found[key] = name
                out[key] = walk(value)
                login = key in NAMED_FIELDS
                named_field = key.endswith("_id") or login
                if (
                    named_field
                    and isinstance(value, str)
                    and (name := resolve(names, value, login=login))
                ):
                    out[key.removesuffix("_id") + "_name"] = name
            return out
        if isinstance(node, list):
            return [walk(item) for item in node]
        if isinstance(node, str) and (name := resolve(names, node)):
            found[node] = name
        return node

    named: dict[str, Any] = walk(document)
    if found:
        named["names"] = dict(sorted(found.items()))
    return named
