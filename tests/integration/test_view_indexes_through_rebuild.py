"""A view's secondary indexes survive a blue/green rebuild, under the serving table's names.

The rebuild builds ``view_<table>__next`` with its own indexes (named after it); switching
renames them with the table (PostgreSQL) or drops and makes them again (SQLite, which cannot
rename an index). Afterwards the serving table has exactly the indexes the schema names, and a
second rebuild finds no leftover name in its way. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from infra.projections import open_runner
from infra.projections.operations import rebuild
from infra.views.sql import NEXT_SUFFIX, create_index_sql
from infra.views.sqlite import SqliteViewStore
from infra.views.store import SqlViewStore
from projections.directory import DirectoryProjection
from projections.query import Like
from projections.store import PageQuery
from tests.integration.test_projection_runner import head_counts, seed
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


def _wanted() -> dict[str, set[str]]:
    wanted: dict[str, set[str]] = {}
    for table in DirectoryProjection().tables:
        for sql in create_index_sql(table):
            wanted.setdefault(f"view_{table.name}", set()).add(sql.split('"')[1])
    return wanted


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
