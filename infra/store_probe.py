"""Whether the event store answers, within a bound the caller sets: for readiness checks.

Reads through the pool wait for a connection (``POSTGRES_CONNECT_TIMEOUT``) and the library
retries them ten times, so a readiness check that asked the store that way took over a minute
to say it was down. The probe opens a connection of its own with a statement timeout, on a
thread, and gives up waiting when the bound is over (libpq will not time a connect out in less
than two seconds, so the bound is kept by not waiting, rather than by the connect timeout).
"""

from __future__ import annotations

import threading

import psycopg

from infra.persistence import persistence_env
from infra.settings import Settings
from infra.views import postgres_conninfo

PROBE_SECONDS = 0.8


def store_answers(settings: Settings, within: float = PROBE_SECONDS) -> bool:
    """True when the store answered ``SELECT 1`` within ``within`` seconds (always for the
    embedded stores, which have no server to lose)."""
    if settings.backend != "postgres":
        return True
    conninfo = postgres_conninfo(persistence_env(settings))[0]
    answered = threading.Event()

    def ask() -> None:
        try:
            with psycopg.connect(
                conninfo,
                connect_timeout=2,
                autocommit=True,
                application_name="casetrail-ready",
                options=f"-c statement_timeout={int(within * 1000)}",
            ) as connection:
                connection.execute("SELECT 1")
        except psycopg.Error:
            return
        answered.set()

    threading.Thread(target=ask, name="store-ready-probe", daemon=True).start()
    return answered.wait(within)
