"""Issue 12, finding 7: ratings are of services that happened, by the party served.

Each test performs what was reproduced (a made-up service, a clerk named at will, six ratings
against one clerk in a minute, an anonymous rater nobody can trace, another enterprise re-rating
someone else's 差评) and shows the rule that now refuses it, by its code.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

import pytest

from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.errors import AlreadyExistsError, DomainError, NotFoundError, NotPermittedError
from domain.evaluation import Evaluation, Level
from domain.privacy import ERASED
from domain.rater import RaterAccount
from domain.rating_rules import VISITOR
from tests.support.clock import CHINA, FakeClock
from tests.support.oversight_world import (
    CHEN,
    ENTERPRISE,
    LI,
    OTHER_ENTERPRISE,
    SUN,
    WANG,
    ZHOU,
    oversight_app,
    window_service,
    window_service_with_code,
)

SERVED = datetime(2026, 4, 1, 9, 0, tzinfo=CHINA)  # Wednesday


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(SERVED)


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    return oversight_app(clock)


def refused(error: pytest.ExceptionInfo[DomainError]) -> str:
    return error.value.code


def test_finding_7_a_made_up_service_id_is_refused(app: Casetrail) -> None:
    with pytest.raises(NotFoundError) as error:
        app.rate_service(uuid4(), Level.VERY_DISSATISFIED, actor=ENTERPRISE, reason="乱评")
    assert refused(error) == "service-not-recorded"
    assert "a rating names a service Casetrail recorded" in str(error.value)


def test_finding_7_the_staff_rated_is_who_gave_the_service_never_a_name_the_rater_picks(
    app: Casetrail, clock: FakeClock
) -> None:
    ghost = Actor("no.such.login", Role.WINDOW_STAFF)
    with pytest.raises(NotPermittedError) as error:
        app.record_window_service(service_item="营业执照变更登记", actor=ghost)
    assert refused(error) == "service-recorded-by-its-staff"
    with pytest.raises(NotPermittedError) as error:
        app.record_window_service(service_item="营业执照变更登记", actor=ENTERPRISE)
    assert refused(error) == "service-recorded-by-its-staff"

    service = window_service(app, SERVED, staff="li.na")
    clock.advance(minutes=3)
    saved = app.rate_service(service, Level.DISSATISFIED, actor=ENTERPRISE, reason="态度生硬")
    rating = app.evaluation(saved.evaluation.id)
    assert (rating.staff, rating.unit_id) == ("li.na", app.unit("AMR").id)


def test_finding_7_six_ratings_against_one_clerk_in_a_minute_are_one_rating(
    app: Casetrail, clock: FakeClock
) -> None:
    mine = window_service(app, SERVED)
    others = [window_service(app, SERVED, enterprise=OTHER_ENTERPRISE.id) for _ in range(5)]
    clock.advance(seconds=10)
    app.rate_service(mine, Level.VERY_DISSATISFIED, actor=ENTERPRISE, reason="态度恶劣")
    codes = []
    for attempt in range(5):
        clock.advance(seconds=10)
        with pytest.raises(AlreadyExistsError) as again:
            app.rate_service(mine, Level.VERY_DISSATISFIED, actor=ENTERPRISE, reason="再评")
        codes.append(refused(again))
        with pytest.raises(NotPermittedError) as not_mine:
            app.rate_service(
                others[attempt], Level.VERY_DISSATISFIED, actor=ENTERPRISE, reason="再评"
            )
        codes.append(refused(not_mine))
    assert set(codes) == {"service-rated-once", "rating-by-party-served"}
    assert len(app.history(Evaluation.id_for(f"window:{mine}"))) == 1
    assert all(not app.exists(Evaluation.id_for(f"window:{o}")) for o in others)


def test_finding_7_a_case_without_an_enterprise_is_not_rated_by_any_enterprise_passing_by(
    app: Casetrail, clock: FakeClock
) -> None:
    case_id = app.file_demand(
        case_type="consultation", channel="window", summary="咨询", actor=LI, filer_name="张先生"
    ).id
    clock.advance(minutes=20)
    app.answer_directly(case_id, "已当场答复", actor=LI)
    with pytest.raises(NotPermittedError) as error:
        app.rate_case(case_id, Level.VERY_DISSATISFIED, actor=OTHER_ENTERPRISE, reason="差")
    assert refused(error) == "rating-by-party-served"


def test_finding_7_a_case_filed_online_is_rated_by_its_filer(
    app: Casetrail, clock: FakeClock
) -> None:
    case_id = app.file_demand(
        case_type="consultation",
        channel="web",
        summary="咨询年报",
        actor=ENTERPRISE,
        filer_name="王经理",
        enterprise_id=app.enterprise(ENTERPRISE.id).id,
    ).id
    clock.advance(minutes=20)
    app.receive(case_id, actor=LI)
    app.answer_directly(case_id, "已答复", actor=LI)
    clock.advance(hours=1)
    saved = app.rate_case(case_id, Level.SATISFIED, actor=ENTERPRISE)
    assert app.evaluation(saved.evaluation.id).staff == "li.na"


def test_finding_7_an_anonymous_rating_hides_the_rater_but_inspectors_can_read_it_on_record(
    app: Casetrail, clock: FakeClock
) -> None:
    service = window_service(app, SERVED)
    clock.advance(minutes=5)
    saved = app.rate_service(
        service, Level.VERY_DISSATISFIED, actor=ENTERPRISE, reason="故意刁难", real_name=False
    )
    evaluation = app.evaluation(saved.evaluation.id)
    assert evaluation.rater is None
    assert evaluation.rater_account is not None
    for event in app.history(evaluation.id):
        assert ENTERPRISE.id not in str(vars(event))
    account = app.load(RaterAccount, evaluation.rater_account)
    assert ENTERPRISE.id not in str(vars(app.history(account.id)[0]))

    for reader in (WANG, SUN, CHEN, LI):
        with pytest.raises(NotPermittedError) as error:
            app.rater_identity(evaluation.id, "想知道是谁", actor=reader)
        assert refused(error) == "anonymous-rater-read-by-inspectors"
    clock.advance(days=2)
    identity = app.rater_identity(evaluation.id, "核查是否恶意差评", actor=ZHOU)
    assert (identity.rater, identity.erased) == (ENTERPRISE.id, False)
    read = app.history(account.id)[-1]
    assert (type(read).__name__, read.actor_id) == ("Revealed", ZHOU.id)
    assert read.purpose == "核查是否恶意差评"  # type: ignore[attr-defined]

    app.erase_subject(account.id, "保存期满", actor=Actor("admin", Role.ADMIN))
    assert app.rater_identity(evaluation.id, "复核", actor=ZHOU).rater == ERASED


def test_finding_7_another_enterprise_cannot_re_rate_someone_elses_anonymous_bad_review(
    app: Casetrail, clock: FakeClock
) -> None:
    service = window_service(app, SERVED)
    clock.advance(minutes=5)
    saved = app.rate_service(
        service, Level.VERY_DISSATISFIED, actor=ENTERPRISE, reason="推诿", real_name=False
    )
    assert saved.rectification is not None
    _rectify(app, clock, saved.rectification.id)
    with pytest.raises(NotPermittedError) as error:
        app.rerate_service(saved.evaluation.id, Level.VERY_SATISFIED, actor=OTHER_ENTERPRISE)
    assert refused(error) == "rerate-by-original-rater"
    assert app.evaluation(saved.evaluation.id).level is Level.VERY_DISSATISFIED
    app.rerate_service(saved.evaluation.id, Level.SATISFIED, actor=ENTERPRISE)
    assert app.evaluation(saved.evaluation.id).level is Level.SATISFIED
    with pytest.raises(DomainError) as twice:
        app.rerate_service(saved.evaluation.id, Level.VERY_SATISFIED, actor=ENTERPRISE)
    assert refused(twice) == "rerated-once"


def test_finding_7_a_window_visitor_rates_once_with_the_code_on_the_receipt(
    app: Casetrail, clock: FakeClock
) -> None:
    service, code = window_service_with_code(app, SERVED)
    other, _ = window_service_with_code(app, SERVED)
    clock.advance(minutes=5)
    with pytest.raises(NotPermittedError) as wrong:
        app.rate_service(other, Level.DISSATISFIED, actor=VISITOR, reason="慢", code=code)
    assert refused(wrong) == "rating-code-mismatch"
    with pytest.raises(NotPermittedError) as no_code:
        app.rate_service(service, Level.DISSATISFIED, actor=VISITOR, reason="慢")
    assert refused(no_code) == "rating-by-party-served"
    typed = code.lower().replace("-", " ")  # as a person types it off the receipt
    saved = app.rate_service(
        service, Level.DISSATISFIED, actor=VISITOR, reason="慢", real_name=False, code=typed
    )
    with pytest.raises(AlreadyExistsError):
        app.rate_service(service, Level.SATISFIED, actor=VISITOR, real_name=False, code=code)
    evaluation = app.evaluation(saved.evaluation.id)
    assert (evaluation.rater, evaluation.rater_account, evaluation.by_code) == (None, None, True)

    assert saved.rectification is not None
    _rectify(app, clock, saved.rectification.id)
    with pytest.raises(NotPermittedError) as someone:
        app.rerate_service(saved.evaluation.id, Level.VERY_SATISFIED, actor=VISITOR)
    assert refused(someone) == "rerate-by-original-rater"
    app.rerate_service(saved.evaluation.id, Level.SATISFIED, actor=VISITOR, code=code)
    assert app.evaluation(saved.evaluation.id).level is Level.SATISFIED


def _rectify(app: Casetrail, clock: FakeClock, rectification_id: UUID) -> None:
    clock.advance(hours=2)
    app.record_rectification_verification(
        rectification_id, complaint_verified=True, note="调取记录核实", actor=LI
    )
    app.record_rectification_measures(rectification_id, ["窗口服务规范培训"], actor=LI)
    clock.advance(days=1)
    app.complete_rectification(rectification_id, "rectified", "已整改", actor=WANG)
    clock.advance(hours=1)
