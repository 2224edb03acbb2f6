"""Stationed staff's work, front-line days and secondments (directive 三, 十, 二)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.case import Case
from domain.errors import (
    AlreadyExistsError,
    InvalidInputError,
    NotFoundError,
    NotPermittedError,
)
from domain.policy import SecondmentPolicy
from domain.refusals import StepRefusedError
from domain.secondment import add_months
from domain.stationed import StationedActivity
from domain.visit import Visit
from tests.support.app import ADMIN, shipped_policy
from tests.support.clock import CHINA, FakeClock
from tests.support.oversight_world import (
    CHEN,
    ENTERPRISE,
    KEY_ENTERPRISE,
    LEADER,
    LI,
    OTHER_ENTERPRISE,
    ZHAO,
    oversight_app,
)

NOW = datetime(2026, 4, 10, 17, 0, tzinfo=CHINA)  # Friday after 清明 (4-6 April 2026)
KEY = Actor(KEY_ENTERPRISE, Role.ENTERPRISE)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    app = oversight_app(clock)
    app.station_staff("li.na", KEY_ENTERPRISE, actor=ADMIN)
    return app


# Stationed staff's work.


def test_a_stationed_staff_member_records_what_they_did_for_their_enterprise(
    app: Casetrail,
) -> None:
    saved = app.record_stationed_activity(
        KEY_ENTERPRISE,
        kind="policy_explained",
        description="讲解研发费用加计扣除政策",
        happened_on=date(2026, 4, 9),
        actor=LI,
    )
    activity = app.stationed_activity(saved.id)
    assert activity.state()["activity_kind"] == "policy_explained"
    assert activity.state()["happened_on"] == "2026-04-09"
    assert activity.login == "li.na"
    assert activity.enterprise_id == app.enterprise(KEY_ENTERPRISE).id


def test_an_activity_entered_after_its_working_days_is_kept_but_marked_late(
    app: Casetrail,
) -> None:
    """2 April 2026: three working days later is 8 April (清明 4-6 April is not counted)."""
    on_time = app.record_stationed_activity(
        KEY_ENTERPRISE,
        kind="service_provided",
        description="协助办理变更登记",
        happened_on=date(2026, 4, 7),
        actor=LI,
    )
    late = app.record_stationed_activity(
        KEY_ENTERPRISE,
        kind="service_provided",
        description="上门服务",
        happened_on=date(2026, 4, 2),
        actor=LI,
    )
    assert app.stationed_activity(on_time.id).late is False
    state = app.stationed_activity(late.id).state()
    assert (state["late"], state["record_by"]) == (True, "2026-04-08")


def test_an_activity_for_an_enterprise_one_is_not_stationed_with_is_refused(
    app: Casetrail,
) -> None:
    with pytest.raises(StepRefusedError, match=r"zhao\.lei is not stationed") as refused:
        app.record_stationed_activity(
            KEY_ENTERPRISE, kind="service_provided", description="代办", actor=ZHAO
        )
    assert refused.value.code == "activity-needs-stationing"
    with pytest.raises(StepRefusedError, match=r"li\.na is not stationed"):
        app.record_stationed_activity(
            ENTERPRISE.id, kind="service_provided", description="代办", actor=LI
        )


def test_a_withdrawn_staff_member_records_no_more_activities(app: Casetrail) -> None:
    app.withdraw_staff("li.na", KEY_ENTERPRISE, "轮岗", actor=ADMIN)
    with pytest.raises(StepRefusedError) as refused:
        app.record_stationed_activity(
            KEY_ENTERPRISE, kind="service_provided", description="代办", actor=LI
        )
    assert refused.value.code == "activity-needs-stationing"


def test_an_activity_is_recorded_once_it_has_happened_by_staff(app: Casetrail) -> None:
    with pytest.raises(InvalidInputError, match="after today") as refused:
        app.record_stationed_activity(
            KEY_ENTERPRISE,
            kind="service_provided",
            description="代办",
            happened_on=date(2026, 4, 11),
            actor=LI,
        )
    assert refused.value.code == "activity-in-future"
    with pytest.raises(NotPermittedError, match="only a unit_head or window_staff"):
        app.record_stationed_activity(
            KEY_ENTERPRISE, kind="service_provided", description="代办", actor=LEADER
        )
    with pytest.raises(InvalidInputError, match="activity kind 'chat' is unknown"):
        app.record_stationed_activity(KEY_ENTERPRISE, kind="chat", description="闲聊", actor=LI)


def test_a_problem_taken_up_opens_a_case_on_the_enterprise_s_behalf_linked_both_ways(
    app: Casetrail,
) -> None:
    activity_id = app.record_stationed_activity(
        KEY_ENTERPRISE, kind="problem_taken_up", description="厂房消防验收排期太久", actor=LI
    ).id
    case_id = app.open_case_from_activity(activity_id, "help", actor=LI).id
    case = app.load(Case, case_id)
    assert case.state()["channel"] == "stationed_staff"
    assert case.enterprise_id == app.enterprise(KEY_ENTERPRISE).id
    assert app.stationed_activity(activity_id).case_id == case_id
    with pytest.raises(AlreadyExistsError, match="already opened case") as refused:
        app.open_case_from_activity(activity_id, "help", actor=LI)
    assert refused.value.code == "activity-already-opened-case"


def test_only_a_problem_opens_a_case_and_only_by_whoever_took_it_up(app: Casetrail) -> None:
    explained = app.record_stationed_activity(
        KEY_ENTERPRISE, kind="policy_explained", description="讲解政策", actor=LI
    ).id
    with pytest.raises(StepRefusedError, match="only a problem opens a case"):
        app.open_case_from_activity(explained, "help", actor=LI)
    problem = app.record_stationed_activity(
        KEY_ENTERPRISE, kind="problem_taken_up", description="用电报装慢", actor=LI
    ).id
    with pytest.raises(NotPermittedError, match=r"only li\.na"):
        app.open_case_from_activity(problem, "help", actor=ZHAO)
    assert app.stationed_activity(problem).case_id is None


def test_the_enterprise_served_confirms_or_disputes_an_activity_once(app: Casetrail) -> None:
    first = app.record_stationed_activity(
        KEY_ENTERPRISE, kind="service_provided", description="协助办理变更登记", actor=LI
    ).id
    with pytest.raises(NotPermittedError, match="only the enterprise served"):
        app.answer_stationed_activity(first, confirmed=True, actor=OTHER_ENTERPRISE)
    app.answer_stationed_activity(first, confirmed=True, note="属实", actor=KEY)
    with pytest.raises(StepRefusedError, match="answers once"):
        app.answer_stationed_activity(first, confirmed=False, note="改口", actor=KEY)
    second = app.record_stationed_activity(
        KEY_ENTERPRISE, kind="service_provided", description="上门服务", actor=LI
    ).id
    with pytest.raises(InvalidInputError, match="what the enterprise disputes"):
        app.answer_stationed_activity(second, confirmed=False, note=" ", actor=KEY)
    app.answer_stationed_activity(second, confirmed=False, note="当天无人到访", actor=KEY)
    names = [type(e).__name__ for e in app.history(second)]
    assert names == ["Recorded", "DisputedByEnterprise"]
    assert isinstance(app.stationed_activity(first), StationedActivity)


# Front-line days.


def test_front_line_days_across_a_holiday_count_working_days_only(app: Casetrail) -> None:
    """3-9 April 2026 holds 清明 (4-6 April, with the weekend): 3, 7, 8 and 9 April work."""
    saved = app.record_visit(
        kind="front_line_week",
        place="政务服务中心 一楼窗口",
        started_at=datetime(2026, 4, 3, 9, 0, tzinfo=CHINA),
        duration=1,
        duration_unit="days",
        ended_on=date(2026, 4, 9),
        actor=LEADER,
    )
    visit = app.load(Visit, saved.id)
    assert (visit.duration, visit.duration_unit) == (4.0, "days")
    assert visit.state()["ended_on"] == "2026-04-09"
    assert visit.late is False
    assert visit.record_by == "2026-04-14"  # three working days after the range's last day


def test_a_date_range_is_for_front_line_weeks_with_working_days_in_the_past(
    app: Casetrail,
) -> None:
    start = datetime(2026, 4, 4, 9, 0, tzinfo=CHINA)

    def record(kind: str, last: date) -> None:
        app.record_visit(
            kind=kind, place="窗口", started_at=start, duration=1, ended_on=last, actor=LEADER
        )

    with pytest.raises(InvalidInputError) as refused:
        record("visit", date(2026, 4, 8))
    assert refused.value.code == "date-range-for-front-line-weeks"
    with pytest.raises(InvalidInputError) as refused:
        record("front_line_week", date(2026, 4, 6))  # 清明 and its weekend
    assert refused.value.code == "front-line-no-working-day"
    with pytest.raises(InvalidInputError) as refused:
        record("front_line_week", date(2026, 4, 3))
    assert refused.value.code == "front-line-range"
    with pytest.raises(InvalidInputError) as refused:
        record("front_line_week", date(2026, 4, 13))  # not over yet
    assert refused.value.code == "front-line-range"


# Secondments.


def test_a_secondment_shorter_than_the_minimum_is_refused(app: Casetrail) -> None:
    with pytest.raises(InvalidInputError, match="at least 6 months") as refused:
        app.arrange_secondment(
            person="周强",
            direction="cadre_to_enterprise",
            home="AMR",
            host=KEY_ENTERPRISE,
            starts_on=date(2026, 3, 1),
            ends_on=date(2026, 8, 31),
            actor=ADMIN,
        )
    assert refused.value.code == "secondment-too-short"
    assert refused.value.params["earliest_end"] == "2026-09-01"
    saved = app.arrange_secondment(
        person="周强",
        direction="cadre_to_enterprise",
        home="AMR",
        host=KEY_ENTERPRISE,
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 9, 1),
        actor=ADMIN,
    )
    state = app.secondment(saved.id).state()
    assert (state["starts_on"], state["ends_on"]) == ("2026-03-01", "2026-09-01")
    assert state["home_id"] == str(app.unit("AMR").id)


def test_the_minimum_is_the_policy_s(clock: FakeClock) -> None:
    policy = replace(shipped_policy(), secondments=SecondmentPolicy(minimum_months=12))
    app = oversight_app(clock, policy)
    with pytest.raises(InvalidInputError, match="at least 12 months"):
        app.arrange_secondment(
            person="钱华",
            direction="enterprise_to_department",
            home=KEY_ENTERPRISE,
            host="AMR",
            starts_on=date(2026, 3, 1),
            ends_on=date(2026, 12, 31),
            actor=CHEN,
        )


def test_six_months_from_the_end_of_a_long_month_is_the_end_of_a_short_one() -> None:
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)


def test_a_secondment_ended_early_records_why_once(app: Casetrail) -> None:
    saved = app.arrange_secondment(
        person="钱华",
        direction="enterprise_to_department",
        home=KEY_ENTERPRISE,
        host="AMR",
        starts_on=date(2026, 1, 5),
        ends_on=date(2026, 7, 5),
        actor=CHEN,
    )
    with pytest.raises(InvalidInputError, match="the reason for ending early"):
        app.end_secondment_early(saved.id, date(2026, 4, 10), " ", actor=CHEN)
    with pytest.raises(InvalidInputError) as refused:
        app.end_secondment_early(saved.id, date(2026, 7, 5), "期满", actor=CHEN)
    assert refused.value.code == "secondment-early-end-range"
    with pytest.raises(NotPermittedError):
        app.end_secondment_early(saved.id, date(2026, 4, 10), "企业召回", actor=LI)
    app.end_secondment_early(saved.id, date(2026, 4, 10), "企业召回", actor=CHEN)
    secondment = app.secondment(saved.id)
    assert (secondment.last_day, secondment.end_reason) == (date(2026, 4, 10), "企业召回")
    with pytest.raises(StepRefusedError) as again:
        app.end_secondment_early(saved.id, date(2026, 4, 10), "再次", actor=CHEN)
    assert again.value.code == "secondment-already-ended"


def test_a_secondment_names_a_unit_and_an_enterprise_the_right_way_round(
    app: Casetrail,
) -> None:
    with pytest.raises(NotFoundError):
        app.arrange_secondment(
            person="周强",
            direction="cadre_to_enterprise",
            home=KEY_ENTERPRISE,
            host="AMR",
            starts_on=date(2026, 3, 1),
            ends_on=date(2026, 9, 1),
            actor=ADMIN,
        )
