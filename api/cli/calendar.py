"""``casetrail calendar``: publish a year's official arrangement, show a year, add an overlay.

Publishing a year also recomputes the case deadlines that were provisional on it, so a due date
counted with plain weekends is replaced, as a new event, by one counted with the real holidays.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from api.cli.common import UsageError, open_app, parse_date
from domain.actors import SYSTEM, Actor, Role
from domain.application import Casetrail
from domain.calendar import WEEKDAY_NAMES, YearArrangement
from infra.calendar_loader import ArrangementFileError, read_arrangement_file

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "calendar", help="the working-day calendar: publish a year, show a year, add overlays"
    )
    commands = parser.add_subparsers(title="calendar commands", metavar="COMMAND", required=True)

    publish_ = commands.add_parser(
        "publish", help="publish a year's official arrangement from a TOML file"
    )
    publish_.add_argument("year", metavar="YEAR", type=int)
    publish_.add_argument("--file", required=True, type=Path, metavar="F",
                          help="the arrangement file (format: docs/calendar.md)")
    publish_.add_argument("--as", dest="login", default="admin", metavar="LOGIN",
                          help="the admin publishing it (default: admin)")
    publish_.set_defaults(handler=run_publish)

    show_ = commands.add_parser("show", help="list a year's rest days and make-up working days")
    show_.add_argument("year", metavar="YEAR", type=int)
    show_.set_defaults(handler=run_show)

    overlay = commands.add_parser("overlay", help="local extra rest days")
    overlay_commands = overlay.add_subparsers(title="overlay commands", metavar="COMMAND",
                                              required=True)
    add = overlay_commands.add_parser("add", help="add local extra rest days")
    add.add_argument("name", metavar="NAME", help="what the days are, e.g. 壮族三月三")
    add.add_argument("--dates", required=True, metavar="D1,D2", help="comma-separated dates")
    add.add_argument("--source", required=True, metavar="S", help="the local document")
    add.add_argument("--as", dest="login", default="admin", metavar="LOGIN")
    add.set_defaults(handler=run_overlay_add)


def run_publish(args: argparse.Namespace) -> int:
    try:
        arrangement = read_arrangement_file(args.file, args.year)
    except ArrangementFileError as error:
        raise UsageError(str(error)) from None
    return publish(open_app(), arrangement, Actor(args.login, Role.ADMIN), sys.stdout)


def run_show(args: argparse.Namespace) -> int:
    return show(open_app(), args.year, sys.stdout)


def run_overlay_add(args: argparse.Namespace) -> int:
    days = [parse_date(text.strip(), "--dates") for text in args.dates.split(",") if text.strip()]
    if not days:
        raise UsageError("--dates needs at least one date, like 2026-04-20,2026-04-21")
    actor = Actor(args.login, Role.ADMIN)
    return add_overlay(open_app(), args.name, days, source=args.source, actor=actor, out=sys.stdout)


def publish(app: Casetrail, arrangement: YearArrangement, actor: Actor, out: TextIO) -> int:
    saved = app.publish_year(arrangement, actor=actor)
    print(
        f"published {arrangement.year}: {len(arrangement.rest_days)} rest days,"
        f" {len(arrangement.working_days)} make-up working days, source {arrangement.source};"
        f" calendar version {saved.version}",
        file=out,
    )
    # Cases own their clocks: each recount is a new event on the case, by the system.
    recomputed = app.recompute_provisional_deadlines(arrangement.year, actor=SYSTEM)
    print(f"recomputed {len(recomputed)} provisional case deadlines on {arrangement.year}",
          file=out)
    return 0


def show(app: Casetrail, year: int, out: TextIO) -> int:
    calendar = app.work_calendar()
    arrangement = calendar.years.get(year)
    print(f"working calendar {year} ({calendar.jurisdiction}), calendar version"
          f" {calendar.version}", file=out)
    entries: list[tuple[date, str, str]] = [
        (day, "local rest", name) for day, name in calendar.local_rest_days.items()
        if day.year == year
    ]
    if arrangement is None:
        print(f"not published: there is no official arrangement for {year} yet. Deadlines"
              f" entering {year} are provisional (only Saturdays and Sundays are rest days)"
              f" and are recomputed when it is published: casetrail calendar publish {year}"
              " --file FILE", file=out)
    else:
        print(f"official arrangement, source: {arrangement.source}", file=out)
        print(f"{len(arrangement.rest_days)} rest days and {len(arrangement.working_days)}"
              " make-up working days; other Saturdays and Sundays are rest days", file=out)
        entries += [(day, "rest", name) for day, name in arrangement.rest_days.items()]
        entries += [(day, "working", name) for day, name in arrangement.working_days.items()]
    month = 0
    for day, kind, name in sorted(entries):
        if day.month != month:
            month = day.month
            print(MONTHS[month - 1], file=out)
        weekday = WEEKDAY_NAMES[day.weekday()][:3]
        print(f"  {day.isoformat()} {weekday}  {kind:<10} {name}", file=out)
    return 0


def add_overlay(
    app: Casetrail, name: str, days: list[date], *, source: str, actor: Actor, out: TextIO
) -> int:
    saved = app.add_calendar_overlay(name, days, source, actor=actor)
    listed = ", ".join(d.isoformat() for d in sorted(days))
    print(f"added local rest days {listed} ({name}, source {source});"
          f" calendar version {saved.version}", file=out)
    return 0
