"""Idempotency keys: the first response to a keyed request, kept so a retry gets it again.

Kept in the database that holds the events (a table of its own), so a retry after a restart is
still recognised. A key is first *reserved* (one request at a time may run under it), then
*completed* with the response, or *released* if the request failed in a way worth retrying.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

import psycopg

TABLE = "casetrail_idempotency"
# A reservation older than this belongs to a request that died mid-way: it may be taken over.
STALE_AFTER = timedelta(minutes=5)

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class StoredResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def to_json(self) -> str:
        return json.dumps(
            {"status": self.status, "headers": self.headers, "body": self.body.decode("latin-1")}
        )

    @classmethod
    def from_json(cls, text: str) -> StoredResponse:
        data = json.loads(text)
        headers = [(str(k), str(v)) for k, v in data["headers"]]
        return cls(int(data["status"]), headers, str(data["body"]).encode("latin-1"))


@dataclass(frozen=True)
class Reservation:
    """What reserving a key found: go ahead, a stored response, or a refusal."""

    outcome: Literal["reserved", "replay", "different_request", "in_progress"]
    response: StoredResponse | None = None


class IdempotencyStore(Protocol):
    def reserve(self, scope: str, key: str, fingerprint: str) -> Reservation: ...

    def complete(self, scope: str, key: str, response: StoredResponse) -> None: ...

    def release(self, scope: str, key: str) -> None: ...

    def close(self) -> None: ...


class Connection(Protocol):
    def cursor(self) -> Any: ...

    def close(self) -> None: ...


Row = tuple[str, str | None, str]
"""(fingerprint, response JSON or None while reserved, reserved_at ISO)."""


def decide(found: Row | None, fingerprint: str, now: datetime) -> Reservation | None:
    """The outcome for an existing row; None means the caller may (re)take the key."""
    if found is None:
        return None
    stored_fingerprint, response, reserved_at = found
    if stored_fingerprint != fingerprint:
        return Reservation("different_request")
    if response is not None:
        return Reservation("replay", StoredResponse.from_json(response))
    if now - datetime.fromisoformat(reserved_at) < STALE_AFTER:
        return Reservation("in_progress")
    return None


class MemoryIdempotencyStore:
    def __init__(self, clock: Clock) -> None:
        self.clock, self.rows = clock, dict[tuple[str, str], Row]()
        self._lock = threading.Lock()

    def reserve(self, scope: str, key: str, fingerprint: str) -> Reservation:
        now = self.clock()
        with self._lock:
            found = decide(self.rows.get((scope, key)), fingerprint, now)
            if found is not None:
                return found
            self.rows[(scope, key)] = (fingerprint, None, now.isoformat())
            return Reservation("reserved")

    def complete(self, scope: str, key: str, response: StoredResponse) -> None:
        with self._lock:
            fingerprint, _, at = self.rows[(scope, key)]
            self.rows[(scope, key)] = (fingerprint, response.to_json(), at)

    def release(self, scope: str, key: str) -> None:
        with self._lock:
            self.rows.pop((scope, key), None)

    def close(self) -> None:
        pass


class SqlIdempotencyStore:
    """SQLite or PostgreSQL; the statements are the same but for the parameter marker."""

    def __init__(self, connect: Callable[[], Connection], marker: str, clock: Clock) -> None:
        self._connect, self.marker, self.clock = connect, marker, clock
        self._conn: Connection | None = None
        self._lock = threading.Lock()
        self._unreleased: set[tuple[str, str]] = set()
        """Keys whose release failed (the store was down): released when it next answers."""

    def _execute(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        with self._lock:
            try:
                return self._execute_locked(sql, params)
            except psycopg.OperationalError:
                if self._conn is None or not getattr(self._conn, "closed", False):
                    raise
                # The connection died while idle (the server restarted): one fresh try, so the
                # first request after an outage is not refused for the old connection.
                return self._execute_locked(sql, params)

    def _execute_locked(self, sql: str, params: tuple[object, ...]) -> list[tuple[object, ...]]:
        if self._conn is None or getattr(self._conn, "closed", False):
            self._conn = self._connect()
            self._run(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (scope text NOT NULL, key text NOT NULL,"
                " fingerprint text NOT NULL, response text, reserved_at text NOT NULL,"
                " PRIMARY KEY (scope, key))"
            )
        for scope, key in sorted(self._unreleased):
            self._run(self._release_sql(), (scope, key))
            self._unreleased.discard((scope, key))
        return self._run(sql.replace("?", self.marker), params)

    def _run(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        assert self._conn is not None
        cursor = self._conn.cursor()
        try:
            cursor.execute(sql, params)
            return list(cursor.fetchall()) if cursor.description else []
        finally:
            cursor.close()

    def reserve(self, scope: str, key: str, fingerprint: str) -> Reservation:
        now = self.clock()
        inserted = self._execute(
            f"INSERT INTO {TABLE} VALUES (?, ?, ?, NULL, ?) ON CONFLICT (scope, key) DO NOTHING"
            " RETURNING key",
            (scope, key, fingerprint, now.isoformat()),
        )
        if inserted:
            return Reservation("reserved")
        rows = self._execute(
            f"SELECT fingerprint, response, reserved_at FROM {TABLE} WHERE scope = ? AND key = ?",
            (scope, key),
        )
        found = (str(rows[0][0]), _text(rows[0][1]), str(rows[0][2])) if rows else None
        outcome = decide(found, fingerprint, now)
        if outcome is not None:
            return outcome
        if found is None:  # released between our insert and our look: try again
            return self.reserve(scope, key, fingerprint)
        # A stale reservation: take it over, unless another request just did.
        taken = self._execute(
            f"UPDATE {TABLE} SET reserved_at = ? WHERE scope = ? AND key = ?"
            " AND reserved_at = ? AND response IS NULL RETURNING key",
            (now.isoformat(), scope, key, found[2]),
        )
        return Reservation("reserved" if taken else "in_progress")

    def complete(self, scope: str, key: str, response: StoredResponse) -> None:
        self._execute(
            f"UPDATE {TABLE} SET response = ? WHERE scope = ? AND key = ?",
            (response.to_json(), scope, key),
        )

    def release(self, scope: str, key: str) -> None:
        try:
            self._execute(self._release_sql(), (scope, key))
        except (psycopg.Error, sqlite3.Error):
            # The request failed because the store is down, so its release fails too. Keep
            # the key and release it first thing when the store answers again: a client's
            # retry must not be told "in use" until the reservation goes stale.
            with self._lock:
                self._unreleased.add((scope, key))

    def _release_sql(self) -> str:
        return f"DELETE FROM {TABLE} WHERE scope = ? AND key = ? AND response IS NULL".replace(
            "?", self.marker
        )

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def sqlite_idempotency(path: str, clock: Clock) -> SqlIdempotencyStore:
    def connect() -> sqlite3.Connection:
        return sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)

    return SqlIdempotencyStore(connect, "?", clock)


def postgres_idempotency(conninfo: str, schema: str | None, clock: Clock) -> SqlIdempotencyStore:
    def connect() -> psycopg.Connection[tuple[object, ...]]:
        options = f"-c search_path={schema}" if schema else ""
        return psycopg.connect(
            conninfo, autocommit=True, options=options, application_name="casetrail-api"
        )

    return SqlIdempotencyStore(connect, "%s", clock)


def _text(value: object) -> str | None:
    return None if value is None else str(value)
