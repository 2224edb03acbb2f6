"""Filters a view store answers itself: the ``where`` of a page, a count or a grouped count.

A request never loads a whole view to filter it in Python: it describes the rows it wants with
these values and the store turns them into one SQL statement (or, in memory, one pass). Values
are Python values; the store encodes them the way the column stores them, so a time compares as
the stored UTC ISO text does. Every filter here can be answered by SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from projections.base import Table
from projections.values import encode

Op = Literal["=", "!=", "<", "<=", ">", ">="]


@dataclass(frozen=True)
class Compare:
    """``column op value``; ``=`` and ``!=`` with ``None`` mean IS NULL and IS NOT NULL."""

    column: str
    op: Op
    value: Any


@dataclass(frozen=True)
class In:
    """The column's value is one of ``values`` (none: no row matches)."""

    column: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Contains:
    """A JSON list column holds ``value`` (as text)."""

    column: str
    value: str


@dataclass(frozen=True)
class Like:
    """The column's text holds ``needle``, case-insensitively (letters of ASCII)."""

    column: str
    needle: str


@dataclass(frozen=True)
class InSelect:
    """The column's value is ``select`` of a row of another view table matching ``where``:
    e.g. a case's owner is one of a unit's staff."""

    column: str
    table: Table
    select: str
    where: Filter


@dataclass(frozen=True)
class Below:
    """``column < bounds[sum of key columns]`` (nulls in the sum count 0): a bound that
    depends on each row, as a deadline's yellow card depends on its period. A sum with no bound
    matches nothing (``inclusive``: ``<=``)."""

    column: str
    key: tuple[str, ...]
    bounds: Mapping[int, Any]
    inclusive: bool = False


@dataclass(frozen=True)
class All:
    parts: tuple[Filter, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Filter, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Not:
    part: Filter


Filter = Compare | In | Contains | Like | InSelect | Below | All | AnyOf | Not

NOTHING: Filter = AnyOf(())
"""Matches no row (an empty OR)."""


def all_of(*parts: Filter | None) -> Filter:
    """The conjunction of the given filters, skipping ``None``."""
    kept = tuple(p for p in parts if p is not None)
    return kept[0] if len(kept) == 1 else All(kept)


def search(columns: tuple[str, ...], text: str) -> Filter:
    """One of the text ``columns`` holds ``text``, case aside: the admin directory's search
    (``PageQuery.search``)."""
    return AnyOf(tuple(Like(column, text) for column in columns))


def equal(**values: Any) -> Filter:
    """Each named column equals its value (``None``: is null)."""
    return all_of(*(Compare(column, "=", value) for column, value in values.items()))


def matches(
    table: Table, row: Mapping[str, Any], where: Filter, tables: Mapping[str, Any]
) -> bool:
    """Whether a *stored* row matches, as SQL would answer it (a null compares false, and
    ``Not`` of a comparison with a null is true). ``tables`` maps table names to stored rows,
    for ``InSelect``; the in-memory store uses this, the SQL stores compile the same filter."""
    if isinstance(where, All):
        return all(matches(table, row, p, tables) for p in where.parts)
    if isinstance(where, AnyOf):
        return any(matches(table, row, p, tables) for p in where.parts)
    if isinstance(where, Not):
        return not matches(table, row, where.part, tables)
    if isinstance(where, InSelect):
        selected = {
            other.get(where.select)
            for other in tables.get(where.table.name, {}).values()
            if matches(where.table, other, where.where, tables)
        }
        return row.get(where.column) is not None and row.get(where.column) in selected
    value = row.get(where.column)
    column = table.column(where.column)
    if isinstance(where, Compare):
        wanted = encode(column, where.value)
        if wanted is None:
            return (value is None) == (where.op == "=")
        return value is not None and _compare(value, where.op, wanted)
    if isinstance(where, In):
        return value is not None and value in {encode(column, v) for v in where.values}
    if isinstance(where, Contains):
        return value is not None and where.value in json.loads(str(value))
    if isinstance(where, Like):
        return value is not None and where.needle.lower() in str(value).lower()
    total = sum(int(row.get(k) or 0) for k in where.key)
    bound = where.bounds.get(total)
    if value is None or bound is None:
        return False
    return _compare(value, "<=" if where.inclusive else "<", encode(column, bound))


def _compare(value: Any, op: Op, wanted: Any) -> bool:
    if op == "=":
        return bool(value == wanted)
    if op == "!=":
        return bool(value != wanted)
    if op == "<":
        return bool(value < wanted)
    if op == "<=":
        return bool(value <= wanted)
    if op == ">":
        return bool(value > wanted)
    return bool(value >= wanted)
