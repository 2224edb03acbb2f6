"""The projects read model and its board: counts the view store makes, stamped with the
project definitions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from domain.actors import SYSTEM
from domain.application import Casetrail
from projections.figures.context import Context
from projections.figures.projects import PROJECT_DEFINITIONS, project_board
from projections.memory import MemoryViewStore
from projections.projects import ProjectProjection
from projections.query import Filter
from tests.support.clock import CHINA, FakeClock
from tests.support.oversight_world import CHEN, LEADER, LI, ZHAO, oversight_app
from tests.support.views import project

PROJECTION = ProjectProjection()


class Read:
    """The read side's counting, over one memory store."""

    def __init__(self, store: MemoryViewStore) -> None:
        self.store = store

    def counts(
        self, name: str, table: str, by: tuple[str, ...], where: Filter | None = None,
        labels: Mapping[str, Filter] | None = None,
    ) -> dict[tuple[Any, ...], int]:
        return self.store.counts(PROJECTION.table(table), by, where, labels)

    def count(self, name: str, table: str, where: Filter | None = None) -> int:
        return self.store.count(PROJECTION.table(table), where)


def city(clock: FakeClock) -> Casetrail:
    app = oversight_app(clock)
    for title, leader in (("电池厂扩建", "county-01"), ("物流园招商", "county-02")):
        project_id = app.open_project(
            title=title, project_kind="investment", leader=leader, targets=["年内签约"],
            actor=CHEN,
        ).id
        app.set_task_force(project_id, ["li.na", "zhao.lei"], actor=CHEN)
        for who, days in (("li.na", 2), ("zhao.lei", 10)):
            app.add_project_task(
                project_id, title=f"{who} 的任务", responsible=who, standard="按期办结",
                working_days=days, actor=CHEN,
            )
    return app


def test_the_board_counts_projects_tasks_overdue_by_unit_and_person() -> None:
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=CHINA))  # Monday
    app = city(clock)
    first = next(iter(app.iter_ids(["domain.project:Project.Opened"])))
    app.complete_project_task(first, "T2", "提前完成", actor=ZHAO)
    app.block_project_task(first, "T1", "土地指标未落实", actor=LI)
    clock.now += timedelta(days=5)  # Sat 7 March: the 2-day tasks ended Wed 4 March
    for project_id in app.iter_ids(["domain.project:Project.Opened"]):
        app.issue_task_alerts(project_id, actor=SYSTEM)
    store = project(app, PROJECTION)
    ctx = Context(app.now(), app.work_calendar(), app.policy, 99)
    board = project_board(Read(store), ctx)
    assert board.by_state == {"planning": 0, "under_way": 1, "blocked": 1, "closed": 0}
    amr, hrs = str(app.unit("AMR").id), str(app.unit("HRS").id)
    assert board.overdue_by_unit == {amr: 2}
    assert board.overdue_by_person == {"li.na": 2}
    assert (board.running_tasks, board.overdue_tasks, board.blocked_tasks) == (3, 2, 1)
    assert (board.done_tasks, board.done_on_time, board.on_time_rate) == (1, 1, 1.0)
    assert board.by_leader == {"county-01": {"blocked": 1}, "county-02": {"under_way": 1}}
    assert board.stamp["definitions"] == PROJECT_DEFINITIONS
    assert board.stamp["position"] == 99
    tasks = store.rows(PROJECTION.table("project_tasks"))
    rows = {(r["project_id"], r["task_id"]): r for r in tasks}
    # Due Wed 4 March: red on Thursday, and 催办 (the next working day) by Saturday.
    assert rows[(str(first), "T1")]["last_alert"] == "reminder"
    assert hrs not in board.overdue_by_unit


def test_a_closed_projects_tasks_leave_the_running_and_overdue_counts() -> None:
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=CHINA))
    app = city(clock)
    for project_id in app.iter_ids(["domain.project:Project.Opened"]):
        leader = LEADER if app.project(project_id).leader == LEADER.id else None
        if leader is not None:
            app.close_project(project_id, "not_achieved", "企业撤回投资", actor=leader)
    clock.now += timedelta(days=30)
    board = project_board(Read(project(app, PROJECTION)), Context(
        app.now(), app.work_calendar(), app.policy))
    assert board.by_state["closed"] == 1
    assert (board.running_tasks, board.overdue_tasks) == (2, 2)
