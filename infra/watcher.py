"""The deadline watcher's loop: bring the case view up to date, then warn every open case due.

Which cases are open comes from the case read model (caught up first, so no case filed before
the tick is missed); whether a warning is due comes from the case itself, loaded fresh, so a
stale view can never make the watcher warn twice or warn a closed case.
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
from projections.base import Row
from projections.cases import CaseProjection
from projections.projects import ProjectProjection
from projections.query import Compare
from projections.store import PageQuery, ViewStore

log = logging.getLogger("casetrail.watcher")
# Nothing is due on these: an answered case is handled (办结 is the answer) until reopened.
NOTHING_DUE = ("replied", "closed", "terminated")


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
    report = warn_open_cases(app, runner.store.rows(CaseProjection().table("cases")))
    return warn_running_tasks(app, running_projects(runner.store), report)


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


def warn_open_cases(app: Casetrail, case_rows: Iterable[Row]) -> TickReport:
    """Issue every warning due at the application's current time, each exactly once."""
    report = TickReport()
    for row in case_rows:
        if row["status"] in NOTHING_DUE:
            continue
        case_id = UUID(str(row["id"]))
        report.checked += 1
        try:
            for level in app.issue_due_alerts(case_id, actor=SYSTEM):
                report.issued[level] += 1
        except DomainError as error:
            # Someone handled the case at this very moment; the next tick looks again.
            report.conflicts += 1
            log.info("case %s changed while being checked (%s); next tick", case_id, error)
    return report
