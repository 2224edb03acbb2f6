"""A store that does not answer is a 503 with ``Retry-After``, not a 500.

While PostgreSQL restarts (or the network to it is down), every command and query fails with a
connection error after the library's own retries. That is a temporary condition a client should
wait out, so it is answered as ``503 Service Unavailable`` with ``Retry-After``; the API itself
needs no restart, because the connection pool replaces dead connections once the server is back.
A command that got a 503 may still have been saved (the commit can succeed just before the
connection drops): send it again with the same ``Idempotency-Key``, or with ``If-Match``.
``breaker`` answers new requests at once while PostgreSQL is down, rather than after the
library's retries.

A server's view read that runs past ``read_timeout_seconds`` is stopped by PostgreSQL
(``QueryCanceled``): a 503 with ``Retry-After`` too, saying so, since the store did answer.

``sqlite3.OperationalError`` is left out on purpose: SQLite raises it for a missing table as
well as for a locked database, and a bug must stay a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError
from fastapi import FastAPI, Request
from fastapi.responses import Response
from psycopg.errors import QueryCanceled

from api.http.breaker import BreakerMiddleware

logger = logging.getLogger("casetrail.api")

RETRY_AFTER_SECONDS = 5
OUTAGE_ERRORS: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)
"""Connection refused or lost, server shutting down, no pool connection in time."""

Respond = Callable[..., Response]
"""``problems.problem_response``: (request, status, kind, title, detail, *, headers)."""
Handler = Callable[[Request, Exception], Response]


def install(app: FastAPI, respond: Respond, *, unexpected: Handler | None = None) -> None:
    """Answer outage errors with ``respond`` (passed in, so this module needs no import of the
    problem module that installs it), and answer at once while PostgreSQL is down (``breaker``).

    Errors raised inside routes reach the handlers registered here. Errors raised by a
    middleware (the idempotency keys live in the store too) reach only the handler of last
    resort, so ``unexpected`` (the 500 handler) is wrapped: an outage still gets its 503.
    """

    def unavailable(request: Request) -> Response:
        return respond(
            request,
            503,
            "store-unavailable",
            "The store is not answering",
            f"try again in {RETRY_AFTER_SECONDS} s; a command that got this answer may have been"
            " saved: send it again with the same Idempotency-Key (or If-Match) to be sure",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    def read_stopped(request: Request, error: Exception) -> Response:
        logger.warning(
            "read stopped on %s %s: %s", request.method, request.url.path,
            " ".join(str(error).split()),
        )
        return respond(
            request,
            503,
            "read-too-long",
            "The read took too long",
            "the database stopped a read that ran past the server's limit (a lock held by other"
            f" work, say); try again in {RETRY_AFTER_SECONDS} s",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    def store_unavailable(request: Request, error: Exception) -> Response:
        logger.warning(
            "store unavailable on %s %s: %s: %s",
            request.method, request.url.path, type(error).__name__, " ".join(str(error).split()),
        )
        return unavailable(request)

    for error in OUTAGE_ERRORS:
        app.add_exception_handler(error, store_unavailable)
    app.add_exception_handler(QueryCanceled, read_stopped)  # the nearest class's handler wins
    if unexpected is not None:
        fallback = unexpected

        def last_resort(request: Request, error: Exception) -> Response:
            if isinstance(error, QueryCanceled):
                return read_stopped(request, error)
            if isinstance(error, OUTAGE_ERRORS):
                return store_unavailable(request, error)
            return fallback(request, error)

        app.add_exception_handler(Exception, last_resort)
    app.add_middleware(BreakerMiddleware, unavailable=unavailable)
