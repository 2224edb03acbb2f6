"""A deadline's derivation in words, so anyone can check the due date with a wall calendar.

The text is built from ``Deadline.derivation`` alone (plus, optionally, the calendar's names for
make-up days), so a stored case deadline reads the same as a freshly computed one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from domain.calendar import WEEKDAY_NAMES
from domain.clock import Deadline

MakeUpReason = Callable[[date], str | None]


def describe(
    deadline: Deadline, *, label: str = "", make_up_reason: MakeUpReason | None = None
) -> list[str]:
    """Lines explaining ``deadline``; the first is the due date alone."""
    d = deadline.derivation
    what = f" ({label})" if label else ""
    if d["unit"] == "hours":
        return [
            deadline.due.isoformat(),
            f"{d['period']} hours from {d['start']}{what}: {d['rule']}",
            *_hours_moved(d),
            f"due at {deadline.due_at.isoformat()}",
            f"calendar version {d['calendar_version']}, policy version {d['policy_version']}",
        ]
    lines = [
        deadline.due.isoformat(),
        f"{d['period']} working days from {d['start']}{what}",
        *_basis(d),
        f"rule: {d['rule']}",
        f"start day {_day(d['start_day'])} is not counted",
    ]
    lines += _listing(
        "rest days skipped", [(e["date"], e["reason"]) for e in d["skipped_rest_days"]]
    )
    lines += _listing("make-up working days counted", [
        (e["date"], _make_up(e, make_up_reason)) for e in d["make_up_working_days"]
    ])
    lines += _pauses(d)
    lines += _extensions(d)
    lines += _check(deadline, d)
    lines.append(
        f"due {_day(deadline.due.isoformat())}; the period ends at 24:00, that is"
        f" {deadline.due_at.isoformat()}"
    )
    lines.append(
        f"calendar version {d['calendar_version']}, policy version {d['policy_version']}"
    )
    if deadline.provisional:
        years = ", ".join(str(y) for y in deadline.provisional_years)
        lines.append(
            f"provisional: no official arrangement for {years}; counted with weekends and the"
            " fixed-date statutory holidays as its rest days, and recomputed when it is published"
        )
    return lines


def _basis(d: dict[str, Any]) -> list[str]:
    """Where the period comes from, when a service commitment (服务承诺) set it."""
    basis = d.get("basis") or {}
    if not basis.get("service_commitment"):
        return []
    return [
        f"service commitment for {basis['service_commitment']}: {d['period']} working days"
        f" (the {basis['case_type']} limit is {basis['type_working_days']})"
    ]


def _hours_moved(d: dict[str, Any]) -> list[str]:
    """What moved an hours limit: the time paused and the hours of extensions."""
    lines = [
        f"  paused {p['kind']}: {p.get('started_at') or p['start']} to"
        f" {p.get('ended_at') or p['end']}"
        for p in d["pauses"]
    ]
    if d.get("paused_hours"):
        lines.append(f"paused hours added: {d['paused_hours']}")
    if d.get("extension_hours"):
        lines.append(f"extension hours added: {d['extension_hours']}")
    return lines


def _day(iso: str) -> str:
    return f"{iso} ({WEEKDAY_NAMES[date.fromisoformat(iso).weekday()]})"


def _make_up(entry: dict[str, str], reason: MakeUpReason | None) -> str:
    named = reason(date.fromisoformat(entry["date"])) if reason else None
    return named or entry["reason"]


def _listing(title: str, entries: list[tuple[str, str]]) -> list[str]:
    if not entries:
        return [f"{title}: none"]
    return [f"{title} ({len(entries)}):"] + [f"  {_day(day):<24} {why}" for day, why in entries]


def _pauses(d: dict[str, Any]) -> list[str]:
    if not d["pauses"]:
        return ["pauses: none"]
    lines = [f"pauses ({len(d['pauses'])}):"]
    for pause in d["pauses"]:
        end = f"resumed {pause['end']}" if pause["end"] else "not resumed"
        lines.append(f"  {pause['kind']}: stopped {pause['start']}, {end}")
    paused = d["paused_working_days"]
    lines.append(
        f"  working days not counted while paused ({len(paused)}): {', '.join(paused) or 'none'}"
    )
    return lines


def _extensions(d: dict[str, Any]) -> list[str]:
    if not d["extensions"]:
        return ["extensions: none"]
    lines = [f"extensions (+{d['extension_working_days']} working days):"]
    for e in d["extensions"]:
        lines.append(f"  +{e['working_days']} approved {e['approved_on']}: {e['reason']}")
    return lines


def _check(deadline: Deadline, d: dict[str, Any]) -> list[str]:
    """The sum an inspector can redo: every day after the start is counted, rest or paused."""
    start = date.fromisoformat(d["start_day"])
    elapsed = (deadline.due - start).days
    counted = d["period"] + d["extension_working_days"]
    rest, paused = len(d["skipped_rest_days"]), len(d["paused_working_days"])
    return [
        f"check: {elapsed} days after the start day = {counted} counted + {rest} rest"
        f" + {paused} paused"
    ]
