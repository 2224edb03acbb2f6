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
    # The commonest cases first: a replay encodes every value every handler writes.
    if (kind == "text" and type(value) is str) or (kind == "integer" and type(value) is int):
        return value
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
    return {name: encode(table.column(name), value) for name, value in row.items()}


def decode_row(table: Table, stored: dict[str, Any]) -> Row:
    # Text and integer values are stored as they are: only the other columns need decoding.
    # (A replay decodes a row for nearly every event it applies.)
    row = {c.name: stored.get(c.name) for c in table.columns}
    for column in table.converted_columns:
        value = row[column.name]
        if value is not None:
            row[column.name] = decode(column, value)
    return row


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
