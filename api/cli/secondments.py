"""``casetrail secondments``: secondments (选派干部服务锻炼) from the command line.

    casetrail secondments arrange --person 周强 --direction cadre_to_enterprise \\
        --home AMR --host 91440300MA5KEY0001 --from 2026-03-01 --until 2026-09-01
    casetrail secondments end ID --on 2026-05-31 --reason 企业召回
    casetrail secondments roster [--on 2026-05-01] [--json]

A secondment shorter than the policy's months, a unit or enterprise that does not exist, or an
early end outside the secondment's dates is refused: exit 2 with the reason. Stationed staff's
coverage and the leaders' front-line days are in ``casetrail report coverage --period MONTH``.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from api.cli.common import UsageError, open_app, parse_date, parse_id
from api.cli.users import operator
from domain.errors import DomainError, NotFoundError
from domain.secondment import SecondmentDirection
from infra.container import build_container
from infra.figures import roster_rows
from infra.settings import Settings

COLUMNS = ("id", "person", "direction", "home_id", "host_id", "starts_on", "last_day")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "secondments", help="arrange and end secondments (选派干部服务锻炼); the roster"
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)

    arrange = actions.add_parser(
        "arrange",
        help="arrange a secondment of at least the policy's months",
        description="A cadre from a unit to an enterprise (cadre_to_enterprise: --home is a"
        " unit code, --host a credit code), or an enterprise's staff member to a unit"
        " (enterprise_to_department: the other way round).",
    )
    arrange.add_argument("--person", required=True)
    arrange.add_argument(
        "--direction", required=True, choices=[d.value for d in SecondmentDirection]
    )
    arrange.add_argument("--home", required=True, help="unit code or credit code")
    arrange.add_argument("--host", required=True, help="credit code or unit code")
    arrange.add_argument("--from", dest="starts_on", required=True, metavar="DATE")
    arrange.add_argument("--until", dest="ends_on", required=True, metavar="DATE")
    arrange.set_defaults(handler=arrange_secondment)

    end = actions.add_parser("end", help="end a secondment before its planned end, with why")
    end.add_argument("id")
    end.add_argument("--on", required=True, metavar="DATE", help="its last day")
    end.add_argument("--reason", required=True)
    end.set_defaults(handler=end_secondment)

    roster = actions.add_parser("roster", help="who is seconded where on a day")
    roster.add_argument("--on", metavar="DATE", help="default: today")
    roster.add_argument("--json", action="store_true", help="print JSON")
    roster.set_defaults(handler=show_roster)


def arrange_secondment(args: argparse.Namespace) -> int:
    starts_on, ends_on = parse_date(args.starts_on, "--from"), parse_date(args.ends_on, "--until")
    app = open_app()
    try:
        saved = app.arrange_secondment(
            person=args.person,
            direction=args.direction,
            home=args.home,
            host=args.host,
            starts_on=starts_on,
            ends_on=ends_on,
            actor=operator(),
        )
    except DomainError as error:
        raise UsageError(str(error)) from None
    finally:
        app.close()
    print(f"secondment {saved.id} arranged")
    return 0


def end_secondment(args: argparse.Namespace) -> int:
    secondment_id, on = parse_id(args.id), parse_date(args.on, "--on")
    app = open_app()
    try:
        app.end_secondment_early(secondment_id, on, args.reason, actor=operator())
    except NotFoundError:
        raise UsageError(f"no secondment with id {secondment_id}") from None
    except DomainError as error:
        raise UsageError(str(error)) from None
    finally:
        app.close()
    print(f"secondment {secondment_id} ended on {on.isoformat()}")
    return 0


def show_roster(args: argparse.Namespace) -> int:
    day = parse_date(args.on, "--on") if args.on else None
    container = build_container(Settings())
    try:
        read = container.read
        read.refresh(["stationed"])
        on = day or container.app.now().astimezone(container.app.policy.tz).date()
        rows = roster_rows(read.store, on)
    finally:
        container.close()
    if args.json:
        found = {"on": on.isoformat(), "secondments": rows}
        print(json.dumps(found, ensure_ascii=False, indent=2, default=str))
        return 0
    print("\t".join(COLUMNS))
    for row in rows:
        print("\t".join("" if row.get(c) is None else str(row[c]) for c in COLUMNS))
    return 0
