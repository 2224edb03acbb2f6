"""Throwaway PostgreSQL databases for tests, on the server named by CASETRAIL_TEST_POSTGRES."""

from __future__ import annotations

import os
from urllib.parse import urlsplit
from uuid import uuid4

import psycopg
from psycopg import sql

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"

HOW_TO_START = (
    "run `make test`, which starts PostgreSQL when it is installed; or start it with"
    " `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`;"
    " or point CASETRAIL_TEST_POSTGRES at a server (postgresql://user@host:port/postgres)"
)


def server_url() -> str:
    return os.environ.get("CASETRAIL_TEST_POSTGRES") or DEFAULT_SERVER


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def unreachable_reason(url: str) -> str | None:
    """Why the server cannot be used for tests, or None when it can."""
    try:
        with psycopg.connect(url, connect_timeout=3, autocommit=True) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        detail = " ".join(str(error).split())
        return f"PostgreSQL at {url} is not reachable ({detail})"
    return None


def with_database(url: str, dbname: str) -> str:
    return urlsplit(url)._replace(path=f"/{dbname}").geturl()


def create_database(server: str, prefix: str = "casetrail_test") -> str:
    """Create an empty, uniquely named database; returns its URL."""
    dbname = f"{prefix}_{os.getpid()}_{uuid4().hex[:10]}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    return with_database(server, dbname)


def drop_database(server: str, url: str) -> None:
    dbname = urlsplit(url).path.lstrip("/")
    with psycopg.connect(server, autocommit=True) as connection:
        # FORCE ends connections a test left open (an unclosed pool must not leak databases).
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname))
        )
