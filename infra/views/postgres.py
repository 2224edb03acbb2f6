"""Views in the PostgreSQL database that holds the event store, on connections of their own.

Batches, rebuilds and DDL run one at a time on one connection (the store's lock). Reads take a
connection from a small pool instead: on the one connection, every request of a server process
queued behind the others' statements and behind the runner's batches.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import ClassVar

import psycopg
from psycopg_pool import ConnectionPool

from infra.views.sql import NEXT_SUFFIX, VIEW_PREFIX, BulkUpsert, Cursor
from infra.views.store import Clock, SqlViewStore
from projections.base import ColumnType, Table
from projections.values import Stored

READ_CONNECTIONS = 4
"""Reads at once, each on a connection of its own (``CASETRAIL_VIEW_CONNECTIONS`` sets it for
a server): a few more than the cores, since a read also waits on the network and the server."""

GENERIC_PLANS = "-c plan_cache_mode=force_generic_plan"
"""The read pool's planning: a prepared statement's plan is made once, not per run."""


class PostgresViewStore(SqlViewStore):
    marker = "%s"
    types: ClassVar[dict[ColumnType, str]] = {
        "text": "text", "integer": "bigint", "real": "double precision", "boolean": "boolean",
        "timestamp": "text", "json": "text",
    }
    # Two runners (or a runner and a rebuild) serialise on the projection's position row.
    lock_suffix = " FOR UPDATE"
    # Processes write a view's next tables side by side, each on its own connection (SQLite's
    # one writer would only make them take turns).
    can_split = True

    def __init__(
        self, conninfo: str, clock: Clock, *, schema: str | None = None,
        read_connections: int = READ_CONNECTIONS, read_timeout: float | None = None,
    ) -> None:
        super().__init__(clock)
        self.conninfo, self.schema = conninfo, schema
        self.read_connections, self.read_timeout = read_connections, read_timeout
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None
        self._pool: ConnectionPool | None = None
        self._pool_lock = threading.Lock()

    def _options(self) -> dict[str, object]:
        return {
            "autocommit": True,
            "options": f"-c search_path={self.schema}" if self.schema else "",
            "application_name": "casetrail-projections",
        }

    def _reader_options(self) -> dict[str, object]:
        # psycopg prepares a statement a connection has run five times, but the server still
        # planned each run anew for its values: planning the union of a clerk's scope took
        # 2.5 ms, as long as running it. Every page read is built to be an index range
        # whatever its values (tests/integration/test_page_plans.py), so one plan per
        # connection serves them all (tests/integration/test_clerk_pages.py).
        settings = [GENERIC_PLANS]
        if self.read_timeout is not None:
            # The server stops a read itself, which frees the connection for the next one;
            # a client giving up would leave it running.
            settings.append(f"-c statement_timeout={max(1, round(self.read_timeout * 1000))}")
        options = self._options()
        options["options"] = " ".join([str(options["options"]), *settings]).strip()
        return options

    def _connection(self) -> psycopg.Connection[tuple[object, ...]]:
        # A dropped connection (server restart, terminated backend) is replaced on next use;
        # the batch that saw the drop was rolled back and is simply read again.
        if self._conn is None or self._conn.closed or self._conn.broken:
            self._conn = psycopg.connect(self.conninfo, **self._options())  # type: ignore[arg-type]
        return self._conn

    def _readers(self) -> ConnectionPool:
        """The read pool, opened on first use (nothing connects before a read is asked for).
        It grows from one connection as reads overlap; a connection a dropped server broke is
        discarded when it comes back, and the next read gets a new one."""
        if self._pool is None:
            with self._pool_lock:
                if self._pool is None:
                    self._pool = ConnectionPool(
                        self.conninfo, min_size=1, max_size=self.read_connections,
                        kwargs=self._reader_options(), name="casetrail-views", open=True,
                    )
        return self._pool

    @contextmanager
    def _write(self) -> Iterator[Cursor]:
        conn = self._connection()
        with conn.transaction(), conn.cursor() as cursor:
            yield cursor

    @contextmanager
    def _read(self) -> Iterator[Cursor]:
        with self._connection().cursor() as cursor:
            yield cursor

    @contextmanager
    def _reading(self) -> Iterator[Cursor]:
        with self._readers().connection() as conn, conn.cursor() as cursor:
            yield cursor

    @contextmanager
    def _reading_many(self, count: int) -> Iterator[list[Cursor]]:
        # Pipeline mode: every statement goes before any answer is awaited, one round trip.
        with self._readers().connection() as conn, conn.pipeline(), ExitStack() as stack:
            yield [stack.enter_context(conn.cursor()) for _ in range(count)]

    def _bulk_upsert(self) -> BulkUpsert | None:
        return copy_upsert

    def _gather_statistics(self, cursor: Cursor, table: str) -> None:
        # A table filled by a rebuild has no statistics until autovacuum analyzes it, a
        # minute later or, where it is off, never; meanwhile the planner guesses. Guessing, it
        # took the week of open requests Open311 lists for a tenth of what it was, fetched
        # them all through a bitmap and sorted them, instead of reading the index in order up
        # to the page's end. The statistics move with the table when it is renamed.
        cursor.execute(f"ANALYZE {table}")

    def _index_names_on(self, cursor: Cursor, table_name: str) -> list[str]:
        cursor.execute(
            "SELECT indexname FROM pg_indexes"
            " WHERE schemaname = current_schema() AND tablename = %s", [table_name],
        )
        return [str(name) for (name,) in cursor.fetchall()]

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
        with self._pool_lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None


def copy_upsert(
    cursor: Cursor, rows: list[list[Stored]], /, *, spec: Table, table: str,
    names: tuple[str, ...], conflict: str | None,
) -> None:
    """Upsert many rows of one shape through ``COPY`` into a scratch table and one
    ``INSERT ... SELECT``, in the caller's transaction.

    A statement per row cost the client more Python per row (psycopg's pipeline) than the
    handlers that made the row, and the server a bind and an execute each; ``COPY`` sends the
    rows as one stream. The result is the statement-per-row upsert's: the rows of a flush have
    distinct keys, so each meets the same ``ON CONFLICT`` once.

    The scratch table lives as long as the connection, emptied at every commit, and is named
    after the target and its columns' types, so a table made again under another definition
    gets a scratch table of its own shape.

    Rows the table does not hold (``conflict`` None) are copied straight into it: the scratch
    table and the conflict check cost a third of the time of such a write.
    """
    columns = ", ".join(f'"{n}"' for n in names)
    if conflict is None:
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for row in rows:
                copy.write_row(row)
        return
    shape = f"{table}|" + ",".join(f"{c.name}:{c.type}" for c in spec.columns)
    scratch = f'"bulk_{hashlib.sha1(shape.encode()).hexdigest()[:16]}"'
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {scratch} (LIKE {table}) ON COMMIT DELETE ROWS"
    )
    with cursor.copy(f"COPY {scratch} ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
        for row in rows:
            copy.write_row(row)
    cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {scratch} {conflict}")
    cursor.execute(f"DELETE FROM {scratch}")  # the next shape of this transaction starts empty
