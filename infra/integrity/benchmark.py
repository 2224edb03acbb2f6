"""Time commands with and without the hash chain: ``python -m infra.integrity.benchmark``.

Each run opens a fresh store through the composition root, then times ``--commands`` unit
registrations (one existence check and one single-event commit each). The unchained run names
the library's own recorder, which the composition root then leaves alone. ``--postgres URL``
adds PostgreSQL runs on throwaway databases created on that server (and dropped after).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit
from uuid import uuid4

import psycopg
from psycopg import sql

from domain.actors import Actor, Role
from infra.bootstrap import bootstrap
from infra.settings import Settings

ADMIN = Actor("benchmark", Role.ADMIN)
LIBRARY_RECORDERS = {
    "sqlite": "eventsourcing.sqlite:SQLiteApplicationRecorder",
    "postgres": "eventsourcing.postgres:PostgresApplicationRecorder",
}


def time_commands(settings: Settings, commands: int, *, chained: bool) -> float:
    """Seconds taken by ``commands`` registrations on the store ``settings`` name."""
    recorder = LIBRARY_RECORDERS[settings.backend]
    app = bootstrap(
        settings, env_override={} if chained else {"APPLICATION_RECORDER_TOPIC": recorder}
    )
    try:
        started = time.perf_counter()
        for number in range(commands):
            app.register_unit(f"B{number:05d}", "基准测试单位", actor=ADMIN)
        return time.perf_counter() - started
    finally:
        app.close()


@contextmanager
def fresh_store(backend: str, server: str | None) -> Iterator[Settings]:
    if backend == "sqlite":
        home = Path(tempfile.mkdtemp(prefix="casetrail-bench-"))
        try:
            yield Settings(store="sqlite", home=home)
        finally:
            shutil.rmtree(home)
        return
    assert server is not None
    name = f"casetrail_bench_{uuid4().hex[:10]}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield Settings(
            store="postgres", database_url=urlsplit(server)._replace(path=f"/{name}").geturl()
        )
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commands", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2, help="report the best of this many")
    parser.add_argument("--postgres", metavar="URL", help="a server to create databases on")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.postgres else ["sqlite"]
    best: dict[tuple[str, bool], float] = {}
    for _ in range(args.rounds):
        for backend in backends:
            for chained in (True, False):
                with fresh_store(backend, args.postgres) as settings:
                    seconds = time_commands(settings, args.commands, chained=chained)
                key = (backend, chained)
                best[key] = min(seconds, best.get(key, seconds))
    for (backend, chained), seconds in sorted(best.items()):
        label = "chained" if chained else "unchained"
        each = seconds / args.commands * 1000
        print(f"{backend:8} {label:9} {args.commands} commands {seconds:6.2f} s {each:.3f} ms each")


if __name__ == "__main__":
    main()
