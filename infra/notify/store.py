"""Where notification delivery keeps its state: deliveries, the follower's cursor, preferences and
read marks, in the database of the event store (an in-memory SQLite database for ``memory``).

A delivery is one notice on one channel to one recipient (unique on the three). Its life:
``pending`` → claimed (``sending``, attempts + 1, committed *before* anything is sent) →
``delivered``, or back to ``pending`` with a later ``next_at``, or ``dead`` after the last
attempt. A sender killed between sending and marking leaves the row ``sending``; once its lease
runs out another pass claims it again and sends it with the same delivery id, which receivers
use to drop the repeat (see docs/notifications.md).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import psycopg

STATES = ("pending", "sending", "delivered", "dead")
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS notify_deliveries (id text PRIMARY KEY, notice_id text NOT NULL,"
    " channel text NOT NULL, recipient text NOT NULL, kind text NOT NULL, params text NOT NULL,"
    " at text NOT NULL, state text NOT NULL, attempts integer NOT NULL DEFAULT 0,"
    " next_at double precision NOT NULL, lease_until double precision, last_error text,"
    " delivered_at text, UNIQUE (notice_id, channel, recipient))",
    "CREATE INDEX IF NOT EXISTS notify_deliveries_due ON notify_deliveries (state, next_at)",
    "CREATE TABLE IF NOT EXISTS notify_cursor (name text PRIMARY KEY, position bigint NOT NULL,"
    " last_id text NOT NULL)",
    "CREATE TABLE IF NOT EXISTS notify_preferences (login text PRIMARY KEY, email text,"
    " phone text, language text, channels text, kinds text)",
    "CREATE TABLE IF NOT EXISTS notify_reads (login text NOT NULL, notice_id text NOT NULL,"
    " PRIMARY KEY (login, notice_id))",
)
COLUMNS = ("id", "notice_id", "channel", "recipient", "kind", "params", "at", "state", "attempts",
           "next_at", "lease_until", "last_error", "delivered_at")


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def execute(self, query: Any, params: Any = ..., /) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


@dataclass(frozen=True)
class Delivery:
    id: str
    notice_id: str
    channel: str
    recipient: str
    kind: str
    params: dict[str, Any]
    at: str
    state: str = "pending"
    attempts: int = 0
    next_at: float = 0.0
    lease_until: float | None = None
    last_error: str | None = None
    delivered_at: str | None = None


@dataclass(frozen=True)
class Preferences:
    """What a person wants to be told and how. ``None`` channels or kinds mean all of them."""

    login: str
    email: str | None = None
    phone: str | None = None
    language: str | None = None
    channels: tuple[str, ...] | None = None
    kinds: tuple[str, ...] | None = None

    def wants(self, channel: str, kind: str) -> bool:
        return (self.channels is None or channel in self.channels) and (
            self.kinds is None or kind in self.kinds
        )


@dataclass
class Place:
    position: int = 0
    last_id: str = ""


class NotifyStore(ABC):
    marker: str
    lock_suffix = ""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ready = False

    @abstractmethod
    @contextmanager
    def _tx(self) -> Iterator[Cursor]: ...

    @abstractmethod
    def close(self) -> None: ...

    @contextmanager
    def tx(self) -> Iterator[Cursor]:
        with self._lock:
            if not self._ready:
                with self._tx() as cursor:
                    for statement in SCHEMA:
                        cursor.execute(statement)
                self._ready = True
            with self._tx() as cursor:
                yield cursor

    def _sql(self, text: str) -> str:
        return text.replace("?", self.marker)

    # -- the follower's cursor and enqueueing, together -----------------------------------

    def cursor(self, name: str = "notices") -> Place:
        with self.tx() as cur:
            cur.execute(self._sql("SELECT position, last_id FROM notify_cursor WHERE name = ?"),
                        [name])
            found = cur.fetchone()
        return Place(int(found[0]), str(found[1])) if found else Place()

    def enqueue(self, deliveries: Sequence[Delivery], moved_to: Place,
                name: str = "notices") -> int:
        """Add deliveries (a repeat of a known one is ignored) and move the cursor, in one
        transaction: a crash leaves both as they were, and the next pass adds them again."""
        added = 0
        with self.tx() as cur:
            for d in deliveries:
                cur.execute(self._sql(
                    f"INSERT INTO notify_deliveries ({', '.join(COLUMNS)}) VALUES"
                    f" ({', '.join('?' for _ in COLUMNS)}) ON CONFLICT DO NOTHING"
                ), [d.id, d.notice_id, d.channel, d.recipient, d.kind,
                    json.dumps(d.params, ensure_ascii=False, sort_keys=True), d.at, "pending", 0,
                    d.next_at, None, None, None])
                added += max(cur.rowcount, 0)
            cur.execute(self._sql(
                "INSERT INTO notify_cursor (name, position, last_id) VALUES (?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET position = excluded.position,"
                " last_id = excluded.last_id"
            ), [name, moved_to.position, moved_to.last_id])
        return added

    # -- claim, send, mark ------------------------------------------------------------------

    def claim(self, now: float, lease: float, limit: int) -> list[Delivery]:
        """Take up to ``limit`` due deliveries (pending and due, or sending with a lapsed lease),
        counting the attempt and leasing them, committed before the caller sends anything."""
        with self.tx() as cur:
            cur.execute(self._sql(
                "SELECT id FROM notify_deliveries WHERE (state = 'pending' AND next_at <= ?)"
                " OR (state = 'sending' AND lease_until <= ?) ORDER BY next_at, id LIMIT ?"
                + self.lock_suffix
            ), [now, now, limit])
            ids = [str(row[0]) for row in cur.fetchall()]
            claimed = []
            for delivery_id in ids:
                cur.execute(self._sql(
                    "UPDATE notify_deliveries SET state = 'sending', attempts = attempts + 1,"
                    " lease_until = ? WHERE id = ?"
                ), [now + lease, delivery_id])
                cur.execute(self._sql(
                    f"SELECT {', '.join(COLUMNS)} FROM notify_deliveries WHERE id = ?"
                ), [delivery_id])
                claimed.append(_delivery(cur.fetchone()))
        return claimed

    def delivered(self, delivery_id: str, at: str) -> None:
        with self.tx() as cur:
            cur.execute(self._sql(
                "UPDATE notify_deliveries SET state = 'delivered', delivered_at = ?,"
                " lease_until = NULL, last_error = NULL WHERE id = ?"
            ), [at, delivery_id])

    def failed(self, delivery_id: str, error: str, retry_at: float | None) -> None:
        """Back to pending until ``retry_at``, or dead-lettered when ``retry_at`` is None."""
        state = "pending" if retry_at is not None else "dead"
        with self.tx() as cur:
            cur.execute(self._sql(
                "UPDATE notify_deliveries SET state = ?, next_at = COALESCE(?, next_at),"
                " lease_until = NULL, last_error = ? WHERE id = ?"
            ), [state, retry_at, error[:500], delivery_id])

    def counts(self) -> dict[str, int]:
        found = dict.fromkeys(STATES, 0)
        with self.tx() as cur:
            cur.execute("SELECT state, COUNT(*) FROM notify_deliveries GROUP BY state")
            for state, count in cur.fetchall():
                found[str(state)] = int(count)
        return found

    def list(self, state: str, limit: int = 100) -> list[Delivery]:
        with self.tx() as cur:
            cur.execute(self._sql(
                f"SELECT {', '.join(COLUMNS)} FROM notify_deliveries WHERE state = ?"
                " ORDER BY at, id LIMIT ?"
            ), [state, limit])
            return [_delivery(row) for row in cur.fetchall()]

    def replay_dead(self, now: float, ids: Sequence[str] | None = None) -> int:
        """Give dead-lettered deliveries (all, or those named) a fresh set of attempts."""
        where = "state = 'dead'"
        params: list[Any] = [now]
        if ids is not None:
            if not ids:
                return 0
            where += f" AND id IN ({', '.join('?' for _ in ids)})"
            params += list(ids)
        with self.tx() as cur:
            cur.execute(self._sql(
                "UPDATE notify_deliveries SET state = 'pending', attempts = 0, next_at = ?,"
                f" last_error = NULL WHERE {where}"
            ), params)
            return int(cur.rowcount)

    # -- preferences and read marks -----------------------------------------------------------

    def preferences(self, login: str) -> Preferences:
        with self.tx() as cur:
            cur.execute(self._sql(
                "SELECT login, email, phone, language, channels, kinds FROM notify_preferences"
                " WHERE login = ?"
            ), [login])
            found = cur.fetchone()
        if found is None:
            return Preferences(login)
        return Preferences(
            str(found[0]), found[1], found[2], found[3],
            tuple(json.loads(found[4])) if found[4] is not None else None,
            tuple(json.loads(found[5])) if found[5] is not None else None,
        )

    def set_preferences(self, prefs: Preferences) -> None:
        row = [prefs.login, prefs.email, prefs.phone, prefs.language,
               None if prefs.channels is None else json.dumps(list(prefs.channels)),
               None if prefs.kinds is None else json.dumps(list(prefs.kinds))]
        with self.tx() as cur:
            cur.execute(self._sql(
                "INSERT INTO notify_preferences (login, email, phone, language, channels, kinds)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (login) DO UPDATE SET"
                " email = excluded.email, phone = excluded.phone, language = excluded.language,"
                " channels = excluded.channels, kinds = excluded.kinds"
            ), row)

    def mark_read(self, login: str, notice_ids: Sequence[str]) -> None:
        with self.tx() as cur:
            for notice_id in notice_ids:
                cur.execute(self._sql(
                    "INSERT INTO notify_reads (login, notice_id) VALUES (?, ?)"
                    " ON CONFLICT DO NOTHING"
                ), [login, notice_id])

    def read_ids(self, login: str, notice_ids: Sequence[str]) -> set[str]:
        if not notice_ids:
            return set()
        with self.tx() as cur:
            cur.execute(self._sql(
                "SELECT notice_id FROM notify_reads WHERE login = ? AND notice_id IN"
                f" ({', '.join('?' for _ in notice_ids)})"
            ), [login, *notice_ids])
            return {str(row[0]) for row in cur.fetchall()}


def _delivery(row: Sequence[Any]) -> Delivery:
    values = dict(zip(COLUMNS, row, strict=True))
    values["params"] = json.loads(values["params"])
    values["attempts"] = int(values["attempts"])
    values["next_at"] = float(values["next_at"])
    return Delivery(**values)


class SqliteNotifyStore(NotifyStore):
    marker = "?"

    def __init__(self, path: Path | str) -> None:
        super().__init__()
        self._conn = sqlite3.connect(
            str(path), isolation_level=None, timeout=30.0, check_same_thread=False
        )

    @contextmanager
    def _tx(self) -> Iterator[Cursor]:
        cursor = self._conn.cursor()
        cursor.execute("BEGIN IMMEDIATE")  # one writer at a time: claims cannot overlap
        try:
            yield cursor
        except BaseException:
            self._conn.rollback()
            raise
        else:
            self._conn.commit()
        finally:
            cursor.close()

    def close(self) -> None:
        self._conn.close()


class PostgresNotifyStore(NotifyStore):
    marker = "%s"
    # Two senders skip each other's claimed rows instead of waiting for them.
    lock_suffix = " FOR UPDATE SKIP LOCKED"

    def __init__(self, conninfo: str, *, schema: str | None = None) -> None:
        super().__init__()
        self.conninfo, self.schema = conninfo, schema
        self._conn: psycopg.Connection[tuple[Any, ...]] | None = None

    def _connection(self) -> psycopg.Connection[tuple[Any, ...]]:
        if self._conn is None or self._conn.closed or self._conn.broken:
            options = f"-c search_path={self.schema}" if self.schema else ""
            self._conn = psycopg.connect(
                self.conninfo, autocommit=True, options=options,
                application_name="casetrail-notify",
            )
        return self._conn

    @contextmanager
    def _tx(self) -> Iterator[Cursor]:
        conn = self._connection()
        with conn.transaction(), conn.cursor() as cursor:
            yield cursor

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
