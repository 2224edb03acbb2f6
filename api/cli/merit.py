"""``casetrail merit``: commendations and sanctions citing published entries, the quarter's
window service competition, a person's or unit's record, and the clearing of a falsely accused
person (published at their request) with the matter against the accuser.

    casetrail merit decide commendation --subject staff:li.na --cites lists:2026-Q2:staff:li.na \\
        --reason "…" --as chen.jie
    casetrail merit competition --period 2026-Q2
    casetrail merit record staff:li.na
    casetrail merit request-clearing MATTER --request "…" --as zhou.min
    casetrail merit publish-clearing MATTER --title "…" --as zhou.min
    casetrail merit accuser-matter MATTER --allegation "…" --purpose "…" [--case ID] --as zhou.min

Bad input (an unknown decision or kind, a malformed subject or citation, a period that is not a
quarter) exits 2; a refusal of the record (a citation that grounds nothing) exits 1.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from api.cli.common import UsageError, open_app, parse_id
from domain.merit import DecisionKind, SubjectKind
from domain.periods import Period, PeriodError
from domain.publication import Publication
from infra.projections import open_runner
from infra.settings import Settings
from projections.figures.competition import standings
from projections.records import record_page, subject_id

KINDS = tuple(k.value for k in SubjectKind)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "merit",
        help="commendations and sanctions from published entries; competition; records; clearings",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    steps = parser.add_subparsers(dest="step", metavar="STEP", required=True)

    decide = steps.add_parser("decide", help="decide a commendation or sanction (a supervisor)")
    decide.add_argument("decision", choices=[k.value for k in DecisionKind])
    decide.add_argument("--subject", required=True, help="staff:LOGIN, window:CODE or unit:CODE")
    decide.add_argument(
        "--cites", required=True, help="lists|ranking:PERIOD:DIMENSION:MEMBER (login or code)"
    )
    decide.add_argument("--reason", required=True)
    decide.add_argument("--as", dest="login", required=True)
    decide.set_defaults(handler=run_decide)

    board = steps.add_parser("competition", help="a quarter's window service competition")
    board.add_argument("--period", required=True, help="a quarter, like 2026-Q2")
    board.set_defaults(handler=run_competition)

    record = steps.add_parser("record", help="a staff member's, window's or unit's record")
    record.add_argument("subject", help="staff:LOGIN, window:CODE or unit:CODE")
    record.add_argument("--limit", type=int, default=50)
    record.set_defaults(handler=run_record)

    request = steps.add_parser("request-clearing", help="record the cleared person's request")
    request.add_argument("matter")
    request.add_argument("--request", required=True, help="how and when they asked")
    request.add_argument("--as", dest="login", required=True)
    request.set_defaults(handler=run_request)

    publish = steps.add_parser("publish-clearing", help="publish the clearing as a circular")
    publish.add_argument("matter")
    publish.add_argument("--title", required=True)
    publish.add_argument("--as", dest="login", required=True)
    publish.set_defaults(handler=run_publish)

    accuser = steps.add_parser("accuser-matter", help="open a matter against the accuser")
    accuser.add_argument("matter")
    accuser.add_argument("--allegation", required=True)
    accuser.add_argument("--purpose", required=True, help="why the identity is read (recorded)")
    accuser.add_argument("--case", help="the case that carried the accusation")
    accuser.add_argument("--as", dest="login", required=True)
    accuser.set_defaults(handler=run_accuser)


def _subject(text: str) -> tuple[str, str]:
    kind, _, who = text.partition(":")
    if kind not in KINDS or not who.strip():
        raise UsageError(
            f"a subject is written staff:LOGIN, window:CODE or unit:CODE, not {text!r}"
        )
    return kind, who.strip()


def _cites(text: str) -> tuple[str, str, str, str]:
    parts = text.split(":")
    if len(parts) != 4 or parts[0] not in ("lists", "ranking") or parts[2] not in KINDS:
        raise UsageError(
            f"a citation is written lists|ranking:PERIOD:DIMENSION:MEMBER, not {text!r}"
        )
    what, period, dimension, member = parts
    try:
        Period.parse(period)
    except PeriodError as error:
        raise UsageError(str(error)) from None
    return what, period, dimension, member


def _print(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def run_decide(args: argparse.Namespace) -> int:
    kind, who = _subject(args.subject)
    what, period, dimension, member = _cites(args.cites)
    app = open_app()
    try:
        saved = app.decide_merit(
            args.decision,
            subject_kind=kind,
            subject=who,
            reason=args.reason,
            publication_id=Publication.id_for(what, period),
            entry=(dimension, member),
            actor=app.staff_actor(args.login),
        )
        _print(app.merit_decision(saved.id).state())
    finally:
        app.close()
    return 0


def run_competition(args: argparse.Namespace) -> int:
    try:
        Period.parse(args.period, "quarter")
    except PeriodError as error:
        raise UsageError(str(error)) from None
    app = open_app()
    try:
        _print(standings(app.publication("lists", args.period)))
    finally:
        app.close()
    return 0


def run_record(args: argparse.Namespace) -> int:
    kind, who = _subject(args.subject)
    if not 1 <= args.limit <= 500:
        raise UsageError("--limit must be between 1 and 500")
    settings = Settings()
    app = open_app()
    runner = open_runner(app, settings)
    try:
        found = subject_id(app, kind, who)
        runner.catch_up()
        store = runner.store
        items = record_page(
            _Reader(store, {p.name: p for p in runner.projections}), found, args.limit
        )
        _print({"subject_kind": kind, "subject_id": found, "items": items})
    finally:
        runner.store.close()
        app.close()
    return 0


class _Reader:
    """Pages of a view straight from the runner's store."""

    def __init__(self, store: Any, projections: dict[str, Any]) -> None:
        self.store, self.projections = store, projections

    def page(self, name: str, table: str, query: Any) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.store.page(self.projections[name].table(table), query)
        return rows


def run_request(args: argparse.Namespace) -> int:
    matter = parse_id(args.matter)
    app = open_app()
    try:
        app.request_clearing_circular(matter, args.request, actor=app.staff_actor(args.login))
        _print(app.accountability_matter(matter).state())
    finally:
        app.close()
    return 0


def run_publish(args: argparse.Namespace) -> int:
    matter = parse_id(args.matter)
    app = open_app()
    try:
        saved = app.publish_clearing(matter, title=args.title, actor=app.staff_actor(args.login))
        _print(app.circular(saved.id).state())
    finally:
        app.close()
    return 0


def run_accuser(args: argparse.Namespace) -> int:
    matter = parse_id(args.matter)
    case = parse_id(args.case) if args.case else None
    app = open_app()
    try:
        opened = app.open_matter_against_accuser(
            matter,
            allegation=args.allegation,
            purpose=args.purpose,
            case_id=case,
            actor=app.staff_actor(args.login),
        )
        _print(
            {
                "matter": app.accountability_matter(opened.saved.id).state(),
                "accuser": {
                    "subject": opened.identity.subject,
                    "name": opened.identity.name,
                    "contact": opened.identity.contact,
                },
            }
        )
    finally:
        app.close()
    return 0
