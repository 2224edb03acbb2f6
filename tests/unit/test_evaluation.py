"""Good/bad reviews: who may rate, the rating window, one rating per service, 差评 reasons."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

import pytest

from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.errors import AlreadyExistsError, InvalidInputError, NotFoundError, NotPermittedError
from domain.evaluation import Evaluation, Level, ServiceReceived
from domain.rating_rules import PartyServed
from domain.refusals import StepRefusedError, WindowClosedError
from tests.support.clock import CHINA, FakeClock
from tests.support.oversight_world import (
    ENTERPRISE,
    LI,
    OTHER_ENTERPRISE,
    WANG,
    oversight_app,
    window_service,
)

# Monday 2 March 2026, 09:00: a plain working week.
DELIVERED = datetime(2026, 3, 2, 9, 0, tzinfo=CHINA)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(DELIVERED)


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    return oversight_app(clock)


def test_a_good_rating_is_recorded_with_the_service_it_rates(
    app: Casetrail, clock: FakeClock
) -> None:
    service = window_service(app, DELIVERED)
    clock.advance(minutes=5)
    saved = app.rate_service(service, Level.VERY_SATISFIED, actor=ENTERPRISE)
    assert saved.rectification is None
    evaluation = app.evaluation(saved.evaluation.id)
    assert evaluation.id == Evaluation.id_for(f"window:{service}")
    state = evaluation.state()
    assert state["kind"] == "evaluation"
    assert state["service_ref"] == f"window:{service}"
    assert state["unit_id"] == str(app.unit("AMR").id)
    assert (state["staff"], state["service_item"]) == ("li.na", "营业执照变更登记")
    assert (state["level"], state["bad"], state["counted"]) == ("very_satisfied", False, True)
    assert state["rater"] == "91440300MA5EXAMPLE"
    assert state["rated_at"] == "2026-03-02T09:05:00+08:00"
    assert state["policy_version"] == app.policy.version


@pytest.mark.parametrize(
    ("level", "bad"),
    [
        (Level.VERY_SATISFIED, False),
        (Level.SATISFIED, False),
        (Level.BASICALLY_SATISFIED, False),
        (Level.DISSATISFIED, True),
        (Level.VERY_DISSATISFIED, True),
    ],
)
def test_only_the_two_lowest_of_five_levels_are_bad_reviews(
    app: Casetrail, level: Level, bad: bool
) -> None:
    saved = app.rate_service(
        window_service(app, DELIVERED), level, actor=ENTERPRISE, reason="窗口排队两小时"
    )
    assert app.evaluation(saved.evaluation.id).is_bad is bad
    assert (saved.rectification is not None) is bad


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_bad_review_without_a_reason_is_refused(app: Casetrail, reason: str | None) -> None:
    with pytest.raises(InvalidInputError, match="dissatisfied rating is a 差评 and needs a reason"):
        app.rate_service(
            window_service(app, DELIVERED), Level.DISSATISFIED, actor=ENTERPRISE, reason=reason
        )


@pytest.mark.parametrize(
    "role",
    [
        Role.WINDOW_STAFF,
        Role.UNIT_HEAD,
        Role.SUPERVISOR,
        Role.INSPECTOR,
        Role.LEADER,
        Role.ADMIN,
    ],
)
def test_no_staff_role_may_rate_a_service(app: Casetrail, role: Role) -> None:
    with pytest.raises(
        NotPermittedError, match=f"a {role.value} may not rate a service; only the party served"
    ):
        app.rate_service(window_service(app, DELIVERED), Level.SATISFIED, actor=Actor("x", role))


def test_the_clerk_who_served_may_not_rate_her_own_service(app: Casetrail) -> None:
    service = window_service(app, DELIVERED, staff="li.na")
    with pytest.raises(NotPermittedError, match="window_staff may not rate"):
        app.rate_service(service, Level.VERY_SATISFIED, actor=LI)
    assert not app.exists(Evaluation.id_for(f"window:{service}"))


def test_a_second_rating_of_the_same_service_is_refused(app: Casetrail) -> None:
    service = window_service(app, DELIVERED)
    first = app.rate_service(service, Level.SATISFIED, actor=ENTERPRISE)
    with pytest.raises(AlreadyExistsError, match=r"is already rated .* each service is rated once"):
        app.rate_service(service, Level.VERY_DISSATISFIED, actor=ENTERPRISE, reason="改主意")
    assert app.evaluation(first.evaluation.id).level is Level.SATISFIED


def test_the_rating_window_is_seven_natural_days_after_the_service(
    app: Casetrail, clock: FakeClock
) -> None:
    # Delivered Mon 2026-03-02; 7 natural days later is Mon 2026-03-09, a working day, so the
    # window runs out at 24:00 that day.
    late = window_service(app, DELIVERED)
    clock.set(datetime(2026, 3, 10, 0, 0, tzinfo=CHINA))
    with pytest.raises(WindowClosedError) as refused:
        app.rate_service(late, Level.SATISFIED, actor=ENTERPRISE)
    assert str(refused.value) == (
        "cannot rate the service: the window for rating "
        f"window:{late} closed at 2026-03-10T00:00:00+08:00 (policy {app.policy.version}:"
        " 7 natural days"
        " after the service; an unrated service stays not rated)"
    )
    in_time = window_service(app, DELIVERED)
    clock.set(datetime(2026, 3, 9, 23, 59, tzinfo=CHINA))
    app.rate_service(in_time, Level.SATISFIED, actor=ENTERPRISE)


def test_a_window_ending_on_a_holiday_runs_to_the_next_working_day(
    app: Casetrail, clock: FakeClock
) -> None:
    # Delivered Tue 2026-04-28; 7 days later is Tue 2026-05-05, the last Labour Day rest day,
    # so the window ends at 24:00 on Wed 2026-05-06.
    service = window_service(app, datetime(2026, 4, 28, 10, 0, tzinfo=CHINA))
    clock.set(datetime(2026, 5, 6, 20, 0, tzinfo=CHINA))
    saved = app.rate_service(service, Level.BASICALLY_SATISFIED, actor=ENTERPRISE)
    ends = app.evaluation(saved.evaluation.id).window_ends
    assert ends == datetime(2026, 5, 7, 0, 0, tzinfo=CHINA)


def test_silence_leaves_the_service_not_rated(app: Casetrail, clock: FakeClock) -> None:
    service = window_service(app, DELIVERED)
    clock.set(datetime(2026, 3, 20, 9, 0, tzinfo=CHINA))
    assert not app.exists(Evaluation.id_for(f"window:{service}"))
    assert list(app.iter_ids([_topic(Evaluation.Rated)])) == []


def test_a_service_is_rated_when_its_staff_record_it_and_never_before(
    app: Casetrail, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 3, 2, 15, 0, tzinfo=CHINA))
    service = window_service(app, clock.now)
    state = app.window_service(service).state()
    assert (state["staff"], state["unit_id"]) == ("li.na", str(app.unit("AMR").id))
    assert state["delivered_at"] == "2026-03-02T15:00:00+08:00"
    assert "code" not in str(state).lower()
    with pytest.raises(NotFoundError, match="a rating names a service Casetrail recorded"):
        app.rate_service(uuid4(), Level.SATISFIED, actor=ENTERPRISE)


def test_an_anonymous_rating_keeps_no_trace_of_the_rater(app: Casetrail) -> None:
    saved = app.rate_service(
        window_service(app, DELIVERED),
        Level.VERY_DISSATISFIED,
        actor=ENTERPRISE,
        reason="态度恶劣",
        real_name=False,
    )
    evaluation = app.evaluation(saved.evaluation.id)
    assert (evaluation.real_name, evaluation.rater) == (False, None)
    rated = app.history(evaluation.id)[0]
    assert (rated.actor_id, rated.actor_role) == ("anonymous", "enterprise")
    assert "91440300MA5EXAMPLE" not in str(evaluation.state())
    assert "91440300MA5EXAMPLE" not in str([vars(e) for e in app.history(evaluation.id)])


def test_a_case_is_rated_per_handling_cycle_by_the_enterprise_it_served(
    app: Casetrail, clock: FakeClock
) -> None:
    case_id = _answered_case(app, clock)
    with pytest.raises(NotPermittedError, match=f"only the party served by case:{case_id}:1"):
        app.rate_case(case_id, Level.SATISFIED, actor=OTHER_ENTERPRISE)
    saved = app.rate_case(case_id, Level.SATISFIED, actor=ENTERPRISE)
    state = app.evaluation(saved.evaluation.id).state()
    assert state["service_ref"] == f"case:{case_id}:1"
    assert (state["case_id"], state["cycle"]) == (str(case_id), 1)
    assert state["unit_id"] == str(app.unit("AMR").id)  # answered at the AMR window
    assert state["staff"] == "li.na"
    assert state["delivered_at"] == "2026-03-02T09:30:00+08:00"  # answered then

    clock.advance(days=1)
    app.reopen(case_id, "企业反映仍未办好", actor=WANG)
    app.reply(case_id, "已重新办理", actor=LI)
    second = app.rate_case(case_id, Level.VERY_SATISFIED, actor=ENTERPRISE)
    assert second.evaluation.id != saved.evaluation.id
    assert app.evaluation(second.evaluation.id).service_ref == f"case:{case_id}:2"


def test_a_case_still_being_handled_cannot_be_rated(app: Casetrail) -> None:
    case_id = app.file_demand(
        case_type="consultation",
        channel="window",
        summary="咨询社保转移",
        actor=LI,
        filer_name="张先生",
        enterprise_id=app.enterprise("91440300MA5EXAMPLE").id,
    ).id
    with pytest.raises(StepRefusedError, match=r"is received; its service is rated once it is"):
        app.rate_case(case_id, Level.SATISFIED, actor=ENTERPRISE)


def test_a_case_cycle_counts_from_one() -> None:
    with pytest.raises(InvalidInputError, match="count from 1, not 0"):
        ServiceReceived.case_cycle(
            UUID(int=1), 0, unit_id=UUID(int=2), delivered_at=DELIVERED, party=PartyServed()
        )


def _answered_case(app: Casetrail, clock: FakeClock) -> UUID:
    case_id = app.file_demand(
        case_type="consultation",
        channel="window",
        summary="咨询营业执照变更所需材料",
        actor=LI,
        filer_name="张先生",
        enterprise_id=app.enterprise("91440300MA5EXAMPLE").id,
    ).id
    clock.advance(minutes=30)
    app.answer_directly(case_id, "已当场告知所需材料", actor=LI)
    clock.advance(minutes=30)
    app.close_case(case_id, "explained", "当场答复", actor=LI)
    clock.advance(minutes=10)
    return case_id


def _topic(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"
