"""Where subject keys live. Destroying a key leaves a tombstone, so it is never made again."""

from __future__ import annotations

import os
import sqlite3
import threading
from typing import Any, Protocol
from uuid import UUID

import psycopg

KEY_BYTES = 32


class ErasedSubjectError(Exception):
    """Nothing more may be sealed for a subject whose key was destroyed."""


class KeyStore(Protocol):
    def create(self, subject: UUID) -> bytes:
        """The subject's key, made on first use; refused after erasure."""

    def get(self, subject: UUID) -> bytes | None:
        """The key, or None once destroyed (or never made)."""

    def destroy(self, subject: UUID) -> bool: ...


def _refuse_erased(subject: UUID) -> ErasedSubjectError:
    return ErasedSubjectError(f"data subject {subject} was erased; nothing more is sealed for it")


class MemoryKeyStore:
    def __init__(self) -> None:
        self._keys: dict[UUID, bytes | None] = {}

    def create(self, subject: UUID) -> bytes:
        key = self._keys.setdefault(subject, os.urandom(KEY_BYTES))
        if key is None:
            raise _refuse_erased(subject)
        return key

    def get(self, subject: UUID) -> bytes | None:
        return self._keys.get(subject)

    def destroy(self, subject: UUID) -> bool:
        existed = self._keys.get(subject) is not None
        self._keys[subject] = None
        return existed


class NewKeys:
    """Keys made on PostgreSQL for new subjects, held by the thread that sealed with them until
    that thread's next write of events stores them in the events' own transaction.

    A filing seals its filer's values and saves the case in one call on one thread, so the key
    and the values it seals are committed together or not at all: no sealed value can be stored
    without its key, and the filing needs no commit of its own for the key. Keys held by a
    command that failed before saving go with the thread's next write (a key nothing uses, as a
    key committed before a failed write always was)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def _held(self) -> dict[UUID, bytes]:
        held: dict[UUID, bytes] | None = getattr(self._local, "keys", None)
        if held is None:
            held = self._local.keys = {}
        return held

    def make(self, subject: UUID) -> bytes:
        return self._held().setdefault(subject, os.urandom(KEY_BYTES))

    def get(self, subject: UUID) -> bytes | None:
        return self._held().get(subject)

    def drop(self, subject: UUID) -> None:
        self._held().pop(subject, None)

    def take(self) -> dict[UUID, bytes]:
        """The keys this thread holds, now the caller's to store."""
        held = self._held()
        self._local.keys = {}
        return held


class SqliteKeyStore:
    """One short connection per call: keys are read rarely, and erasure must be seen at once
    by every process."""

    def __init__(self, path: str) -> None:
        self.path = path
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS casetrail_subject_keys"
                " (subject TEXT PRIMARY KEY, key BLOB, destroyed_at TEXT)"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def create(self, subject: UUID) -> bytes:
        with self._connect() as db:
            db.execute(
                "INSERT OR IGNORE INTO casetrail_subject_keys (subject, key) VALUES (?, ?)",
                (subject.hex, os.urandom(KEY_BYTES)),
            )
            key = db.execute(
                "SELECT key FROM casetrail_subject_keys WHERE subject = ?", (subject.hex,)
            ).fetchone()[0]
        if key is None:
            raise _refuse_erased(subject)
        return bytes(key)

    def get(self, subject: UUID) -> bytes | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT key FROM casetrail_subject_keys WHERE subject = ?", (subject.hex,)
            ).fetchone()
        return bytes(row[0]) if row and row[0] is not None else None

    def destroy(self, subject: UUID) -> bool:
        with self._connect() as db:
            done = db.execute(
                "UPDATE casetrail_subject_keys SET key = NULL, destroyed_at = datetime('now')"
                " WHERE subject = ? AND key IS NOT NULL",
                (subject.hex,),
            )
            return done.rowcount > 0


class PostgresKeyStore:
    """One connection, opened on first use and kept: a filing seals two values, and a new
    connection per call cost more than the rest of the command. Autocommit, so an erasure by
    another process is seen by the next statement; a connection the server dropped (a restart)
    is replaced, and the statement run again on the new one."""

    def __init__(self, conninfo: str) -> None:
        self.conninfo = conninfo
        self.new_keys: NewKeys | None = None
        """Set when the events' recorder stores new keys (``infra.vault.keys_with_events``)."""
        self._conn: psycopg.Connection[tuple[Any, ...]] | None = None
        self._lock = threading.Lock()
        with psycopg.connect(conninfo, autocommit=True) as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS casetrail_subject_keys"
                " (subject uuid PRIMARY KEY, key bytea, destroyed_at timestamptz)"
            )

    def _execute(self, statement: str, params: tuple[Any, ...]) -> psycopg.Cursor[Any]:
        """Run one statement; once more on a new connection if the kept one was dropped (every
        statement here may safely run twice)."""
        with self._lock:
            for attempt in (1, 2):
                if self._conn is None or self._conn.closed or self._conn.broken:
                    self._conn = psycopg.connect(
                        self.conninfo, autocommit=True, application_name="casetrail-keys"
                    )
                try:
                    return self._conn.execute(statement, params)
                except psycopg.OperationalError:
                    if attempt == 2 or not self._conn.broken:
                        raise
            raise AssertionError("unreachable")

    def create(self, subject: UUID) -> bytes:
        if self.new_keys is not None:
            # Stored with the events that seal with it. Only subjects made for the values being
            # sealed come here; a subject that already has (or had) a key makes the save fail
            # on the key table's primary key, so nothing sealed under a second key is stored.
            return self.new_keys.make(subject)
        # One round trip: the new key when this call made it, else the one stored (the outer
        # SELECT does not see the row the CTE inserts, so exactly one branch answers).
        row = self._execute(
            "WITH made AS (INSERT INTO casetrail_subject_keys (subject, key) VALUES (%s, %s)"
            " ON CONFLICT (subject) DO NOTHING RETURNING key)"
            " SELECT key FROM made"
            " UNION ALL SELECT key FROM casetrail_subject_keys WHERE subject = %s",
            (subject, os.urandom(KEY_BYTES), subject),
        ).fetchone()
        if row is None or row[0] is None:
            raise _refuse_erased(subject)
        return bytes(row[0])

    def get(self, subject: UUID) -> bytes | None:
        held = self.new_keys.get(subject) if self.new_keys is not None else None
        if held is not None:
            return held
        row = self._execute(
            "SELECT key FROM casetrail_subject_keys WHERE subject = %s", (subject,)
        ).fetchone()
        return bytes(row[0]) if row and row[0] is not None else None

    def destroy(self, subject: UUID) -> bool:
        if self.new_keys is not None:
            self.new_keys.drop(subject)
        done = self._execute(
            "UPDATE casetrail_subject_keys SET key = NULL, destroyed_at = now()"
            " WHERE subject = %s AND key IS NOT NULL",
            (subject,),
        )
        return done.rowcount > 0

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
