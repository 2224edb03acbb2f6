"""The deadline watcher's loop: bring the case view up to date, then warn every open case due.

Which cases may be due comes from the case read model (caught up first, so no case filed before
the tick is missed): the store selects, page by page on its indexes, the open cases that are due
soon or overdue now and have not had the last level of their cycle, and the emergencies not yet
dispatched nor warned. A city has a great many open cases that nothing is due on; loading each
of them every minute would cost more than the minute. Whether a warning is due is then decided
by the case itself, loaded fresh, so a stale view can never make the watcher warn twice or warn
a closed case.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from uuid import UUID

from domain.actors import SYSTEM
from domain.application import Casetrail
from domain.errors import DomainError
from infra.projections import ProjectionRunner
from projections.cases import CaseProjection
from projections.figures import time_filters
from projections.figures.context import Context
from projections.projects import ProjectProjection
from projections.query import All, AnyOf, Compare, Filter, In, Not
from projections.store import PageQuery, ViewStore

log = logging.getLogger("casetrail.watcher")


@dataclass
class TickReport:
    checked: int = 0
    issued: Counter[str] = field(default_factory=Counter)
    conflicts: int = 0
    projects_checked: int = 0
    task_issued: Counter[str] = field(default_factory=Counter)


def tick(app: Casetrail, runner: ProjectionRunner) -> TickReport:
    """Bring the views to the head of the log, then warn every open case and every running
    key-project task that is due."""
    runner.catch_up()
    report = warn_open_cases(app, cases_maybe_due(app, runner.store))
    return warn_running_tasks(app, running_projects(runner.store), report)


def maybe_due(ctx: Context) -> Filter:
    """The cases a warning may be due on at ``ctx.now``: a superset of what ``alerts_due`` and
    ``dispatch_limit_missed`` decide on the case itself (the same due-soon and overdue rules
    the board counts by), never fewer."""
    last_level = Compare("alert_level", "=", "criticism")  # reset when a new cycle starts
    timed = All((
        Not(last_level),
        AnyOf((time_filters.overdue(ctx), time_filters.due_soon(ctx))),
    ))
    undispatched = All((
        In("status", time_filters.OPEN),
        Compare("emergency", "=", True),
        Not(Compare("dispatch_alerted", "=", True)),
        Compare("dispatch_count", "=", 0),
    ))
    return AnyOf((timed, undispatched))


def cases_maybe_due(app: Casetrail, store: ViewStore, batch: int = 500) -> Iterator[UUID]:
    """Ids of the cases ``maybe_due`` now, in pages ordered by id (a keyset, so a case the tick
    warns meanwhile neither shifts nor repeats the pages)."""
    ctx = Context(app.now(), app.work_calendar(), app.policy)
    table, where = CaseProjection().table("cases"), maybe_due(ctx)
    after: tuple[str, str] | None = None
    while True:
        rows = store.page(table, PageQuery("id", False, batch, where=where, after=after))
        for row in rows:
            yield UUID(str(row["id"]))
        if len(rows) < batch:
            return
        last = str(rows[-1]["id"])
        after = (last, last)


def running_projects(store: ViewStore, batch: int = 500) -> Iterator[UUID]:
    """Ids of the projects not closed, page by page from the projects view."""
    table = ProjectProjection().table("projects")
    offset = 0
    while True:
        query = PageQuery(
            "id", False, batch, where=Compare("status", "!=", "closed"), offset=offset
        )
        rows = store.page(table, query)
        for row in rows:
            yield UUID(str(row["id"]))
        if len(rows) < batch:
            return
        offset += batch


def warn_running_tasks(
    app: Casetrail, project_ids: Iterable[UUID], report: TickReport | None = None
) -> TickReport:
    """Issue every task warning due now (yellow, red, 催办, 通报批评), each exactly once: the
    project is loaded fresh, so a stale view never warns twice or warns a finished task."""
    report = report or TickReport()
    for project_id in project_ids:
        report.projects_checked += 1
        try:
            for _task, level in app.issue_task_alerts(project_id, actor=SYSTEM):
                report.task_issued[level] += 1
        except DomainError as error:
            report.conflicts += 1
            log.info("project %s changed while being checked (%s); next tick", project_id, error)
    return report


def warn_open_cases(app: Casetrail, case_ids: Iterable[UUID]) -> TickReport:
    """Issue every warning due at the application's current time, each exactly once."""
    report = TickReport()
    for case_id in case_ids:
        report.checked += 1
        try:
            for level in app.issue_due_alerts(case_id, actor=SYSTEM):
                report.issued[level] += 1
        except DomainError as error:
            # Someone handled the case at this very moment; the next tick looks again.
            report.conflicts += 1
            log.info("case %s changed while being checked (%s); next tick", case_id, error)
    return report
