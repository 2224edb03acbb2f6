"""Key projects (重点项目): one leader, one task force, one plan; escalation and warnings."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID, uuid4

import pytest

from domain.actors import SYSTEM
from domain.application import Casetrail
from domain.errors import InvalidInputError, NotFoundError, NotPermittedError
from domain.refusals import ConcludedError, StepRefusedError
from tests.support.clock import CHINA, FakeClock
from tests.support.oversight_world import (
    CHEN,
    KEY_ENTERPRISE,
    LEADER,
    LI,
    OTHER_LEADER,
    SUN,
    ZHAO,
    oversight_app,
)

OPENED = datetime(2026, 9, 29, 9, 0, tzinfo=CHINA)  # Tuesday before National Day 2026


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(OPENED)


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    return oversight_app(clock)


def open_project(app: Casetrail) -> UUID:
    return app.open_project(
        title="新能源电池厂二期扩建",
        project_kind="construction",
        leader="county-01",
        targets=["年底前完成环评和施工许可", "明年二季度投产"],
        enterprise=KEY_ENTERPRISE,
        actor=CHEN,
    ).id


def planned(app: Casetrail, days: int = 4) -> UUID:
    project_id = open_project(app)
    app.set_task_force(project_id, ["li.na", "zhao.lei"], actor=LEADER)
    app.add_project_task(
        project_id,
        title="办理施工许可",
        responsible="li.na",
        standard="材料齐全当日受理，并联审批",
        working_days=days,
        actor=LEADER,
    )
    return project_id


def test_a_supervisor_opens_a_project_naming_one_leader_and_its_targets(app: Casetrail) -> None:
    state = app.project(open_project(app)).state()
    assert (state["leader"], state["status"], state["project_kind"]) == (
        "county-01", "planning", "construction",
    )
    assert state["targets"] == ["年底前完成环评和施工许可", "明年二季度投产"]
    assert state["enterprise_id"] == str(app.enterprise(KEY_ENTERPRISE).id)


def test_only_a_supervisor_or_admin_opens_and_the_leader_must_exist(app: Casetrail) -> None:
    with pytest.raises(NotPermittedError):
        app.open_project(
            title="x", project_kind="investment", leader="county-01", targets=["t"], actor=LI
        )
    with pytest.raises(NotFoundError):
        app.open_project(
            title="x", project_kind="investment", leader="nobody", targets=["t"], actor=CHEN
        )
    with pytest.raises(InvalidInputError) as refused:
        app.open_project(
            title="x", project_kind="investment", leader="county-01", targets=[" "], actor=CHEN
        )
    assert refused.value.code == "project.needs-target"


def test_a_tasks_deadline_skips_national_day_and_lands_on_the_make_up_day(
    app: Casetrail,
) -> None:
    task = app.project(planned(app, days=4)).task("T1")
    # From Tue 29 Sep: Wed 30 Sep, (1-7 Oct National Day), Thu 8, Fri 9, Sat 10 (make-up day).
    assert task["deadline"]["due"] == "2026-10-10"
    derivation = task["deadline"]["derivation"]
    skipped = [d["date"] for d in derivation["skipped_rest_days"]]
    assert skipped[:7] == [f"2026-10-0{d}" for d in range(1, 8)]
    assert derivation["make_up_working_days"] == [
        {"date": "2026-10-10", "reason": "make-up working day"}
    ]
    assert task["unit_id"] == str(app.unit("AMR").id)  # li.na's unit, from the task force


def test_the_responsibility_list_comes_from_the_tasks(app: Casetrail) -> None:
    project_id = planned(app)
    app.add_project_task(
        project_id, title="社保登记", responsible="zhao.lei", standard="一次办好",
        working_days=2, actor=CHEN,
    )
    who = [(r["task"], r["who"]) for r in app.project(project_id).responsibilities()]
    assert who == [("T1", "li.na"), ("T2", "zhao.lei")]


def test_a_task_needs_a_member_of_the_task_force_and_the_projects_own_leader(
    app: Casetrail,
) -> None:
    project_id = planned(app)
    with pytest.raises(InvalidInputError) as refused:
        app.add_project_task(
            project_id, title="x", responsible="sun.li", standard="y", working_days=2,
            actor=LEADER,
        )
    assert refused.value.code == "project.responsible-not-member"
    with pytest.raises(NotPermittedError):
        app.set_task_force(project_id, ["sun.li"], actor=OTHER_LEADER)
    with pytest.raises(InvalidInputError):  # li.na still answers for T1
        app.set_task_force(project_id, ["zhao.lei"], actor=LEADER)


def test_a_blocked_task_is_escalated_to_the_leader_who_answers_it(app: Casetrail) -> None:
    project_id = planned(app)
    app.report_task_progress(project_id, "T1", "材料已收齐", 40, actor=LI)
    app.block_project_task(project_id, "T1", "规划许可未下达，无法受理", actor=LI)
    project = app.project(project_id)
    assert project.status == "blocked"
    blocked = app.history(project_id)[-1]
    assert type(blocked).__name__ == "TaskBlocked"
    assert blocked.escalated_to == "county-01"  # type: ignore[attr-defined]
    with pytest.raises(StepRefusedError):
        app.complete_project_task(project_id, "T1", "done", actor=LI)
    with pytest.raises(NotPermittedError):
        app.answer_project_blockage(project_id, "T1", "协调", actor=OTHER_LEADER)
    with pytest.raises(NotPermittedError):
        app.answer_project_blockage(project_id, "T1", "协调", actor=CHEN)
    app.answer_project_blockage(project_id, "T1", "已协调规划局三日内下达许可", actor=LEADER)
    task = app.project(project_id).task("T1")
    assert task["status"] == "in_progress"
    assert task["blockages"][-1]["answer"] == "已协调规划局三日内下达许可"


def test_only_the_responsible_member_works_the_task(app: Casetrail) -> None:
    project_id = planned(app)
    with pytest.raises(NotPermittedError):
        app.report_task_progress(project_id, "T1", "x", 10, actor=ZHAO)
    with pytest.raises(NotPermittedError):
        app.complete_project_task(project_id, "T1", "x", actor=SUN)
    app.complete_project_task(project_id, "T1", "许可已发放", actor=LI)
    assert app.project(project_id).task("T1")["completed_late"] is False


def test_overdue_tasks_are_warned_like_cases_each_level_once(
    app: Casetrail, clock: FakeClock
) -> None:
    project_id = planned(app, days=4)  # due 24:00 Sat 10 Oct
    clock.now = datetime(2026, 9, 30, 10, 0, tzinfo=CHINA)
    assert app.issue_task_alerts(project_id, actor=SYSTEM) == []
    clock.now = datetime(2026, 10, 9, 10, 0, tzinfo=CHINA)  # one working day left
    assert app.issue_task_alerts(project_id, actor=SYSTEM) == [("T1", "yellow")]
    clock.now = datetime(2026, 10, 11, 10, 0, tzinfo=CHINA)
    assert app.issue_task_alerts(project_id, actor=SYSTEM) == [("T1", "red")]
    clock.now = datetime(2026, 10, 12, 10, 0, tzinfo=CHINA)  # the next working day
    assert app.issue_task_alerts(project_id, actor=SYSTEM) == [("T1", "reminder")]
    assert app.issue_task_alerts(project_id, actor=SYSTEM) == []
    clock.now += timedelta(days=14)
    assert app.issue_task_alerts(project_id, actor=SYSTEM) == [("T1", "criticism")]
    app.complete_project_task(project_id, "T1", "补办完成", actor=LI)
    assert app.project(project_id).task("T1")["completed_late"] is True


def test_a_done_task_and_a_closed_project_get_no_warnings(
    app: Casetrail, clock: FakeClock
) -> None:
    project_id = planned(app)
    app.complete_project_task(project_id, "T1", "完成", actor=LI)
    clock.now += timedelta(days=30)
    assert app.issue_task_alerts(project_id, actor=SYSTEM) == []


def test_cases_and_visits_link_by_id_and_unknown_ids_are_refused(app: Casetrail) -> None:
    project_id = planned(app)
    case_id = app.file_demand(
        case_type="help", channel="window", summary="施工许可咨询", actor=LI,
        filer_name="王先生",
    ).id
    app.link_to_project(project_id, "case", case_id, actor=LEADER)
    with pytest.raises(NotFoundError):
        app.link_to_project(project_id, "case", uuid4(), actor=LEADER)
    with pytest.raises(InvalidInputError):
        app.link_to_project(project_id, "case", case_id, actor=LI)
    with pytest.raises(NotPermittedError):
        app.link_to_project(project_id, "case", case_id, actor=SUN)
    assert [link["kind"] for link in app.project(project_id).links] == ["case"]


def test_the_leader_closes_with_an_outcome_achieved_only_when_every_task_is_done(
    app: Casetrail,
) -> None:
    project_id = planned(app)
    with pytest.raises(StepRefusedError) as refused:
        app.close_project(project_id, "achieved", "全部完成", actor=LEADER)
    assert refused.value.code == "project.achieved-needs-tasks-done"
    with pytest.raises(NotPermittedError):
        app.close_project(project_id, "partly_achieved", "x", actor=CHEN)
    app.close_project(project_id, "partly_achieved", "许可延后，转入下一批", actor=LEADER)
    with pytest.raises(ConcludedError):
        app.report_task_progress(project_id, "T1", "x", 10, actor=LI)
    assert app.project(project_id).state()["outcome"] == "partly_achieved"
