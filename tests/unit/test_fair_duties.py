"""Issue 12, findings 1 and 2: whoever asks for a decision that moves a figure never takes it,
and a return is counted against the unit that asked for it. Each test performs the exploit the
issue describes and shows it refused (with its code) or counted right."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from domain.application import Casetrail
from domain.case_rules import CaseStatus
from domain.errors import InvalidInputError, NotPermittedError
from domain.policy import Policy
from tests.support.app import shipped_policy
from tests.support.city import SUPERVISOR, city, clerk, complaint, handled_by, head, rates
from tests.support.clock import CHINA, FakeClock

# Monday 1 June 2026; a complaint filed now is due Tue 23 June (Dragon Boat Festival, Fri 19
# June, skipped): Jun 2-5 (4), 8-12 (9), 15-18 (13), 22-23 (15).
MONDAY = datetime(2026, 6, 1, 9, 0, tzinfo=CHINA)
DUE = date(2026, 6, 23)
AFTER_DUE = datetime(2026, 6, 25, 10, 0, tzinfo=CHINA)


def graced_policy(working_days: int) -> Policy:
    """The shipped policy with a grace for deciding an extension after its deadline."""
    shipped = shipped_policy()
    grace = replace(shipped.extension, decision_grace_working_days=working_days)
    return replace(shipped, version=f"{shipped.version}-grace", extension=grace)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY)


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    return city(clock)


def test_finding_1_a_return_is_charged_to_the_unit_that_asked_not_the_next_one(
    app: Casetrail, clock: FakeClock
) -> None:
    case_id = complaint(app)
    app.dispatch(case_id, "TAX", actor=clerk("GSC"))
    clock.advance(hours=2)
    app.request_return(case_id, "不属本局职责", actor=clerk("TAX"))
    app.decide_return(case_id, True, "同意退回", actor=SUPERVISOR)
    app.dispatch(case_id, "NRP", actor=clerk("GSC"))
    by_unit = rates(app, "2026-06")
    assert by_unit["TAX"]["return_rate"] == (1, 1)
    assert by_unit["NRP"]["return_rate"] == (0, 1)
    # What metrics-2026.1 published, kept computable: the return went to NRP, TAX vanished.
    legacy = rates(app, "2026-06", definitions="metrics-2026.1")
    assert legacy["NRP"]["return_rate"] == (1, 1)
    assert "TAX" not in legacy


def test_finding_1_the_head_of_the_returning_unit_may_not_approve_its_return(
    app: Casetrail, clock: FakeClock
) -> None:
    case_id = complaint(app)
    app.dispatch(case_id, "TAX", actor=clerk("GSC"))
    app.request_return(case_id, "不属本局职责", actor=clerk("TAX"))
    with pytest.raises(NotPermittedError) as refused:
        app.decide_return(case_id, True, "同意", actor=head("TAX"))
    assert refused.value.code == "return-decided-by-returning-unit"
    assert "the dispatcher or a supervisor decides" in str(refused.value)
    # Nor a head who has nothing to do with the dispatch.
    with pytest.raises(NotPermittedError) as outsider:
        app.decide_return(case_id, True, "同意", actor=head("AMR"))
    assert outsider.value.code == "return-decided-by-dispatching-side"
    # The dispatching side decides: the dispatcher, or the head of the dispatcher's unit.
    app.decide_return(case_id, False, "属贵局职责", actor=clerk("GSC"))
    assert app.case(case_id).status is CaseStatus.DISPATCHED
    assert rates(app, "2026-06")["TAX"]["return_rate"] == (1, 1)  # refused, still asked for


def test_finding_1_only_the_unit_a_case_was_dispatched_to_may_ask_to_return_it(
    app: Casetrail,
) -> None:
    case_id = complaint(app)
    app.dispatch(case_id, "TAX", actor=clerk("GSC"))
    with pytest.raises(NotPermittedError) as refused:
        app.request_return(case_id, "替税务局退回", actor=clerk("NRP"))
    assert refused.value.code == "return-requested-by-lead-unit"


def test_finding_2_who_asked_for_a_return_may_not_decide_it(app: Casetrail) -> None:
    # The TAX head dispatches to its own unit and then asks for the return itself.
    case_id = complaint(app, by=head("TAX"))
    app.dispatch(case_id, "TAX", actor=head("TAX"))
    app.request_return(case_id, "派错了", actor=head("TAX"))
    with pytest.raises(NotPermittedError) as refused:
        app.decide_return(case_id, True, "同意", actor=head("TAX"))
    assert refused.value.code == "requester-may-not-decide"
    assert refused.value.params == {"what": "return", "requester": "tax.head"}
    app.decide_return(case_id, True, "同意退回", actor=SUPERVISOR)


def test_finding_2_who_asked_for_an_extension_may_not_approve_it(
    app: Casetrail, clock: FakeClock
) -> None:
    case_id = handled_by(app, "NRP")
    clock.advance(days=3)
    app.request_extension(case_id, date(2026, 6, 30), "需现场核查", actor=head("NRP"))
    with pytest.raises(NotPermittedError) as refused:
        app.decide_extension(case_id, True, "同意", actor=head("NRP"))
    assert refused.value.code == "requester-may-not-decide"
    assert app.case(case_id).deadline.due == DUE


def test_finding_2_an_extension_is_approved_by_the_lead_units_head_only(
    app: Casetrail, clock: FakeClock
) -> None:
    case_id = handled_by(app, "NRP")
    clock.advance(days=3)
    app.request_extension(case_id, date(2026, 6, 30), "需现场核查", actor=clerk("NRP"))
    with pytest.raises(NotPermittedError) as other_head:
        app.decide_extension(case_id, True, "同意", actor=head("AMR"))
    assert other_head.value.code == "extension-decided-by-lead-unit-head"
    with pytest.raises(NotPermittedError) as supervisor:
        app.decide_extension(case_id, True, "同意", actor=SUPERVISOR)
    assert supervisor.value.code == "role-may-not-take-step"
    app.decide_extension(case_id, True, "同意", actor=head("NRP"))
    assert app.case(case_id).deadline.due == date(2026, 6, 30)


def test_finding_2_a_unit_head_may_not_terminate_a_case_another_unit_leads(
    app: Casetrail, clock: FakeClock
) -> None:
    case_id = handled_by(app, "NRP")
    clock.set(AFTER_DUE)  # overdue: NRP's 按时办结率 is 0/1
    assert rates(app, "2026-06")["NRP"]["on_time_rate"] == (0, 1)
    with pytest.raises(NotPermittedError) as refused:
        app.terminate(case_id, "企业撤回", "nrp.clerk", actor=head("AMR"))
    assert refused.value.code == "termination-by-another-unit"
    assert app.case(case_id).status is CaseStatus.IN_PROGRESS
    assert rates(app, "2026-06")["NRP"]["on_time_rate"] == (0, 1)


def test_finding_2_a_termination_after_the_deadline_leaves_the_case_overdue(
    app: Casetrail, clock: FakeClock
) -> None:
    case_id = handled_by(app, "NRP")
    clock.set(AFTER_DUE)
    with pytest.raises(NotPermittedError) as own_request:
        app.terminate(case_id, "企业撤回", "nrp.head", actor=head("NRP"))
    assert own_request.value.code == "requester-may-not-decide"
    app.terminate(case_id, "企业撤回", "nrp.clerk", actor=head("NRP"))
    # Ending the case does not take the overdue cycle out of the figure.
    assert rates(app, "2026-06")["NRP"]["on_time_rate"] == (0, 1)
    legacy = rates(app, "2026-06", definitions="metrics-2026.1")
    assert legacy["NRP"]["on_time_rate"] == (0, 0)  # what metrics-2026.1 let happen


def test_finding_2_a_termination_before_the_deadline_leaves_the_population(
    app: Casetrail, clock: FakeClock
) -> None:
    case_id = handled_by(app, "NRP")
    clock.advance(days=2)
    app.terminate(case_id, "企业撤回诉求", "nrp.clerk", actor=SUPERVISOR)
    clock.set(AFTER_DUE)
    assert rates(app, "2026-06")["NRP"]["on_time_rate"] == (0, 0)


def test_finding_2_an_extension_approved_after_the_deadline_is_refused(
    app: Casetrail, clock: FakeClock
) -> None:
    case_id = handled_by(app, "NRP")
    clock.set(datetime(2026, 6, 22, 16, 0, tzinfo=CHINA))  # asked the day before it is due
    app.request_extension(case_id, date(2026, 7, 3), "需专家论证", actor=clerk("NRP"))
    clock.set(datetime(2026, 6, 24, 9, 0, tzinfo=CHINA))  # decided the day after
    with pytest.raises(InvalidInputError) as refused:
        app.decide_extension(case_id, True, "同意", actor=head("NRP"))
    assert refused.value.code == "extension-decided-after-deadline"
    assert refused.value.params["due"] == DUE.isoformat()
    assert "it can only be refused now" in str(refused.value)
    app.decide_extension(case_id, False, "逾期未批", actor=head("NRP"))
    app.reply(case_id, "已答复", actor=clerk("NRP"))
    assert rates(app, "2026-06")["NRP"]["on_time_rate"] == (0, 1)


def test_finding_2_an_approval_within_the_policys_grace_never_makes_the_case_on_time(
    clock: FakeClock,
) -> None:
    app = city(clock, graced_policy(working_days=2))
    case_id = handled_by(app, "NRP")
    clock.set(datetime(2026, 6, 22, 16, 0, tzinfo=CHINA))
    app.request_extension(case_id, date(2026, 7, 3), "需专家论证", actor=clerk("NRP"))
    clock.set(datetime(2026, 6, 24, 9, 0, tzinfo=CHINA))  # in the grace: accepted
    app.decide_extension(case_id, True, "同意", actor=head("NRP"))
    case = app.case(case_id)
    assert case.deadline.due == date(2026, 7, 3)
    assert case.cycle_overdue  # the clock had run out before the approval
    clock.advance(timedelta(days=1))
    app.reply(case_id, "已答复", actor=clerk("NRP"))  # before the new date, after the old one
    assert app.case(case_id).answered_on_time is False
    assert rates(app, "2026-06")["NRP"]["on_time_rate"] == (0, 1)


def test_finding_2_the_policys_grace_for_an_extension_decision_runs_out(
    clock: FakeClock,
) -> None:
    app = city(clock, graced_policy(working_days=2))
    case_id = handled_by(app, "NRP")
    clock.set(datetime(2026, 6, 22, 16, 0, tzinfo=CHINA))
    app.request_extension(case_id, date(2026, 7, 3), "需专家论证", actor=clerk("NRP"))
    # Due Tue 23 June; two working days of grace end at 24:00 on Thu 25 June.
    clock.set(datetime(2026, 6, 26, 0, 0, tzinfo=CHINA))
    with pytest.raises(InvalidInputError) as refused:
        app.decide_extension(case_id, True, "同意", actor=head("NRP"))
    assert refused.value.params["closed_at"] == "2026-06-26T00:00:00+08:00"
