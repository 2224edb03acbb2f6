"""Issue 12, findings 3 to 6: the clock cannot be stopped after the fact, a reopening cannot
launder a late case, 办结 is the answer to the filer, and emergencies stay in hours. Each test
performs the exploit the issue describes and shows it refused (with its code) or counted right.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

import pytest

from domain.actors import SYSTEM
from domain.application import Casetrail
from domain.case import Case
from domain.errors import InvalidInputError
from projections.cases import CaseProjection
from projections.figures.board import board
from projections.figures.context import Context
from projections.figures.periods import Period
from projections.figures.ranking import annual_ranking
from tests.support.city import SUPERVISOR, city, clerk, complaint, facts, handled_by, head, rates
from tests.support.clock import CHINA, FakeClock
from tests.support.views import rows_by_id

# Monday 1 June 2026; a complaint filed now is due Tue 23 June (Dragon Boat Festival skipped).
MONDAY = datetime(2026, 6, 1, 9, 0, tzinfo=CHINA)
DUE = date(2026, 6, 23)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY)


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    return city(clock)


def watch(app: Casetrail, clock: FakeClock, case_id: UUID, when: datetime) -> list[str]:
    clock.set(when)
    return app.issue_due_alerts(case_id, actor=SYSTEM)


def alerts(app: Casetrail, case_id: UUID) -> list[str]:
    return [e.level for e in app.history(case_id) if isinstance(e, Case.TimeLimitAlerted)]


def state_of(app: Casetrail, case_id: UUID) -> str:
    row = rows_by_id(app, CaseProjection(), "cases")[str(case_id)]
    return board([row], Context(app.now(), app.work_calendar(), app.policy))[0].state


# Finding 3: no stopping the clock after the fact.


def test_finding_3_a_pause_two_days_after_the_deadline_is_refused(
    app: Casetrail, clock: FakeClock
) -> None:
    case_id = handled_by(app, "TAX")
    clock.set(datetime(2026, 6, 25, 10, 0, tzinfo=CHINA))  # two days after the deadline
    with pytest.raises(InvalidInputError) as refused:
        app.pause(case_id, "supplement", "补正材料", actor=clerk("TAX"))
    assert refused.value.code == "pause-after-deadline"
    assert refused.value.params == {"due_at": "2026-06-24T00:00:00+08:00"}
    assert "the clock can be stopped only before it" in str(refused.value)
    # The case stays in the rate as overdue, and 通报批评 comes on time.
    assert rates(app, "2026-06")["TAX"]["on_time_rate"] == (0, 1)
    assert watch(app, clock, case_id, datetime(2026, 6, 25, 10, 5, tzinfo=CHINA)) == [
        "yellow",
        "red",
        "reminder",
    ]
    # 5 working days after the reminder day (Wed 24 June): Jun 25, 26, 29, 30, Jul 1.
    assert watch(app, clock, case_id, datetime(2026, 7, 1, 9, 0, tzinfo=CHINA)) == ["criticism"]


def test_finding_3_a_pause_before_the_deadline_still_stops_the_clock(
    app: Casetrail, clock: FakeClock
) -> None:
    case_id = handled_by(app, "TAX")
    clock.set(datetime(2026, 6, 22, 17, 0, tzinfo=CHINA))  # the day before it is due
    app.pause(case_id, "testing", "送检", actor=clerk("TAX"))
    assert watch(app, clock, case_id, datetime(2026, 6, 26, 9, 0, tzinfo=CHINA)) == []
    app.resume(case_id, "检测完成", actor=clerk("TAX"))
    # Tue 23 to Fri 26 June are not counted: the 15th working day is Mon 29 June.
    assert app.case(case_id).deadline.due == date(2026, 6, 29)
    app.reply(case_id, "已答复", actor=clerk("TAX"))
    assert rates(app, "2026-06")["TAX"]["on_time_rate"] == (1, 1)


def test_finding_3_a_pause_recorded_late_before_the_rule_still_counts_overdue(
    app: Casetrail, clock: FakeClock
) -> None:
    """A log written before the rule may hold a pause after the deadline: the figures of
    metrics-2026.2 count that cycle overdue all the same."""
    case_id = handled_by(app, "TAX")
    clock.set(datetime(2026, 6, 25, 10, 0, tzinfo=CHINA))
    case = app.case(case_id)
    case._record(  # the step as the earlier code recorded it, without the rule
        Case.Paused, actor=clerk("TAX"), at=clock.now, pause_kind="supplement", reason="补正"
    )
    app.commit(case)
    assert state_of(app, case_id) == "overdue"
    assert rates(app, "2026-06")["TAX"]["on_time_rate"] == (0, 1)
    assert rates(app, "2026-06", definitions="metrics-2026.1")["TAX"]["on_time_rate"] == (0, 0)


# Finding 4: reopening and closing never launders a late case.


def test_finding_4_reopening_a_late_case_and_closing_it_at_once_stays_late(
    app: Casetrail, clock: FakeClock
) -> None:
    case_id = handled_by(app, "AMR")
    clock.set(datetime(2026, 6, 26, 10, 0, tzinfo=CHINA))
    app.reply(case_id, "已答复", actor=clerk("AMR"))
    app.close_case(case_id, "solved", "办结", actor=clerk("AMR"))
    assert rates(app, "2026-06")["AMR"]["on_time_rate"] == (0, 1)
    # The same clerk reopens it and closes it minutes later.
    clock.advance(minutes=5)
    app.reopen(case_id, "重新办理", actor=clerk("AMR"))
    clock.advance(minutes=5)
    app.reply(case_id, "再次答复", actor=clerk("AMR"))
    app.close_case(case_id, "solved", "办结", actor=clerk("AMR"))
    figures = rates(app, "2026-06")["AMR"]
    assert figures["on_time_rate"] == (0, 1)  # the first cycle's first answer decides
    assert figures["reopen_rate"] == (1, 1)  # the reopening is counted in 重办率
    legacy = rates(app, "2026-06", definitions="metrics-2026.1")["AMR"]
    assert legacy["on_time_rate"] == (1, 1)  # what metrics-2026.1 published


def test_finding_4_the_reopen_rate_weighs_in_the_annual_ranking(
    app: Casetrail, clock: FakeClock
) -> None:
    weights = app.policy.assessment_weights
    assert weights["reopen_rate"] < 0
    for unit, reopened in (("TAX", False), ("NRP", True)):
        for _ in range(app.policy.lists.min_sample):
            case_id = handled_by(app, unit)
            app.reply(case_id, "已答复", actor=clerk(unit))
            app.close_case(case_id, "solved", "办结", actor=clerk(unit))
            if reopened:
                app.reopen(case_id, "企业要求重办", actor=SUPERVISOR)
    ctx = Context(app.now(), app.work_calendar(), app.policy)
    ranked = {r.unit_id: r for r in annual_ranking(facts(app), Period.parse("2026"), ctx)}
    tax, nrp = ranked[str(app.unit("TAX").id)], ranked[str(app.unit("NRP").id)]
    assert (nrp.rates["reopen_rate"], tax.rates["reopen_rate"]) == (1.0, 0.0)
    assert (tax.rank, nrp.rank) == (1, 2)
    # Alike in everything else, NRP trails by the weight of its reopenings.
    assert round((tax.composite or 0) - (nrp.composite or 0), 6) == -weights["reopen_rate"]


# Finding 5: 办结 is the answer to the filer.


def test_finding_5_a_case_answered_before_its_deadline_is_never_warned_or_criticised(
    app: Casetrail, clock: FakeClock
) -> None:
    # The issue's case: due 10-14, replied 10-12, callback and closure later.
    clock.set(datetime(2026, 9, 17, 9, 0, tzinfo=CHINA))
    case_id = handled_by(app, "TAX")
    assert app.case(case_id).deadline.due == date(2026, 10, 14)  # National Day week skipped
    clock.set(datetime(2026, 10, 12, 15, 0, tzinfo=CHINA))
    app.reply(case_id, "已书面答复企业", actor=clerk("TAX"))
    for day in (15, 16, 23, 30):
        assert watch(app, clock, case_id, datetime(2026, 10, day, 9, 0, tzinfo=CHINA)) == []
    assert state_of(app, case_id) == "answered_on_time"
    assert rates(app, "2026-09")["TAX"]["on_time_rate"] == (1, 1)  # before the closure too
    app.record_callback(case_id, True, True, "满意", actor=clerk("TAX"))
    app.close_case(case_id, "solved", "办结", actor=clerk("TAX"))
    case = app.case(case_id)
    assert (case.closed_on_time, alerts(app, case_id)) == (True, [])
    assert state_of(app, case_id) == "closed_on_time"


def test_finding_5_a_late_answer_is_shown_late_while_awaiting_closure(
    app: Casetrail, clock: FakeClock
) -> None:
    case_id = handled_by(app, "TAX")
    clock.set(datetime(2026, 6, 24, 10, 0, tzinfo=CHINA))
    app.reply(case_id, "已答复", actor=clerk("TAX"))
    assert state_of(app, case_id) == "answered_late"
    assert watch(app, clock, case_id, datetime(2026, 7, 10, 9, 0, tzinfo=CHINA)) == []
    app.close_case(case_id, "solved", "办结", actor=clerk("TAX"))
    assert app.case(case_id).closed_on_time is False


# Finding 6: emergencies stay in hours.


def emergency(app: Casetrail) -> UUID:
    return complaint(app, case_type="help", emergency=True)


def test_finding_6_an_emergency_paused_for_four_hours_is_due_four_hours_later(
    app: Casetrail, clock: FakeClock
) -> None:
    case_id = emergency(app)
    app.dispatch(case_id, "NRP", actor=clerk("GSC"))
    app.sign_for(case_id, actor=clerk("NRP"))
    clock.advance(hours=2)
    app.pause(case_id, "testing", "水质检测", actor=clerk("NRP"))
    clock.advance(hours=4)
    app.resume(case_id, "检测完成", actor=clerk("NRP"))
    deadline = app.case(case_id).deadline
    assert deadline.due_at == MONDAY + timedelta(hours=24 + 4)
    assert deadline.derivation["unit"] == "hours"
    assert deadline.derivation["paused_hours"] == 4


def test_finding_6_an_emergency_is_extended_in_hours_not_working_days(
    app: Casetrail, clock: FakeClock
) -> None:
    case_id = emergency(app)
    app.dispatch(case_id, "NRP", actor=clerk("GSC"))
    app.sign_for(case_id, actor=clerk("NRP"))
    with pytest.raises(InvalidInputError) as by_date:
        app.request_extension(case_id, date(2026, 6, 3), "需抢修", actor=clerk("NRP"))
    assert by_date.value.code == "extension-of-hours-limit-needs-a-time"
    new_due = MONDAY + timedelta(hours=24 + 6)
    app.request_extension(case_id, new_due, "需抢修", actor=clerk("NRP"))
    app.decide_extension(case_id, True, "同意", actor=head("NRP"))
    deadline = app.case(case_id).deadline
    assert deadline.due_at == new_due
    assert deadline.derivation["extension_hours"] == 6
    too_long = MONDAY + timedelta(hours=24 + 6 + 25)
    other = emergency(app)
    app.dispatch(other, "NRP", actor=clerk("GSC"))
    app.sign_for(other, actor=clerk("NRP"))
    with pytest.raises(InvalidInputError) as over:
        app.request_extension(other, too_long, "需抢修", actor=clerk("NRP"))
    assert over.value.code == "extension-length-out-of-range"
    assert over.value.params["unit"] == "hours"


def test_finding_6_an_emergency_not_dispatched_within_the_hour_is_warned(
    app: Casetrail, clock: FakeClock
) -> None:
    case_id = emergency(app)
    assert watch(app, clock, case_id, MONDAY + timedelta(minutes=59)) == []
    assert watch(app, clock, case_id, MONDAY + timedelta(minutes=61)) == ["dispatch"]
    assert watch(app, clock, case_id, MONDAY + timedelta(minutes=90)) == []  # once
    warned = [e for e in app.history(case_id) if isinstance(e, Case.DispatchLimitAlerted)]
    assert [(e.due_at, e.hours, e.actor_id) for e in warned] == [
        (MONDAY + timedelta(hours=1), 1, "system")
    ]


def test_finding_6_a_late_dispatch_between_two_ticks_records_the_warning_itself(
    app: Casetrail, clock: FakeClock
) -> None:
    late, prompt = emergency(app), emergency(app)
    clock.advance(minutes=30)
    app.dispatch(prompt, "NRP", actor=clerk("GSC"))
    clock.advance(hours=2)
    app.dispatch(late, "NRP", actor=clerk("GSC"))
    names = [type(e).__name__ for e in app.history(late)]
    assert names[-2:] == ["DispatchLimitAlerted", "Dispatched"]
    assert not any(isinstance(e, Case.DispatchLimitAlerted) for e in app.history(prompt))
