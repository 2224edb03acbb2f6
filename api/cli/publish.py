"""``casetrail publish lists|ranking --period P --as LOGIN``: freeze a finished period's red and
black lists or ranking from the figures of the record (a supervisor's step)."""

from __future__ import annotations

import argparse
import json

from api.cli.common import UsageError
from infra.bootstrap import bootstrap
from infra.projections import open_runner
from infra.publishing import Publisher
from infra.settings import Settings
from projections.figures.periods import Period, PeriodError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "publish",
        help="publish a finished period's red/black lists or ranking (frozen, open to objection)",
        description="Bring the read models up to date, measure every member by the published"
        " formulas (docs/metrics.md) and publish the period's lists or ranking as an event, with"
        " its definitions, policy and log position. A period still running is refused; a ranking"
        " feeds the consecutive-bottom rule (约谈). Prints the publication as JSON.",
    )
    parser.add_argument("what", choices=("lists", "ranking"))
    parser.add_argument("--period", required=True, help="2026-Q2 (lists) or 2025 (a ranking)")
    parser.add_argument("--as", dest="login", required=True, help="the supervisor's login")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        Period.parse(args.period)
    except PeriodError as error:
        raise UsageError(str(error)) from None
    settings = Settings()
    app = bootstrap(settings)
    runner = open_runner(app, settings)
    try:
        publisher = Publisher(app, runner.store, catch_up=runner.catch_up)
        published = publisher.publish(args.what, args.period, actor=app.staff_actor(args.login))
        publication = app.publication(args.what, args.period)
        talks = [str(unit) for unit in published.formal_talks]
        out = {**publication.state(), "formal_talks": talks}
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    finally:
        runner.store.close()
        app.close()
    return 0
