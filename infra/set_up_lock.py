"""Processes that start together on one PostgreSQL database set it up one at a time.

`casetrail serve --workers N` starts N processes at once, and each creates the tables, types
and functions it needs when they are missing or older. PostgreSQL cannot run that DDL side by
side: ``CREATE TABLE IF NOT EXISTS`` in two sessions fails one of them on a duplicate catalogue
key, and two ``CREATE OR REPLACE FUNCTION`` fail one with "tuple concurrently updated". A
session-level advisory lock, on a connection of its own so the set-up's pooled connections are
free to do the work, makes the others wait until the first has finished; they then find
everything in place and create nothing.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

SET_UP_LOCK = zlib.crc32(b"casetrail: store set-up")
"""The advisory lock's key; any process of any version of Casetrail takes the same one."""


@contextmanager
def one_at_a_time(conninfo: str | None) -> Iterator[None]:
    """Hold the set-up lock of the database ``conninfo`` names (nothing to hold without one:
    an embedded store is opened by one process at a time by its own file lock)."""
    if conninfo is None:
        yield
        return
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute("SELECT pg_advisory_lock(%s)", (SET_UP_LOCK,))
        try:
            yield
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s)", (SET_UP_LOCK,))
