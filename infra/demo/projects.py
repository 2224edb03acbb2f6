"""Demo key projects (重点项目): one closed as achieved, one under way with a task blocked and
escalated to its leader and a task overdue (warned by the watcher), and an enterprise's problem
just planned and in progress. Linked to a demo case and a demo visit."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from uuid import UUID

from domain.actors import SYSTEM, Actor, Role
from infra.demo.run import DemoRun

Plan = tuple[str, str, str, int]
"""(task, responsible login, work standard, working days)."""


def run_projects(run: DemoRun, case_ids: list[UUID]) -> None:
    """Three projects opened over the last months before the demo's end."""
    people = run.people
    enterprises = people.key_enterprises or people.enterprises
    supervisor = people.supervisors[0]
    built = _project(
        run,
        opened=120,
        title="华创精密制造二期厂房扩建",
        kind="construction",
        leader="L-COUNTY2",
        enterprise=enterprises[0],
        targets=["三个月内取得规划、施工和环评许可", "年内主体结构封顶"],
        plan=[
            ("办理建设用地规划许可", "nrp.clerk1", "材料齐全当日受理，十个工作日内发证", 10),
            ("办理建筑工程施工许可", "hud.clerk1", "并联审批，一次告知所需材料", 15),
            ("环境影响评价批复", "eco.clerk1", "提前介入指导，按时批复", 20),
        ],
        supervisor=supervisor,
    )
    for task, who in (("T1", "nrp.clerk1"), ("T2", "hud.clerk1"), ("T3", "eco.clerk1")):
        if not run.move(days=7):
            return
        run.app.report_task_progress(built, task, "已受理，正在审查", 50, actor=_clerk(who))
        run.move(days=5)
        run.app.complete_project_task(built, task, "已按期办结，证照已送达企业", actor=_clerk(who))
        run.summary.add("project_tasks_done", built)
    if run.move(days=3):
        run.app.close_project(
            built, "achieved", "三项许可全部按期办结，项目已开工建设",
            actor=Actor("L-COUNTY2", Role.LEADER),
        )

    invested = _project(
        run,
        opened=40,
        title="远航新能源储能电站投资项目",
        kind="investment",
        leader="L-COUNTY1",
        enterprise=enterprises[min(1, len(enterprises) - 1)],
        targets=["一个月内完成备案和用地预审", "年底前签订投资协议"],
        plan=[
            ("项目备案", "drc.clerk1", "网上办理，三个工作日内备案", 5),
            ("用地预审与选址意见", "nrp.clerk2", "提前对接规划，一次办好", 30),
            ("节能审查", "eco.clerk2", "按标准审查，不增加额外材料", 8),
        ],
        supervisor=supervisor,
    )
    run.move(days=3)
    run.app.complete_project_task(invested, "T1", "已完成备案", actor=_clerk("drc.clerk1"))
    run.summary.add("project_tasks_done", invested)
    run.move(days=4)
    run.app.report_task_progress(
        invested, "T2", "选址涉及基本农田，需调整方案", 30, actor=_clerk("nrp.clerk2")
    )
    run.move(days=2)
    run.app.block_project_task(
        invested, "T2", "选址涉及基本农田，需县政府协调调整用地方案", actor=_clerk("nrp.clerk2")
    )
    run.summary.add("project_tasks_blocked", invested)
    run.app.report_task_progress(invested, "T3", "已收到材料", 20, actor=_clerk("eco.clerk2"))

    raised = _project(
        run,
        opened=10,
        title="海川物流反映：员工社保补缴与税费核定",
        kind="enterprise_problem",
        leader="L-HRSS",
        enterprise=people.enterprises[2 % len(people.enterprises)],
        targets=["十个工作日内答复企业", "完成社保补缴核定"],
        plan=[
            ("社保补缴核定", "hrss.clerk1", "上门服务，一次讲清政策", 10),
            ("税费政策辅导", "tax.clerk1", "点对点辅导，当场答疑", 12),
        ],
        supervisor=supervisor,
    )
    run.move(days=3)
    run.app.report_task_progress(
        raised, "T1", "已上门核对用工名册", 40, actor=_clerk("hrss.clerk1")
    )
    if case_ids:
        run.app.link_to_project(raised, "case", case_ids[-1], actor=supervisor)
    if run.summary.samples.get("visits"):
        run.app.link_to_project(
            invested, "visit", UUID(run.summary.samples["visits"]), actor=supervisor
        )
    run.clock.now = run.end
    for project_id in (invested, raised):
        run.app.issue_task_alerts(project_id, actor=SYSTEM)
    for project_id in (built, invested, raised):
        project = run.app.project(project_id)
        overdue = [t for t in project.running_tasks() if "red" in t["alerts"]]
        for _ in overdue:
            run.summary.add("project_tasks_overdue", project_id)


def _project(
    run: DemoRun,
    *,
    opened: int,
    title: str,
    kind: str,
    leader: str,
    enterprise: str,
    targets: list[str],
    plan: list[Plan],
    supervisor: Actor,
) -> UUID:
    app = run.app
    run.clock.now = _working_morning(run, run.end - timedelta(days=opened))
    project_id = app.open_project(
        title=title,
        project_kind=kind,
        leader=leader,
        targets=targets,
        enterprise=enterprise,
        actor=supervisor,
    ).id
    run.summary.add("projects", project_id)
    leader_actor = Actor(leader, Role.LEADER)
    run.clock.now += timedelta(hours=2)
    app.set_task_force(project_id, [who for _, who, _, _ in plan], actor=leader_actor)
    for task, who, standard, days in plan:
        app.add_project_task(
            project_id,
            title=task,
            responsible=who,
            standard=standard,
            working_days=days,
            actor=leader_actor,
        )
        run.summary.add("project_tasks", project_id)
    return project_id


def _working_morning(run: DemoRun, when: datetime) -> datetime:
    tz = run.app.policy.tz
    calendar, day = run.app.work_calendar(), when.astimezone(tz).date()
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return datetime.combine(day, time(10, 0), tz)


def _clerk(login: str) -> Actor:
    return Actor(login, Role.WINDOW_STAFF)


