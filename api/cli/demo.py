"""``casetrail demo``: fill an empty store with a small city's year of realistic handling."""

from __future__ import annotations

import argparse
import json

from rich.progress import Progress

from api.cli.common import UsageError
from infra.bootstrap import bootstrap, utc_now
from infra.demo.run import SimClock
from infra.demo.seed import seed_demo, store_has_data
from infra.settings import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="seed demo data (departments, people, enterprises, a year of cases)",
        description="Seed the configured store with demo data. On a store that already holds"
        " data it says so and changes nothing.",
    )
    parser.add_argument(
        "--cases",
        type=int,
        default=200,
        metavar="N",
        help="how many cases to file over the last year (default 200)",
    )
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument(
        "--json",
        dest="as_json",
        action="store_true",
        help="print a summary as JSON: counts and one sample id per kind",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.cases <= 100_000:
        raise UsageError("--cases must be between 1 and 100000")
    end = utc_now()
    clock = SimClock(end)
    app = bootstrap(Settings(), clock=clock)
    try:
        if store_has_data(app):
            message = "the store already holds data; the demo changed nothing"
            print(
                json.dumps({"seeded": False, "message": message})
                if args.as_json
                else f"casetrail: {message}"
            )
            return 0
        with Progress(transient=True, disable=args.as_json) as bar:
            task = bar.add_task("seeding demo cases", total=args.cases)
            summary = seed_demo(
                app,
                clock,
                cases=args.cases,
                end=end,
                seed=args.seed,
                progress=lambda n: bar.advance(task, n),
            )
    finally:
        app.close()
    if args.as_json:
        print(
            json.dumps(
                {"seeded": True, **dict(summary.counts), "samples": summary.samples},
                ensure_ascii=False,
            )
        )
    else:
        kinds = ", ".join(f"{kind} {n}" for kind, n in summary.counts.items())
        print(f"seeded {kinds}")
        print("stories: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.stories.items())))
        print("replay a sample of each kind:")
        for kind, sample in summary.samples.items():
            print(f"  {kind:<24} casetrail replay {sample}")
    return 0
