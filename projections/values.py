"""How view values are stored and read back, the same way in every store.

Every store keeps the *stored* form (text, integer, real, 0/1 or boolean, ISO text, JSON text) so
that a row read from SQLite, PostgreSQL or memory is the same Python value, and so are checksums.
Timestamps are stored as UTC ISO text (which sorts in time order); JSON as canonical text.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import lru_cache
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
        if type(value) is UUID:
            return uuid_text(value)
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
        if type(value) is list and not value:  # most lists of ids: no encoder to set up
            return "[]"
        return canonical_json(value)
    raise TypeError(f"column {column.name} ({kind}) cannot hold {value!r}")


def uuid_text(value: UUID) -> str:
    """``str(value)``, remembered for the latest values."""
    # An event's handlers ask for its aggregate's id several times (its row's key, its id
    # column): the very same object, known by identity before hashing it (a UUID's hash is a
    # Python call).
    latest = _latest_uuid[0]
    if value is latest[0]:
        return latest[1]
    text = _uuid_text(value)
    # One pair, replaced whole: a thread reads the old pair or the new, never half of each.
    _latest_uuid[0] = (value, text)
    return text


_latest_uuid: list[tuple[UUID | None, str]] = [(None, "")]


@lru_cache(maxsize=4096)
def _uuid_text(value: UUID) -> str:
    # A batch names the same aggregate in every one of its events, and a UUID's text is
    # costly to make: a replay asks for it hundreds of thousands of times.
    return str(value)


def in_utc(value: datetime) -> datetime:
    """``value.astimezone(UTC)``, remembered for the latest value."""
    # A step writes its event's time in several columns (``updated_at``, ``replied_at``, ...):
    # the very same object, converted once.
    latest = _latest_time[0]
    if value is latest[0]:
        return latest[1]
    converted = value.astimezone(UTC)
    _latest_time[0] = (value, converted)
    return converted


_latest_time: list[tuple[datetime | None, datetime]] = [(None, datetime.min)]


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


def hold(column: Column, value: Any) -> Any:
    """The form a SQL batch keeps ``value`` in: what reading the stored form back would give
    (``decode(encode(value))``), checked as ``encode`` checks, except JSON, kept as its stored
    text so that a list a handler was handed can never change a kept row.

    Values already in that form (a ``str`` for text, a UTC ``datetime``, ...) are kept as they
    are: a replay holds every value every handler writes, and converting them twice (to the
    stored form and back) was a large part of its time.
    """
    if value is None:
        return None
    if column.type == "timestamp" and type(value) is datetime and value.tzinfo is not None:
        return value.astimezone(UTC)  # the same instant, as its stored text would read back
    stored = encode(column, value)
    return stored if column.type == "json" else decode(column, stored)


def hold_row(table: Table, row: Row) -> Row:
    """``hold`` for each value of ``row`` (a ``KeyError`` for a column the table lacks)."""
    as_is = table.held_as_is
    # Copied whole, in C, and only the values to convert replaced: most are kept as they are.
    held: Row = dict(row)
    for name, value in row.items():
        kind = as_is.get(name)  # None for no such column: no value is of that type
        if type(value) is kind:
            if kind is not datetime or value.tzinfo is UTC:  # type: ignore[attr-defined]
                continue
        elif value is None:
            if kind is None:
                table.column(name)  # raises: no such column
            continue
        # What ``hold`` makes of the two commonest values to convert, without its dispatch:
        # an event's aggregate id in a text column, an event's time in its own zone.
        elif kind is str and type(value) is UUID:
            held[name] = uuid_text(value)
            continue
        if kind is datetime and type(value) is datetime and value.tzinfo is not None:
            held[name] = in_utc(value)
        else:
            held[name] = hold(table.column(name), value)
    return held



def held_from_stored(table: Table, stored: dict[str, Any]) -> Row:
    """The held form of a row as the table gave it (every column)."""
    row = {c.name: stored.get(c.name) for c in table.columns}
    for column in table.converted_columns:
        value = row[column.name]
        if value is not None and column.type != "json":
            row[column.name] = decode(column, value)
    return row


def stored_from_held(column: Column, value: Any) -> Stored:
    """The stored form of a held value: only a timestamp differs (it is stored as text)."""
    if value is None or column.type != "timestamp":
        return value  # type: ignore[no-any-return]
    return value.isoformat(timespec="microseconds")  # type: ignore[no-any-return]


def decoded_from_held(table: Table, held: Row) -> Row:
    """What ``ViewTx.get`` returns for a held row: a copy, its JSON values loaded afresh (so
    the caller may change them)."""
    row = dict(held)
    for name in table.json_columns:
        value = row.get(name)
        if value == "[]":  # the commonest by far, and a tenth of the cost of parsing it
            row[name] = []
        elif value is not None:
            row[name] = json.loads(value)
    return row


def canonical_json(value: Any) -> str:
    return _CANONICAL.encode(value)


_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
"""``json.dumps`` with these options, made once: ``dumps`` makes an encoder on every call
given any option, and a replay encodes a JSON value for nearly every case it dispatches."""


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
