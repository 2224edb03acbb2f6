"""Stationed staff's coverage, front-line days beside the visit quota, and the secondments
roster, counted from the read models over hand-counted histories (April-May 2026)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from domain.actors import Actor, Role
from domain.application import Casetrail
from infra.figures import Figures
from projections.figures.context import Context
from projections.figures.coverage import monthly_quota
from projections.figures.periods import Period
from projections.stationed import StationedProjection
from tests.support.app import ADMIN, memory_app, seed_directory
from tests.support.clock import CHINA, FakeClock
from tests.support.views import all_views

LI = Actor("li.na", Role.WINDOW_STAFF)
ZHAO = Actor("zhao.lei", Role.WINDOW_STAFF)
CHIEF = Actor("L2", Role.LEADER)
COUNTY = Actor("L1", Role.LEADER)
KEY1 = Actor("KEY-1", Role.ENTERPRISE)


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"2026-{day}T{hour:02d}:00").replace(tzinfo=CHINA)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(at("04-01", 9))


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    """KEY-1 has li.na stationed, KEY-2 zhao.lei, KEY-3 nobody."""
    app = memory_app(clock)
    seed_directory(app)
    for code in ("KEY-1", "KEY-2", "KEY-3"):
        app.register_enterprise(code, f"重点企业{code}", key_enterprise=True, actor=ADMIN)
    app.appoint_leader("L1", "县长甲", "县长", "county", actor=ADMIN)
    app.appoint_leader("L2", "局长乙", "局长", "department", unit_code="AMR", actor=ADMIN)
    app.station_staff("li.na", "KEY-1", actor=ADMIN)
    app.station_staff("zhao.lei", "KEY-2", actor=ADMIN)
    return app


def figures(app: Casetrail, month: str, now: datetime) -> dict[str, object]:
    return Figures(app, all_views(app)).coverage(month, now)


def test_coverage_shows_key_enterprises_without_staff_or_without_activity_this_month(
    app: Casetrail, clock: FakeClock
) -> None:
    clock.set(at("04-20", 17))
    app.record_stationed_activity(
        "KEY-1",
        kind="policy_explained",
        description="讲解政策",
        happened_on=date(2026, 4, 2),
        actor=LI,
    )
    problem = app.record_stationed_activity(
        "KEY-1", kind="problem_taken_up", description="用地手续", actor=LI
    ).id
    app.open_case_from_activity(problem, "help", actor=LI)
    disputed = app.record_stationed_activity(
        "KEY-2", kind="service_provided", description="代办", actor=ZHAO
    ).id
    app.answer_stationed_activity(
        disputed, confirmed=False, note="没有此事", actor=Actor("KEY-2", Role.ENTERPRISE)
    )
    app.record_stationed_activity(
        "KEY-2",
        kind="service_provided",
        description="三月的服务",
        happened_on=date(2026, 3, 31),
        actor=ZHAO,
    )
    found = figures(app, "2026-04", at("04-30", 17))
    ids = {str(app.enterprise(c).id): c for c in ("KEY-1", "KEY-2", "KEY-3")}
    stationed = found["stationed"]
    assert isinstance(stationed, dict)
    assert [ids[e] for e in stationed["without_staff"]] == ["KEY-3"]
    # KEY-2's only April activity was disputed; its March one is March's.
    assert sorted(ids[e] for e in stationed["without_activity"]) == ["KEY-2", "KEY-3"]
    assert stationed["activities"] == {
        "policy_explained": 1,
        "service_provided": 1,
        "problem_taken_up": 1,
    }
    assert (stationed["disputed"], stationed["cases_opened"]) == (1, 1)
    assert stationed["definitions"] == "stationed-2026.1"
    # 2 April, recorded on the 20th, is past its three working days (8 April): kept, counted
    # beside, and KEY-1's coverage rests on its activity of the 20th.
    assert stationed["late"] == 1
    march = figures(app, "2026-03", at("04-30", 17))["stationed"]
    assert isinstance(march, dict)
    # KEY-2's only March activity was entered on 20 April: too late to fill March.
    assert (march["activities"]["service_provided"], march["late"]) == (1, 1)
    assert sorted(ids[e] for e in march["without_activity"]) == ["KEY-1", "KEY-2", "KEY-3"]


def test_front_line_days_are_counted_in_working_days_per_month_beside_the_visits(
    app: Casetrail, clock: FakeClock
) -> None:
    """L2 spends 3-9 April on the front line (清明 4-6 April: 4 working days) and 28 April -
    8 May (劳动节 from 1 May: 28-30 April count in April, the working days of 6-8 May in May)."""
    clock.set(at("04-10", 17))
    app.record_visit(
        kind="front_line_week",
        place="政务服务中心",
        started_at=at("04-03", 9),
        duration=1,
        ended_on=date(2026, 4, 9),
        actor=CHIEF,
    )
    clock.set(at("05-08", 17))
    app.record_visit(
        kind="front_line_week",
        place="政务服务中心",
        started_at=at("04-28", 9),
        duration=1,
        ended_on=date(2026, 5, 8),
        actor=CHIEF,
    )
    app.record_visit(
        kind="visit",
        place="厂区",
        started_at=at("05-08", 9),
        duration=2,
        actor=COUNTY,
    )
    views = all_views(app)
    facts, _ = Figures(app, views).context(at("05-31", 17))
    ctx = Context(at("05-31", 17), app.work_calendar(), app.policy)
    calendar = app.work_calendar()
    may_days = sum(1 for d in range(6, 9) if calendar.rest_reason(date(2026, 5, d)) is None)
    april = {q.leader_id: q for q in monthly_quota(facts, Period.parse("2026-04"), ctx)}
    may = {q.leader_id: q for q in monthly_quota(facts, Period.parse("2026-05"), ctx)}
    chief, county = str(app.leader("L2").id), str(app.leader("L1").id)
    assert april[chief].front_line_days == 4 + 3
    assert (april[chief].days, april[chief].met) == (7.0, True)
    assert may[chief].front_line_days == may_days
    assert may[chief].front_line_required == 5.0
    assert (may[county].visits, may[county].met, may[county].front_line_days) == (1, True, 0.0)


def test_the_roster_shows_who_is_where_on_a_day(app: Casetrail, clock: FakeClock) -> None:
    clock.set(at("04-20", 17))
    cadre = app.arrange_secondment(
        person="周强",
        direction="cadre_to_enterprise",
        home="AMR",
        host="KEY-1",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 9, 1),
        actor=ADMIN,
    ).id
    recalled = app.arrange_secondment(
        person="钱华",
        direction="enterprise_to_department",
        home="KEY-2",
        host="HRS",
        starts_on=date(2026, 1, 5),
        ends_on=date(2026, 7, 5),
        actor=ADMIN,
    ).id
    app.arrange_secondment(
        person="孙明",
        direction="cadre_to_enterprise",
        home="HRS",
        host="KEY-3",
        starts_on=date(2026, 5, 1),
        ends_on=date(2026, 11, 1),
        actor=ADMIN,
    )
    app.end_secondment_early(recalled, date(2026, 4, 15), "企业召回", actor=ADMIN)
    figures_now = Figures(app, all_views(app))
    on_20_april = figures_now.roster(date(2026, 4, 20))["secondments"]
    assert [r["person"] for r in on_20_april] == ["周强"]
    assert str(on_20_april[0]["id"]) == str(cadre)
    on_10_april = figures_now.roster(date(2026, 4, 10))["secondments"]
    assert sorted(r["person"] for r in on_10_april) == ["周强", "钱华"]
    on_1_may = figures_now.roster(date(2026, 5, 1))["secondments"]
    assert [r["person"] for r in on_1_may] == ["周强", "孙明"]
    row = all_views(app).rows(StationedProjection().table("secondments"))
    assert {r["person"]: r["ended_early"] for r in row} == {
        "周强": False,
        "钱华": True,
        "孙明": False,
    }


def test_a_front_line_week_recorded_late_is_kept_but_counts_no_days(
    app: Casetrail, clock: FakeClock
) -> None:
    """3 working days after 9 April is 14 April; recorded on the 15th, the week is late."""
    clock.set(at("04-15", 17))
    saved = app.record_visit(
        kind="front_line_week",
        place="政务服务中心",
        started_at=at("04-03", 9),
        duration=1,
        ended_on=date(2026, 4, 9),
        actor=CHIEF,
    )
    views = all_views(app)
    facts, _ = Figures(app, views).context(at("04-30", 17))
    ctx = Context(at("04-30", 17), app.work_calendar(), app.policy)
    quota = {q.leader_id: q for q in monthly_quota(facts, Period.parse("2026-04"), ctx)}
    chief = quota[str(app.leader("L2").id)]
    assert (chief.front_line_days, chief.late, chief.met) == (0.0, 1, False)
    assert [str(r["id"]) for r in facts.visits] == [str(saved.id)]
