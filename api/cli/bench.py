"""``casetrail bench``: measure each figure beside its baseline on a store of a million events.

Runs against PostgreSQL: the empty database ``CASETRAIL_DATABASE_URL`` names, or a throwaway
one it creates on the local server and drops. ``--quick`` measures the queries on 5,000 events,
grows the store to 20,000 and runs the rest, shorter (a few minutes); the sizes are printed with
the results. Progress goes to stderr,
so ``--json`` prints one JSON object and nothing else on stdout.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from api.cli.common import UsageError
from infra.bench.database import BenchDatabaseError
from infra.bench.report import as_json, as_table
from infra.settings import Settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="measure write, rebuild, freshness, query and replay speed against baselines",
        description="Seed a PostgreSQL store (1,000,000 events; --quick: 20,000), then measure"
        " each figure beside a baseline taken in the same run, and report it against its"
        " target. See docs/benchmarks.md.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="small stores and short runs (a few minutes)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--events", type=int, metavar="N", help="seed N events instead of the mode's default"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the throwaway database (prints its URL)"
    )
    parser.add_argument(
        "--seeded", metavar="URL",
        help="measure the store an earlier --keep run seeded (printed as its URL) instead of"
        " seeding one; its size is what it holds, and no smaller store is measured first",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # The bench drives the whole application and its web API: loaded once a run is asked
    # for, so ``casetrail bench --help`` answers at once.
    from infra.bench.run import run_bench, sizes_for  # noqa: PLC0415

    if args.events is not None and args.events < 1000:
        raise UsageError("--events must be at least 1000")
    if args.seeded and (args.events is not None or args.keep):
        raise UsageError("--seeded measures a kept store as it is: no --events, no --keep")
    sizes = sizes_for(args.quick, args.events)
    try:
        result, lines = run_bench(
            Settings(), sizes, mode="quick" if args.quick else "full", say=_say,
            keep=args.keep, seeded=args.seeded,
        )
    except BenchDatabaseError as error:
        raise UsageError(str(error)) from None
    print(as_json(result) if args.json else as_table(result, lines))
    return 0


def _say(text: str) -> None:
    print(f"bench: {text}", file=sys.stderr, flush=True)
