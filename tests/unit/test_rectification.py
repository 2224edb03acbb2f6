"""Rectification of a 差评: its two clocks, the callback rule, extensions, completion, re-rating."""

from __future__ import annotations

import re
from datetime import date, datetime
from uuid import UUID

import pytest

from domain.application import Casetrail
from domain.errors import InvalidInputError, NotPermittedError
from domain.evaluation import Level
from domain.rectification import Rectification, Stage
from domain.refusals import ConcludedError, StepRefusedError, WindowClosedError
from tests.support.clock import CHINA, FakeClock
from tests.support.oversight_world import (
    CHEN,
    ENTERPRISE,
    LI,
    OTHER_ENTERPRISE,
    SUN,
    WANG,
    ZHAO,
    oversight_app,
    window_service,
)

# Friday 3 April 2026, the working day before the Qingming rest days (Sat 4 - Mon 6 April).
DELIVERED = datetime(2026, 4, 3, 9, 0, tzinfo=CHINA)
RATED = datetime(2026, 4, 3, 10, 0, tzinfo=CHINA)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(RATED)


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    return oversight_app(clock)


def bad_review(app: Casetrail, *, real_name: bool = True) -> tuple[UUID, UUID]:
    saved = app.rate_service(
        window_service(app, DELIVERED),
        Level.DISSATISFIED,
        actor=ENTERPRISE,
        reason="材料被退回三次，每次说法不一",
        real_name=real_name,
    )
    assert saved.rectification is not None
    return saved.evaluation.id, saved.rectification.id


def _complete(app: Casetrail, clock: FakeClock, rectification_id: UUID) -> None:
    clock.set(datetime(2026, 4, 7, 9, 0, tzinfo=CHINA))
    app.record_rectification_callback(
        rectification_id, reached=True, complaint_verified=True, actor=LI
    )
    app.record_rectification_measures(rectification_id, ["一次性告知清单上墙"], actor=LI)
    clock.set(datetime(2026, 4, 10, 16, 0, tzinfo=CHINA))
    app.complete_rectification(rectification_id, "rectified", "已整改", actor=WANG)


def completed(app: Casetrail, clock: FakeClock) -> tuple[UUID, UUID]:
    evaluation_id, rectification_id = bad_review(app)
    _complete(app, clock, rectification_id)
    return evaluation_id, rectification_id


def test_a_bad_review_opens_a_rectification_with_both_clocks(app: Casetrail) -> None:
    evaluation_id, rectification_id = bad_review(app)
    rectification = app.rectification(rectification_id)
    assert rectification.id == Rectification.id_for(evaluation_id, 1)
    assert (rectification.evaluation_id, rectification.unit_id) == (
        evaluation_id,
        app.unit("AMR").id,
    )
    assert rectification.stage is Stage.AWAITING_CALLBACK
    # 1 working day after Fri 3 April: Sat-Mon are Qingming rest days -> Tue 7 April.
    assert rectification.callback_due.due == date(2026, 4, 7)
    # 15 working days: Apr 7-10 (4), 13-17 (9), 20-24 (14), 27 (15) -> Mon 27 April.
    assert rectification.rectification_due.due == date(2026, 4, 27)
    assert rectification.rectification_due.due_at == datetime(2026, 4, 28, 0, 0, tzinfo=CHINA)
    skipped = rectification.callback_due.derivation["skipped_rest_days"]
    assert {"date": "2026-04-06", "reason": "Tomb-sweeping Day 清明节"} in skipped
    assert rectification.state()["policy_version"] == app.policy.version
    opened = app.history(rectification_id)[0]
    assert (opened.actor_id, opened.timestamp) == ("system", RATED)


def test_the_bad_review_and_its_rectification_are_saved_together(app: Casetrail) -> None:
    evaluation_id, rectification_id = bad_review(app)
    rated = app.history(evaluation_id)[0]
    opened = app.history(rectification_id)[0]
    assert (rated.timestamp, opened.timestamp) == (RATED, RATED)


def test_a_real_name_rater_is_called_back_on_time_and_the_unit_completes(
    app: Casetrail, clock: FakeClock
) -> None:
    _, rectification_id = completed(app, clock)
    state = app.rectification(rectification_id).state()
    assert state["stage"] == "completed"
    assert state["callbacks"][0]["on_time"] is True  # Tue 7 April, the due day
    assert (state["outcome"], state["completed_on_time"]) == ("rectified", True)
    assert state["measures"] == ["一次性告知清单上墙"]
    # Invited on Fri 10 April: 7 natural days -> Fri 17 April, a working day.
    assert state["rerate_window_ends"] == "2026-04-18T00:00:00+08:00"


def test_completing_a_real_name_bad_review_without_a_callback_is_refused(
    app: Casetrail, clock: FakeClock
) -> None:
    _, rectification_id = bad_review(app)
    with pytest.raises(StepRefusedError, match="must get a callback; record the callback first"):
        app.complete_rectification(
            rectification_id, "not_substantiated", "经核实不属实", actor=WANG
        )


def test_an_unanswered_call_still_counts_as_the_callback(app: Casetrail) -> None:
    _, rectification_id = bad_review(app)
    with pytest.raises(InvalidInputError, match="did not reach the rater verified nothing"):
        app.record_rectification_callback(
            rectification_id, reached=False, complaint_verified=True, actor=LI
        )
    app.record_rectification_callback(rectification_id, reached=False, note="无人接听", actor=LI)
    app.complete_rectification(rectification_id, "explained", "已书面说明办理要求", actor=WANG)
    assert app.rectification(rectification_id).stage is Stage.COMPLETED


def test_an_anonymous_rater_cannot_be_called_back_so_the_unit_records_its_verification(
    app: Casetrail,
) -> None:
    _, rectification_id = bad_review(app, real_name=False)
    with pytest.raises(StepRefusedError, match="rated anonymously and cannot be called back"):
        app.record_rectification_callback(rectification_id, reached=True, actor=LI)
    with pytest.raises(StepRefusedError, match="awaits the verification of the complaint"):
        app.complete_rectification(rectification_id, "not_substantiated", "无", actor=WANG)
    app.record_rectification_verification(
        rectification_id, complaint_verified=False, note="调取录像，未见反映情况", actor=LI
    )
    app.complete_rectification(rectification_id, "not_substantiated", "经核实不属实", actor=WANG)
    state = app.rectification(rectification_id).state()
    assert state["verification"]["why"] == "the rater is anonymous"
    assert state["callbacks"] == []


def test_a_real_name_bad_review_is_not_verified_without_a_callback(app: Casetrail) -> None:
    _, rectification_id = bad_review(app)
    with pytest.raises(StepRefusedError, match="rated under their real name and must be called"):
        app.record_rectification_verification(
            rectification_id, complaint_verified=True, note="核实", actor=LI
        )


def test_measures_come_after_the_callback_and_a_rectified_outcome_needs_them(
    app: Casetrail,
) -> None:
    _, rectification_id = bad_review(app)
    with pytest.raises(StepRefusedError, match="awaits its callback and verification"):
        app.record_rectification_measures(rectification_id, ["整改"], actor=LI)
    app.record_rectification_callback(
        rectification_id, reached=True, complaint_verified=True, actor=LI
    )
    with pytest.raises(StepRefusedError, match="records no measures; it cannot be rectified"):
        app.complete_rectification(rectification_id, "rectified", "已整改", actor=WANG)


def test_only_the_rated_unit_works_on_its_rectification(app: Casetrail) -> None:
    _, rectification_id = bad_review(app)
    with pytest.raises(NotPermittedError, match=r"zhao\.lei works elsewhere"):
        app.record_rectification_callback(rectification_id, reached=True, actor=ZHAO)
    app.record_rectification_callback(rectification_id, reached=True, actor=LI)
    app.record_rectification_measures(rectification_id, ["业务培训"], actor=LI)
    with pytest.raises(NotPermittedError, match="only a unit_head may complete a rectification"):
        app.complete_rectification(rectification_id, "rectified", "已整改", actor=LI)
    with pytest.raises(NotPermittedError, match=r"sun\.li works elsewhere"):
        app.complete_rectification(rectification_id, "rectified", "已整改", actor=SUN)


def test_a_late_callback_is_recorded_as_late(app: Casetrail, clock: FakeClock) -> None:
    _, rectification_id = bad_review(app)
    clock.set(datetime(2026, 4, 8, 0, 0, tzinfo=CHINA))  # 24:00 of the due day has struck
    assert app.rectification(rectification_id).callback_overdue(clock.now)
    app.record_rectification_callback(rectification_id, reached=True, actor=LI)
    assert app.rectification(rectification_id).callbacks[0]["on_time"] is False


def test_the_unit_head_asks_once_before_the_deadline_and_a_supervisor_decides(
    app: Casetrail, clock: FakeClock
) -> None:
    _, rectification_id = bad_review(app)
    with pytest.raises(NotPermittedError, match="only a unit_head may extend"):
        app.request_rectification_extension(rectification_id, 5, "需协调市局", actor=LI)
    with pytest.raises(InvalidInputError, match="1 to 10 working days"):
        app.request_rectification_extension(rectification_id, 11, "需协调市局", actor=WANG)
    app.request_rectification_extension(rectification_id, 5, "需协调市局", actor=WANG)
    assert app.rectification(rectification_id).rectification_due.due == date(2026, 4, 27)
    with pytest.raises(NotPermittedError, match="only a supervisor may decide"):
        app.decide_rectification_extension(
            rectification_id, approved=True, reason="同意", actor=WANG
        )
    app.decide_rectification_extension(rectification_id, approved=True, reason="同意", actor=CHEN)
    # 15 + 5 working days from Fri 3 April: ... 27 (15), 28-30 (18), May 6-7 (20) -> 7 May
    # (Labour Day 1-5 May skipped).
    assert app.rectification(rectification_id).rectification_due.due == date(2026, 5, 7)
    version = re.escape(app.policy.version)
    with pytest.raises(StepRefusedError, match=rf"extended 1 time\(s\); policy {version} allows 1"):
        app.request_rectification_extension(rectification_id, 2, "再延", actor=WANG)


def test_finding_10_a_unit_never_extends_its_own_rectification_to_count_it_on_time(
    app: Casetrail, clock: FakeClock
) -> None:
    _, rectification_id = bad_review(app)
    app.request_rectification_extension(rectification_id, 10, "整改需要时间", actor=WANG)
    clock.set(datetime(2026, 4, 28, 0, 0, tzinfo=CHINA))  # the 15 working days ran out
    with pytest.raises(StepRefusedError) as late:
        app.decide_rectification_extension(
            rectification_id, approved=True, reason="补批", actor=CHEN
        )
    assert late.value.code == "extension-before-deadline"
    assert app.rectification(rectification_id).is_overdue(clock.now)
    app.decide_rectification_extension(
        rectification_id, approved=False, reason="逾期未批", actor=CHEN
    )
    with pytest.raises(StepRefusedError) as asked_late:
        app.request_rectification_extension(rectification_id, 5, "来不及了", actor=WANG)
    assert asked_late.value.code == "extension-before-deadline"


def test_nothing_more_is_recorded_on_a_completed_rectification(
    app: Casetrail, clock: FakeClock
) -> None:
    _, rectification_id = completed(app, clock)
    expected = f"rectification {rectification_id} is completed; nothing more can be recorded"
    with pytest.raises(ConcludedError) as refused:
        app.request_rectification_extension(rectification_id, 3, "补充整改", actor=WANG)
    assert str(refused.value) == expected
    with pytest.raises(ConcludedError, match="is completed; nothing more can be recorded"):
        app.record_rectification_measures(rectification_id, ["补充措施"], actor=LI)
    with pytest.raises(ConcludedError, match="is completed; nothing more can be recorded"):
        app.complete_rectification(rectification_id, "rectified", "再次办结", actor=WANG)


def test_the_rater_re_rates_once_within_the_window_after_completion(
    app: Casetrail, clock: FakeClock
) -> None:
    evaluation_id, rectification_id = bad_review(app)
    with pytest.raises(StepRefusedError, match=r"only after its rectification .* is completed"):
        app.rerate_service(evaluation_id, Level.SATISFIED, actor=ENTERPRISE)
    _complete(app, clock, rectification_id)
    with pytest.raises(NotPermittedError, match="only the rater of evaluation"):
        app.rerate_service(evaluation_id, Level.SATISFIED, actor=OTHER_ENTERPRISE)
    clock.set(datetime(2026, 4, 17, 18, 0, tzinfo=CHINA))
    saved = app.rerate_service(evaluation_id, Level.SATISFIED, actor=ENTERPRISE)
    assert saved.rectification is None
    evaluation = app.evaluation(evaluation_id)
    assert (evaluation.first_level, evaluation.level) == (Level.DISSATISFIED, Level.SATISFIED)
    rerated = app.history(evaluation_id)[-1]
    assert rerated.rectification_id == rectification_id  # type: ignore[attr-defined]
    assert rerated.previous_level == "dissatisfied"  # type: ignore[attr-defined]
    with pytest.raises(StepRefusedError, match="a service is re-rated once"):
        app.rerate_service(evaluation_id, Level.VERY_SATISFIED, actor=ENTERPRISE)


def test_a_re_rating_after_its_window_is_refused(app: Casetrail, clock: FakeClock) -> None:
    evaluation_id, _ = completed(app, clock)
    clock.set(datetime(2026, 4, 18, 0, 0, tzinfo=CHINA))
    with pytest.raises(WindowClosedError, match=r"closed at 2026-04-18T00:00:00\+08:00"):
        app.rerate_service(evaluation_id, Level.SATISFIED, actor=ENTERPRISE)


def test_a_bad_re_rating_opens_a_second_rectification_without_another_invitation(
    app: Casetrail, clock: FakeClock
) -> None:
    evaluation_id, _ = completed(app, clock)
    clock.set(datetime(2026, 4, 13, 9, 0, tzinfo=CHINA))
    saved = app.rerate_service(
        evaluation_id, Level.VERY_DISSATISFIED, actor=ENTERPRISE, reason="清单上墙了但还是被退件"
    )
    assert saved.rectification is not None
    assert saved.rectification.id == Rectification.id_for(evaluation_id, 2)
    second = saved.rectification.id
    app.record_rectification_callback(second, reached=True, complaint_verified=True, actor=LI)
    app.record_rectification_measures(second, ["专人跟办"], actor=LI)
    app.complete_rectification(second, "rectified", "专人跟办，已办结", actor=WANG)
    assert app.rectification(second).rerate_window_ends is None
