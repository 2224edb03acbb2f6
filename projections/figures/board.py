"""The time-limit board (限时办结看板): each case's state against its deadline, now.

办结 is the answer: a case answered and awaiting its callback or closure shows whether the
answer came in time (``answered_on_time``/``answered_late``) and is never overdue after it. A
cycle that ran out stays overdue, even if a pause was recorded after its deadline.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.clock import working_days_between
from domain.watch import TimeLimit, is_due_soon
from projections.cases import settled_state
from projections.figures import legacy
from projections.figures.context import Context

STATES = (
    "on_time",
    "due_soon",
    "overdue",
    "paused",
    "provisional",
    "answered_on_time",
    "answered_late",
    "closed_on_time",
    "closed_late",
    "terminated",
)
ANSWERED = ("answered_on_time", "answered_late")
FINISHED = ("closed_on_time", "closed_late", "terminated")


@dataclass(frozen=True)
class BoardEntry:
    case_id: str
    state: str
    due: str
    working_days_left: int | None
    provisional: bool
    lead_unit_id: str | None
    owner: str | None


def case_state(row: dict[str, Any], ctx: Context) -> str:
    """One case's board state. An open case past its deadline is overdue now, before it is
    answered; an answered one shows whether the answer came in time."""
    if ctx.definitions == legacy.DEFINITIONS_2026_1:
        return _state_2026_1(row, ctx)
    settled = settled_state(row)  # what the read model counts: one definition for both
    if settled is not None:
        return settled
    status = row["status"]
    if row["cycle_overdue"] or (status != "paused" and ctx.now >= row["due_at"]):
        return "overdue"
    if status == "paused":
        return "paused"
    if is_due_soon(time_limit(row), ctx.now, ctx.calendar, ctx.policy):
        return "due_soon"
    return "provisional" if row["provisional"] else "on_time"


def _state_2026_1(row: dict[str, Any], ctx: Context) -> str:
    """The board of ``metrics-2026.1``: a replied case was merely open, so it went overdue at
    its deadline even when the answer had come in time."""
    status = row["status"]
    if status == "terminated":
        return "terminated"
    if status == "closed":
        return "closed_on_time" if row["closed_on_time"] else "closed_late"
    if status == "paused":
        return "paused"
    if ctx.now >= row["due_at"]:
        return "overdue"
    if is_due_soon(time_limit(row), ctx.now, ctx.calendar, ctx.policy):
        return "due_soon"
    return "provisional" if row["provisional"] else "on_time"


def time_limit(row: dict[str, Any]) -> TimeLimit:
    hours = row["period_unit"] == "hours"
    extension = (row.get("extension_hours") if hours else row.get("extension_days")) or 0
    return TimeLimit(
        unit=row["period_unit"],
        period=row["period"] + extension,
        start=row["deadline_start"],
        due=date.fromisoformat(row["due"]),
        due_at=row["due_at"],
    )


def board(rows: Iterable[dict[str, Any]], ctx: Context) -> list[BoardEntry]:
    entries = []
    for row in rows:
        state = case_state(row, ctx)
        running = state not in (*FINISHED, *ANSWERED, "paused")
        left = (
            working_days_between(ctx.calendar, ctx.today, date.fromisoformat(row["due"]))
            if running
            else None
        )
        entries.append(
            BoardEntry(
                case_id=str(row["id"]),
                state=state,
                due=row["due"],
                working_days_left=left,
                provisional=bool(row["provisional"]),
                lead_unit_id=row["lead_unit_id"],
                owner=row["owner"],
            )
        )
    return entries


def counts_by(entries: Iterable[BoardEntry], key: str) -> dict[str, dict[str, int]]:
    """State counts per ``lead_unit_id`` or per ``owner`` (unrouted cases under "-")."""
    grouped: dict[str, Counter[str]] = {}
    for entry in entries:
        group = getattr(entry, key) or "-"
        grouped.setdefault(group, Counter())[entry.state] += 1
    return {g: {s: c[s] for s in STATES if c[s]} for g, c in sorted(grouped.items())}
