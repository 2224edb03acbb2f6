"""Answer 503 at once while PostgreSQL is down, instead of holding each request for a minute.

When the server goes away, a request that reaches the store waits for a pool connection (up to
``POSTGRES_CONNECT_TIMEOUT``) and the library retries that ten times: a client would wait far
longer than it should before hearing anything. So, at most once a second, a request first asks
PostgreSQL itself (a fresh connection and ``SELECT 1``, two seconds at most, on a thread of its
own while the store is up, so no request waits for it); while that fails, every request is
answered ``503`` with ``Retry-After`` straight away, and the first request a second after the
server is back goes through again. Requests already waiting inside the store
when it went away still wait, and get their answer once it is back (or a 503 if it stays away).

Only the PostgreSQL store has outages of this kind; health, readiness and metrics always pass,
because they report the outage themselves.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import psycopg
from fastapi import Request
from fastapi.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from api.http.threads import waiting
from infra.persistence import persistence_env
from infra.views import postgres_conninfo

EXEMPT = frozenset({"/healthz", "/readyz", "/metrics"})
PROBE_EVERY_SECONDS = 1.0
PROBE_TIMEOUT_SECONDS = 2


class StoreProbe:
    """Whether PostgreSQL answered when last asked; asks again when that is over a second ago."""

    def __init__(self, conninfo: str, every: float = PROBE_EVERY_SECONDS) -> None:
        self.conninfo, self.every = conninfo, every
        self.up, self._asked = True, float("-inf")
        self._asking = threading.Lock()

    def due(self) -> bool:
        return time.monotonic() - self._asked >= self.every

    def ask(self) -> bool:
        """Ask the server (one caller at a time; the others take the last answer)."""
        if not self._asking.acquire(blocking=False):
            return self.up
        try:
            if self.due():
                self._asked = time.monotonic()
                self.up = self._answers()
            return self.up
        finally:
            self._asking.release()

    def _answers(self) -> bool:
        try:
            with psycopg.connect(
                self.conninfo, connect_timeout=PROBE_TIMEOUT_SECONDS, autocommit=True,
                application_name="casetrail-probe",
            ) as connection:
                connection.execute("SELECT 1")
        except psycopg.Error:
            return False
        return True


class BreakerMiddleware:
    def __init__(self, app: ASGIApp, unavailable: Callable[[Request], Response]) -> None:
        self.app, self.unavailable = app, unavailable
        self._probe: StoreProbe | None = None
        self._made = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        probe = self._probe_for(scope) if scope["type"] == "http" else None
        if probe is None or scope["path"] in EXEMPT:
            await self.app(scope, receive, send)
            return
        if probe.due() and probe.up:
            # The usual case: ask in the background and let this request through meanwhile.
            threading.Thread(target=probe.ask, name="store-probe", daemon=True).start()
        elif probe.due():
            await waiting(probe.ask)  # down when last asked: is it back?
        if probe.up:
            await self.app(scope, receive, send)
            return
        await self.unavailable(Request(scope))(scope, receive, send)

    def _probe_for(self, scope: Scope) -> StoreProbe | None:
        """Made on the first request, from the settings of the app's container."""
        if not self._made:
            self._made = True
            container = getattr(scope["app"].state, "container", None)
            settings = getattr(container, "settings", None)
            if settings is not None and settings.backend == "postgres":
                self._probe = StoreProbe(postgres_conninfo(persistence_env(settings))[0])
        return self._probe
