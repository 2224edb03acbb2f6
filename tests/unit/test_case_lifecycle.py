"""The case lifecycle: ownership, routing, returns, handling steps, closure and reopening."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import pytest

from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.case_rules import CaseStatus
from domain.errors import IllegalStepError, InvalidInputError, NotFoundError, NotPermittedError
from tests.support.app import memory_app, seed_directory
from tests.support.clock import CHINA as CST
from tests.support.clock import FakeClock

LI = Actor("li.na", Role.WINDOW_STAFF)
WANG = Actor("wang.qiang", Role.UNIT_HEAD)
ZHAO = Actor("zhao.lei", Role.WINDOW_STAFF)
SUN = Actor("sun.li", Role.UNIT_HEAD)
ENTERPRISE = Actor("91440300MA5EXAMPLE", Role.ENTERPRISE)


@pytest.fixture
def clock() -> FakeClock:
    # Tuesday 2026-06-02, 09:00 in Beijing.
    return FakeClock(datetime(2026, 6, 2, 9, 0, tzinfo=CST))


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    app = memory_app(clock)
    seed_directory(app)
    return app


def file_complaint(app: Casetrail, actor: Actor = LI) -> UUID:
    return app.file_demand(
        case_type="complaint",
        channel="window",
        summary="营业执照变更迟迟未办",
        actor=actor,
        filer_name="张先生",
        filer_contact="13800000000",
    ).id


def test_staff_who_records_a_demand_owns_it_and_the_deadline_starts(app: Casetrail) -> None:
    case = app.case(file_complaint(app))
    assert case.owner == "li.na"
    assert case.status == CaseStatus.RECEIVED
    # 15 working days after Tue 2026-06-02 (start day not counted); Dragon Boat Festival is
    # Fri 2026-06-19: Jun 3-5 (3), 8-12 (8), 15-18 (12), 22-24 (15) -> Wed 2026-06-24.
    assert case.deadline.due == date(2026, 6, 24)
    assert {"date": "2026-06-19", "reason": "Dragon Boat Festival 端午节"} in (
        case.deadline.derivation["skipped_rest_days"]
    )


def test_a_demand_filed_online_waits_for_its_first_asker(app: Casetrail) -> None:
    case_id = file_complaint(app, ENTERPRISE)
    assert app.case(case_id).owner is None
    app.receive(case_id, actor=ZHAO)
    assert app.case(case_id).owner == "zhao.lei"
    with pytest.raises(InvalidInputError, match=r"already owned by zhao\.lei"):
        app.receive(case_id, actor=LI)


def test_hand_over_needs_a_reason_and_a_known_colleague(app: Casetrail) -> None:
    case_id = file_complaint(app)
    with pytest.raises(InvalidInputError, match="hand-over needs a reason"):
        app.hand_over(case_id, "zhao.lei", " ", actor=LI)
    with pytest.raises(NotFoundError, match="nobody"):
        app.hand_over(case_id, "nobody", "not my department", actor=LI)
    app.hand_over(case_id, "zhao.lei", "社保问题，非本部门", actor=LI)
    case = app.case(case_id)
    assert case.owner == "zhao.lei"
    handed = app.history(case.id)[-1]
    assert (handed.from_owner, handed.to_owner) == ("li.na", "zhao.lei")  # type: ignore[attr-defined]


def test_a_return_within_the_window_goes_back_for_redispatch(
    app: Casetrail, clock: FakeClock
) -> None:
    case_id = file_complaint(app)
    app.dispatch(case_id, "HRS", actor=LI)
    clock.advance(days=1)
    app.request_return(case_id, "营业执照属市场监管职责", actor=ZHAO)
    assert app.case(case_id).status == CaseStatus.RETURN_REQUESTED
    app.decide_return(case_id, True, "同意退回", actor=WANG)
    case = app.case(case_id)
    assert (case.status, case.lead_unit_id, case.returns) == (CaseStatus.RECEIVED, None, 1)
    app.dispatch(case_id, "AMR", actor=LI)
    assert app.case(case_id).dispatch_count == 2


def test_a_rejected_return_counts_as_improper_and_restores_the_case(app: Casetrail) -> None:
    case_id = file_complaint(app)
    app.dispatch(case_id, "HRS", actor=LI)
    app.sign_for(case_id, actor=ZHAO)
    app.request_return(case_id, "不归我们管", actor=ZHAO)
    app.decide_return(case_id, False, "属本单位职责", actor=WANG)
    case = app.case(case_id)
    assert (case.status, case.improper_returns) == (CaseStatus.IN_PROGRESS, 1)


def test_a_return_after_the_policy_window_is_refused(app: Casetrail, clock: FakeClock) -> None:
    case_id = file_complaint(app)
    app.dispatch(case_id, "HRS", actor=LI)
    # Dispatched Tue 2026-06-02; 2 working days -> the window ends Thu 2026-06-04 at 24:00.
    clock.set(datetime(2026, 6, 5, 8, 0, tzinfo=CST))
    with pytest.raises(InvalidInputError, match="by 2026-06-04"):
        app.request_return(case_id, "误派", actor=ZHAO)


def test_an_illegal_step_says_what_the_state_allows(app: Casetrail) -> None:
    case_id = file_complaint(app)
    with pytest.raises(IllegalStepError) as refused:
        app.reply(case_id, "已处理", actor=LI)
    assert "cannot reply while the case is received" in str(refused.value)
    assert "dispatch" in refused.value.allowed
    assert "answer directly" in refused.value.allowed


def test_window_staff_may_not_decide_an_extension(app: Casetrail) -> None:
    case_id = file_complaint(app)
    app.dispatch(case_id, "AMR", actor=LI)
    app.sign_for(case_id, actor=LI)
    app.request_extension(case_id, date(2026, 6, 26), "需要现场核查", actor=LI)
    with pytest.raises(NotPermittedError, match="window_staff may not decide extension"):
        app.decide_extension(case_id, True, "ok", actor=LI)


def test_extension_limits_follow_policy(app: Casetrail, clock: FakeClock) -> None:
    case_id = file_complaint(app)
    app.dispatch(case_id, "AMR", actor=LI)
    app.sign_for(case_id, actor=LI)
    # Due Wed 2026-06-24; 11 working days later is 2026-07-09: over the 10-day limit.
    with pytest.raises(InvalidInputError, match="11 working day"):
        app.request_extension(case_id, date(2026, 7, 9), "复杂", actor=LI)
    app.request_extension(case_id, date(2026, 7, 8), "复杂", actor=LI)
    app.decide_extension(case_id, False, "理由不充分", actor=WANG)
    with pytest.raises(InvalidInputError, match="allows 1 extension"):
        app.request_extension(case_id, date(2026, 6, 26), "再申请", actor=LI)


def test_an_extension_asked_after_the_deadline_is_refused(app: Casetrail, clock: FakeClock) -> None:
    case_id = file_complaint(app)
    app.dispatch(case_id, "AMR", actor=LI)
    app.sign_for(case_id, actor=LI)
    clock.set(datetime(2026, 6, 25, 0, 0, tzinfo=CST))  # 24:00 of the due day has struck
    with pytest.raises(InvalidInputError, match="counts as overdue"):
        app.request_extension(case_id, date(2026, 7, 1), "晚了", actor=LI)


def test_closing_records_an_outcome_apart_from_the_closure(
    app: Casetrail, clock: FakeClock
) -> None:
    case_id = file_complaint(app)
    app.dispatch(case_id, "AMR", actor=LI)
    app.sign_for(case_id, actor=LI)
    with pytest.raises(IllegalStepError, match="cannot close"):
        app.close_case(case_id, "solved", "办结", actor=LI)
    clock.set(datetime(2026, 6, 26, 10, 0, tzinfo=CST))  # two days late
    app.reply(case_id, "已重新办理变更登记", actor=LI)
    app.record_callback(case_id, True, False, "企业认为太慢", actor=LI)
    with pytest.raises(InvalidInputError, match="outcome 'fixed' is unknown"):
        app.close_case(case_id, "fixed", "办结", actor=LI)
    app.close_case(case_id, "partly_solved", "已办理，企业不满意时效", actor=LI)
    case = app.case(case_id)
    assert (case.status, case.outcome, case.closed_on_time) == (
        CaseStatus.CLOSED,
        "partly_solved",
        False,
    )


def test_reopening_starts_a_new_cycle_with_a_fresh_time_limit(
    app: Casetrail, clock: FakeClock
) -> None:
    case_id = file_complaint(app)
    app.answer_directly(case_id, "已当场解答", actor=LI)
    app.close_case(case_id, "explained", "当场答复", actor=LI)
    clock.set(datetime(2026, 7, 1, 9, 0, tzinfo=CST))  # Wednesday
    app.reopen(case_id, "企业反映问题未解决", actor=WANG)
    case = app.case(case_id)
    assert (case.cycle, case.status, case.outcome) == (2, CaseStatus.IN_PROGRESS, None)
    # 15 working days after Wed 2026-07-01: Jul 2-3 (2), 6-10 (7), 13-17 (12), 20-22 (15).
    assert case.deadline.due == date(2026, 7, 22)


def test_termination_needs_a_head_and_a_reason(app: Casetrail) -> None:
    case_id = file_complaint(app)
    with pytest.raises(NotPermittedError):
        app.terminate(case_id, "企业撤回", "li.na", actor=LI)
    app.terminate(case_id, "企业撤回诉求", "li.na", actor=WANG)
    assert app.case(case_id).status == CaseStatus.TERMINATED


def test_a_report_of_misconduct_always_protects_the_filer(app: Casetrail) -> None:
    case_id = app.file_demand(
        case_type="report",
        channel="hotline_12345",
        summary="窗口人员索要好处费",
        actor=LI,
        filer_name="匿名者甲",
        filer_contact="13900000000",
        confidential=False,
    ).id
    state = app.case(case_id).state()
    assert state["confidential"] is True
    assert state["filer_name"] == "[confidential]"
    assert state["filer_contact"] == "[confidential]"


def test_an_emergency_is_counted_in_hours(app: Casetrail, clock: FakeClock) -> None:
    case_id = app.file_demand(
        case_type="help",
        channel="hotline_12345",
        summary="停水停产",
        actor=LI,
        filer_name="刘女士",
        emergency=True,
    ).id
    deadline = app.case(case_id).deadline
    assert deadline.due_at == datetime(2026, 6, 3, 9, 0, tzinfo=CST)
    assert deadline.derivation["unit"] == "hours"


def test_every_event_names_actor_role_and_the_clock_time(app: Casetrail, clock: FakeClock) -> None:
    case_id = file_complaint(app)
    clock.advance(hours=2)
    app.dispatch(case_id, "AMR", actor=LI)
    clock.advance(hours=1)
    app.sign_for(case_id, actor=WANG)
    rows = [(e.actor_id, e.actor_role, e.timestamp) for e in app.history(case_id)]
    assert rows == [
        ("li.na", "window_staff", datetime(2026, 6, 2, 9, 0, tzinfo=CST)),
        ("li.na", "window_staff", datetime(2026, 6, 2, 11, 0, tzinfo=CST)),
        ("wang.qiang", "unit_head", datetime(2026, 6, 2, 12, 0, tzinfo=CST)),
    ]


@pytest.mark.parametrize("field", ["summary", "filer_name", "filer_contact"])
def test_text_holding_a_nul_character_is_refused(app: Casetrail, field: str) -> None:
    intake = {"summary": "审批超时", "filer_name": "张先生", "filer_contact": "138"}
    intake[field] = "a\x00b"
    with pytest.raises(InvalidInputError, match="NUL character"):
        app.file_demand(
            case_type="complaint",
            channel="window",
            actor=LI,
            summary=intake["summary"],
            filer_name=intake["filer_name"],
            filer_contact=intake["filer_contact"],
        )
    case_id = file_complaint(app)
    with pytest.raises(InvalidInputError, match="answer contains a NUL character"):
        app.answer_directly(case_id, "答\x00复", actor=LI)
