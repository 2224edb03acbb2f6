"""The deadline watcher's loop: bring the case view up to date, then warn every open case due.

Which cases are open comes from the case read model (caught up first, so no case filed before
the tick is missed); whether a warning is due comes from the case itself, loaded fresh, so a
stale view can never make the watcher warn twice or warn a closed case.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from uuid import UUID

from domain.actors import SYSTEM
from domain.application import Casetrail
from domain.errors import ConflictError
from infra.projections import ProjectionRunner
from projections.cases import CaseProjection

log = logging.getLogger("casetrail.watcher")
CLOSED = ("closed", "terminated")


@dataclass
class TickReport:
    checked: int = 0
    issued: Counter[str] = field(default_factory=Counter)
    conflicts: int = 0


def open_case_ids(runner: ProjectionRunner) -> list[UUID]:
    runner.catch_up()
    table = CaseProjection().table("cases")
    return [UUID(str(row["id"])) for row in runner.store.rows(table) if row["status"] not in CLOSED]


def tick(app: Casetrail, runner: ProjectionRunner) -> TickReport:
    """Issue every warning due at the application's current time, each exactly once."""
    report = TickReport()
    for case_id in open_case_ids(runner):
        report.checked += 1
        try:
            for level in app.issue_due_alerts(case_id, actor=SYSTEM):
                report.issued[level] += 1
        except ConflictError:
            # Someone handled the case at this very moment; the next tick looks again.
            report.conflicts += 1
            log.info("case %s changed while being checked; left for the next tick", case_id)
    return report
