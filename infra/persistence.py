"""Turn settings into the eventsourcing library's environment: which store, where, how.

The library reads its configuration from a dict of strings (``PERSISTENCE_MODULE``,
``SQLITE_DBNAME``, ``POSTGRES_HOST``, ...). This module is the only place that knows those
names, so the rest of Casetrail speaks of settings, not of library keys. Tables are created on
first use (``CREATE_TABLE``), so a new database needs no migration step.
"""

from __future__ import annotations

import getpass
from urllib.parse import parse_qsl, unquote, urlsplit

from infra.settings import Settings

POSTGRES_SCHEMES = ("postgresql", "postgres")

# Query parameters a database URL may carry, and the library key each one sets.
POSTGRES_OPTIONS = {
    "connect_timeout": "POSTGRES_CONNECT_TIMEOUT",
    "pool_size": "POSTGRES_POOL_SIZE",
    "max_overflow": "POSTGRES_MAX_OVERFLOW",
    "lock_timeout": "POSTGRES_LOCK_TIMEOUT",
    "pre_ping": "POSTGRES_PRE_PING",
    "schema": "POSTGRES_SCHEMA",
}

# A server that fails to answer should say so in seconds, not after the library's 30.
# No pre-ping: it cost a round trip per checkout. A connection the server dropped (a restart,
# an idle timeout) fails on first use, the pool discards it, and the recorders retry on a new
# one; the insert recognises its own rows when the failed attempt had committed after all.
POSTGRES_DEFAULTS = {
    "POSTGRES_CONNECT_TIMEOUT": "10",
    "POSTGRES_POOL_SIZE": "5",
    "POSTGRES_MAX_OVERFLOW": "10",
    "POSTGRES_PRE_PING": "n",
}


class PersistenceConfigError(ValueError):
    """The storage settings cannot work (a wrong URL, a store without its settings)."""


def persistence_env(settings: Settings) -> dict[str, str]:
    """The library environment for the store the settings choose."""
    backend = settings.backend
    if backend == "memory":
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    if backend == "sqlite":
        return sqlite_env(settings)
    if not settings.database_url:
        raise PersistenceConfigError(
            "the postgres store needs CASETRAIL_DATABASE_URL"
            " (postgresql://user:password@host:port/dbname)"
        )
    return postgres_env(settings.database_url)


def sqlite_env(settings: Settings) -> dict[str, str]:
    settings.home.mkdir(parents=True, exist_ok=True)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(settings.sqlite_path),
        "CREATE_TABLE": "y",
    }


def postgres_env(url: str) -> dict[str, str]:
    """Parse ``postgresql://user:password@host:port/dbname?pool_size=5`` into library keys."""
    parts = urlsplit(url)
    if parts.scheme not in POSTGRES_SCHEMES:
        raise PersistenceConfigError(
            f"CASETRAIL_DATABASE_URL must start with postgresql:// (got {_redact(url)!r});"
            " leave it unset to use the embedded SQLite store"
        )
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname:
        raise PersistenceConfigError(
            f"CASETRAIL_DATABASE_URL names no database (got {_redact(url)!r});"
            " add it after the host, as in postgresql://casetrail@127.0.0.1:5432/casetrail"
        )
    try:
        port = parts.port or 5432
    except ValueError:
        raise PersistenceConfigError(
            f"CASETRAIL_DATABASE_URL has a port that is not a number: {_redact(url)!r}"
        ) from None
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": parts.hostname or "localhost",
        "POSTGRES_PORT": str(port),
        # Like libpq, no user in the URL means the operating-system user.
        "POSTGRES_USER": unquote(parts.username) if parts.username else getpass.getuser(),
        "POSTGRES_PASSWORD": unquote(parts.password) if parts.password else "",
        "CREATE_TABLE": "y",
        **POSTGRES_DEFAULTS,
    }
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name not in POSTGRES_OPTIONS:
            known = ", ".join(sorted(POSTGRES_OPTIONS))
            raise PersistenceConfigError(
                f"CASETRAIL_DATABASE_URL has an unknown option {name!r} (known: {known})"
            )
        env[POSTGRES_OPTIONS[name]] = value
    return env


def _redact(url: str) -> str:
    """The URL without its password, for error messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()
