"""A view's secondary indexes survive a blue/green rebuild, under the serving table's names.

The rebuild loads ``view_<table>__next`` with its primary key alone and gives it its own
secondary indexes (named after it) just before the switch; switching renames them with the
table (PostgreSQL) or drops and makes them again (SQLite, which cannot rename an index).
Afterwards the serving table has exactly the indexes the schema names, and a second rebuild
finds no leftover name in its way. A rebuild interrupted before its indexes were made, or after
they were made but before the switch, carries on and switches in a fully indexed view. Runs on
SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest

from infra.projections import open_runner
from infra.projections.operations import rebuild
from infra.views.sql import NEXT_SUFFIX, create_index_sql
from infra.views.sqlite import SqliteViewStore
from infra.views.store import SqlViewStore, next_table
from projections.directory import DirectoryProjection
from projections.query import Like
from projections.store import PageQuery, PositionMovedError
from tests.integration.test_projection_runner import enrol, head_counts, seed
from tests.support.stores import StoreUnderTest


def _indexes(store: SqlViewStore) -> dict[str, set[str]]:
    """Secondary index names per view table (primary keys aside)."""
    found: dict[str, set[str]] = {}
    with store._read() as cursor:
        if isinstance(store, SqliteViewStore):
            cursor.execute(
                "SELECT tbl_name, name FROM sqlite_master"
                " WHERE type = 'index' AND sql IS NOT NULL AND tbl_name LIKE 'view%'"
            )
        else:
            cursor.execute(
                "SELECT tablename, indexname FROM pg_indexes WHERE schemaname = current_schema()"
                " AND tablename LIKE 'view%' AND indexname NOT LIKE '%pkey'"
            )
        rows: list[Any] = cursor.fetchall()
    for table, name in rows:
        found.setdefault(str(table), set()).add(str(name))
    return found


def _wanted(name: Any = None) -> dict[str, set[str]]:
    wanted: dict[str, set[str]] = {}
    for table in DirectoryProjection().tables:
        for sql in create_index_sql(table, *([name] if name else [])):
            wanted.setdefault(sql.split(" ON ")[1].split('"')[1], set()).add(sql.split('"')[1])
    return wanted


class CrashError(Exception):
    """Stands for the rebuild's process dying at that point."""


def test_a_rebuild_keeps_the_indexes_under_the_serving_names(
    durable_store: StoreUnderTest,
) -> None:
    app = durable_store.open()
    seed(app, units=2, staff=20)
    runner = open_runner(app, durable_store.settings)
    store = runner.store
    assert isinstance(store, SqlViewStore)
    runner.run(until_caught_up=True)
    expected = head_counts(store)
    directory = {k: v for k, v in _indexes(store).items() if k in _wanted()}
    assert directory == _wanted()
    for _ in range(2):  # the second finds no index name left in its way
        rebuild(runner.log, runner.store, DirectoryProjection(), batch_size=7)
        after = _indexes(store)
        assert {k: v for k, v in after.items() if k in _wanted()} == _wanted()
        assert not [n for names in after.values() for n in names if NEXT_SUFFIX in n]
        assert head_counts(store) == expected
    # The admin's search is answered on the rebuilt table, as a filter like any other.
    staff = DirectoryProjection().table("staff")
    found = store.page(staff, PageQuery("login", False, 100, search=(("login", "name"), "")))
    assert len(found) == 20
    query = PageQuery("login", False, 100, where=Like("login", found[0]["login"].upper()))
    assert [r["login"] for r in store.page(staff, query)] == [found[0]["login"]]


def test_a_rebuild_stopped_after_its_load_makes_its_indexes_and_switches_when_resumed(
    durable_store: StoreUnderTest,
) -> None:
    app = durable_store.open()
    seed(app, units=2, staff=30)
    runner = open_runner(app, durable_store.settings)
    store, projection = runner.store, DirectoryProjection()
    assert isinstance(store, SqlViewStore)
    runner.run(until_caught_up=True)
    head = runner.log.head()

    def crash_when_loaded(at: int, _head: int) -> None:
        if at == head:
            raise CrashError

    with pytest.raises(CrashError):
        rebuild(runner.log, store, projection, batch_size=7, progress=crash_when_loaded)
    found = store.rebuilding(projection)
    assert found is not None
    assert found.position == head
    loaded = _indexes(store)
    assert not [n for t, names in loaded.items() if NEXT_SUFFIX in t for n in names], (
        "the next tables are loaded with their primary keys alone"
    )
    assert {k: v for k, v in loaded.items() if k in _wanted()} == _wanted()  # still serving

    enrol(app, units=2, staff=4, first=30)  # the log moves on meanwhile
    runner.run(until_caught_up=True)
    expected = head_counts(store)
    assert rebuild(runner.log, store, projection, batch_size=7) == 4
    after = _indexes(store)
    assert {k: v for k, v in after.items() if k in _wanted()} == _wanted()
    assert not [n for names in after.values() for n in names if NEXT_SUFFIX in n]
    assert store.rebuilding(projection) is None
    assert head_counts(store) == expected == {"U0": 17, "U1": 17}


def test_a_switch_that_fails_after_the_indexes_were_made_finds_them_when_resumed(
    durable_store: StoreUnderTest, monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = durable_store.open()
    seed(app, units=2, staff=20)
    runner = open_runner(app, durable_store.settings)
    store, projection = runner.store, DirectoryProjection()
    assert isinstance(store, SqlViewStore)
    runner.run(until_caught_up=True)
    expected = head_counts(store)

    def fail_to_rename(*_args: object) -> None:
        raise PositionMovedError("directory", 0, None)  # what a runner moving it would raise

    with monkeypatch.context() as patch:
        patch.setattr(store, "_rename", fail_to_rename)
        store.begin_rebuild(projection)
        head = runner.log.head()
        events = runner.log.read(0, 1000, head, ())
        with pytest.raises(PositionMovedError):
            store.switch(projection, 0, events, head)
    # The indexes were committed on their own; the switch was rolled back whole.
    assert store.rebuilding(projection) is not None
    made = {k: v for k, v in _indexes(store).items() if NEXT_SUFFIX in k}
    assert made == _wanted(next_table)
    assert head_counts(store) == expected

    rebuild(runner.log, store, projection, batch_size=7)
    after = _indexes(store)
    assert {k: v for k, v in after.items() if k in _wanted()} == _wanted()
    assert not [n for names in after.values() for n in names if NEXT_SUFFIX in n]
    assert store.rebuilding(projection) is None
    assert head_counts(store) == expected
