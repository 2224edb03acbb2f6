"""Checksums say what a view holds, whatever order it was written in and wherever it lives."""

from __future__ import annotations

import hashlib
from pathlib import Path

from infra.views import SqliteViewStore
from projections.base import Projection, Row, Table, ViewTx, handles
from projections.checksum import digest
from projections.memory import MemoryViewStore
from tests.support.clock import FakeClock


class Seen:
    def __init__(self, item: str, count: int) -> None:
        self.item, self.count = item, count


class Counts(Projection):
    name = "counts"
    version = "1"
    tables = (
        Table.of("items", key="item", positions=("seen_at",), item="text", count="integer",
                 seen_at="integer"),
        Table.of("a_totals", key="total", total="text", ratio="real"),
    )

    @handles(Seen)
    def _seen(self, event: Seen, view: ViewTx) -> None:
        view.upsert("items", {"item": event.item, "count": event.count, "seen_at": view.position})


def test_the_digest_is_sha256_of_canonical_lines_in_table_and_key_order() -> None:
    rows: dict[str, list[Row]] = {
        "items": [{"item": "b", "count": 2, "seen_at": 9}, {"item": "a", "count": 1}],
        "a_totals": [{"total": "all", "ratio": 0.5}],
    }
    expected = hashlib.sha256(
        b'{"row":{"ratio":0.5,"total":"all"},"table":"a_totals"}\n'
        b'{"row":{"count":1,"item":"a"},"table":"items"}\n'
        b'{"row":{"count":2,"item":"b"},"table":"items"}\n'
    ).hexdigest()

    assert digest(Counts(), lambda t: rows.get(t.name, [])) == expected


def test_the_digest_does_not_depend_on_the_order_rows_were_inserted() -> None:
    forwards, backwards = MemoryViewStore(), MemoryViewStore()
    events = [(1, Seen("pen", 3)), (2, Seen("ink", 1)), (3, Seen("cap", 2))]
    for store, batch in ((forwards, events), (backwards, events[::-1])):
        store.ensure(Counts())
        store.apply_batch(Counts(), 0, batch, 3)

    assert digest(Counts(), forwards.rows) == digest(Counts(), backwards.rows)


def test_the_digest_leaves_out_position_columns_and_nothing_else() -> None:
    first = {"items": [{"item": "pen", "count": 3, "seen_at": 1}]}
    moved = {"items": [{"item": "pen", "count": 3, "seen_at": 400}]}
    recounted = {"items": [{"item": "pen", "count": 4, "seen_at": 1}]}

    assert digest(Counts(), lambda t: first.get(t.name, [])) == digest(
        Counts(), lambda t: moved.get(t.name, [])
    )
    assert digest(Counts(), lambda t: first.get(t.name, [])) != digest(
        Counts(), lambda t: recounted.get(t.name, [])
    )


def test_memory_and_sqlite_views_with_the_same_rows_have_the_same_digest(
    tmp_path: Path,
) -> None:
    memory = MemoryViewStore()
    sqlite = SqliteViewStore(str(tmp_path / "views.db"), FakeClock())
    events = [(5, Seen("ink", 1)), (7, Seen("pen", 3))]
    for store in (memory, sqlite):
        store.ensure(Counts())
        store.apply_batch(Counts(), 0, events, 7)

    assert digest(Counts(), memory.rows) == digest(Counts(), sqlite.rows)
    sqlite.close()
