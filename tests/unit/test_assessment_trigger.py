"""The consecutive-bottom rule: bottom N periods running records a formal talk (约谈)."""

from __future__ import annotations

from datetime import datetime

import pytest

from domain.actors import SYSTEM
from domain.application import Casetrail
from domain.assessment import AssessmentTrigger, period_index
from domain.errors import InvalidInputError, NotPermittedError
from domain.policy import Policy, TriggerPolicy
from tests.support.clock import CHINA, FakeClock
from tests.support.oversight_world import CHEN, WANG, oversight_app


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=CHINA))


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    return oversight_app(clock)  # the shipped policy: 2 years running -> formal_talk


def bottom(app: Casetrail, period: str, unit: str = "HRS", *, is_bottom: bool = True) -> bool:
    return app.record_ranking_result(unit, period, bottom=is_bottom, actor=CHEN).formal_talk


def test_bottom_two_years_running_triggers_a_formal_talk(app: Casetrail) -> None:
    assert bottom(app, "2024") is False
    assert bottom(app, "2025") is True
    trigger = app.assessment_trigger("HRS")
    assert trigger.id == AssessmentTrigger.id_for(app.unit("HRS").id, "year")
    talk = app.history(trigger.id)[-1]
    assert type(talk).__name__ == "FormalTalkTriggered"
    assert talk.periods == ["2024", "2025"]  # type: ignore[attr-defined]
    assert talk.action == "formal_talk"  # type: ignore[attr-defined]
    assert talk.policy_version == app.policy.version  # type: ignore[attr-defined]
    assert talk.consecutive_required == 2  # type: ignore[attr-defined]
    state = trigger.state()
    assert (state["kind"], state["current_streak"]) == ("assessment_trigger", 0)
    assert state["results"] == {"2024": "bottom", "2025": "bottom"}


def test_a_year_off_the_bottom_resets_the_streak(app: Casetrail) -> None:
    bottom(app, "2023")
    bottom(app, "2024", is_bottom=False)
    assert bottom(app, "2025") is False
    assert app.assessment_trigger("HRS").current_streak == 1


def test_an_unranked_year_in_between_breaks_the_run(app: Casetrail) -> None:
    bottom(app, "2022")
    assert bottom(app, "2024") is False
    assert app.assessment_trigger("HRS").triggers == []


def test_the_same_period_recorded_twice_changes_nothing(app: Casetrail) -> None:
    first = app.record_ranking_result("HRS", "2024", bottom=True, actor=CHEN)
    again = app.record_ranking_result("HRS", "2024", bottom=True, actor=CHEN)
    assert first.saved is not None
    assert (again.saved, again.formal_talk) == (None, False)
    assert app.assessment_trigger("HRS").version == first.saved.version
    assert bottom(app, "2025") is True
    assert bottom(app, "2025") is False  # a replayed feed does not call a second talk


def test_a_period_is_not_recorded_with_a_different_result(app: Casetrail) -> None:
    bottom(app, "2024")
    with pytest.raises(InvalidInputError, match="already recorded as bottom in 2024"):
        bottom(app, "2024", is_bottom=False)


def test_the_periods_of_a_talk_are_spent_and_a_fresh_run_is_needed(app: Casetrail) -> None:
    bottom(app, "2024")
    assert bottom(app, "2025") is True
    assert bottom(app, "2026") is False  # 2025 already led to a talk
    assert bottom(app, "2027") is True
    talks = app.assessment_trigger("HRS").triggers
    assert [t["periods"] for t in talks] == [["2024", "2025"], ["2026", "2027"]]


def test_results_arriving_out_of_order_still_form_a_run(app: Casetrail) -> None:
    bottom(app, "2025")
    assert bottom(app, "2024") is True
    assert app.assessment_trigger("HRS").triggers[0]["periods"] == ["2024", "2025"]


def test_each_unit_has_its_own_streak(app: Casetrail) -> None:
    bottom(app, "2024", "HRS")
    assert bottom(app, "2025", "AMR") is False


def test_three_black_listings_in_a_row_across_a_year_end(clock: FakeClock) -> None:
    # Another city's rule: 3 consecutive quarterly black listings -> formal talk.
    policy = Policy(
        version="city-b",
        name="three black listings",
        triggers=TriggerPolicy(consecutive_bottom_periods=3, period="quarter"),
    )
    app = oversight_app(clock, policy)
    assert bottom(app, "2025-Q3") is False
    assert bottom(app, "2025-Q4") is False
    assert bottom(app, "2026-Q1") is True
    talk = app.assessment_trigger("HRS").triggers[0]
    assert (talk["periods"], talk["policy_version"]) == (
        ["2025-Q3", "2025-Q4", "2026-Q1"],
        "city-b",
    )


def test_periods_are_written_in_the_policys_kind(app: Casetrail) -> None:
    with pytest.raises(InvalidInputError, match=r"'2025-Q4' is not a year \(write it like 2026\)"):
        bottom(app, "2025-Q4")
    assert period_index("month", "2026-01") == period_index("month", "2025-12") + 1
    assert period_index("quarter", "2026-Q1") == period_index("quarter", "2025-Q4") + 1


def test_rankings_are_fed_by_the_system_a_supervisor_or_an_admin(app: Casetrail) -> None:
    with pytest.raises(NotPermittedError, match="may record ranking results, not unit_head"):
        app.record_ranking_result("HRS", "2024", bottom=True, actor=WANG)
    app.record_ranking_result("HRS", "2024", bottom=True, actor=SYSTEM)
    assert app.history(app.assessment_trigger("HRS").id)[-1].actor_id == "system"
