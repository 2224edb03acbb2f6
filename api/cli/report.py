"""``casetrail report``: the published figures, as JSON stamped with what they were computed
under (definitions, policy, calendar, log position, time)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from api.cli.common import UsageError, parse_time
from infra.bootstrap import bootstrap
from infra.figures import Figures
from infra.projections import open_runner
from infra.settings import Settings
from projections.figures import DEFINITION_VERSIONS, DEFINITIONS
from projections.figures.handling import GROUPS as RATE_GROUPS
from projections.figures.periods import Period

FIGURES = ("board", "rates", "lists", "ranking", "coverage")
# The groups each figure is published by (``--group``); figures not named take none.
FIGURE_GROUPS: dict[str, tuple[str, ...]] = {
    "rates": RATE_GROUPS,
    "board": ("unit", "owner"),
    "lists": ("staff", "window", "unit"),
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "report",
        help="print a published figure (board, rates, lists, ranking, coverage) as JSON",
        description="Bring the read models up to date, then print one figure as JSON. Formulas:"
        " docs/metrics.md.",
    )
    parser.add_argument("figure", choices=FIGURES)
    parser.add_argument("--period", help="2026, 2026-Q2 or 2026-05 (coverage: a month)")
    parser.add_argument(
        "--group",
        default="unit",
        help="; ".join(f"{f}: {', '.join(g)}" for f, g in FIGURE_GROUPS.items())
        + " (default unit)",
    )
    parser.add_argument("--now", metavar="TIME", help="compute as of this time (default now)")
    parser.add_argument(
        "--definitions",
        choices=DEFINITION_VERSIONS,
        default=DEFINITIONS,
        help=f"the formulas' version (docs/metrics.md; default {DEFINITIONS}): an earlier one"
        " reproduces a figure published under it",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.figure in ("rates", "lists", "ranking", "coverage") and not args.period:
        raise UsageError(f"report {args.figure} needs --period (e.g. 2026-Q2)")
    groups = FIGURE_GROUPS.get(args.figure)
    if groups and args.group not in groups:
        raise UsageError(
            f"report {args.figure} is grouped by {', '.join(groups)}, not {args.group!r}"
        )
    if args.period:
        try:
            Period.parse(args.period)
        except ValueError as error:
            raise UsageError(str(error)) from None
    now = parse_time(args.now, "--now") if args.now else None
    settings = Settings()
    app = bootstrap(settings)
    runner = open_runner(app, settings)
    try:
        runner.catch_up()
        figures = Figures(app, runner.store)
        print(json.dumps(_figure(figures, args, now), ensure_ascii=False, indent=2, default=str))
    finally:
        runner.store.close()
        app.close()
    return 0


def _figure(figures: Figures, args: argparse.Namespace, now: Any) -> dict[str, Any]:
    try:
        if args.figure == "board":
            return figures.board(args.group, now, args.definitions)
        if args.figure == "rates":
            return figures.rates(args.group, args.period, now, args.definitions)
        if args.figure == "lists":
            return figures.lists(args.group, args.period, now, args.definitions)
        if args.figure == "ranking":
            return figures.ranking(args.period, now, args.definitions)
        return figures.coverage(args.period, now, args.definitions)
    except (KeyError, ValueError) as error:
        raise UsageError(str(error).strip("'\"")) from None
