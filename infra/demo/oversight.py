"""Demo supervision orders, named circulars, accountability matters, and the lists and
rankings published for every finished period (which the 约谈 rule reads)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from uuid import UUID

from domain.actors import Actor
from domain.application import Casetrail
from domain.case_rules import CaseStatus
from domain.clock import add_working_days
from domain.directory import Window
from domain.periods import Period
from domain.publication import Kind, Publication
from infra.demo.people import Directory
from infra.demo.run import DemoRun
from infra.projections.log import EventLog
from infra.projections.runner import ProjectionRunner
from infra.publishing import Publisher
from projections.memory import MemoryViewStore
from projections.registry import all_projections

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


def publish_finished_periods(run: DemoRun, start: date) -> None:
    """Publish the lists of every quarter, and the ranking of every year, over since ``start``
    (on the third working day after each ended), from the figures of the record; then, on the
    latest lists that black-list anyone, two objections (one rejected, one upheld: a corrected
    edition) and a named circular citing the edition."""
    app, clock, end = run.app, run.clock, run.end
    store = MemoryViewStore()
    runner = ProjectionRunner(EventLog.of(app), store, all_projections())
    publisher = Publisher(app, store, catch_up=runner.catch_up)
    supervisor = run.people.supervisors[0]
    quarter = Period.parse(f"{start.year}-Q{(start.month - 1) // 3 + 1}")
    with_black: list[tuple[str, datetime]] = []
    while (published := _after(app, quarter)) <= end:
        clock.now = published
        publisher.publish(Kind.LISTS, quarter.name, actor=supervisor)
        run.summary.add("publications", Publication.id_for(Kind.LISTS, quarter.name))
        if _black(app, quarter.name):
            with_black.append((quarter.name, published))
        if quarter.after.month == 1:  # a year ended with this quarter
            year = str(quarter.first.year)
            clock.now += timedelta(hours=1)
            publisher.publish(Kind.RANKING, year, actor=supervisor)
            run.summary.add("publications", Publication.id_for(Kind.RANKING, year))
        quarter = quarter.following()
    if with_black:  # the latest lists that black-list someone draw an objection and a circular
        period, clock.now = with_black[-1]
        _object_and_circulate(run, publisher, period)


def _after(app: Casetrail, period: Period) -> datetime:
    """Publication time: 10:00 on the third working day after the period."""
    last_day = period.after - timedelta(days=1)
    day = add_working_days(app.work_calendar(), last_day, 3)
    return datetime.combine(day, time(10, 0), app.policy.tz)


def _black(app: Casetrail, period: str) -> list[tuple[str, str]]:
    """The black-listed lines of a period's latest lists: (dimension, member)."""
    return [
        (dimension, line["member"])
        for dimension, lines in app.publication(Kind.LISTS, period).latest["entries"].items()
        for line in lines
        if line["side"] == "black"
    ]


def _object_and_circulate(run: DemoRun, publisher: Publisher, period: str) -> None:
    app, people = run.app, run.people
    black = _black(app, period)
    supervisor = people.supervisors[0]
    for (dimension, member), upheld in zip(black, (False, True), strict=False):
        who, objector = _objector(app, people, dimension, member)
        if not run.move(days=1):
            return
        filed = app.object_to(
            Kind.LISTS, period, dimension, who, "本季度样本集中于个别企业，请予复核", actor=objector
        )
        if not run.move(days=1):
            return
        publisher.decide(
            Kind.LISTS,
            period,
            filed.number,
            upheld=upheld,
            reason="经复核，差评系同一企业集中所为，不予列入黑榜" if upheld else "样本符合规定",
            actor=supervisor,
        )
    named = [(d, _objector(app, people, d, m)[0]) for d, m in _black(app, period)]
    if named and run.move(hours=4):
        circular = app.publish_circular(
            title=f"{period}服务好差评红黑榜黑榜通报",
            source_kind="list",
            source_ref=period,
            subjects=[(kind, who, "列入本季度黑榜") for kind, who in named],
            actor=supervisor,
        )
        run.summary.add("circulars", circular.id)


def _objector(app: Casetrail, people: Directory, dimension: str, member: str) -> tuple[str, Actor]:
    """How the line is named, and who objects: the staff member, or the unit's head."""
    if dimension == "staff":
        return member, app.staff_actor(member)
    unit_id = UUID(member) if dimension == "unit" else app.load(Window, UUID(member)).unit_id
    code = next(c for c in people.clerks if app.unit(c).id == unit_id)
    who = code if dimension == "unit" else app.load(Window, UUID(member)).code
    return who, people.heads[code]


def _unit_of(app: Casetrail, people: Directory, case_id: UUID) -> str:
    lead = app.case(case_id).lead_unit_id
    return next(code for code in people.clerks if app.unit(code).id == lead)
