"""Small tables of the API's own beside the events: idempotency keys, sign-in failures.

They live in the database that holds the events, so every worker process of ``serve`` shares
them and they survive a restart; the memory store keeps them in an in-memory SQLite database.
One connection per table owner, opened on first use (and again after it broke), used under a
lock: the statements are single, short and autocommitted.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import psycopg

from infra.persistence import persistence_env
from infra.settings import Settings
from infra.views import postgres_conninfo

SCHEMA_RACES = (
    psycopg.errors.UniqueViolation,
    psycopg.errors.DuplicateTable,
    psycopg.errors.DuplicateObject,
)
"""Two PostgreSQL sessions running CREATE ... IF NOT EXISTS at once: one of them fails so."""


class Connection(Protocol):
    def cursor(self) -> Any: ...

    def close(self) -> None: ...


class SideTable:
    """Runs statements written with ``?`` markers on SQLite or PostgreSQL alike."""

    def __init__(
        self, connect: Callable[[], Connection], marker: str, schema: Sequence[str]
    ) -> None:
        self._connect, self.marker, self.schema = connect, marker, tuple(schema)
        self._conn: Connection | None = None
        self._lock = threading.Lock()

    def execute(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._execute_locked(sql, params)
            except psycopg.OperationalError:
                if self._conn is None or not getattr(self._conn, "closed", False):
                    raise
                # The connection died while idle (the server restarted): one fresh try, so the
                # first request after an outage is not refused for the old connection.
                return self._execute_locked(sql, params)

    def _execute_locked(self, sql: str, params: tuple[object, ...]) -> list[tuple[Any, ...]]:
        if self._conn is None or getattr(self._conn, "closed", False):
            self._conn = self._connect()
            for statement in self.schema:
                # Another process may create it between our look and our create.
                with contextlib.suppress(*SCHEMA_RACES):
                    self._run(statement)
        return self._run(sql.replace("?", self.marker), params)

    def _run(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        assert self._conn is not None
        cursor = self._conn.cursor()
        try:
            cursor.execute(sql, params)
            return list(cursor.fetchall()) if cursor.description else []
        finally:
            cursor.close()

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def sqlite_table(path: str, schema: Sequence[str]) -> SideTable:
    def connect() -> sqlite3.Connection:
        return sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)

    return SideTable(connect, "?", schema)


def postgres_table(conninfo: str, db_schema: str | None, schema: Sequence[str]) -> SideTable:
    def connect() -> psycopg.Connection[tuple[object, ...]]:
        options = f"-c search_path={db_schema}" if db_schema else ""
        return psycopg.connect(
            conninfo, autocommit=True, options=options, application_name="casetrail-api"
        )

    return SideTable(connect, "%s", schema)


def open_side_table(settings: Settings, schema: Sequence[str]) -> SideTable:
    """A table on the configured store (the memory store: an in-memory SQLite database)."""
    backend = settings.backend
    if backend == "memory":
        return sqlite_table(":memory:", schema)
    if backend == "sqlite":
        return sqlite_table(str(settings.sqlite_path), schema)
    conninfo, db_schema = postgres_conninfo(persistence_env(settings))
    return postgres_table(conninfo, db_schema, schema)
