"""Histories and orders for the Kafka tests: the demo's year, and the orders Kafka may deliver.

A consumer group applies each partition in order but partitions in no particular order with
respect to each other. ``partitioned_orders`` produces such orders from a log: each aggregate's
events stay in log order, the rest is shuffled in runs, as two workers would interleave them.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit
from uuid import uuid4
from zlib import crc32

import psycopg
from psycopg import sql

from domain.application import Casetrail
from infra.bootstrap import bootstrap
from infra.demo.run import SimClock
from infra.demo.seed import seed_demo
from infra.settings import Settings, shipped_policy_path
from projections.store import EventAt
from tests.support import postgres

END = datetime(2026, 6, 1, tzinfo=UTC)

ORDER_SENSITIVE: dict[str, str] = {}
"""Read models whose rows still depend on the order of events of *different* aggregates.

Fed from Kafka with several partitions they can differ from the log-fed rows; each entry says
why, and the tests expect the difference until the read model is fixed (then remove it here).
"""


def demo_app(cases: int = 30, seed: int = 2026) -> Casetrail:
    """An in-memory store holding the demo's history (directory, cases, reviews, oversight)."""
    clock = SimClock(END)
    settings = Settings(store="memory", policy_file=shipped_policy_path(), jurisdiction="national")
    app = bootstrap(settings, clock=clock)
    seed_demo(app, clock, cases=cases, end=END, seed=seed)
    return app


def partitioned_order(events: Sequence[EventAt], partitions: int, seed: int) -> list[EventAt]:
    """The events as a consumer group might apply them: per-aggregate order kept."""
    rng = random.Random(seed)
    queues: list[list[EventAt]] = [[] for _ in range(partitions)]
    for at, event in events:
        key = str(getattr(event, "originator_id", "")).encode()
        queues[crc32(key) % partitions].append((at, event))
    order: list[EventAt] = []
    while any(queues):
        queue = rng.choice([q for q in queues if q])
        run = rng.randint(1, 40)
        order.extend(queue[:run])
        del queue[:run]
    return order


REPO = Path(__file__).resolve().parents[2]


def cli_env(
    home: Path, bootstrap: str | None = None, database_url: str | None = None
) -> dict[str, str]:
    """The environment of a ``casetrail`` process: the SQLite store in ``home``, or the
    PostgreSQL database at ``database_url``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASETRAIL_")}
    env["CASETRAIL_HOME"] = str(home)
    if bootstrap:
        env["CASETRAIL_KAFKA_BOOTSTRAP"] = bootstrap
    if database_url:
        env["CASETRAIL_DATABASE_URL"] = database_url
    return env


def casetrail(
    home: Path, *args: str, bootstrap: str | None = None, database_url: str | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run ``casetrail ARGS`` to completion; fails the test on a non-zero exit."""
    done = subprocess.run(
        [sys.executable, "-m", "api.cli.main", *args], cwd=REPO,
        env=cli_env(home, bootstrap, database_url),
        capture_output=True, text=True, timeout=timeout, check=False,
    )
    assert done.returncode == 0, f"casetrail {' '.join(args)}: {done.stdout}\n{done.stderr}"
    return done


def start_casetrail(
    home: Path, *args: str, bootstrap: str | None = None, database_url: str | None = None,
    log: Path,
) -> subprocess.Popen[bytes]:
    """Start ``casetrail ARGS`` in the background, its output in ``log``."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "api.cli.main", *args], cwd=REPO,
            env=cli_env(home, bootstrap, database_url), stdout=out, stderr=subprocess.STDOUT,
        )


def copy_store(source: Path, target: Path) -> None:
    """Copy the SQLite store in ``source`` (events only matter) to a new home ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source / "casetrail.db") as src, \
            sqlite3.connect(target / "casetrail.db") as dst:
        src.backup(dst)


def checksum_lines(home: Path, database_url: str | None = None) -> dict[str, str]:
    done = casetrail(home, "projections", "checksum", database_url=database_url)
    return dict(line.split(" ", 1) for line in done.stdout.strip().splitlines())


def copy_postgres_database(server: str, url: str, prefix: str) -> str:
    """A new database holding a copy of the one at ``url`` (which nobody may be using)."""
    name = f"{prefix}_{os.getpid()}_{uuid4().hex[:10]}"
    source = urlsplit(url).path.lstrip("/")
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(source)
            )
        )
    return postgres.with_database(server, name)
