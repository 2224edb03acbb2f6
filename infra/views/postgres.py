"""Views in the PostgreSQL database that holds the event store, on a connection of their own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar

import psycopg

from infra.views.sql import NEXT_SUFFIX, VIEW_PREFIX, Cursor
from infra.views.store import Clock, SqlViewStore
from projections.base import ColumnType, Table


class PostgresViewStore(SqlViewStore):
    marker = "%s"
    types: ClassVar[dict[ColumnType, str]] = {
        "text": "text", "integer": "bigint", "real": "double precision", "boolean": "boolean",
        "timestamp": "text", "json": "text",
    }
    # Two runners (or a runner and a rebuild) serialise on the projection's position row.
    lock_suffix = " FOR UPDATE"

    def __init__(self, conninfo: str, clock: Clock, *, schema: str | None = None) -> None:
        super().__init__(clock)
        self.conninfo, self.schema = conninfo, schema
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None

    def _connection(self) -> psycopg.Connection[tuple[object, ...]]:
        # A dropped connection (server restart, terminated backend) is replaced on next use;
        # the batch that saw the drop was rolled back and is simply read again.
        if self._conn is None or self._conn.closed or self._conn.broken:
            options = f"-c search_path={self.schema}" if self.schema else ""
            self._conn = psycopg.connect(
                self.conninfo, autocommit=True, options=options,
                application_name="casetrail-projections",
            )
        return self._conn

    @contextmanager
    def _write(self) -> Iterator[Cursor]:
        conn = self._connection()
        with conn.transaction(), conn.cursor() as cursor:
            yield cursor

    @contextmanager
    def _read(self) -> Iterator[Cursor]:
        with self._connection().cursor() as cursor:
            yield cursor

    def _rename(self, cursor: Cursor, table: Table) -> None:
        # DDL is transactional here: readers keep the old table until the switch commits.
        serving = f"{VIEW_PREFIX}{table.name}"
        built = serving + NEXT_SUFFIX
        cursor.execute(f'ALTER TABLE "{built}" RENAME TO "{serving}"')
        cursor.execute(
            "SELECT indexname FROM pg_indexes"
            " WHERE schemaname = current_schema() AND tablename = %s", [serving],
        )
        for (index,) in cursor.fetchall():
            if built in index:
                cursor.execute(
                    f'ALTER INDEX "{index}" RENAME TO "{index.replace(built, serving)}"'
                )

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
