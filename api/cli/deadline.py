"""``casetrail deadline``: compute a due date with the installation's calendar and policy.

Useful at the window ("when is this due?") and to an inspector checking a case's clock by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from api.cli.common import UsageError, open_app, parse_date, parse_time
from api.cli.derivation import describe
from domain.application import Casetrail
from domain.clock import Extension, Pause, working_day_deadline
from domain.errors import InvalidInputError


@dataclass(frozen=True)
class DeadlineRequest:
    start: datetime
    days: int | None = None
    case_type: str | None = None
    pauses: tuple[Pause, ...] = ()
    extend: int = 0
    as_json: bool = False


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "deadline",
        help="compute a due date and show how it was counted",
        description="Compute the last day of a time limit counted in working days, with the"
        " official calendar and the policy of this installation. The first line of output is"
        " the due date; the rest is its derivation.",
    )
    parser.add_argument(
        "start", metavar="START",
        help="when the demand was received: 2026-02-12 or 2026-02-12T09:30 (UTC+8 if no zone)",
    )
    period = parser.add_mutually_exclusive_group(required=True)
    period.add_argument("--days", type=int, metavar="N", help="a time limit of N working days")
    period.add_argument(
        "--type", dest="case_type", metavar="TYPE",
        help="the policy's time limit for a demand type"
        " (consultation, help, suggestion, complaint, report)",
    )
    parser.add_argument(
        "--pause", action="append", default=[], metavar="KIND:FROM:TO",
        help="the clock stopped on FROM (e.g. supplement 补正, hearing, testing, expert_review)"
        " and restarted on TO; leave TO empty while it is still stopped; repeatable",
    )
    parser.add_argument(
        "--extend", type=int, default=0, metavar="N", help="an approved extension of N working days"
    )
    parser.add_argument("--json", dest="as_json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    request = DeadlineRequest(
        start=parse_time(args.start, "START"),
        days=args.days,
        case_type=args.case_type,
        pauses=tuple(parse_pause(text) for text in args.pause),
        extend=args.extend,
        as_json=args.as_json,
    )
    if request.days is not None and request.days < 1:
        raise UsageError(f"--days must be at least 1 working day, not {request.days}")
    if request.extend < 0:
        raise UsageError(f"--extend must be a number of working days, not {request.extend}")
    return compute(open_app(), request, sys.stdout)


def parse_pause(text: str) -> Pause:
    """``supplement:2026-03-04:2026-03-09``; an empty TO means the clock is still stopped."""
    parts = text.split(":")
    if len(parts) not in (2, 3) or not parts[0].strip():
        raise UsageError(f"--pause must look like supplement:2026-03-04:2026-03-09, not {text!r}")
    start = parse_date(parts[1], "--pause FROM")
    end = parse_date(parts[2], "--pause TO") if len(parts) == 3 and parts[2] else None
    if end is not None and end < start:
        raise UsageError(f"--pause {text!r} restarts before it stopped")
    return Pause(parts[0].strip(), start, end)


def compute(app: Casetrail, request: DeadlineRequest, out: TextIO) -> int:
    """Print the due date and its derivation; an open pause is refused (no due date yet)."""
    policy = app.policy
    label = ""
    days = request.days
    if request.case_type is not None:
        known = policy.working_days_by_type
        if request.case_type not in known:
            raise UsageError(
                f"--type must be one of {', '.join(sorted(known))} (policy {policy.version}),"
                f" not {request.case_type!r}"
            )
        days = known[request.case_type]
        label = f"{request.case_type}, policy {policy.version}"
    if days is None:
        raise UsageError("give the time limit with --days N or --type TYPE")
    extensions: list[Extension] = []
    if request.extend:
        limit = policy.extension.max_working_days
        if request.extend > limit:
            raise UsageError(
                f"--extend {request.extend}: policy {policy.version} allows at most {limit}"
                " working days"
            )
        today = app.now().astimezone(policy.tz).date()
        extensions.append(Extension(request.extend, today, "extension given on the command line"))
    calendar = app.work_calendar()
    try:
        deadline = working_day_deadline(
            request.start, days, calendar, tz=policy.tz, policy_version=policy.version,
            pauses=request.pauses, extensions=extensions,
        )
    except ValueError as error:
        raise InvalidInputError(str(error)) from None
    if request.as_json:
        print(json.dumps(deadline.to_data(), ensure_ascii=False, indent=2), file=out)
    else:
        for line in describe(deadline, label=label, make_up_reason=calendar.make_up_reason):
            print(line, file=out)
    return 0
