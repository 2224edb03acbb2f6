"""``casetrail serve``: the HTTP API, the projection runner and the deadline watcher.

SQLite by default (``CASETRAIL_HOME``), PostgreSQL with ``CASETRAIL_DATABASE_URL``. On a store
with no users yet it creates an ``admin`` user and prints its password once; ``--demo`` first
seeds the demo data (when the store is empty) and gives a few demo staff a login.

``--workers N`` (default: the CPU count) answers requests in N processes (uvicorn's workers);
the projection runner, deadline watcher and relay run in one of them at a time, whichever holds
the store's background lock (``infra.leader``), and another takes over if it dies.
``--threads N`` (default 2) is how many requests each process works on at once; the others wait
their turn (``api.http.threads`` says why more would be slower).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from eventsourcing.utils import get_topic
from fastapi import FastAPI
from uvicorn.supervisors import Multiprocess

from api.cli import demo
from api.cli.common import UsageError
from api.cli.users import operator
from api.http import log_redaction
from api.http.app import create_app
from api.http.metrics import Metrics, clear_multiprocess_dir
from api.http.threads import WORK_THREADS, limit_work_threads
from domain.actors import Role
from domain.directory import Staff
from domain.identity import User
from infra.container import Container, build_container
from infra.settings import Settings

DEMO_LOGINS = (
    ("amr.clerk1", Role.WINDOW_STAFF),
    ("amr.head", Role.UNIT_HEAD),
    ("duchashi1", Role.SUPERVISOR),
    ("jijian1", Role.INSPECTOR),
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the HTTP API (with the projection runner and the deadline watcher)",
        description="Serve the API at http://HOST:PORT (docs at /docs). Read models follow the"
        " log in the background; the deadline watcher records warnings every --watch-every s.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument(
        "--watch-every",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="how often the deadline watcher looks at open cases (default 60)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="server processes (default: the CPU count; 1 on the in-memory store)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=WORK_THREADS,
        metavar="N",
        help=f"requests each process works on at once; the rest wait in turn (default"
        f" {WORK_THREADS})",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="seed demo data first if the store is empty, and give demo staff a login",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings()
    workers = args.workers or (1 if settings.backend == "memory" else os.cpu_count() or 1)
    if workers < 1:
        raise UsageError("--workers must be at least 1")
    if args.threads < 1:
        raise UsageError("--threads must be at least 1")
    if workers > 1 and settings.backend == "memory":
        raise UsageError("--workers above 1 needs a store the processes share (SQLite or"
                         " PostgreSQL), not the in-memory one")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    if args.demo:
        seed_demo_if_empty()
    clear_multiprocess_dir()  # values of an earlier run's workers (multiprocess mode only)
    address = f"http://{args.host}:{args.port}"
    if workers > 1:
        container = build_container(settings)
        try:
            announce(address, container, first_logins(container, demo=args.demo), workers)
        finally:
            container.close()
        os.environ[WATCH_EVERY_ENV] = str(args.watch_every)  # the workers read them
        os.environ[THREADS_ENV] = str(args.threads)
        config = uvicorn.Config(
            f"{__name__}:worker_app", factory=True, workers=workers, host=args.host,
            port=args.port, log_level="info",
            # A worker imports the whole application before it can answer the supervisor's
            # health check; on a busy machine that takes longer than uvicorn's 5 s default,
            # and a worker killed for it would be started again forever.
            timeout_worker_healthcheck=WORKER_START_SECONDS,
        )
        with contextlib.suppress(KeyboardInterrupt):
            Multiprocess(config, sockets=[tcp_listener(config)]).run()
        return 0
    metrics = Metrics()
    container = build_container(settings, serving=True)
    try:
        logins = first_logins(container, demo=args.demo)
        container.start_background(watch_every=args.watch_every, on_alerts=metrics.alerted)
        app = create_app(container, metrics=metrics)
        limit_work_threads(app, args.threads)
        announce(address, container, logins, workers)
        settle_heap()
        uvicorn.Server(server_config(app, args.host, args.port)).run()
    finally:
        container.close()
    return 0


WATCH_EVERY_ENV = "CASETRAIL_SERVE_WATCH_EVERY"
THREADS_ENV = "CASETRAIL_SERVE_THREADS"
WORKER_START_SECONDS = 60


def tcp_listener(config: uvicorn.Config) -> socket.socket:
    """The workers' shared listening socket, marked as TCP.

    uvicorn binds it without naming a protocol, the connections it accepts inherit that, and
    asyncio turns Nagle's algorithm off only on sockets that say they are TCP. With Nagle on,
    a response whose body is written after its headers waits for the client's delayed ACK:
    about 40 ms added to every request after the first on a kept-alive connection.
    """
    bound = config.bind_socket()
    return socket.socket(bound.family, bound.type, socket.IPPROTO_TCP, fileno=bound.detach())


def worker_app() -> FastAPI:
    """One worker process's app (uvicorn calls this in each): its own container and
    connections, the background work only while it holds the lock."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    metrics = Metrics()
    container = build_container(Settings(), serving=True)
    container.start_background(
        watch_every=float(os.environ.get(WATCH_EVERY_ENV, "60")), on_alerts=metrics.alerted
    )
    app = create_app(container, metrics=metrics)
    log_redaction.install()  # uvicorn configured this worker's logging before calling us
    serving = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(started: Any) -> AsyncIterator[Any]:
        async with serving(started) as state:
            yield state
        container.close()  # releases the background lock for another worker at once

    app.router.lifespan_context = lifespan
    limit_work_threads(app, int(os.environ.get(THREADS_ENV, WORK_THREADS)))
    settle_heap()
    return app


def settle_heap() -> None:
    """Leave what start-up built (the app, its routes and models, the modules) out of the
    garbage collector's sweeps: it lives as long as the process, and each full collection
    walked all of it again while requests waited."""
    gc.collect()
    gc.freeze()


def announce(
    address: str, container: Container, logins: list[tuple[str, str]], workers: int
) -> None:
    print(f"Casetrail at {address}  (web desk: {address}/  API docs: {address}/docs)")
    print(f"store: {container.settings.backend}; {workers} server process(es); read models"
          " follow the log in the background")
    for login, password in logins:
        print(f"sign in at {address}/login (or POST /api/v1/session): login {login}"
              f"  password {password}")
    if not logins:
        print("sign in with a user's password, or: casetrail tokens issue LOGIN")


def seed_demo_if_empty() -> None:
    """``casetrail demo`` with its defaults (it changes nothing on a store that holds data)."""
    parser = argparse.ArgumentParser(prog="casetrail")
    demo.register(parser.add_subparsers())
    parsed = parser.parse_args(["demo"])
    parsed.handler(parsed)


def server_config(app: Any, host: str, port: int) -> uvicorn.Config:
    """The server's settings; its loggers (configured here) redact secrets in query strings."""
    config = uvicorn.Config(app, host=host, port=port, log_level="info")
    log_redaction.install()
    return config


def first_logins(container: Container, *, demo: bool) -> list[tuple[str, str]]:
    """Logins created now, with their one-time passwords: an admin on a store with no users,
    and (with --demo) the demo staff who have no user yet."""
    app, accounts, created = container.app, container.accounts, []
    password = secrets.token_urlsafe(9)
    has_users = next(iter(app.iter_ids([get_topic(User.Added)], batch=1)), None) is not None
    if not has_users:
        accounts.add_user("admin", Role.ADMIN, actor=operator(), password=password)
        created.append(("admin", password))
    if demo:
        for login, role in DEMO_LOGINS:
            if app.exists(Staff.id_for(login)) and not app.exists(User.id_for(login)):
                accounts.add_user(login, role, actor=operator(), password=password)
                created.append((login, password))
    return created
