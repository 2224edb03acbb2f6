#!/usr/bin/env python3
"""The ``write_vs_raw`` figure alone, on a throwaway database, with what a command costs inside.

The full bench seeds, rebuilds and serves before it writes; the write figure does not depend on
any of that (a lifecycle's commands touch only their own case, the calendar and the clerk), so
it can be taken in a minute on a store holding only the demo's directory. Besides the figure,
``--inside N`` times N lifecycles alone and counts their statements: the client's CPU time per
command is the application's own work, which a loaded server's wait hides in the ratio.

Usage: scripts/bench_writes.py [--lifecycles 100] [--rounds 3] [--inside 150]
(run with the project's ``.venv/bin/python``; PostgreSQL at 127.0.0.1:5432).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from typing import Any

import psycopg

from infra.bench.clock import SEEDED_UNTIL, MovingClock
from infra.bench.database import LOCAL_SERVER, throwaway_database
from infra.bench.workload import LIFECYCLE_COMMANDS, lifecycle
from infra.bench.write import measure_writes
from infra.bootstrap import bootstrap
from infra.demo.people import seed_directory
from infra.demo.run import SimClock
from infra.persistence import persistence_env
from infra.settings import Settings
from infra.views import postgres_conninfo


def inside(app: Any, lifecycles: int) -> dict[str, float]:
    """Client CPU and wall time per command, and statements per lifecycle."""
    statements, execute = [0], psycopg.Cursor.execute

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        statements[0] += 1
        return execute(self, *args, **kwargs)

    lifecycle(app, -1)  # warm the pool and the prepared statements
    psycopg.Cursor.execute = counted  # type: ignore[method-assign]
    try:
        cpu, wall = time.process_time(), time.perf_counter()
        for number in range(lifecycles):
            lifecycle(app, number)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    finally:
        psycopg.Cursor.execute = execute  # type: ignore[method-assign]
    commands = lifecycles * LIFECYCLE_COMMANDS
    return {
        "cpu_ms_per_command": round(cpu / commands * 1000, 3),
        "wall_ms_per_command": round(wall / commands * 1000, 3),
        "statements_per_lifecycle": round(statements[0] / lifecycles, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lifecycles", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--inside", type=int, default=0, metavar="N")
    args = parser.parse_args()
    with throwaway_database(LOCAL_SERVER) as url:
        settings = Settings(store="postgres", database_url=url)
        clock = SimClock(SEEDED_UNTIL)
        app = bootstrap(settings, clock=clock)
        try:
            seed_directory(app)
            app.clock = MovingClock(clock.now)
            conninfo = postgres_conninfo(persistence_env(settings))[0]
            for _ in range(args.rounds):
                written = measure_writes(app, conninfo, args.lifecycles)
                print(json.dumps({
                    "write_vs_raw": round(written.ratio, 3),
                    "commands_per_s": round(written.app_per_s, 1),
                    "raw_inserts_per_s": round(written.raw_per_s, 1),
                    "load": round(os.getloadavg()[0], 2),
                }), flush=True)
            if args.inside:
                print(json.dumps({**inside(app, args.inside), "load": os.getloadavg()[0]}))
        finally:
            app.close()


if __name__ == "__main__":
    main()
