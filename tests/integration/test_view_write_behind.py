"""The SQL stores write a batch's rows once, at its end: the rows must be those that writing
every change at once would give, on SQLite and PostgreSQL alike, in every batch split, whether
the store knows every row (it saw the tables empty), keeps only a few of them, or knows none
(a store opened afresh for each batch, which runs the batch dry to learn what to read). A
select in a handler finds what it would find were every change written at once, though the
batch writes first only when a row it has not written yet bears on the answer."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from infra.views import PostgresViewStore, SqliteViewStore
from infra.views import sql as sql_rows
from infra.views import store as sql_view_store
from infra.views.known import Known
from infra.views.postgres import copy_upsert
from infra.views.store import SqlViewStore
from projections.base import Projection, Table, ViewTx, handles
from projections.memory import MemoryViewStore
from projections.store import EventAt, ProjectionFailedError, ViewStore
from tests.support.clock import FakeClock


@dataclass
class Put:
    key: str
    amount: int
    note: str | None = None
    at: datetime | None = None


@dataclass
class Bump:
    key: str
    other: str
    """A second row whose key comes from the first row's contents."""


@dataclass
class Drop:
    key: str


@dataclass
class Move:
    key: str
    to: str


@dataclass
class Fail:
    key: str


@dataclass
class Census:
    note: str | None
    """Which items carry this note, as a select in the batch finds them."""


class Shuffle(Projection):
    """Reads that depend on earlier writes, blind writes, deletes and re-inserts."""

    name = "shuffle"
    version = "1"
    tables = (
        Table.of("items", key="name", name="text", amount="integer", note="text",
                 partner="text", flags="json", at="timestamp"),
        Table.of("pairs", key=("left", "right"), left="text", right="text", count="integer"),
    )

    @handles(Put)
    def _put(self, event: Put, view: ViewTx) -> None:
        row: dict[str, object] = {"name": event.key, "amount": event.amount}
        if event.note is not None:
            row["note"] = event.note  # a blind write of some columns only
        if event.at is not None:
            row["at"] = event.at
        view.upsert("items", row)

    @handles(Bump)
    def _bump(self, event: Bump, view: ViewTx) -> None:
        found = view.get("items", event.key)
        if found is None:
            return
        view.upsert("items", {"name": event.key, "partner": event.other,
                              "flags": [*(found["flags"] or []), event.other]})
        partner = found["partner"] or event.other
        view.increment("pairs", (event.key, partner), "count")

    @handles(Drop)
    def _drop(self, event: Drop, view: ViewTx) -> None:
        view.delete("items", event.key)

    @handles(Move)
    def _move(self, event: Move, view: ViewTx) -> None:
        found = view.get("items", event.key)
        if found is not None:
            view.delete("items", event.key)
            view.upsert("items", {**found, "name": event.to})

    @handles(Census)
    def _census(self, event: Census, view: ViewTx) -> None:
        found = ",".join(row["name"] for row in view.select("items", note=event.note))
        view.upsert("pairs", {"left": f"census {event.note}", "right": found,
                              "count": view.position})

    @handles(Fail)
    def _fail(self, event: Fail, view: ViewTx) -> None:
        if view.get("items", event.key) is not None:
            raise ValueError(f"{event.key} exists")


def history(seed: int, length: int) -> list[EventAt]:
    chosen = random.Random(seed)
    keys = [f"k{n}" for n in range(8)]
    events: list[object] = []
    for _ in range(length):
        kind = chosen.random()
        key = chosen.choice(keys)
        if kind < 0.3:
            note = chosen.choice([None, "a", "b"])
            zone = timezone(timedelta(hours=chosen.choice([0, 1, -5])))
            at = chosen.choice([None, datetime(2026, 3, 2, tzinfo=UTC).astimezone(zone)])
            events.append(Put(key, chosen.randint(0, 99), note, at))
        elif kind < 0.6:
            events.append(Bump(key, chosen.choice(keys)))
        elif kind < 0.75:
            events.append(Drop(key))
        elif kind < 0.9:
            events.append(Move(key, chosen.choice(keys)))
        else:
            events.append(Census(chosen.choice([None, "a", "b"])))
    return list(enumerate(events, start=1))


def sql_store(kind: str, tmp_path: Path, clock: FakeClock, url: str | None) -> SqlViewStore:
    if kind == "sqlite":
        return SqliteViewStore(str(tmp_path / "views.db"), clock)
    assert url is not None
    return PostgresViewStore(url, clock)


def replay(store: ViewStore, events: list[EventAt], cuts: list[int],
           reopen: Callable[[], ViewStore] | None = None) -> ViewStore:
    """Apply ``events`` in batches cut at ``cuts``; with ``reopen``, each batch on a store
    opened afresh (which knows no row). Returns the store last used."""
    projection = Shuffle()
    store.ensure(projection)
    position, start = 0, 0
    for end in [*cuts, len(events)]:
        batch = events[start:end]
        new_position = batch[-1][0] if batch else position
        if reopen is not None and start > 0:
            store.close()
            store = reopen()
        store.apply_batch(projection, position, batch, new_position)
        position, start = new_position, end
    return store


def all_rows(store: ViewStore) -> list[list[dict[str, object]]]:
    return [store.rows(table) for table in Shuffle.tables]


@pytest.mark.parametrize("bulk_from", [sql_rows.BULK_ROWS, 1])
@pytest.mark.parametrize("knowing", ["every_row", "a_few_rows", "no_row"])
@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_written_behind_rows_equal_rows_written_as_they_change(
    kind: str, knowing: str, bulk_from: int, *, tmp_path: Path, clock: FakeClock,
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``bulk_from``: from how many rows of one shape a flush writes them at once (PostgreSQL's
    ``COPY``); at 1 every write of the batch goes that way."""
    url = request.getfixturevalue("fresh_postgres_url") if kind == "postgres" else None
    monkeypatch.setattr(sql_rows, "BULK_ROWS", bulk_from)
    if knowing == "a_few_rows":
        monkeypatch.setattr(sql_view_store, "WARM_ROWS", 3)
    for seed in range(6):
        events = history(seed, 120)
        chosen = random.Random(seed)
        cuts = sorted(chosen.sample(range(1, len(events)), chosen.randint(0, 6)))
        memory = MemoryViewStore(clock)
        replay(memory, events, [])  # one batch: every change applied in order, in memory
        path = tmp_path / f"s{seed}"
        path.mkdir()
        opened = sql_store(kind, path, clock, url)
        if kind == "postgres":
            opened.reset(Shuffle())
        reopen = partial(sql_store, kind, path, clock, url) if knowing == "no_row" else None
        store = replay(opened, events, cuts, reopen)
        try:
            assert all_rows(store) == all_rows(memory), f"seed {seed}, cuts {cuts}"
        finally:
            store.close()


def test_a_handler_failing_on_rows_as_they_are_fails_the_batch_and_writes_nothing(
    tmp_path: Path, clock: FakeClock,
) -> None:
    store = SqliteViewStore(str(tmp_path / "views.db"), clock)
    projection = Shuffle()
    try:
        replay(store, [(1, Put("k1", 1))], [])
        before = all_rows(store)
        with pytest.raises(ProjectionFailedError, match="position 3"):
            store.apply_batch(projection, 1, [(2, Put("k2", 2)), (3, Fail("k1"))], 3)
        assert all_rows(store) == before
        found = store.position("shuffle")
        assert found is not None
        assert found.position == 1
        # A failure only on rows taken as absent during a dry run is no failure at all.
        store.apply_batch(projection, 1, [(2, Drop("k1")), (3, Fail("k1"))], 3)
        assert all_rows(store)[0] == []
    finally:
        store.close()


@pytest.mark.postgres
def test_rows_new_to_a_table_are_inserted_apart_from_those_it_holds(
    fresh_postgres_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A flush hands the bulk write the rows the table does not hold apart from those it does,
    without a conflict clause: PostgreSQL copies them straight in (a rebuild's rows, nearly
    all). A row deleted and made again in one batch is the table's still: it is upserted."""
    monkeypatch.setattr(sql_rows, "BULK_ROWS", 1)
    written: list[tuple[list[object], bool]] = []

    def recording(cursor: sql_rows.Cursor, rows: list[list[Any]], /, **given: Any) -> None:
        if "items" in given["table"]:
            written.append(([row[0] for row in rows], given["conflict"] is None))
        copy_upsert(cursor, rows, **given)

    monkeypatch.setattr(PostgresViewStore, "_bulk_upsert", lambda _store: recording)
    store = PostgresViewStore(fresh_postgres_url, clock)
    store.reset(Shuffle())
    try:
        events: list[EventAt] = [(1, Put("a", 1)), (2, Put("b", 2))]
        replay(store, events, [])
        assert written == [(["a", "b"], True)]
        written.clear()
        more: list[EventAt] = [(3, Put("a", 5)), (4, Put("c", 3)), (5, Move("b", "d")),
                               (6, Move("d", "b"))]
        store.apply_batch(Shuffle(), 2, more, 6)
        assert written == [(["a", "b"], False), (["c"], True)]
        memory = MemoryViewStore(clock)
        replay(memory, events + more, [])
        assert all_rows(store) == all_rows(memory)
    finally:
        store.close()


class _Recording:
    """A cursor that notes each statement it is given before running it."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self.cursor = cursor
        self.sent: list[str] = []

    def execute(self, query: str, params: Any = (), /) -> Any:
        self.sent.append(query)
        return self.cursor.execute(query, params)

    def executemany(self, query: str, params_seq: Any, /) -> Any:
        rows = list(params_seq)
        self.sent.extend([query] * len(rows))
        return self.cursor.executemany(query, rows)

    def fetchone(self) -> Any:
        return self.cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return self.cursor.fetchall()

    @property
    def description(self) -> Any:
        return self.cursor.description


def test_a_row_the_table_never_held_is_deleted_without_a_statement(tmp_path: Path) -> None:
    """A rebuild's counters come and go within one batch: deleting a row the batch made, or
    one known to be absent, sends nothing. A row the table holds is still deleted, and so is
    one deleted, made again and deleted again in one batch."""
    connection = sqlite3.connect(tmp_path / "views.db")
    projection = Shuffle()
    for table in projection.tables:
        connection.execute(sql_rows.create_table_sql(table, SqliteViewStore.types))
    cursor = _Recording(connection.cursor())
    known = Known((t.name for t in projection.tables), complete=True)  # the tables are empty

    def batch(*events: object) -> list[str]:
        cursor.sent.clear()
        sql_rows.apply_events(projection, cursor, "?", list(enumerate(events, 1)), known=known)
        return [sent for sent in cursor.sent if sent.startswith("DELETE")]

    assert batch(Put("made", 1), Drop("made"), Drop("never"), Put("kept", 2)) == []
    assert batch(Drop("never")) == []
    assert len(batch(Drop("kept"), Put("kept", 3), Drop("kept"))) == 1
    assert connection.execute('SELECT count(*) FROM "view_items"').fetchone() == (0,)
