"""The consecutive-bottom rule: bottom of N published periods running records a formal talk
(约谈). Results come from published rankings (or, by policy, unit black lists), so these tests
publish rankings from hand-made figures and read the talks they lead to; issue 12 finding 9's
exploits are in test_fair_rankings.py."""

from __future__ import annotations

from datetime import datetime

import pytest

from domain.application import Casetrail
from domain.assessment import AssessmentTrigger, period_index
from domain.errors import InvalidInputError
from domain.list_rules import Measured
from domain.policy import Policy, TriggerPolicy
from domain.publication import Kind, Snapshot
from tests.support.app import ADMIN
from tests.support.clock import CHINA, FakeClock
from tests.support.oversight_world import CHEN, oversight_app


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 12, 1, 9, 0, tzinfo=CHINA))


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    app = oversight_app(clock)  # the shipped policy: bottom 2 years running -> formal_talk
    app.register_unit("TAX", "税务局", actor=ADMIN)
    return app


def snapshot(
    app: Casetrail, composites: dict[str, float | None], kinds: tuple[str, ...]
) -> Snapshot:
    units = [
        Measured(str(app.unit(code).id), composite, 10 if composite is not None else 0)
        for code, composite in composites.items()
    ]
    measured = {kind: (units if kind == "unit" else []) for kind in kinds}
    return Snapshot(measured, "metrics-2026.3", 100, app.now(), app.work_calendar().version)


def rank(app: Casetrail, period: str, **composites: float | None) -> list[str]:
    """Publish ``period``'s ranking with these composites; the codes of the units talked to."""
    published = app.publish(Kind.RANKING, period, snapshot(app, composites, ("unit",)), actor=CHEN)
    codes = {app.unit(code).id: code for code in composites}
    return sorted(codes[unit_id] for unit_id in published.formal_talks)


def hrs_bottom(app: Casetrail, period: str) -> list[str]:
    return rank(app, period, AMR=0.8, HRS=0.4, TAX=0.7)


def hrs_middle(app: Casetrail, period: str) -> list[str]:
    return rank(app, period, AMR=0.8, HRS=0.7, TAX=0.4)


def test_bottom_two_years_running_triggers_a_formal_talk(app: Casetrail) -> None:
    assert hrs_bottom(app, "2024") == []
    assert hrs_bottom(app, "2025") == ["HRS"]
    trigger = app.assessment_trigger("HRS")
    assert trigger.id == AssessmentTrigger.id_for(app.unit("HRS").id, "year")
    talk = app.history(trigger.id)[-1]
    assert type(talk).__name__ == "FormalTalkTriggered"
    assert talk.periods == ["2024", "2025"]  # type: ignore[attr-defined]
    assert talk.action == "formal_talk"  # type: ignore[attr-defined]
    assert talk.policy_version == app.policy.version  # type: ignore[attr-defined]
    assert talk.consecutive_required == 2  # type: ignore[attr-defined]
    assert talk.sources == [  # type: ignore[attr-defined]
        "2024 edition 1",
        "2025 edition 1",
    ]
    state = trigger.state()
    assert (state["kind"], state["current_streak"]) == ("assessment_trigger", 0)
    assert state["results"] == {
        "2024": {"bottom": True, "edition": 1},
        "2025": {"bottom": True, "edition": 1},
    }


def test_a_year_off_the_bottom_resets_the_streak(app: Casetrail) -> None:
    hrs_bottom(app, "2023")
    hrs_middle(app, "2024")
    assert hrs_bottom(app, "2025") == []
    assert app.assessment_trigger("HRS").current_streak == 1


def test_an_unranked_year_in_between_breaks_the_run(app: Casetrail) -> None:
    hrs_bottom(app, "2022")
    rank(app, "2023", AMR=0.8, HRS=None, TAX=0.7)  # too few cases: HRS unranked
    assert hrs_bottom(app, "2024") == []
    assert app.assessment_trigger("HRS").triggers == []


def test_the_periods_of_a_talk_are_spent_and_a_fresh_run_is_needed(app: Casetrail) -> None:
    hrs_bottom(app, "2022")
    assert hrs_bottom(app, "2023") == ["HRS"]
    assert hrs_bottom(app, "2024") == []  # 2023 is spent: one bottom year so far
    assert hrs_bottom(app, "2025") == ["HRS"]
    assert [t["periods"] for t in app.assessment_trigger("HRS").triggers] == [
        ["2022", "2023"],
        ["2024", "2025"],
    ]


def test_results_published_out_of_order_still_form_a_run(app: Casetrail) -> None:
    hrs_bottom(app, "2025")
    assert hrs_bottom(app, "2024") == ["HRS"]


def test_each_unit_has_its_own_streak(app: Casetrail) -> None:
    hrs_bottom(app, "2024")
    assert hrs_middle(app, "2025") == []  # TAX bottom now, once
    assert app.assessment_trigger("TAX").current_streak == 1
    assert app.assessment_trigger("HRS").current_streak == 0


def test_three_black_listings_in_a_row_across_a_year_end(clock: FakeClock) -> None:
    # Another city's rule: 3 consecutive quarterly black listings -> formal talk.
    policy = Policy(
        version="city-b",
        name="three black listings",
        triggers=TriggerPolicy(
            consecutive_bottom_periods=3, period="quarter", source="unit_black_list"
        ),
    )
    app = oversight_app(clock, policy)
    kinds = ("unit", "window", "staff")
    talks = []
    for quarter in ("2025-Q3", "2025-Q4", "2026-Q1"):
        published = app.publish(
            Kind.LISTS, quarter, snapshot(app, {"AMR": 0.7, "HRS": 0.3}, kinds), actor=CHEN
        )
        talks.append(published.formal_talks)
    assert talks == [[], [], [app.unit("HRS").id]]
    talk = app.assessment_trigger("HRS").triggers[0]
    assert (talk["periods"], talk["policy_version"]) == (
        ["2025-Q3", "2025-Q4", "2026-Q1"],
        "city-b",
    )


def test_periods_are_counted_in_the_policys_kind(app: Casetrail) -> None:
    assert period_index("month", "2026-01") == period_index("month", "2025-12") + 1
    assert period_index("quarter", "2026-Q1") == period_index("quarter", "2025-Q4") + 1
    with pytest.raises(InvalidInputError, match=r"'2025-Q4' must be written a year like 2026"):
        period_index("year", "2025-Q4")
    assert rank(app, "2025-Q4", AMR=0.8, HRS=0.4) == []  # a quarter never feeds a yearly rule
    assert not app.exists(AssessmentTrigger.id_for(app.unit("HRS").id, "year"))
