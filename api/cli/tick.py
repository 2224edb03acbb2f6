"""``casetrail tick``: run the deadline watcher once (yellow, red, 催办, 通报批评)."""

from __future__ import annotations

import argparse
import json
from datetime import datetime

from api.cli.common import parse_time
from infra.bootstrap import bootstrap, utc_now
from infra.projections import open_runner
from infra.settings import Settings
from infra.watcher import tick


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "tick",
        help="run the deadline watcher once",
        description="Warn every open case whose time limit reached a threshold: yellow card"
        " (due soon), red card (overdue), reminder (催办) and criticism (通报批评), each once per"
        " handling cycle, recorded as events by the system actor; and every running key-project"
        " task the same way, each level once.",
    )
    parser.add_argument(
        "--now",
        metavar="TIME",
        help="the time to check against (default: now); e.g. 2026-07-01T09:00",
    )
    parser.add_argument("--json", dest="as_json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    now: datetime = parse_time(args.now, "--now") if args.now else utc_now()
    settings = Settings()
    app = bootstrap(settings, clock=lambda: now)
    runner = open_runner(app, settings)
    try:
        report = tick(app, runner)
        runner.catch_up()
    finally:
        runner.store.close()
        app.close()
    summary = {
        "now": now.isoformat(),
        "checked": report.checked,
        "issued": dict(report.issued),
        "conflicts": report.conflicts,
        "projects_checked": report.projects_checked,
        "task_issued": dict(report.task_issued),
    }
    if args.as_json:
        print(json.dumps(summary))
    else:
        issued = ", ".join(f"{k} {v}" for k, v in sorted(report.issued.items())) or "none"
        print(
            f"checked {report.checked} open cases at {now.isoformat(timespec='minutes')};"
            f" warnings issued: {issued}"
        )
        on_tasks = ", ".join(f"{k} {v}" for k, v in sorted(report.task_issued.items())) or "none"
        print(f"checked {report.projects_checked} running key projects; task warnings: {on_tasks}")
    return 0
