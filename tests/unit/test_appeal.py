"""Appeals of a rating: by the rated unit's head, in time, once, decided by a supervisor."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import pytest

from domain.appeal import Appeal
from domain.application import Casetrail
from domain.errors import AlreadyExistsError, InvalidInputError, NotPermittedError
from domain.evaluation import Level
from domain.refusals import ConcludedError, WindowClosedError
from tests.support.clock import CHINA, FakeClock
from tests.support.oversight_world import (
    CHEN,
    ENTERPRISE,
    LI,
    SUN,
    WANG,
    ZHOU,
    oversight_app,
    window_service,
)

# Thursday 30 April 2026, the working day before the Labour Day rest days (1-5 May).
RATED = datetime(2026, 4, 30, 10, 0, tzinfo=CHINA)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(RATED)


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    return oversight_app(clock)


def rated(app: Casetrail, level: Level = Level.VERY_DISSATISFIED) -> UUID:
    service = window_service(app, datetime(2026, 4, 30, 9, 0, tzinfo=CHINA))
    return app.rate_service(service, level, actor=ENTERPRISE, reason="窗口人员推诿").evaluation.id


def test_the_rated_units_head_appeals_with_grounds_and_a_reason(app: Casetrail) -> None:
    evaluation_id = rated(app)
    saved = app.appeal_rating(evaluation_id, "malicious", "评价人当日未到窗口办事", actor=WANG)
    appeal = app.appeal(saved.id)
    assert appeal.id == Appeal.id_for(evaluation_id)
    state = appeal.state()
    assert (state["kind"], state["status"], state["grounds"]) == ("appeal", "pending", "malicious")
    # 5 working days after Thu 30 April: 1-5 May rest; Wed 6 (1), Thu 7 (2), Fri 8 (3),
    # Sat 9 (a make-up working day, 4), Mon 11 (5) -> the window ends at 24:00 on 11 May.
    assert state["window_ends"] == "2026-05-12T00:00:00+08:00"
    assert state["policy_version"] == app.policy.version


def test_an_appeal_after_its_window_is_refused(app: Casetrail, clock: FakeClock) -> None:
    evaluation_id = rated(app)
    clock.set(datetime(2026, 5, 12, 0, 0, tzinfo=CHINA))
    with pytest.raises(WindowClosedError) as refused:
        app.appeal_rating(evaluation_id, "mistaken", "评价对象错误", actor=WANG)
    assert str(refused.value) == (
        f"cannot appeal the rating: the window for appealing evaluation {evaluation_id} closed"
        f" at 2026-05-12T00:00:00+08:00 (policy {app.policy.version}: 5 working days after"
        " the rating)"
    )
    assert not app.exists(Appeal.id_for(evaluation_id))


def test_an_appeal_on_the_last_evening_of_its_window_is_accepted(
    app: Casetrail, clock: FakeClock
) -> None:
    evaluation_id = rated(app)
    clock.set(datetime(2026, 5, 11, 23, 30, tzinfo=CHINA))
    app.appeal_rating(evaluation_id, "mistaken", "评价对象错误", actor=WANG)


def test_only_the_head_of_the_rated_unit_may_appeal(app: Casetrail) -> None:
    evaluation_id = rated(app)
    with pytest.raises(NotPermittedError, match="only a unit_head may appeal a rating"):
        app.appeal_rating(evaluation_id, "malicious", "恶意差评", actor=LI)
    with pytest.raises(NotPermittedError, match="only that unit's head may appeal it"):
        app.appeal_rating(evaluation_id, "malicious", "恶意差评", actor=SUN)


def test_an_appeal_needs_a_reason_and_known_grounds(app: Casetrail) -> None:
    evaluation_id = rated(app)
    with pytest.raises(InvalidInputError, match="the reason for an appeal must not be empty"):
        app.appeal_rating(evaluation_id, "malicious", "  ", actor=WANG)
    with pytest.raises(InvalidInputError, match="grounds 'unfair' is unknown"):
        app.appeal_rating(evaluation_id, "unfair", "不公平", actor=WANG)


def test_a_rating_is_appealed_once(app: Casetrail) -> None:
    evaluation_id = rated(app)
    app.appeal_rating(evaluation_id, "malicious", "恶意差评", actor=WANG)
    with pytest.raises(AlreadyExistsError, match=r"was already appealed .* a rating is appealed"):
        app.appeal_rating(evaluation_id, "mistaken", "换个理由再申诉", actor=WANG)


def test_an_upheld_appeal_excludes_the_rating_without_deleting_it(
    app: Casetrail, clock: FakeClock
) -> None:
    evaluation_id = rated(app)
    appeal_id = app.appeal_rating(evaluation_id, "malicious", "同一人一日内差评十次", actor=WANG).id
    clock.advance(days=1)
    app.decide_appeal(appeal_id, upheld=True, reason="经核查属恶意评价", actor=CHEN)
    evaluation = app.evaluation(evaluation_id)
    assert (evaluation.counted, evaluation.excluded_by) == (False, appeal_id)
    assert (evaluation.level, evaluation.reason) == (Level.VERY_DISSATISFIED, "窗口人员推诿")
    history = app.history(evaluation_id)
    assert [type(e).__name__ for e in history] == ["Rated", "Excluded"]
    assert (history[-1].actor_id, history[-1].actor_role) == ("chen.jie", "supervisor")
    assert app.appeal(appeal_id).status == "upheld"


def test_a_rejected_appeal_leaves_the_rating_counted(app: Casetrail) -> None:
    evaluation_id = rated(app)
    appeal_id = app.appeal_rating(evaluation_id, "mistaken", "认为评价有误", actor=WANG).id
    app.decide_appeal(appeal_id, upheld=False, reason="评价人确在窗口办理业务", actor=CHEN)
    assert app.evaluation(evaluation_id).counted is True
    assert [type(e).__name__ for e in app.history(evaluation_id)] == ["Rated"]
    assert app.appeal(appeal_id).state()["decision_reason"] == "评价人确在窗口办理业务"


def test_only_a_supervisor_decides_and_only_once(app: Casetrail) -> None:
    evaluation_id = rated(app)
    appeal_id = app.appeal_rating(evaluation_id, "malicious", "恶意差评", actor=WANG).id
    with pytest.raises(NotPermittedError, match="only a supervisor may decide an appeal"):
        app.decide_appeal(appeal_id, upheld=True, reason="同意", actor=ZHOU)
    app.decide_appeal(appeal_id, upheld=True, reason="属实", actor=CHEN)
    with pytest.raises(ConcludedError) as refused:
        app.decide_appeal(appeal_id, upheld=False, reason="改判", actor=CHEN)
    assert str(refused.value) == (
        f"appeal {appeal_id} is decided (upheld); nothing more can be recorded"
    )
