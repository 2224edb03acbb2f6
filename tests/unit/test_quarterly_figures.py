"""The quarterly evaluation's figures (docs/metrics.md, "Quarterly evaluation by market
entities"): means per question and overall, the response rate over the enterprises that could
answer, and the evaluation as a weighted component of the annual ranking, where a department
with too few answers is treated like any missing rate."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from domain.actors import Actor, Role
from domain.application import Casetrail
from infra.figures import Figures
from projections.figures.context import Context
from projections.figures.periods import Period
from projections.figures.quarterly import SCORE, quarters_in
from projections.figures.ranking import annual_ranking, weights_of
from tests.support.app import ADMIN, shipped_policy
from tests.support.clock import CHINA, FakeClock
from tests.support.oversight_world import ENTERPRISE, KEY_ENTERPRISE, LI, ZHAO, oversight_app
from tests.support.views import all_views

OPEN = datetime(2026, 9, 14, 10, 0, tzinfo=CHINA)  # 2026-Q3's form is open (1-30 September)
FIRMS = [ENTERPRISE.id, "91440300MA5OTHER01", KEY_ENTERPRISE, "91440300MA5QUART01"]
CLERKS = {"AMR": LI, "HRS": ZHAO}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 8, 3, 9, 0, tzinfo=CHINA))  # the directory, before the form


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    policy = shipped_policy()
    app = oversight_app(clock, replace(policy, lists=replace(policy.lists, min_sample=1)))
    app.register_enterprise(FIRMS[3], "季度评价示例有限公司", actor=ADMIN)
    app.register_enterprise("91440300MA5GONE001", "已注销示例公司", actor=ADMIN)
    app.set_entry_active("enterprises", "91440300MA5GONE001", False, "注销", actor=ADMIN)
    clock.set(OPEN)
    return app


def answer(app: Casetrail, firm: str, unit: str, score: int, **changes: int) -> None:
    scores = {q: score for q in app.policy.quarterly_evaluation.questions} | changes
    app.answer_quarterly_evaluation(
        firm, unit, "2026-Q3", scores, actor=Actor(firm, Role.ENTERPRISE)
    )


def test_a_quarters_results_give_means_answers_and_the_response_rate(app: Casetrail) -> None:
    answer(app, FIRMS[0], "AMR", 5)
    answer(app, FIRMS[1], "AMR", 4, integrity=2)
    answer(app, FIRMS[2], "AMR", 3)
    answer(app, FIRMS[0], "HRS", 2)

    found = Figures(app, all_views(app)).quarterly_evaluation("2026-Q3")

    # Five enterprises registered, one deactivated before the form opened: four could answer.
    assert found["eligible_enterprises"] == 4
    assert found["definitions"] == "metrics-2026.3"
    assert found["policy_version"] == app.policy.version
    amr, hrs = found["units"]
    assert amr["unit_id"] == str(app.unit("AMR").id)
    assert amr["answers"] == 3
    assert amr["response_rate"] == {"numerator": 3, "denominator": 4, "value": 0.75}
    assert amr["questions"]["environment"] == 4.0
    assert amr["questions"]["integrity"] == pytest.approx(10 / 3, abs=1e-6)
    # Overall: the mean of the answers' weighted means (5, 3.6, 3).
    assert amr["overall"] == pytest.approx((5 + 3.6 + 3) / 3, abs=1e-6)
    assert amr["score"] == pytest.approx(((5 + 3.6 + 3) / 3 - 1) / 4, abs=1e-6)
    assert amr["ranked"] is True
    assert (hrs["answers"], hrs["ranked"]) == (1, False)  # below quarterly_evaluation.min_answers


def test_a_quarter_nobody_answered_counts_nothing_not_zero(app: Casetrail) -> None:
    found = Figures(app, all_views(app)).quarterly_evaluation("2026-Q4")

    assert found["units"] == []
    assert found["eligible_enterprises"] == 4


def test_an_enterprise_registered_after_the_form_closed_is_not_in_the_denominator(
    app: Casetrail, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 10, 9, 9, 0, tzinfo=CHINA))
    app.register_enterprise("91440300MA5LATE001", "新设示例公司", actor=ADMIN)

    assert Figures(app, all_views(app)).quarterly_evaluation("2026-Q3")["eligible_enterprises"] == 4
    assert Figures(app, all_views(app)).quarterly_evaluation("2026-Q4")["eligible_enterprises"] == 5


def test_a_year_holds_its_four_quarters_and_a_month_none() -> None:
    assert quarters_in(Period.parse("2026")) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert quarters_in(Period.parse("2026-Q3")) == ["2026-Q3"]
    assert quarters_in(Period.parse("2026-09")) == []


def handled_on_time(app: Casetrail, clock: FakeClock, unit: str) -> None:
    case_id = app.file_demand(
        case_type="consultation", channel="window", summary="咨询办事流程", actor=LI,
        filer_name="张先生",
    ).id
    app.dispatch(case_id, unit, actor=LI)
    app.sign_for(case_id, actor=CLERKS[unit])
    app.reply(case_id, "已答复", actor=CLERKS[unit])


def test_the_evaluation_moves_the_ranking_by_its_weight_and_too_few_answers_take_the_mean(
    app: Casetrail, clock: FakeClock
) -> None:
    app.register_unit("TAX", "税务局", actor=ADMIN)
    app.enrol_staff("tax.clerk", "税务窗口", Role.WINDOW_STAFF, unit_code="TAX", actor=ADMIN)
    CLERKS["TAX"] = Actor("tax.clerk", Role.WINDOW_STAFF)
    for unit in ("AMR", "HRS", "TAX"):
        handled_on_time(app, clock, unit)  # equal handling: the evaluation decides
    for firm in FIRMS[:3]:
        answer(app, firm, "AMR", 5)
        answer(app, firm, "HRS", 2)
    answer(app, FIRMS[3], "TAX", 1)  # one answer: below the minimum, not ranked on it
    clock.advance(timedelta(days=30))

    facts, ctx = Figures(app, all_views(app)).context()
    ranked = {r.unit_id: r for r in annual_ranking(facts, Period.parse("2026-Q3"), ctx)}
    amr, hrs, tax = (ranked[str(app.unit(u).id)] for u in ("AMR", "HRS", "TAX"))

    assert weights_of(ctx)[SCORE] == app.policy.quarterly_evaluation.ranking_weight == 0.1
    assert (amr.rates[SCORE], hrs.rates[SCORE], tax.rates[SCORE]) == (1.0, 0.25, None)
    assert (amr.rank, tax.rank, hrs.rank) == (1, 2, 3)
    # TAX's missing evaluation is the mean of the ranked units' (0.625): 0.1 × 0.375 apart.
    assert amr.composite is not None
    assert tax.composite is not None
    assert amr.composite - tax.composite == pytest.approx(0.1 * (1.0 - 0.625), abs=1e-6)


def test_the_first_definitions_rank_without_the_evaluation(app: Casetrail) -> None:
    policy = app.policy
    ctx = Context(OPEN, app.work_calendar(), policy, definitions="metrics-2026.2")

    assert SCORE not in weights_of(ctx)
    assert SCORE in weights_of(Context(OPEN, app.work_calendar(), policy))
