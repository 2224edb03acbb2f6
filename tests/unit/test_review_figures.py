"""Review scores, red/black lists, the ranking and leader coverage on hand-counted histories.

June 2026, unit AMR (clerk li.na closes five cases), unit HRS (clerk zhao.lei at a window):
  R1 very satisfied, R2 satisfied (real name);
  R3 dissatisfied, real name: called back, rectified, then re-rated satisfied;
  R4 very dissatisfied, anonymous: the unit's appeal is upheld, so it is excluded;
  case 5 is never rated;
  R5 a window service of HRS rated basically satisfied.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from uuid import UUID

import pytest

from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.policy import ListPolicy
from domain.rectification import Rectification
from projections.base import Projection
from projections.cases import CaseProjection
from projections.directory import DirectoryProjection
from projections.engagement import EngagementProjection
from projections.figures.context import Context
from projections.figures.coverage import coverage, monthly_quota
from projections.figures.facts import Facts
from projections.figures.lists import red_black_lists
from projections.figures.periods import Period
from projections.figures.ranking import annual_ranking
from projections.figures.rates import Rate
from projections.figures.reviews import review_rates, review_rates_by
from projections.reviews import ReviewProjection
from tests.support.app import ADMIN, memory_app, seed_directory
from tests.support.clock import CHINA, FakeClock
from tests.support.oversight_world import window_service
from tests.support.views import project

LI = Actor("li.na", Role.WINDOW_STAFF)
WANG = Actor("wang.qiang", Role.UNIT_HEAD)
CHEN = Actor("chen.jie", Role.SUPERVISOR)
ENTERPRISE = Actor("91440300MA5EXAMPLE", Role.ENTERPRISE)
JUNE = Period.parse("2026-06")


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"2026-{day}T{hour:02d}:00").replace(tzinfo=CHINA)


def closed_case(app: Casetrail, clock: FakeClock, day: str) -> UUID:
    clock.set(at(day, 9))
    case_id = app.file_demand(
        case_type="help",
        channel="window",
        summary="求助",
        actor=LI,
        filer_name="张先生",
        enterprise_id=app.enterprise("91440300MA5EXAMPLE").id,
    ).id
    app.dispatch(case_id, "AMR", actor=LI)
    app.sign_for(case_id, actor=LI)
    clock.set(at(day, 15))
    app.reply(case_id, "已办理", actor=LI)
    app.close_case(case_id, "solved", "办结", actor=LI)
    return case_id


def facts_of(app: Casetrail) -> Facts:
    def rows(projection: Projection, table: str) -> list[dict[str, object]]:
        return project(app, projection).rows(projection.table(table))

    return Facts(
        cases=rows(CaseProjection(), "cases"),
        services=rows(ReviewProjection(), "services"),
        evaluations=rows(ReviewProjection(), "evaluations"),
        rectifications=rows(ReviewProjection(), "rectifications"),
        units=rows(DirectoryProjection(), "units"),
        staff=rows(DirectoryProjection(), "staff"),
        leaders=rows(DirectoryProjection(), "leaders"),
        enterprises=rows(DirectoryProjection(), "enterprises"),
        leader_links=rows(EngagementProjection(), "leader_links"),
        visits=rows(EngagementProjection(), "visits"),
        visit_findings=rows(EngagementProjection(), "visit_findings"),
    )


@pytest.fixture
def june() -> tuple[Facts, Context]:
    clock = FakeClock(at("05-20"))
    app = memory_app(clock)
    seed_directory(app)
    r1, r2, r3, r4, _unrated = (
        closed_case(app, clock, d) for d in ("06-01", "06-02", "06-03", "06-04", "06-05")
    )
    clock.set(at("06-08"))
    app.rate_case(r1, "very_satisfied", actor=ENTERPRISE)
    app.rate_case(r2, "satisfied", actor=ENTERPRISE)
    bad = app.rate_case(r3, "dissatisfied", actor=ENTERPRISE, reason="办理太慢")
    excluded = app.rate_case(
        r4, "very_dissatisfied", actor=ENTERPRISE, reason="态度差", real_name=False
    )
    window = window_service(app, at("06-08", 9), staff="zhao.lei")
    app.rate_service(window, "basically_satisfied", actor=ENTERPRISE)
    clock.set(at("06-09"))
    appeal = app.appeal_rating(
        excluded.evaluation.id, "mistaken", "该企业未在本窗口办理", actor=WANG
    )
    app.decide_appeal(appeal.id, upheld=True, reason="经核实评价对象错误", actor=CHEN)
    rect = Rectification.id_for(bad.evaluation.id)
    app.record_rectification_callback(rect, reached=True, actor=LI, complaint_verified=True)
    clock.set(at("06-12"))
    app.record_rectification_measures(rect, ["优化办理流程"], actor=WANG)
    app.complete_rectification(rect, "rectified", "已整改", actor=WANG)
    clock.set(at("06-13"))
    app.rerate_service(bad.evaluation.id, "satisfied", actor=ENTERPRISE)
    clock.set(at("07-01"))
    return facts_of(app), Context(clock.now, app.work_calendar(), app.policy)


def counts(rates: Mapping[str, Rate]) -> dict[str, tuple[int, int]]:
    return {k: (r.numerator, r.denominator) for k, r in rates.items()}


def test_review_rates_of_june_match_the_hand_count(june: tuple[Facts, Context]) -> None:
    facts, ctx = june
    assert counts(review_rates(facts, JUNE, ctx)) == {
        "good_review_rate": (3, 4),  # R1, R2, R3 (re-rated) of R1, R2, R3, R5; R4 excluded
        "bad_review_rate": (0, 4),  # R3 no longer counts as 差评 once re-rated
        "rectification_rate": (1, 1),  # the original 差评 R3 was rectified, on time
        "real_name_callback_rate": (1, 1),  # R3 was real-name and reached by phone
        "active_rating_rate": (4, 6),  # R1, R2, R3, R5 of six services (five answers, R5)
        "rectification_partly_rate": (0, 1),
        "rectification_explained_rate": (0, 1),
        "rectification_not_substantiated_rate": (0, 1),
        "rectification_late_rate": (0, 1),
        "rectification_open_rate": (0, 1),
    }


def test_the_first_definitions_still_reproduce_their_figures(june: tuple[Facts, Context]) -> None:
    facts, ctx = june
    first = replace(ctx, definitions="metrics-2026.1")
    assert counts(review_rates(facts, JUNE, first)) == {
        "good_review_rate": (3, 4),
        "bad_review_rate": (0, 4),
        "rectification_rate": (1, 1),  # any completed rectification counted then
        "real_name_callback_rate": (1, 1),
        "active_rating_rate": (3, 5),  # R1, R2, R3 of five closed cases (R4 excluded)
    }
    assert first.stamp()["definitions"] == "metrics-2026.1"


def test_review_rates_per_unit(june: tuple[Facts, Context]) -> None:
    facts, ctx = june
    by_unit = review_rates_by("unit", facts, JUNE, ctx)
    units = {str(u["id"]): u["code"] for u in facts.units}
    named = {units.get(k, k): counts(v)["good_review_rate"] for k, v in by_unit.items()}
    assert named == {"AMR": (3, 3), "HRS": (0, 1)}


def test_red_and_black_lists_never_name_anyone_twice(june: tuple[Facts, Context]) -> None:
    facts, ctx = june
    small = replace(ctx, policy=replace(ctx.policy, lists=ListPolicy(1, 1, 1, 5)))
    lists = red_black_lists("staff", facts, JUNE, small)
    assert [x.member for x in lists.red] == ["li.na"]
    assert [x.member for x in lists.black] == ["zhao.lei"]
    roomy = replace(ctx, policy=replace(ctx.policy, lists=ListPolicy(3, 3, 1, 5)))
    both = red_black_lists("staff", facts, JUNE, roomy)
    assert [x.member for x in both.red] == ["li.na"]  # zhao.lei (0 %) is below the red floor
    assert [x.member for x in both.black] == ["zhao.lei"]
    first = red_black_lists("staff", facts, JUNE, replace(roomy, definitions="metrics-2026.1"))
    assert [x.member for x in first.red] == ["li.na", "zhao.lei"]  # as metrics-2026.1 had it
    assert first.black == []
    strict = red_black_lists("staff", facts, JUNE, ctx)  # shipped policy: 5 ratings needed
    assert (strict.red, strict.black, strict.eligible) == ([], [], 0)


def test_the_ranking_weights_rates_and_leaves_thin_units_unranked(
    june: tuple[Facts, Context],
) -> None:
    facts, ctx = june
    loose = replace(ctx, policy=replace(ctx.policy, lists=ListPolicy(3, 3, 1, 5)))
    ranking = {r.unit_id: r for r in annual_ranking(facts, Period.parse("2026"), loose)}
    units = {u["code"]: str(u["id"]) for u in facts.units}
    amr, hrs = ranking[units["AMR"]], ranking[units["HRS"]]
    # AMR: on time 5/5 x 0.4 + good 3/3 x 0.3 + rectified 1/1 x 0.2 - returns 0/5 x 0.1 = 0.9
    assert (amr.rank, amr.composite, amr.sample) == (1, 0.9, 5)
    assert (hrs.rank, hrs.composite) == (None, None)  # no handled cases: unranked


def test_leader_coverage_and_monthly_quota() -> None:
    clock = FakeClock(at("05-20"))
    app = memory_app(clock)
    seed_directory(app)
    app.register_enterprise("KEY-2", "第二重点企业", key_enterprise=True, actor=ADMIN)
    app.register_enterprise("KEY-1", "第一重点企业", key_enterprise=True, actor=ADMIN)
    app.appoint_leader("L1", "县长甲", "县长", "county", actor=ADMIN)
    app.appoint_leader("L2", "局长乙", "局长", "department", unit_code="AMR", actor=ADMIN)
    app.link_leader("L1", "KEY-1", actor=ADMIN)
    county, chief = Actor("L1", Role.LEADER), Actor("L2", Role.LEADER)
    clock.set(at("06-10", 17))
    visit = app.record_visit(
        kind="visit",
        place="厂区",
        started_at=at("06-10", 9),
        duration=4,
        enterprise="KEY-1",
        findings=["用电难", "招工难"],
        actor=county,
    )
    case_id = app.open_case_from_finding(visit.id, 1, "help", actor=county).id
    app.resolve_finding_on_site(visit.id, 2, "现场协调", actor=county)
    clock.set(at("06-18", 17))
    app.record_visit(
        kind="front_line_week",
        place="窗口",
        started_at=at("06-15", 9),
        duration=3,
        duration_unit="days",
        actor=chief,
    )
    app.receive(case_id, actor=LI)
    app.answer_directly(case_id, "已协调供电公司", actor=LI)
    app.close_case(case_id, "solved", "已解决", actor=LI)
    facts = facts_of(app)
    leaders = {str(row["id"]): row["code"] for row in facts.leaders}
    enterprises = {str(row["id"]): row["credit_code"] for row in facts.enterprises}
    found = coverage(facts)
    assert [leaders[x] for x in found.leaders_without_enterprise] == ["L2"]
    assert [enterprises[x] for x in found.key_enterprises_without_leader] == ["KEY-2"]
    assert (found.key_enterprises, found.covered_key_enterprises) == (2, 1)
    ctx = Context(at("07-01"), app.work_calendar(), app.policy)
    quota = {leaders[q.leader_id]: q for q in monthly_quota(facts, JUNE, ctx)}
    assert (quota["L1"].visits, quota["L1"].met) == (1, True)  # 1 visit needed
    assert (quota["L2"].days, quota["L2"].met) == (3.0, False)  # 5 front-line days needed
    assert (quota["L1"].findings, quota["L1"].cases_opened, quota["L1"].solved) == (2, 1, 2)
