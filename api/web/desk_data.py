"""The staff desk's lists: the board figure over the cases the caller may see.

"Mine" is what the caller answers for: cases they own and cases their unit leads; a supervisor
sees every case that has an owner or a lead unit. The intake queue holds demands no one has
received yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from api.http.access import Scope, scope_of
from api.http.scope import confidential_desk, row_visible
from domain.actors import Role
from domain.application import Casetrail
from infra.identity import Principal
from infra.readside import ReadSide
from projections.figures.board import BoardEntry, board
from projections.figures.context import Context

OPEN_STATES = ("overdue", "due_soon", "paused", "provisional", "on_time")
ORDER = {state: index for index, state in enumerate(OPEN_STATES)}
Row = dict[str, Any]


@dataclass(frozen=True)
class DeskCase:
    row: Row
    entry: BoardEntry

    @property
    def state(self) -> str:
        return self.entry.state


@dataclass
class Desk:
    mine: list[DeskCase] = field(default_factory=list)
    queue: list[DeskCase] = field(default_factory=list)
    position: int = 0
    stamp: dict[str, Any] = field(default_factory=dict)

    def count(self, state: str) -> int:
        return sum(1 for c in self.mine if c.state == state)


def load_desk(app: Casetrail, read: ReadSide, caller: Principal, now: datetime) -> Desk:
    read.refresh(["cases", "directory"])
    position = read.position("cases")
    rows = read.rows("cases", "cases")
    if scope_of(caller.role) is not Scope.ALL:
        staff_units = {r["login"]: r["unit_id"] for r in read.rows("directory", "staff")}
        to_desk = confidential_desk(app)
        rows = [r for r in rows if row_visible(caller, r, staff_units, to_desk)]
    ctx = Context(now, app.work_calendar(), app.policy, position)
    entries = {e.case_id: e for e in board(rows, ctx)}
    cases = [DeskCase(r, entries[str(r["id"])]) for r in rows]
    open_cases = [c for c in cases if c.state in ORDER]
    desk = Desk(position=position, stamp=ctx.stamp())
    desk.queue = _by_due([c for c in open_cases if c.row["owner"] is None])
    desk.mine = _by_due([c for c in open_cases if _answers_for(caller, c.row)])
    return desk


def _answers_for(caller: Principal, row: Row) -> bool:
    if caller.role is Role.SUPERVISOR:
        return row["owner"] is not None or row["lead_unit_id"] is not None
    if row["owner"] == caller.actor.id:
        return True
    unit = str(caller.unit_id) if caller.unit_id else None
    return unit is not None and row["lead_unit_id"] == unit


def _by_due(cases: list[DeskCase]) -> list[DeskCase]:
    return sorted(cases, key=lambda c: (ORDER[c.state], c.row["due_at"], str(c.row["id"])))
