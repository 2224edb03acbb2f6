"""Demo ratings of answered cases and of window services: mostly good, a plausible share of
差评 with rectifications in every state, some re-rated, some appealed (upheld and rejected).

Window services are recorded by the clerk who served, when they served; a visitor rates with the
code on the receipt, an enterprise signed in; many services are never rated at all."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from uuid import UUID

from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.case_rules import CaseStatus
from domain.rating_rules import VISITOR
from domain.rectification import Rectification
from infra.demo.run import DemoRun

LEVELS = ("very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied")
WEIGHTS = (44, 30, 12, 9, 5)
OUTCOMES = ("rectified", "partly_rectified", "explained", "not_substantiated")
OUTCOME_WEIGHTS = (60, 15, 15, 10)
PLANS = ("appeal_upheld", "appeal_rejected", "waiting", "rectifying")
BAD_REASONS = ("办理时间太长，多次催问才有回复", "窗口人员态度生硬", "要求重复提交材料")


WINDOW_ITEMS = (
    "营业执照变更登记",
    "社保参保登记",
    "发票申领",
    "不动产登记资料查询",
    "排污许可咨询",
)


def rate_cases(run: DemoRun, case_ids: list[UUID]) -> None:
    app, clock, rng = run.app, run.clock, run.rng
    for case_id in case_ids:
        case = app.case(case_id)
        answered = case.status in (CaseStatus.REPLIED, CaseStatus.CLOSED)
        if not answered or case.enterprise_id is None or rng.random() > 0.7:
            continue  # silence is "not rated": many services are never rated
        delivered = case.replied_at
        assert delivered is not None
        clock.now = delivered + timedelta(hours=rng.uniform(1, 120))
        if clock.now > run.end:
            continue
        level = rng.choices(LEVELS, weights=WEIGHTS)[0]
        rater = Actor(app.enterprise(case.enterprise_id).credit_code, Role.ENTERPRISE)
        bad = level in ("dissatisfied", "very_dissatisfied")
        saved = app.rate_case(
            case_id,
            level,
            actor=rater,
            real_name=rng.random() < 0.75,
            reason=rng.choice(BAD_REASONS) if bad else None,
        )
        run.summary.add("evaluations", saved.evaluation.id)
        if saved.rectification is not None:
            run.summary.add("rectifications", saved.rectification.id)
            unit = _unit_code(app, app.evaluation(saved.evaluation.id).unit_id, run)
            rectify(run, saved.evaluation.id, unit, rater)


def serve_at_windows(run: DemoRun, count: int) -> None:
    """``count`` window services over the year, each recorded by the clerk who gave it."""
    app, clock, people, rng = run.app, run.clock, run.people, run.rng
    calendar, tz = app.work_calendar(), app.policy.tz
    days = sorted(
        (run.end - timedelta(days=rng.uniform(2, 360))).astimezone(tz).date() for _ in range(count)
    )
    for day in days:
        if not calendar.is_working_day(day):
            continue
        unit = rng.choice(list(people.clerks))
        clerk = rng.choice(people.clerks[unit])
        enterprise = rng.choice(people.enterprises) if rng.random() < 0.4 else None
        clock.now = datetime.combine(day, time(9 + rng.randrange(8), rng.randrange(60)), tz)
        recorded = app.record_window_service(
            service_item=rng.choice(WINDOW_ITEMS), enterprise=enterprise, actor=clerk
        )
        run.summary.add("window_services", recorded.service.id)
        if rng.random() > 0.6 or not run.move(minutes=rng.uniform(2, 600)):
            continue
        level = rng.choices(LEVELS, weights=WEIGHTS)[0]
        bad = level in ("dissatisfied", "very_dissatisfied")
        reason = rng.choice(BAD_REASONS) if bad else None
        if enterprise is not None:
            rater, code = Actor(enterprise, Role.ENTERPRISE), None
            saved = app.rate_service(
                recorded.service.id,
                level,
                actor=rater,
                reason=reason,
                real_name=rng.random() < 0.75,
            )
        else:
            rater, code = VISITOR, recorded.rating_code
            saved = app.rate_service(
                recorded.service.id, level, actor=rater, reason=reason, real_name=False, code=code
            )
        run.summary.add("evaluations", saved.evaluation.id)
        if saved.rectification is not None:
            run.summary.add("rectifications", saved.rectification.id)
            rectify(run, saved.evaluation.id, unit, rater, code)


def rectify(
    run: DemoRun, evaluation_id: UUID, unit: str, rater: Actor, code: str | None = None
) -> None:
    """Take a 差评 through its rectification as far as time (and chance) allow.

    The first four 差评s follow fixed plans so every demo shows each state: an upheld appeal, a
    rejected one, a rectification waiting for its callback, and one still rectifying."""
    app, people, rng = run.app, run.people, run.rng
    plan = PLANS[run.summary.counts["rectifications"] - 1 :][:1] or ["chance"]
    rectification_id = Rectification.id_for(evaluation_id)
    clerk, head = people.clerks[unit][0], people.heads[unit]
    appeal_it = plan[0].startswith("appeal") or rng.random() < 0.25
    if appeal_it and run.move(hours=rng.uniform(2, 30)):
        appeal = app.appeal_rating(
            evaluation_id,
            rng.choice(("malicious", "mistaken")),
            "评价内容与事实不符，已提供办理记录",
            actor=head,
        )
        run.summary.add("appeals", appeal.id)
        if run.move(hours=rng.uniform(4, 48)):
            app.decide_appeal(
                appeal.id,
                upheld=plan[0] == "appeal_upheld" or (plan[0] == "chance" and rng.random() < 0.4),
                reason="经核查办理记录",
                actor=people.supervisors[1],
            )
    if plan[0] == "waiting" or rng.random() < 0.1 or not run.move(hours=rng.uniform(1, 6)):
        return  # left waiting for its callback
    rectification = app.rectification(rectification_id)
    if rectification.real_name:
        app.record_rectification_callback(
            rectification_id,
            reached=True,
            actor=clerk,
            complaint_verified=rng.random() < 0.7,
            note="电话回访评价人，核实情况",
        )
    else:
        app.record_rectification_verification(
            rectification_id,
            complaint_verified=True,
            note="匿名差评，调取办理记录核实",
            actor=clerk,
        )
    still = plan[0] == "rectifying" or rng.random() < 0.15
    takes = rng.uniform(24, 200) if rng.random() < 0.9 else rng.uniform(600, 900)  # some late
    if still or not run.move(hours=takes):
        return  # still rectifying
    app.record_rectification_measures(
        rectification_id, ["开展窗口服务规范培训", "优化材料清单一次性告知"], actor=head
    )
    app.complete_rectification(
        rectification_id,
        rng.choices(OUTCOMES, weights=OUTCOME_WEIGHTS)[0],
        "已整改并回复评价人",
        actor=head,
    )
    if rng.random() < 0.5 and run.move(hours=rng.uniform(2, 72)):
        app.rerate_service(
            evaluation_id,
            rng.choice(("satisfied", "basically_satisfied")),
            actor=rater,
            code=code,
        )


def _unit_code(app: Casetrail, unit_id: UUID | None, run: DemoRun) -> str:
    for code in run.people.clerks:
        if app.unit(code).id == unit_id:
            return code
    raise LookupError(f"unit {unit_id} is not in the demo directory")
