"""Names beside ids in the CLI's JSON: who and which unit a figure is about, for its reader.

The ids stay (scripts join on them); each ``…_id`` field, ``owner`` and list ``member`` gets a
``…_name`` beside it, and a ``names`` map at the top gives the name of every other id the
document holds (the keys of figures grouped by unit, lists of leaders or enterprises).
"""

from __future__ import annotations

from typing import Any

from api.web.names import Names

NAMED_FIELDS = ("owner", "member", "actor", "login")


def resolve(names: Names, value: str) -> str | None:
    """The name of a unit, window, leader, enterprise or staff login, if ``value`` is one."""
    for rows in (names.units, names.windows, names.leaders, names.enterprises):
        if value in rows:
            if rows is names.leaders:
                return names.leader(value)
            return str(rows[value]["name"])
    if value in names.staff:
        return str(names.staff[value]["name"])
    return None


def with_names(document: dict[str, Any], names: Names) -> dict[str, Any]:
    found: dict[str, str] = {}

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            out: dict[str, Any] = {}
            for key, value in node.items():
                if isinstance(key, str) and (name := resolve(names, key)):
                    found[key] = name
                out[key] = walk(value)
                named_field = key.endswith("_id") or key in NAMED_FIELDS
                if named_field and isinstance(value, str) and (name := resolve(names, value)):
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
