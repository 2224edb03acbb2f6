"""The staff desk's lists: the board figure over the cases the caller may see.

"Mine" is what the caller answers for: cases they own and cases their unit leads; a supervisor
sees every case that has an owner or a lead unit. The intake queue holds demands no one has
received yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from api.http.scope import confidential_desk, visible_filter
from domain.actors import Role
from domain.application import Casetrail
from infra.identity import Principal
from infra.readside import ReadSide
from projections.figures import time_filters
from projections.figures.board import BoardEntry, board
from projections.figures.context import Context
from projections.query import AnyOf, Compare, Filter, all_of
from projections.store import PageQuery

OPEN_STATES = ("overdue", "due_soon", "paused", "provisional", "on_time")
DESK_LIMIT = 100
"""The most cases a desk lists (each list); its counters count them all."""
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
    """The first ``DESK_LIMIT`` of them, most pressing first; ``counts`` has them all."""
    queue: list[DeskCase] = field(default_factory=list)
    position: int = 0
    stamp: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    queued: int = 0

    def count(self, state: str) -> int:
        return self.counts.get(state, 0)

    @property
    def open(self) -> int:
        return sum(self.counts.values())


def load_desk(app: Casetrail, read: ReadSide, caller: Principal, now: datetime) -> Desk:
    """The caller's open cases by state (counted, and the most pressing listed, by the view
    store) and the intake queue, each a few indexed queries whatever the number of cases."""
    read.refresh(["cases", "directory"])
    position = read.position("cases")
    ctx = Context(now, app.work_calendar(), app.policy, position)
    visible = visible_filter(
        caller, desk=confidential_desk(app), co_units=read.is_current("cases")
    )
    mine_filter = all_of(visible, _answers_for(caller))
    queue_filter = all_of(visible, Compare("owner", "=", None))
    desk = Desk(position=position, stamp=ctx.stamp())
    for state, where in _open_states(ctx).items():
        desk.counts[state] = read.count("cases", "cases", all_of(mine_filter, where))
        room = DESK_LIMIT - len(desk.mine)
        if desk.counts[state] and room > 0:
            desk.mine += _cases(read, all_of(mine_filter, where), room, ctx)
        desk.queued += read.count("cases", "cases", all_of(queue_filter, where))
        room = DESK_LIMIT - len(desk.queue)
        if room > 0:
            desk.queue += _cases(read, all_of(queue_filter, where), room, ctx)
    return desk


def _open_states(ctx: Context) -> dict[str, Filter]:
    """Each open board state as a filter, in the desk's order; together, every open case."""
    every = time_filters.states(ctx)
    return {state: every[state] for state in OPEN_STATES}


def _cases(read: ReadSide, where: Filter, limit: int, ctx: Context) -> list[DeskCase]:
    rows = read.page("cases", "cases", PageQuery("due_at", False, limit, where=where))
    entries = {e.case_id: e for e in board(rows, ctx)}
    return [DeskCase(r, entries[str(r["id"])]) for r in rows]


def _answers_for(caller: Principal) -> Filter:
    if caller.role is Role.SUPERVISOR:
        return AnyOf((Compare("owner", "!=", None), Compare("lead_unit_id", "!=", None)))
    parts: list[Filter] = [Compare("owner", "=", caller.actor.id)]
    if caller.unit_id:
        parts.append(Compare("lead_unit_id", "=", str(caller.unit_id)))
    return AnyOf(tuple(parts))
