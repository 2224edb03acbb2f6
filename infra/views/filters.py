"""Filters (``projections.query``) as SQL that SQLite and PostgreSQL both accept.

A comparison with a null is unknown in SQL, which ``NOT`` keeps unknown; the in-memory store
treats it as false. ``NOT COALESCE(…, FALSE)`` makes the two agree, and leaves every other
comparison bare, so the database can still answer it from an index.
"""

from __future__ import annotations

import json
from typing import Any

from infra.views.sql import view_table
from projections.base import Table
from projections.query import All, AnyOf, Below, Compare, Contains, Filter, In, InSelect, Like, Not
from projections.values import encode

ESCAPE = "\\"
POSTGRES_MARKER = "%s"
"""The marker names the dialect: psycopg's is PostgreSQL's, sqlite3's (``?``) SQLite's."""
POSTGRES_ARRAYS = {"integer": "bigint[]", "real": "double precision[]", "boolean": "boolean[]"}
"""Arrays of the PostgreSQL view store's column types (the others are stored as text)."""


Compiled = tuple[str, list[Any]]
"""A condition's SQL and its parameters, in order."""


def compile_filter(
    where: Filter, table: Table, marker: str, alias: str | None = None
) -> Compiled:
    """The SQL condition and its parameters, in order (``alias``: the name ``table`` goes by
    in the statement, where another table beside it has columns of the same names)."""
    return StatementFilters(marker).compile(where, table, alias)


class StatementFilters:
    """The filters of one statement, compiled. A part they hold more than once (the same
    object: the board's states each say "not overdue" and "not due soon") is compiled once
    and its SQL and parameters repeated: compiling the due-soon filter encodes a bound per
    period, and the board's labels held it three times and "overdue" four."""

    def __init__(self, marker: str) -> None:
        self.marker = marker
        # Each part (and its table) is kept with what it compiled to, so that no other object
        # can take its id meanwhile.
        self.done: dict[tuple[int, int, str | None], tuple[Filter, Table, Compiled]] = {}

    def compile(self, where: Filter, table: Table, alias: str | None = None) -> Compiled:
        """As ``compile_filter``, sharing what this statement's filters compiled before."""
        params: list[Any] = []
        return self._part(where, table, params, alias), params

    def _part(self, where: Filter, table: Table, params: list[Any], alias: str | None) -> str:
        if not isinstance(where, All | AnyOf | Not | Below):  # a leaf costs less than a lookup
            return self._compile(where, table, params, alias)
        key = (id(where), id(table), alias)
        found = self.done.get(key)
        if found is None:
            start = len(params)
            sql = self._compile(where, table, params, alias)
            self.done[key] = (where, table, (sql, params[start:]))
            return sql
        sql, repeated = found[2]
        params.extend(repeated)
        return sql

    def _compile(
        self, where: Filter, table: Table, params: list[Any], alias: str | None
    ) -> str:
        marker = self.marker
        if isinstance(where, All):
            if not where.parts:
                return "1 = 1"
            parts = (self._part(p, table, params, alias) for p in where.parts)
            return "(" + " AND ".join(parts) + ")"
        if isinstance(where, AnyOf):
            if not where.parts:
                return "1 = 0"
            parts = (self._part(p, table, params, alias) for p in where.parts)
            return "(" + " OR ".join(parts) + ")"
        if isinstance(where, Not):
            return f"(NOT COALESCE({self._part(where.part, table, params, alias)}, FALSE))"
        column = table.column(where.column)
        name = _qualified(column.name, alias)
        if isinstance(where, Compare):
            value = encode(column, where.value)
            if value is None:
                return f"{name} IS {'' if where.op == '=' else 'NOT '}NULL"
            params.append(value)
            return f"{name} {where.op} {marker}"
        if isinstance(where, In):
            if not where.values:
                return "1 = 0"
            params.extend(encode(column, v) for v in where.values)
            return f"{name} IN ({', '.join([marker] * len(where.values))})"
        if isinstance(where, Contains):
            params.append(f"%{_escaped(json.dumps(where.value, ensure_ascii=False))}%")
            return f"{name} LIKE {marker} ESCAPE '{ESCAPE}'"
        if isinstance(where, Like):
            params.append(f"%{_escaped(where.needle.lower())}%")
            return f"LOWER({name}) LIKE {marker} ESCAPE '{ESCAPE}'"
        if isinstance(where, InSelect):
            select = where.table.column(where.select).name
            inner = self._part(where.where, where.table, params, None)
            return f'{name} IN (SELECT "{select}" FROM {view_table(where.table)} WHERE {inner})'
        assert isinstance(where, Below)
        return _below(where, table, marker, params, alias)


def _qualified(column: str, alias: str | None) -> str:
    return f'{alias}."{column}"' if alias else f'"{column}"'


def _below(
    where: Below, table: Table, marker: str, params: list[Any], alias: str | None = None
) -> str:
    """One lookup per row: the bounds travel as a single list parameter indexed by the row's
    sum, rather than as a ``CASE`` arm per key, which made the statement (and each row's
    test) as long as the list of periods. A sum outside the list finds no bound (null), which
    matches nothing, as in memory."""
    if not where.bounds:
        return "1 = 0"
    column = table.column(where.column)
    total = " + ".join(
        f"COALESCE({_qualified(table.column(k).name, alias)}, 0)" for k in where.key
    )
    name = _qualified(column.name, alias)
    low, high = min(where.bounds), max(where.bounds)
    listed = [encode(column, where.bounds.get(key)) for key in range(low, high + 1)]
    op = "<=" if where.inclusive else "<"
    if marker == POSTGRES_MARKER:
        # An array, typed as the column so the comparison is the column's own; PostgreSQL
        # answers a subscript outside it with null.
        params.append(_array_text(listed))
        kind = POSTGRES_ARRAYS.get(column.type, "text[]")
        return f"{name} {op} (CAST({marker} AS {kind}))[({total}) + {1 - low}]"
    # SQLite has no arrays: a JSON list, read by index (a path it rejects below 0, hence the
    # range test first).
    params.append(json.dumps(listed))
    return (f"{name} {op} (CASE WHEN ({total}) BETWEEN {low} AND {high}"
            f" THEN json_extract({marker}, '$[' || (({total}) - {low}) || ']') END)")


def _array_text(values: list[Any]) -> str:
    """The list as one PostgreSQL array literal, which the statement casts to the typed array:
    psycopg dumps a Python list element by element, and the board's dozen lists of bounds cost
    it some 2 ms a request where one string costs nothing."""
    return "{" + ",".join(_element(v) for v in values) + "}"


def _element(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _escaped(text: str) -> str:
    return text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
