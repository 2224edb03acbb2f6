"""Idempotency keys: the first response to a keyed request, kept so a retry gets it again.

Kept in the database that holds the events (a table of its own), so a retry after a restart or
on another worker process is still recognised. A key belongs to an authenticated caller; it is
first *reserved* (one request at a time may run under it), then *completed* with the response,
or *released* if the request failed in a way worth retrying.

Two rules keep the table from becoming a liability:

* **No secrets at rest.** A response that carries a secret (a bearer token) is never stored:
  only its status, marked *withheld*. A retry is then told the first request succeeded and
  that its answer is not kept; it never gets the secret again. Encrypting it instead would
  need a key beside the table and buy nothing: a secret shown once should be shown once, and
  a client that lost it signs in again or has a new token issued.
* **Keys expire** after the policy's ``idempotency.keep_hours``: an expired key is free again,
  and expired rows are purged as keys are written (at most once a minute per process).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import psycopg

from infra.side_tables import SideTable, sqlite_table

TABLE = "casetrail_idempotency_keys"
LEGACY_TABLE = "casetrail_idempotency"
"""The table of earlier versions, which kept responses (session tokens among them) in the
clear, scoped by a digest of whatever Authorization header came, and forever: dropped."""
SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (scope text NOT NULL, key text NOT NULL,"
    " fingerprint text NOT NULL, response text, reserved_at double precision NOT NULL,"
    " expires_at double precision NOT NULL, PRIMARY KEY (scope, key))",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_expiry ON {TABLE} (expires_at)",
    f"DROP TABLE IF EXISTS {LEGACY_TABLE}",
)
RELEASE = f"DELETE FROM {TABLE} WHERE scope = ? AND key = ? AND response IS NULL"
# A reservation older than this belongs to a request that died mid-way: it may be taken over.
STALE_AFTER = timedelta(minutes=5)
PURGE_EVERY = timedelta(minutes=1)

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class StoredResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    withheld: bool = False
    """The response carried a secret: only its status was kept."""

    @classmethod
    def withholding(cls, status: int) -> StoredResponse:
        return cls(status, [], b"", withheld=True)

    def to_json(self) -> str:
        if self.withheld:
            return json.dumps({"status": self.status, "withheld": True})
        return json.dumps(
            {"status": self.status, "headers": self.headers, "body": self.body.decode("latin-1")}
        )

    @classmethod
    def from_json(cls, text: str) -> StoredResponse:
        data = json.loads(text)
        if data.get("withheld"):
            return cls.withholding(int(data["status"]))
        headers = [(str(k), str(v)) for k, v in data["headers"]]
        return cls(int(data["status"]), headers, str(data["body"]).encode("latin-1"))


@dataclass(frozen=True)
class Reservation:
    """What reserving a key found: go ahead, a stored response, or a refusal."""

    outcome: Literal["reserved", "replay", "different_request", "in_progress"]
    response: StoredResponse | None = None


Row = tuple[str, str | None, float]
"""(fingerprint, response JSON or None while reserved, reserved_at as epoch seconds)."""


def decide(found: Row | None, fingerprint: str, now: datetime) -> Reservation | None:
    """The outcome for an existing, unexpired row; None means the caller may (re)take the key."""
    if found is None:
        return None
    stored_fingerprint, response, reserved_at = found
    if stored_fingerprint != fingerprint:
        return Reservation("different_request")
    if response is not None:
        return Reservation("replay", StoredResponse.from_json(response))
    if now.timestamp() - reserved_at < STALE_AFTER.total_seconds():
        return Reservation("in_progress")
    return None


class IdempotencyStore:
    """The keys of every caller, on SQLite or PostgreSQL (``infra.side_tables``)."""

    def __init__(self, table: SideTable, clock: Clock, keep: timedelta) -> None:
        self.table, self.clock, self.keep = table, clock, keep
        self._purged_at: datetime | None = None
        self._lock = threading.Lock()
        self._unreleased: set[tuple[str, str]] = set()
        """Keys whose release failed (the store was down): released when it next answers."""

    def reserve(self, scope: str, key: str, fingerprint: str) -> Reservation:
        now = self.clock()
        self._release_pending()
        self._purge_expired(now)
        at = now.timestamp()
        # An expired key is free again, whatever it held.
        self.table.execute(
            f"DELETE FROM {TABLE} WHERE scope = ? AND key = ? AND expires_at <= ?",
            (scope, key, at),
        )
        inserted = self.table.execute(
            f"INSERT INTO {TABLE} VALUES (?, ?, ?, NULL, ?, ?) ON CONFLICT (scope, key) DO NOTHING"
            " RETURNING key",
            (scope, key, fingerprint, at, at + self.keep.total_seconds()),
        )
        if inserted:
            return Reservation("reserved")
        rows = self.table.execute(
            f"SELECT fingerprint, response, reserved_at FROM {TABLE} WHERE scope = ? AND key = ?",
            (scope, key),
        )
        found = (str(rows[0][0]), _text(rows[0][1]), float(rows[0][2])) if rows else None
        outcome = decide(found, fingerprint, now)
        if outcome is not None:
            return outcome
        if found is None:  # released between our insert and our look: try again
            return self.reserve(scope, key, fingerprint)
        # A stale reservation: take it over, unless another request just did.
        taken = self.table.execute(
            f"UPDATE {TABLE} SET reserved_at = ? WHERE scope = ? AND key = ?"
            " AND reserved_at = ? AND response IS NULL RETURNING key",
            (at, scope, key, found[2]),
        )
        return Reservation("reserved" if taken else "in_progress")

    def complete(self, scope: str, key: str, response: StoredResponse) -> None:
        self.table.execute(
            f"UPDATE {TABLE} SET response = ? WHERE scope = ? AND key = ?",
            (response.to_json(), scope, key),
        )

    def release(self, scope: str, key: str) -> None:
        try:
            self.table.execute(RELEASE, (scope, key))
        except (psycopg.Error, sqlite3.Error):
            # The request failed because the store is down, so its release fails too. Keep
            # the key and release it first thing when the store answers again: a client's
            # retry must not be told "in use" until the reservation goes stale.
            with self._lock:
                self._unreleased.add((scope, key))

    def _release_pending(self) -> None:
        with self._lock:
            pending = sorted(self._unreleased)
        for scope, key in pending:
            self.table.execute(RELEASE, (scope, key))
            with self._lock:
                self._unreleased.discard((scope, key))

    def count(self) -> int:
        """How many keys are kept (for tests and operators)."""
        return int(self.table.execute(f"SELECT count(*) FROM {TABLE}")[0][0])

    def purge(self) -> int:
        """Delete every expired key now; returns how many went."""
        gone = self.table.execute(
            f"DELETE FROM {TABLE} WHERE expires_at <= ? RETURNING key", (self.clock().timestamp(),)
        )
        return len(gone)

    def _purge_expired(self, now: datetime) -> None:
        if self._purged_at is not None and now - self._purged_at < PURGE_EVERY:
            return
        self._purged_at = now
        self.purge()

    def close(self) -> None:
        self.table.close()


def MemoryIdempotencyStore(  # noqa: N802 - reads like the class it stands for
    clock: Clock, keep: timedelta = timedelta(hours=24)
) -> IdempotencyStore:
    """A store that keeps nothing after it closes (an in-memory SQLite database)."""
    return IdempotencyStore(sqlite_table(":memory:", SCHEMA), clock, keep)


def _text(value: object) -> str | None:
    return None if value is None else str(value)
