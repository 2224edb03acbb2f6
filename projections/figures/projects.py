"""Key-project figures (docs/metrics.md, "Key projects"), under their own definitions
(``PROJECT_DEFINITIONS``): projects by state, running and overdue tasks by unit and by person,
each leader's projects, escalations awaiting an answer and the on-time completion rate.

Every figure is a count the view store makes on an index (``Counter``: the read side), with the
moment a parameter; nothing loads the task list to judge it in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from projections.figures.context import Context
from projections.figures.reading import GroupedCounts
from projections.query import All, Compare, Filter

PROJECT_DEFINITIONS = "projects-2026.1"
VIEW = "projects"
STATES = ("planning", "under_way", "blocked", "closed")


class Counter(GroupedCounts, Protocol):
    def count(self, name: str, table: str, where: Filter | None = None) -> int: ...


def running() -> Filter:
    """A task not done, in a project not closed."""
    return All((Compare("status", "!=", "done"), Compare("project_closed", "=", False)))


def overdue(now: datetime) -> Filter:
    """A running task whose last day has ended (24:00 of its due day) by ``now``."""
    return All((running(), Compare("due_at", "<=", now)))


@dataclass(frozen=True)
class ProjectBoard:
    by_state: dict[str, int]
    overdue_by_unit: dict[str, int]
    overdue_by_person: dict[str, int]
    by_leader: dict[str, dict[str, int]]
    running_tasks: int
    overdue_tasks: int
    blocked_tasks: int
    done_tasks: int
    done_on_time: int
    stamp: dict[str, object]

    @property
    def on_time_rate(self) -> float | None:
        """Tasks completed by their date / tasks completed (None: none completed yet)."""
        return self.done_on_time / self.done_tasks if self.done_tasks else None


def project_board(read: Counter, ctx: Context) -> ProjectBoard:
    now = ctx.now
    states = read.counts(VIEW, "projects", ("status",))
    leaders = read.counts(VIEW, "projects", ("leader", "status"))
    by_leader: dict[str, dict[str, int]] = {}
    for (leader, status), n in sorted(leaders.items(), key=lambda kv: str(kv[0])):
        by_leader.setdefault(str(leader), {})[str(status)] = n
    late = overdue(now)
    by_unit = read.counts(VIEW, "project_tasks", ("unit_id",), late)
    by_person = read.counts(VIEW, "project_tasks", ("responsible",), late)
    done = read.counts(VIEW, "project_tasks", ("completed_late",), Compare("status", "=", "done"))
    blocked = All((running(), Compare("status", "=", "blocked")))
    return ProjectBoard(
        by_state={s: states.get((s,), 0) for s in STATES},
        overdue_by_unit=_ranked(by_unit),
        overdue_by_person=_ranked(by_person),
        by_leader=by_leader,
        running_tasks=read.count(VIEW, "project_tasks", running()),
        overdue_tasks=sum(by_unit.values()),
        blocked_tasks=read.count(VIEW, "project_tasks", blocked),
        done_tasks=sum(done.values()),
        done_on_time=done.get((False,), 0),
        stamp={**ctx.stamp(), "definitions": PROJECT_DEFINITIONS},
    )


def _ranked(counts: dict[tuple[Any, ...], int]) -> dict[str, int]:
    """Most overdue first, then by name."""
    pairs = [(str(key[0] or "-"), n) for key, n in counts.items()]
    return dict(sorted(pairs, key=lambda p: (-p[1], p[0])))
