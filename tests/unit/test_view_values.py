"""The form a SQL batch holds values in is the stored form read back, and is checked the same way.

A batch keeps the rows it changes *held* and turns them into their stored form only when it
writes them, so a value must mean the same whichever way it went: held then stored, or stored at
once (``encode``) and read back (``decode``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import pytest

from infra.views.store import DECODERS
from projections.base import Column, ColumnType, Table
from projections.values import (
    canonical_json,
    decode,
    decoded_from_held,
    encode,
    hold,
    hold_row,
    stored_from_held,
)

PARIS = timezone(timedelta(hours=1))
ACCEPTED: list[tuple[ColumnType, Any]] = [
    ("text", "abc"),
    ("text", UUID("12345678-1234-5678-1234-567812345678")),
    ("integer", 7),
    ("real", 2),
    ("real", 2.5),
    ("boolean", True),
    ("boolean", False),
    ("timestamp", datetime(2026, 3, 2, 1, 0, tzinfo=UTC)),
    ("timestamp", datetime(2026, 3, 2, 2, 0, 0, 17, tzinfo=PARIS)),
    ("json", []),
    ("json", {"b": [1, 2], "a": None}),
    ("json", ("x", "y")),
    ("json", "plain"),
]
REFUSED: list[tuple[ColumnType, Any]] = [
    ("text", 3),
    ("integer", True),
    ("integer", 1.5),
    ("real", False),
    ("boolean", 1),
    ("timestamp", datetime(2026, 3, 2, 1, 0)),  # naive: no instant
    ("timestamp", "2026-03-02"),
]


@pytest.mark.parametrize(("kind", "value"), ACCEPTED)
def test_a_held_value_stores_and_reads_back_as_the_value_stored_at_once(
    kind: ColumnType, value: Any,
) -> None:
    column = Column("c", kind)
    held = hold(column, value)

    assert stored_from_held(column, held) == encode(column, value)
    table = Table("t", (Column("k"), column), ("k",))
    got = decoded_from_held(table, hold_row(table, {"k": "1", "c": value}))
    assert got["c"] == decode(column, encode(column, value))
    assert type(got["c"]) is type(decode(column, encode(column, value)))


@pytest.mark.parametrize(("kind", "value"), REFUSED)
def test_a_value_of_the_wrong_kind_is_refused_when_held_as_when_stored(
    kind: ColumnType, value: Any,
) -> None:
    column = Column("c", kind)
    table = Table("t", (Column("k"), column), ("k",))
    with pytest.raises(TypeError):
        encode(column, value)
    with pytest.raises(TypeError):
        hold_row(table, {"k": "1", "c": value})


def test_a_column_the_table_lacks_is_refused_even_for_a_null() -> None:
    table = Table("t", (Column("k"), Column("c")), ("k",))
    with pytest.raises(KeyError):
        hold_row(table, {"k": "1", "other": None})
    with pytest.raises(KeyError):
        hold_row(table, {"k": "1", "other": "a value"})


def test_a_json_value_handed_out_can_be_changed_without_changing_the_held_row() -> None:
    table = Table("t", (Column("k"), Column("ids", "json")), ("k",))
    held = hold_row(table, {"k": "1", "ids": []})
    first = decoded_from_held(table, held)
    first["ids"].append("u1")
    assert decoded_from_held(table, held)["ids"] == []


@pytest.mark.parametrize(("kind", "value"), ACCEPTED)
def test_a_page_decodes_each_stored_value_as_decode_does(kind: ColumnType, value: Any) -> None:
    """The SQL store decodes a page's values by their column's type looked up once
    (``DECODERS``), not through ``decode``: the same values either way, stored as SQLite and
    PostgreSQL hand them back (a boolean from SQLite as 0 or 1)."""
    column = Column("c", kind)
    stored = encode(column, value)
    if kind not in DECODERS:
        assert decode(column, stored) == stored  # kept as it is stored
        return
    handed_back = [stored, int(stored)] if isinstance(stored, bool) else [stored]
    for found in handed_back:
        assert DECODERS[kind](found) == decode(column, found)
        assert type(DECODERS[kind](found)) is type(decode(column, found))


@pytest.mark.parametrize("value", [
    [], {}, ["u2", "u1"], {"b": 1, "a": [1.5, None, {"z": "é", "y": True}]}, "é", 0,
])
def test_json_is_stored_as_sorted_compact_unescaped_text(value: Any) -> None:
    assert canonical_json(value) == json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
