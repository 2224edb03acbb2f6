"""What the case pages show about a case: its time-limit state now, its timeline in words, and
its clock proof as a structure the templates lay out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from api.cli.replay import event_fields, timeline_row
from domain.application import Casetrail
from domain.case import Case
from domain.case_rules import CaseStatus
from domain.clock import Deadline, working_days_between
from projections.figures.board import case_state
from projections.figures.context import Context


def time_state(case: Case, app: Casetrail, now: datetime | None = None) -> str:
    """The board's rule (projections/figures/board.py) applied to the aggregate itself."""
    deadline = case.deadline
    derivation = deadline.derivation
    facts = {
        "status": case.status.value,
        "closed_on_time": case.closed_on_time,
        "answered_on_time": case.answered_on_time,
        "cycle_overdue": case.cycle_overdue,
        "due": deadline.due.isoformat(),
        "due_at": deadline.due_at,
        "provisional": deadline.provisional,
        "period_unit": str(derivation.get("unit", "working_days")),
        "period": int(derivation["period"]),
        "extension_days": int(derivation.get("extension_working_days", 0)),
        "extension_hours": int(derivation.get("extension_hours", 0)),
        "deadline_start": datetime.fromisoformat(derivation["start"]),
    }
    return case_state(facts, Context(now or app.now(), app.work_calendar(), app.policy))


def working_days_left(case: Case, app: Casetrail) -> int | None:
    """Working days to the deadline while the clock runs (None once answered or paused)."""
    if not case.is_open or case.status is CaseStatus.PAUSED or case.replied_at is not None:
        return None
    today = app.now().astimezone(app.policy.tz).date()
    left: int = working_days_between(app.work_calendar(), today, case.deadline.due)
    return left


def timeline(app: Casetrail, case_id: UUID) -> list[dict[str, Any]]:
    """Every step: version, time, actor, role, event, reason, and all its fields (``fields``,
    which the pages word per event). Sealed personal data stays sealed, as in the replay."""
    rows = []
    confidential = app.confidential_record(case_id)
    for event in app.history(case_id):
        row = timeline_row(event, app, confidential=confidential)
        row["fields"] = event_fields(event, confidential=confidential)
        rows.append(row)
    return rows


@dataclass(frozen=True)
class ClockProof:
    """A deadline's derivation, laid out so it can be redone with a wall calendar."""

    due: date
    due_at: datetime
    provisional: bool
    hours: bool
    period: int
    start: datetime
    start_day: date | None
    skipped: list[tuple[date, str]]
    make_up: list[tuple[date, str]]
    pauses: list[dict[str, Any]]
    paused_days: list[date]
    extensions: list[dict[str, Any]]
    extension_days: int
    elapsed: int
    provisional_years: list[int]
    calendar_version: Any
    policy_version: str

    @property
    def counted(self) -> int:
        return self.period + self.extension_days


def clock_proof(deadline: Deadline, app: Casetrail) -> ClockProof:
    d = deadline.derivation
    calendar = app.work_calendar()
    start_day = date.fromisoformat(d["start_day"]) if d.get("start_day") else None
    make_up = []
    for entry in d["make_up_working_days"]:
        day = date.fromisoformat(entry["date"])
        make_up.append((day, calendar.make_up_reason(day) or entry["reason"]))
    return ClockProof(
        due=deadline.due,
        due_at=deadline.due_at,
        provisional=deadline.provisional,
        hours=d["unit"] == "hours",
        period=int(d["period"]),
        start=datetime.fromisoformat(d["start"]),
        start_day=start_day,
        skipped=[(date.fromisoformat(e["date"]), e["reason"]) for e in d["skipped_rest_days"]],
        make_up=make_up,
        pauses=list(d["pauses"]),
        paused_days=[date.fromisoformat(x) for x in d["paused_working_days"]],
        extensions=list(d["extensions"]),
        extension_days=int(d["extension_working_days"]),
        elapsed=(deadline.due - start_day).days if start_day else 0,
        provisional_years=list(d.get("provisional_years", [])),
        calendar_version=d.get("calendar_version"),
        policy_version=str(d.get("policy_version")),
    )


def in_language(name: str, chinese: bool) -> str:
    """A name written in both languages ("New Year's Day 元旦", as the official calendar names
    holidays) as the page's language writes it; a name in one language as it is."""
    words = name.split()
    han = [w for w in words if any("\u4e00" <= c <= "\u9fff" for c in w)]
    latin = [w for w in words if w not in han]
    if not han or not latin:
        return name
    return "".join(han) if chinese else " ".join(latin)
