"""The database a bench runs on: the configured one if it is empty, else a throwaway one.

A bench writes up to a million events, so it never writes into a database that holds any: with
``CASETRAIL_DATABASE_URL`` naming an empty database it uses that one (and leaves it in place),
otherwise it creates a database of its own on the server and drops it afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit
from uuid import uuid4

import psycopg
from psycopg import sql

LOCAL_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
EVENTS_TABLE = "casetrail_events"


class BenchDatabaseError(RuntimeError):
    """The bench cannot get a database to write to."""


@dataclass(frozen=True)
class BenchDatabase:
    url: str
    created: bool
    """True when the bench created it (and drops it at the end)."""

    @property
    def name(self) -> str:
        return urlsplit(self.url).path.lstrip("/")


def with_database(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` (query options kept)."""
    return urlsplit(url)._replace(path=f"/{name}").geturl()


def libpq_url(url: str) -> str:
    """``url`` without the pool options Casetrail accepts and libpq would refuse."""
    return urlsplit(url)._replace(query="").geturl()


def holds_events(url: str) -> bool:
    with psycopg.connect(libpq_url(url), connect_timeout=10, autocommit=True) as connection:
        found = connection.execute("SELECT to_regclass(%s)", (EVENTS_TABLE,)).fetchone()
        if found is None or found[0] is None:
            return False
        row = connection.execute(
            sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(EVENTS_TABLE))
        ).fetchone()
        return bool(row and row[0])


@contextmanager
def bench_database(configured: str | None, *, keep: bool = False) -> Iterator[BenchDatabase]:
    """The configured database when it is empty; else a throwaway one on the local server."""
    if configured:
        if holds_events(configured):
            raise BenchDatabaseError(
                "CASETRAIL_DATABASE_URL names a database that holds events; the bench writes up"
                " to a million more, so point it at an empty database, or unset it to let the"
                " bench create (and drop) one on the local server"
            )
        yield BenchDatabase(configured, created=False)
        return
    with throwaway_database(LOCAL_SERVER, keep=keep) as url:
        yield BenchDatabase(url, created=True)


@contextmanager
def kept_store(url: str) -> Iterator[BenchDatabase]:
    """A store an earlier run seeded and kept, measured again (and left in place)."""
    if not holds_events(url):
        raise BenchDatabaseError(
            f"{libpq_url(url)} holds no events; --seeded takes the URL an earlier"
            " `casetrail bench --keep` printed"
        )
    yield BenchDatabase(url, created=False)


@contextmanager
def throwaway_database(server: str, *, keep: bool = False) -> Iterator[str]:
    """A new database on ``server`` for the block, dropped after it unless ``keep``."""
    name = f"casetrail_bench_{uuid4().hex[:10]}"
    try:
        with psycopg.connect(server, connect_timeout=10, autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        raise BenchDatabaseError(
            f"cannot create a bench database on {server} ({' '.join(str(error).split())});"
            " start PostgreSQL (scripts/postgres up) or set CASETRAIL_DATABASE_URL to an empty"
            " database"
        ) from None
    try:
        yield with_database(server, name)
    finally:
        if not keep:
            with psycopg.connect(server, connect_timeout=10, autocommit=True) as connection:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
