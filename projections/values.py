"""How view values are stored and read back, the same way in every store.

Every store keeps the *stored* form (text, integer, real, 0/1 or boolean, ISO text, JSON text) so
that a row read from SQLite, PostgreSQL or memory is the same Python value, and so are checksums.
Timestamps are stored as UTC ISO text (which sorts in time order); JSON as canonical text.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from projections.base import Column, Row, Table

Stored = str | int | float | bool | None


def encode(column: Column, value: Any) -> Stored:
    """The stored form of ``value`` for ``column``, refusing values of the wrong kind."""
    if value is None:
        return None
    kind = column.type
    if kind == "text":
        if isinstance(value, str | UUID):
            return str(value)
    elif kind == "integer":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif kind == "real":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    elif kind == "boolean":
        if isinstance(value, bool):
            return value
    elif kind == "timestamp":
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(UTC).isoformat(timespec="microseconds")
    elif kind == "json":
        return canonical_json(value)
    raise TypeError(f"column {column.name} ({kind}) cannot hold {value!r}")


def decode(column: Column, stored: Any) -> Any:
    """The Python value of a stored value: what ``ViewTx.get`` and ``select`` return."""
    if stored is None:
        return None
    kind = column.type
    if kind == "boolean":
        return bool(stored)
    if kind == "real":
        return float(stored)
    if kind == "timestamp":
        return datetime.fromisoformat(str(stored))
    if kind == "json":
        return json.loads(stored)
    return stored


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def encode_row(table: Table, row: Row) -> dict[str, Stored]:
    unknown = set(row) - {c.name for c in table.columns}
    if unknown:
        raise KeyError(f"table {table.name} has no column(s) {sorted(unknown)}")
    return {name: encode(table.column(name), value) for name, value in row.items()}


def decode_row(table: Table, stored: dict[str, Any]) -> Row:
    return {c.name: decode(c, stored.get(c.name)) for c in table.columns}


def checksum_form(table: Table, row: Row) -> dict[str, Any]:
    """A decoded row as plain JSON data, without position columns, for digests."""
    out: dict[str, Any] = {}
    for column in table.columns:
        if column.position:
            continue
        value = row.get(column.name)
        if column.type == "timestamp" and value is not None:
            value = encode(column, value)
        out[column.name] = value
    return out
