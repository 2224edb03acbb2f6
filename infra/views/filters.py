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


def compile_filter(where: Filter, table: Table, marker: str) -> tuple[str, list[Any]]:
    """The SQL condition and its parameters, in order."""
    params: list[Any] = []
    return _sql(where, table, marker, params), params


def _sql(where: Filter, table: Table, marker: str, params: list[Any]) -> str:
    if isinstance(where, All):
        if not where.parts:
            return "1 = 1"
        return "(" + " AND ".join(_sql(p, table, marker, params) for p in where.parts) + ")"
    if isinstance(where, AnyOf):
        if not where.parts:
            return "1 = 0"
        return "(" + " OR ".join(_sql(p, table, marker, params) for p in where.parts) + ")"
    if isinstance(where, Not):
        return f"(NOT COALESCE({_sql(where.part, table, marker, params)}, FALSE))"
    column = table.column(where.column)
    name = f'"{column.name}"'
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
        inner = _sql(where.where, where.table, marker, params)
        return f'{name} IN (SELECT "{select}" FROM {view_table(where.table)} WHERE {inner})'
    assert isinstance(where, Below)
    if not where.bounds:
        return "1 = 0"
    total = " + ".join(f'COALESCE("{table.column(k).name}", 0)' for k in where.key)
    arms = []
    for key, bound in sorted(where.bounds.items()):
        params.extend([int(key), encode(column, bound)])
        arms.append(f"WHEN {marker} THEN {marker}")
    op = "<=" if where.inclusive else "<"
    return f"{name} {op} (CASE ({total}) {' '.join(arms)} END)"


def _escaped(text: str) -> str:
    return text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
