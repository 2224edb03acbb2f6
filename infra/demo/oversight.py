"""Demo supervision orders, named circulars, accountability matters and ranking triggers."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from domain.actors import SYSTEM
from domain.application import Casetrail
from domain.case_rules import CaseStatus
from infra.demo.people import Directory
from infra.demo.run import DemoRun

CLASSIFICATIONS = (
    (
        {
            "inexperience_vs_knowing": "lenient",
            "experiment_vs_ban": "lenient",
            "development_vs_private_gain": "lenient",
        },
        "exemption",
        "改革探索中的失误，符合容错情形",
    ),
    (
        {
            "inexperience_vs_knowing": "lenient",
            "experiment_vs_ban": "lenient",
            "development_vs_private_gain": "strict",
        },
        "criticism_education",
        "工作不细致，批评教育",
    ),
    (
        {
            "inexperience_vs_knowing": "strict",
            "experiment_vs_ban": "lenient",
            "development_vs_private_gain": "lenient",
        },
        "ordered_rectification",
        "明知故犯，责令整改",
    ),
    (
        {
            "inexperience_vs_knowing": "strict",
            "experiment_vs_ban": "strict",
            "development_vs_private_gain": "strict",
        },
        "organisational_handling",
        "顶风违纪，组织处理",
    ),
)


def supervise(run: DemoRun, case_ids: list[UUID]) -> None:
    app, clock, people, end, summary = run.app, run.clock, run.people, run.end, run.summary
    supervisor = people.supervisors[0]
    overdue = [
        c
        for c in case_ids
        if app.case(c).is_open
        and app.case(c).status != CaseStatus.PAUSED
        and app.case(c).deadline.due_at < end - timedelta(days=7)
        and app.case(c).lead_unit_id is not None
    ]
    for index, case_id in enumerate(overdue[:6]):
        clock.now = app.case(case_id).deadline.due_at + timedelta(days=2, hours=2)
        order = app.supervise_case(
            case_id,
            instruction="该件已超期，请立即办理并报告进展",
            required_response="办理进展及超期原因",
            working_days=3,
            actor=supervisor,
        )
        summary.add("supervisions", order.id)
        if index % 3 != 2:
            clock.now += timedelta(days=1)
            unit = _unit_of(app, people, case_id)
            app.respond_to_supervision(
                order.id, "已组织专人办理，预计三日内办结", actor=people.heads[unit]
            )
            if index % 3 == 0:
                clock.now += timedelta(hours=3)
                app.close_supervision(order.id, "已按要求报告", actor=supervisor)
    clock.now = end - timedelta(days=20)
    order = app.supervise_unit(
        "ECO",
        instruction="本季度差评率偏高，请开展专项整改",
        required_response="整改方案",
        working_days=10,
        actor=supervisor,
    )
    summary.add("supervisions", order.id)
    clock.now = end - timedelta(days=10)
    circular = app.publish_circular(
        title="关于部分窗口超期办件情况的通报",
        source_kind="board",
        source_ref="限时办结看板",
        subjects=[
            ("unit", "ECO", "超期件数居全县首位"),
            ("staff", people.clerks["ECO"][0].id, "两件投诉超期未办结"),
        ],
        actor=supervisor,
    )
    summary.add("circulars", circular.id)


def hold_accountable(run: DemoRun, case_ids: list[UUID]) -> None:
    app, clock, people, end, summary = run.app, run.clock, run.people, run.end, run.summary
    inspector = people.inspectors[0]
    subjects = [
        ("case", str(case_ids[3])),
        ("staff", people.clerks["ECO"][0].id),
        ("unit", "HUD"),
        ("staff", people.clerks["TAX"][1].id),
    ]
    for index, ((kind, subject), (classes, outcome, reason)) in enumerate(
        zip(subjects, CLASSIFICATIONS, strict=True)
    ):
        clock.now = end - timedelta(days=60 - index * 10)
        matter = app.open_accountability_matter(
            subject_kind=kind,
            subject=subject,
            allegation="群众反映办事推诿、超期",
            source="12345热线转办",
            actor=inspector,
        )
        summary.add("accountability_matters", matter.id)
        clock.now += timedelta(days=3)
        app.record_accountability_findings(matter.id, "调阅办理记录并约谈相关人员", actor=inspector)
        clock.now += timedelta(days=2)
        app.classify_accountability_matter(
            matter.id, classes, "依据三个区分开来综合研判", actor=inspector
        )
        clock.now += timedelta(days=2)
        app.decide_accountability_outcome(matter.id, outcome, reason, actor=inspector)
    clock.now = end - timedelta(days=5)
    cleared = app.open_accountability_matter(
        subject_kind="staff",
        subject=people.clerks["AMR"][1].id,
        allegation="匿名举报收受礼品",
        actor=inspector,
    )
    summary.add("accountability_matters", cleared.id)
    clock.now += timedelta(days=2)
    app.record_accountability_findings(cleared.id, "经查举报不实", actor=inspector)
    app.clear_accountability_subject(
        cleared.id, "经核查，举报内容不属实，予以澄清正名", actor=inspector
    )


def rank_units(run: DemoRun) -> None:
    """Two years of assessment results: ECO last both years, which triggers a formal talk."""
    app, clock, people, end = run.app, run.clock, run.people, run.end
    year = end.astimezone(app.policy.tz).year
    for offset, period in enumerate((str(year - 2), str(year - 1))):
        clock.now = end - timedelta(days=300 - offset * 200)
        for code in people.clerks:
            app.record_ranking_result(
                code, period, bottom=code == "ECO", actor=SYSTEM, source=f"{period}年度考核"
            )


def _unit_of(app: Casetrail, people: Directory, case_id: UUID) -> str:
    lead = app.case(case_id).lead_unit_id
    return next(code for code in people.clerks if app.unit(code).id == lead)
