"""One holder at a time for the work that must run once per store, however many servers run.

``casetrail serve --workers N`` (or several ``serve`` processes on one store) answers requests
in every process, but the projection runner, the deadline watcher and the event relay must run
in one of them only. Whoever takes the lock runs them; the others try again every few seconds,
so when the holder dies (its connection or file handle goes with it) another takes over.

- PostgreSQL: a session advisory lock on a connection of its own. The server releases it when
  that connection ends, however the process ended.
- SQLite: an exclusive ``flock`` on a file next to the store, released by the kernel when the
  process ends.
- Memory: the store lives in one process, which is always the holder.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from typing import IO, Protocol

import psycopg

# pg_advisory_lock takes a bigint; any fixed number unlikely to collide with another program's.
ADVISORY_KEY = 0x43415345_54524C31  # "CASETRL1"


class Leadership(Protocol):
    def try_acquire(self) -> bool:
        """Take the lock if it is free (or already ours); True if held now."""

    def still_held(self) -> bool:
        """Whether the lock is still ours (False once its connection or file is gone)."""

    def release(self) -> None: ...


class AlwaysLeader:
    def try_acquire(self) -> bool:
        return True

    def still_held(self) -> bool:
        return True

    def release(self) -> None:
        pass


class FileLeadership:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None

    def try_acquire(self) -> bool:
        if self._file is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")  # who holds it, for an operator looking
        handle.flush()
        self._file = handle
        return True

    def still_held(self) -> bool:
        return self._file is not None

    def release(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class AdvisoryLeadership:
    def __init__(self, conninfo: str, *, key: int = ADVISORY_KEY) -> None:
        self.conninfo, self.key = conninfo, key
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None

    def try_acquire(self) -> bool:
        if self.still_held():
            return True
        self.release()
        try:
            conn = psycopg.connect(
                self.conninfo, autocommit=True, application_name="casetrail-leader"
            )
        except psycopg.Error:
            return False
        try:
            found = conn.execute("SELECT pg_try_advisory_lock(%s)", [self.key]).fetchone()
        except psycopg.Error:
            conn.close()
            return False
        if not (found and found[0]):
            conn.close()
            return False
        self._conn = conn
        return True

    def still_held(self) -> bool:
        conn = self._conn
        if conn is None or conn.closed or conn.broken:
            return False
        try:
            conn.execute("SELECT 1")
        except psycopg.Error:
            return False
        return True

    def release(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(psycopg.Error):
                self._conn.close()  # ending the session releases the lock
            self._conn = None
