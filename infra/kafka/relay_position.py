"""Where the relay keeps its place: a row per topic in the event store's own database.

The relay moves its position only after the broker acknowledged every event up to it, so after
a crash it publishes again from there: an event may go out twice, never zero times. A lock per
topic (an advisory lock in PostgreSQL, a file lock beside the SQLite file) keeps a second relay
from publishing the same log to the same topic at the same time.
"""

from __future__ import annotations

import fcntl
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import psycopg

from infra.persistence import persistence_env
from infra.settings import Settings
from infra.views import postgres_conninfo

TABLE = "kafka_relay_position"
Clock = Callable[[], datetime]


class RelayLockLostError(RuntimeError):
    """The connection holding the relay's lock dropped and another relay holds it now."""


class RelayPositions(ABC):
    @abstractmethod
    def get(self, topic: str) -> int:
        """The last log position published to ``topic`` and acknowledged (0: none yet)."""

    @abstractmethod
    def set(self, topic: str, position: int) -> None: ...

    @abstractmethod
    def try_lock(self, topic: str) -> bool:
        """Become the only relay for ``topic``; False if another one is."""

    @abstractmethod
    def close(self) -> None: ...


class MemoryRelayPositions(RelayPositions):
    """For the in-memory store: the position lives as long as the process, and so does the
    store, so there is no other process to exclude."""

    def __init__(self) -> None:
        self._positions: dict[str, int] = {}

    def get(self, topic: str) -> int:
        return self._positions.get(topic, 0)

    def set(self, topic: str, position: int) -> None:
        self._positions[topic] = position

    def try_lock(self, topic: str) -> bool:
        return True

    def close(self) -> None:
        pass


class SqlRelayPositions(RelayPositions):
    marker: str

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._ready = False

    @abstractmethod
    def _execute(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]: ...

    def _table(self) -> None:
        if not self._ready:
            self._execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (topic text PRIMARY KEY,"
                " position bigint NOT NULL, updated_at text)", [],
            )
            self._ready = True

    def get(self, topic: str) -> int:
        self._table()
        found = self._execute(f"SELECT position FROM {TABLE} WHERE topic = {self.marker}", [topic])
        return int(found[0][0]) if found else 0

    def set(self, topic: str, position: int) -> None:
        self._table()
        m = self.marker
        self._execute(
            f"INSERT INTO {TABLE} (topic, position, updated_at) VALUES ({m}, {m}, {m})"
            " ON CONFLICT (topic) DO UPDATE SET position = excluded.position,"
            " updated_at = excluded.updated_at",
            [topic, position, self._clock().astimezone(UTC).isoformat(timespec="seconds")],
        )


class SqliteRelayPositions(SqlRelayPositions):
    marker = "?"

    def __init__(self, path: Path, clock: Clock) -> None:
        super().__init__(clock)
        self.path = path
        self._conn = sqlite3.connect(
            str(path), isolation_level=None, timeout=30.0, check_same_thread=False
        )
        self._lock_files: dict[str, IO[bytes]] = {}

    def _execute(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        return self._conn.execute(sql, params).fetchall()

    def try_lock(self, topic: str) -> bool:
        if topic in self._lock_files:
            return True
        handle = self.path.with_name(f"{self.path.name}.relay-{topic}.lock").open("ab")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._lock_files[topic] = handle
        return True

    def close(self) -> None:
        for handle in self._lock_files.values():
            handle.close()  # closing releases the lock
        self._lock_files.clear()
        self._conn.close()


class PostgresRelayPositions(SqlRelayPositions):
    marker = "%s"

    def __init__(self, conninfo: str, clock: Clock, *, schema: str | None = None) -> None:
        super().__init__(clock)
        self.conninfo, self.schema = conninfo, schema
        self._conn: psycopg.Connection[tuple[Any, ...]] | None = None
        self._held: set[str] = set()

    def _connection(self) -> psycopg.Connection[tuple[Any, ...]]:
        if self._conn is None or self._conn.closed or self._conn.broken:
            options = f"-c search_path={self.schema}" if self.schema else ""
            self._conn = psycopg.connect(
                self.conninfo, autocommit=True, options=options, application_name="casetrail-relay"
            )
            # An advisory lock lives as long as its session: take it again on the new one.
            for topic in self._held:
                if not self._lock(self._conn, topic):
                    raise RelayLockLostError(f"another relay took over topic {topic}")
        return self._conn

    @staticmethod
    def _lock(conn: psycopg.Connection[tuple[Any, ...]], topic: str) -> bool:
        found = conn.execute(
            "SELECT pg_try_advisory_lock(hashtext(%s))", [f"casetrail-relay:{topic}"]
        ).fetchone()
        return bool(found and found[0])

    def _execute(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        with self._connection().cursor() as cursor:
            cursor.execute(sql.encode(), params)
            return cursor.fetchall() if cursor.description else []

    def try_lock(self, topic: str) -> bool:
        if topic in self._held:
            return True
        if self._lock(self._connection(), topic):
            self._held.add(topic)
            return True
        return False

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def open_relay_positions(settings: Settings, clock: Clock) -> RelayPositions:
    """The relay's positions in the database the settings' event store uses."""
    backend = settings.backend
    if backend == "memory":
        return MemoryRelayPositions()
    if backend == "sqlite":
        settings.home.mkdir(parents=True, exist_ok=True)
        return SqliteRelayPositions(settings.sqlite_path, clock)
    conninfo, schema = postgres_conninfo(persistence_env(settings))
    return PostgresRelayPositions(conninfo, clock, schema=schema)
