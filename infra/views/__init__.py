"""View stores in SQL: the tables read models write to, next to the event store they follow."""

from __future__ import annotations

from psycopg.conninfo import make_conninfo

from infra.persistence import persistence_env
from infra.settings import Settings
from infra.views.postgres import PostgresViewStore
from infra.views.sqlite import SqliteViewStore
from infra.views.store import Clock, SqlViewStore
from projections.memory import MemoryViewStore
from projections.store import ViewStore

__all__ = ["PostgresViewStore", "SqlViewStore", "SqliteViewStore", "open_view_store"]


def open_view_store(settings: Settings, clock: Clock, *, serving: bool = False) -> ViewStore:
    """The view store in the same database as the event store the settings choose.

    ``clock`` only stamps ``updated_at`` on positions; projections never see it.
    The memory store lives as long as the process, like the in-memory event store.
    ``serving``: for a server, whose reads on PostgreSQL are stopped after
    ``read_timeout_seconds``.
    """
    backend = settings.backend
    if backend == "memory":
        return MemoryViewStore(clock)
    if backend == "sqlite":
        settings.home.mkdir(parents=True, exist_ok=True)
        return SqliteViewStore(str(settings.sqlite_path), clock)
    conninfo, schema = postgres_conninfo(persistence_env(settings))
    return PostgresViewStore(
        conninfo, clock, schema=schema, read_connections=settings.view_connections,
        read_timeout=settings.read_timeout_seconds if serving else None,
    )


def postgres_conninfo(env: dict[str, str]) -> tuple[str, str | None]:
    """libpq connection string and schema for the database the event store uses.

    Read from the event store's own library settings so both connect to the same place, and so
    the URL's pool options (which libpq would refuse) are left out.
    """
    conninfo = make_conninfo(
        host=env["POSTGRES_HOST"], port=env["POSTGRES_PORT"], dbname=env["POSTGRES_DBNAME"],
        user=env["POSTGRES_USER"], password=env["POSTGRES_PASSWORD"] or None,
        connect_timeout=env.get("POSTGRES_CONNECT_TIMEOUT", "10"),
    )
    return conninfo, env.get("POSTGRES_SCHEMA") or None
