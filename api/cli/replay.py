"""``casetrail replay``: an aggregate's history step by step, and its state at a point.

Works for every kind of record (cases, evaluations, visits, matters, the calendar, the
directory). Inspectors use it to see who did what, in which role, when and why, and what the
record looked like as of a version or a moment.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import Any
from uuid import UUID

from api.cli.common import UsageError, open_app, parse_id, parse_time
from domain import disclosure
from domain.base import Tracked
from domain.directory import Unit
from domain.errors import NotFoundError
from domain.privacy import PROTECTED, is_sealed
from domain.services.base import ServiceBase
from domain.services.privacy import confidential_record

# Fields every event has; the timeline shows them in their own columns.
STANDARD = {
    "originator_id",
    "originator_version",
    "originator_topic",
    "timestamp",
    "actor_id",
    "actor_role",
}
# The words that explain a step, in the order a reader looks for them.
EXPLAINING = ("reason", "note", "answer", "reply", "summary", "outcome", "level", "comment")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "replay",
        help="show a record's history and its state at a version or a time",
        description="Print the timeline (time, actor, role, event, reason) of any record and its"
        " state at the chosen point: the latest version, --version N, or --as-of TIME.",
    )
    parser.add_argument("id", metavar="ID", help="the record's id (as printed by demo or the API)")
    point = parser.add_mutually_exclusive_group()
    point.add_argument("--version", type=int, metavar="N", help="stop at version N")
    point.add_argument(
        "--as-of",
        dest="as_of",
        metavar="TIME",
        help="stop at the last step taken at or before TIME (2026-05-01 or 2026-05-01T12:00)",
    )
    parser.add_argument("--json", dest="as_json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    aggregate_id = parse_id(args.id)
    as_of = parse_time(args.as_of, "--as-of") if args.as_of else None
    app = open_app()
    try:
        replay = build_replay(app, aggregate_id, version=args.version, as_of=as_of)
    finally:
        app.close()
    print(json.dumps(replay, ensure_ascii=False, indent=2) if args.as_json else render(replay))
    return 0


def build_replay(
    app: ServiceBase,
    aggregate_id: UUID,
    *,
    version: int | None = None,
    as_of: datetime | None = None,
) -> dict[str, Any]:
    history = app.history(aggregate_id)
    latest = history[-1].originator_version
    if version is not None and not 1 <= version <= latest:
        raise UsageError(f"--version must be between 1 and {latest} for this record")
    if as_of is not None:
        version = app.version_at(aggregate_id, as_of)
        if version == 0:
            raise UsageError(f"this record did not exist yet at {as_of.isoformat()}")
    upto = version or latest
    aggregate = app.as_of_version(aggregate_id, upto)
    confidential = confidential_record(app, aggregate_id)
    steps = [
        timeline_row(e, app, confidential=confidential)
        for e in history
        if e.originator_version <= upto
    ]
    state = aggregate.state()
    return {
        "id": str(aggregate_id),
        "kind": aggregate.kind,
        "version": upto,
        "latest": latest,
        "as_of": as_of.isoformat() if as_of else None,
        "timeline": steps,
        "state": disclosure.row(state, confidential=confidential),
    }


def timeline_row(
    event: Tracked.Event, app: ServiceBase, *, confidential: bool = False
) -> dict[str, Any]:
    """One step as a history shows it. ``confidential``: the record is, or is tied to, a
    confidential case, whose filer the step must not name (``domain.disclosure``)."""
    fields = event_fields(event, confidential=confidential)
    why = next((str(fields[k]) for k in EXPLAINING if fields.get(k)), "")
    if not why and isinstance(fields.get("lead_unit_id"), UUID):
        why = f"to {_unit_name(app, fields['lead_unit_id'])}"
    if fields.get("pause_kind"):
        why = f"[{fields['pause_kind']}] {why}"
    details = {k: _plain(v) for k, v in fields.items() if k not in EXPLAINING}
    if isinstance(fields.get("deadline"), dict):
        details["deadline"] = fields["deadline"]["due"]
    return {
        "version": event.originator_version,
        "time": event.timestamp.astimezone(app.policy.tz).isoformat(timespec="minutes"),
        "actor": disclosure.actor(event.actor_id, event.actor_role, confidential=confidential),
        "role": event.actor_role,
        "event": type(event).__name__,
        "reason": why,
        "details": details,
    }


def event_fields(event: Tracked.Event, *, confidential: bool) -> dict[str, Any]:
    """An event's own fields as a read may show them: personal data stays sealed (only
    ``filer_identity`` opens it) and a confidential filer is withheld."""
    fields = {k: v for k, v in vars(event).items() if k not in STANDARD}
    fields = {k: PROTECTED if is_sealed(v) else v for k, v in fields.items()}
    return disclosure.event_fields(fields, confidential=confidential)


def render(replay: dict[str, Any]) -> str:
    lines = [
        f"{replay['kind']} {replay['id']}: version {replay['version']} of {replay['latest']}"
        + (f" (as of {replay['as_of']})" if replay["as_of"] else ""),
        "",
        f"{'#':>3}  {'time':<16}  {'actor':<20}  {'role':<13}  {'event':<22}  reason",
    ]
    for step in replay["timeline"]:
        lines.append(
            f"{step['version']:>3}  {step['time'][:16].replace('T', ' '):<16}  "
            f"{step['actor']:<20}  {step['role']:<13}  {step['event']:<22}  {step['reason']}"
        )
    lines += ["", "state:"]
    for key, value in replay["state"].items():
        shown = json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value
        lines.append(f"  {key}: {shown}")
    return "\n".join(lines)


def _unit_name(app: ServiceBase, unit_id: UUID) -> str:
    try:
        return app.load(Unit, unit_id).name
    except NotFoundError:
        return str(unit_id)


def _plain(value: Any) -> Any:
    if isinstance(value, UUID | datetime):
        return str(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value
