"""``casetrail report``: the published figures, as JSON stamped with what they were computed
under (definitions, policy, calendar, log position, time).

Ids come with the names of the units and people they stand for (``api/cli/named.py``).

Lists and rankings judge people, so ``report lists`` and ``report ranking`` show what was
*published* for the period: every frozen edition and every objection (``--reproduce`` recomputes
each edition from the log at its position; ``--draft`` shows what publishing now would give)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from api.cli.common import UsageError, parse_time
from api.cli.named import with_names
from api.web.names import load_names
from domain.application import Casetrail
from domain.publication import Publication
from infra.bootstrap import bootstrap
from infra.figures import Figures
from infra.projections import open_runner
from infra.projections.log import EventLog
from infra.publishing import reproduces
from infra.readside import ReadSide
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
        "--draft",
        action="store_true",
        help="lists, ranking: compute them now from the record instead of showing what was"
        " published",
    )
    parser.add_argument(
        "--reproduce",
        action="store_true",
        help="lists, ranking: recompute each published edition from the log at its position,"
        " with its definitions, and say whether it matches",
    )
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
    published = args.figure in ("lists", "ranking") and not args.draft
    if published and args.definitions != DEFINITIONS:
        raise UsageError(
            f"a published {args.figure} edition carries its own definitions; add --draft to"
            " compute it under others"
        )
    if args.reproduce and not published:
        raise UsageError("--reproduce checks published lists and rankings (without --draft)")
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
        found = _published(app, args) if published else _figure(figures, args, now)
        names = load_names(ReadSide(EventLog.of(app), runner.store, runner))
        print(json.dumps(with_names(found, names), ensure_ascii=False, indent=2, default=str))
    finally:
        runner.store.close()
        app.close()
    return 0


def _published(app: Casetrail, args: argparse.Namespace) -> dict[str, Any]:
    """The period's publication: every edition, every objection."""
    publication = app.publication(args.figure, args.period)
    state = publication.state()
    if args.reproduce:
        state["reproduced"] = [
            {"edition": n, "reproduces": _reproduces(app, publication, n)}
            for n in range(1, publication.edition + 1)
        ]
    return state


def _reproduces(app: Casetrail, publication: Publication, edition: int) -> bool | str:
    try:
        return reproduces(app, publication, edition)
    except ValueError as error:  # computed under another policy than this one runs
        return str(error)


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
