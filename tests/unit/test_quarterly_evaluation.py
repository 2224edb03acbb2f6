"""The quarterly evaluation by market entities (每季度由服务对象和市场主体直接评价): one answer
per enterprise, department and quarter, only while the quarter's form is open, only on the
form's questions and scale, and only by the enterprise itself."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.errors import AlreadyExistsError, InvalidInputError, NotPermittedError
from domain.quarterly import QuarterlyEvaluation, open_quarters, window
from domain.refusals import StepRefusedError
from tests.support.app import memory_app, seed_directory
from tests.support.clock import CHINA, FakeClock

FIRM = "91440300MA5EXAMPLE"
FIRM_LOGIN = Actor(FIRM, Role.ENTERPRISE)
IN_WINDOW = datetime(2026, 9, 20, 10, 0, tzinfo=CHINA)  # 2026-Q3's form: 1 to 30 September
ALL_FIVE = {"environment": 5, "efficiency": 4, "attitude": 5, "policy_delivery": 3, "integrity": 4}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(IN_WINDOW)


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    app = memory_app(clock)
    seed_directory(app)
    return app


def answer(app: Casetrail, quarter: str = "2026-Q3", **changes: object) -> QuarterlyEvaluation:
    scores = {**ALL_FIVE, **changes}
    saved = app.answer_quarterly_evaluation(FIRM, "AMR", quarter, scores, actor=FIRM_LOGIN)
    return app.load(QuarterlyEvaluation, saved.id)


def test_an_enterprise_answers_the_quarters_form_under_the_policy_in_force(
    app: Casetrail,
) -> None:
    answered = answer(app)

    assert answered.quarter == "2026-Q3"
    assert answered.overall == pytest.approx(4.2)
    assert answered.policy_version == app.policy.version
    assert (answered.scale_min, answered.scale_max) == (1, 5)
    assert answered.id == QuarterlyEvaluation.id_for(
        app.enterprise(FIRM).id, app.unit("AMR").id, "2026-Q3"
    )
    assert app.quarterly_evaluation(FIRM, "AMR", "2026-Q3") is not None
    assert app.quarterly_evaluation(FIRM, "HRS", "2026-Q3") is None


def test_a_second_answer_about_the_same_department_and_quarter_is_refused(
    app: Casetrail,
) -> None:
    answer(app)

    with pytest.raises(AlreadyExistsError) as refused:
        answer(app, environment=1)

    assert refused.value.code == "evaluation-answered-once"
    # Another department, the same quarter: its own answer.
    app.answer_quarterly_evaluation(FIRM, "HRS", "2026-Q3", ALL_FIVE, actor=FIRM_LOGIN)


def test_two_answers_racing_to_the_store_leave_one_and_refuse_the_other(
    clock: FakeClock,
) -> None:
    # Two processes over one store each see no answer yet; the store's key decides.
    first = memory_app(clock)
    seed_directory(first)
    answer_id = QuarterlyEvaluation.id_for(
        first.enterprise(FIRM).id, first.unit("AMR").id, "2026-Q3"
    )
    racing = QuarterlyEvaluation.answer(
        enterprise_id=first.enterprise(FIRM).id, unit_id=first.unit("AMR").id,
        quarter="2026-Q3", scores=ALL_FIVE, policy=first.policy, actor=FIRM_LOGIN, at=IN_WINDOW,
    )
    first.answer_quarterly_evaluation(FIRM, "AMR", "2026-Q3", ALL_FIVE, actor=FIRM_LOGIN)

    with pytest.raises(AlreadyExistsError) as refused:
        first.save_quarterly_answer(racing)  # the write of a command that checked too early

    assert refused.value.code == "evaluation-answered-once"
    assert len(first.history(answer_id)) == 1


@pytest.mark.parametrize(
    ("quarter", "at"),
    [
        ("2026-Q3", datetime(2026, 8, 31, 23, 59, tzinfo=CHINA)),  # before the form opens
        ("2026-Q3", datetime(2026, 10, 1, 0, 0, tzinfo=CHINA)),  # the quarter is over
        ("2026-Q4", IN_WINDOW),  # a quarter whose form is not open yet
        ("2026-Q2", IN_WINDOW),  # a past quarter
    ],
)
def test_an_answer_outside_the_quarters_window_is_refused(
    app: Casetrail, clock: FakeClock, quarter: str, at: datetime
) -> None:
    clock.now = at

    with pytest.raises(StepRefusedError) as refused:
        answer(app, quarter)

    assert refused.value.code == "evaluation-quarter-not-open"
    assert refused.value.params["quarter"] == quarter


def test_the_window_is_the_quarters_last_thirty_days_by_policy(app: Casetrail) -> None:
    span = window("2026-Q3", app.policy)

    assert span.opens == datetime(2026, 9, 1, tzinfo=CHINA)
    assert span.closes == datetime(2026, 10, 1, tzinfo=CHINA)
    assert open_quarters(IN_WINDOW, app.policy) == ["2026-Q3"]
    assert open_quarters(IN_WINDOW - timedelta(days=30), app.policy) == []


def test_an_unknown_question_is_refused(app: Casetrail) -> None:
    with pytest.raises(InvalidInputError) as refused:
        answer(app, parking=5)

    assert refused.value.code == "evaluation-question-unknown"
    assert refused.value.params["question"] == "parking"


def test_every_question_must_be_answered(app: Casetrail) -> None:
    scores = {k: v for k, v in ALL_FIVE.items() if k != "integrity"}
    with pytest.raises(InvalidInputError) as refused:
        app.answer_quarterly_evaluation(FIRM, "AMR", "2026-Q3", scores, actor=FIRM_LOGIN)

    assert refused.value.code == "evaluation-question-unanswered"


@pytest.mark.parametrize("score", [0, 6, -1, "5", 4.5, True])
def test_a_score_off_the_scale_is_refused(app: Casetrail, score: object) -> None:
    with pytest.raises(InvalidInputError) as refused:
        answer(app, attitude=score)

    assert refused.value.code == "evaluation-score-out-of-scale"
    assert refused.value.params["question"] == "attitude"


@pytest.mark.parametrize(
    "actor",
    [
        Actor("91440300MA5OTHER00", Role.ENTERPRISE),  # another enterprise
        Actor("li.na", Role.WINDOW_STAFF),  # staff may not rate for an enterprise
        Actor("chen.jie", Role.SUPERVISOR),
    ],
)
def test_only_the_enterprises_own_login_answers_for_it(app: Casetrail, actor: Actor) -> None:
    with pytest.raises(NotPermittedError) as refused:
        app.answer_quarterly_evaluation(FIRM, "AMR", "2026-Q3", ALL_FIVE, actor=actor)

    assert refused.value.code == "evaluation-answered-by-the-enterprise"


def test_a_malformed_quarter_is_refused_by_its_code(app: Casetrail) -> None:
    with pytest.raises(InvalidInputError) as refused:
        answer(app, "2026-09")

    assert refused.value.code == "period-unknown"
