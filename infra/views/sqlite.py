"""Views in the SQLite file that holds the event store, on a connection of their own."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar

from infra.views.sql import NEXT_SUFFIX, VIEW_PREFIX, Cursor
from infra.views.store import Clock, SqlViewStore
from projections.base import ColumnType, Table

# Writers queue for the file's single write lock; a batch is short, so wait rather than fail.
BUSY_TIMEOUT_SECONDS = 30.0


class SqliteViewStore(SqlViewStore):
    marker = "?"
    types: ClassVar[dict[ColumnType, str]] = {
        "text": "TEXT", "integer": "INTEGER", "real": "REAL", "boolean": "INTEGER",
        "timestamp": "TEXT", "json": "TEXT",
    }

    def __init__(self, path: str, clock: Clock) -> None:
        super().__init__(clock)
        self.path = path
        self._conn = sqlite3.connect(
            path, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False
        )
        # The event store switches the file to WAL too; doing it here as well means views work
        # whichever opens the file first, and readers never block the runner's writes.
        self._conn.execute("PRAGMA journal_mode=WAL")

    @contextmanager
    def _write(self) -> Iterator[Cursor]:
        cursor = self._conn.cursor()
        # IMMEDIATE takes the write lock up front: reading the position then writing can't be
        # overtaken by another writer between the two.
        cursor.execute("BEGIN IMMEDIATE")
        try:
            yield cursor
        except BaseException:
            self._conn.rollback()
            raise
        else:
            self._conn.commit()
        finally:
            cursor.close()

    @contextmanager
    def _read(self) -> Iterator[Cursor]:
        cursor = self._conn.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    def _index_names_on(self, cursor: Cursor, table_name: str) -> list[str]:
        # The primary key's own index has no SQL: it is the table's, not ours.
        cursor.execute(
            "SELECT name FROM sqlite_master"
            " WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", [table_name],
        )
        return [str(name) for (name,) in cursor.fetchall()]

    def _rename(self, cursor: Cursor, table: Table) -> None:
        # SQLite cannot rename an index: drop the built table's own indexes and create them
        # again under the serving table's names (the primary key's index follows the table).
        serving = f"{VIEW_PREFIX}{table.name}"
        built = serving + NEXT_SUFFIX
        cursor.execute(
            "SELECT name, sql FROM sqlite_master"
            " WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", [built],
        )
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(f'ALTER TABLE "{built}" RENAME TO "{serving}"')
        for _name, sql in indexes:
            cursor.execute(str(sql).replace(built, serving))

    def close(self) -> None:
        self._conn.close()
