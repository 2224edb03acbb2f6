"""Supervision orders (督办) and named circulars (实名通报)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import pytest

from domain.application import Casetrail
from domain.errors import InvalidInputError, NotFoundError, NotPermittedError
from domain.refusals import ConcludedError, StepRefusedError
from tests.support.clock import CHINA, FakeClock
from tests.support.oversight_world import CHEN, LI, SUN, WANG, ZHAO, ZHOU, oversight_app

ISSUED = datetime(2026, 3, 2, 9, 0, tzinfo=CHINA)  # Monday


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(ISSUED)


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    return oversight_app(clock)


def file_case(app: Casetrail) -> UUID:
    return app.file_demand(
        case_type="complaint",
        channel="window",
        summary="社保转移接续三个月未办结",
        actor=LI,
        filer_name="王女士",
    ).id


def supervise_hrs(app: Casetrail) -> UUID:
    return app.supervise_unit(
        "HRS",
        instruction="说明社保转移积压原因",
        required_response="书面报告及整改时间表",
        working_days=3,
        actor=CHEN,
    ).id


def test_a_supervisor_supervises_a_unit_with_a_working_day_deadline(app: Casetrail) -> None:
    order = app.supervision(supervise_hrs(app))
    state = order.state()
    assert (state["kind"], state["target_kind"], state["status"]) == (
        "supervision",
        "unit",
        "awaiting_response",
    )
    assert state["target_id"] == state["unit_id"] == str(app.unit("HRS").id)
    # 3 working days after Mon 2 March: Tue, Wed, Thu -> due at 24:00 on Thu 5 March.
    assert state["due_at"] == "2026-03-06T00:00:00+08:00"
    assert order.deadline.derivation["policy_version"] == app.policy.version


def test_a_case_is_supervised_through_its_lead_unit_or_its_owners_unit(app: Casetrail) -> None:
    held = file_case(app)
    at_window = app.supervise_case(
        held,
        instruction="督促答复",
        required_response="答复情况",
        due=date(2026, 3, 4),
        actor=CHEN,
    )
    assert app.supervision(at_window.id).unit_id == app.unit("AMR").id  # li.na's unit
    dispatched = file_case(app)
    app.dispatch(dispatched, "HRS", actor=LI)
    order = app.supervise_case(
        dispatched,
        instruction="限期办结",
        required_response="办结情况",
        due=date(2026, 3, 4),
        actor=CHEN,
    )
    state = app.supervision(order.id).state()
    assert (state["target_kind"], state["target_id"]) == ("case", str(dispatched))
    assert state["unit_id"] == str(app.unit("HRS").id)
    assert state["due_at"] == "2026-03-05T00:00:00+08:00"  # 24:00 on the date set


def test_only_a_supervisor_issues_an_order_and_its_deadline_is_clear(app: Casetrail) -> None:
    with pytest.raises(NotPermittedError, match="only a supervisor may issue a supervision"):
        app.supervise_unit(
            "HRS", instruction="x", required_response="y", working_days=3, actor=ZHOU
        )
    with pytest.raises(InvalidInputError, match="either a due date or working days"):
        app.supervise_unit("HRS", instruction="x", required_response="y", actor=CHEN)
    with pytest.raises(InvalidInputError, match="either a due date or working days"):
        app.supervise_unit(
            "HRS",
            instruction="x",
            required_response="y",
            working_days=3,
            due=date(2026, 3, 9),
            actor=CHEN,
        )
    with pytest.raises(InvalidInputError, match="must be after it is issued"):
        app.supervise_unit(
            "HRS", instruction="x", required_response="y", due=date(2026, 3, 1), actor=CHEN
        )
    with pytest.raises(InvalidInputError, match="the required response must not be empty"):
        app.supervise_unit(
            "HRS", instruction="x", required_response=" ", working_days=3, actor=CHEN
        )


def test_the_head_of_the_addressed_unit_responds(app: Casetrail, clock: FakeClock) -> None:
    order_id = supervise_hrs(app)
    with pytest.raises(NotPermittedError, match="only a unit_head may respond"):
        app.respond_to_supervision(order_id, "已收到", actor=ZHAO)
    with pytest.raises(NotPermittedError, match=r"is addressed to unit .* only its head"):
        app.respond_to_supervision(order_id, "已收到", actor=WANG)
    clock.advance(days=2)
    app.respond_to_supervision(order_id, "积压系系统切换所致，3月底前清零", actor=SUN)
    state = app.supervision(order_id).state()
    assert state["status"] == "responded"
    assert state["responses"][0]["by"] == "sun.li"
    assert state["responses"][0]["late"] is False


def test_an_unanswered_order_is_overdue_from_its_deadline(app: Casetrail, clock: FakeClock) -> None:
    order_id = supervise_hrs(app)
    assert not app.supervision(order_id).is_overdue(datetime(2026, 3, 5, 23, 59, tzinfo=CHINA))
    clock.set(datetime(2026, 3, 6, 0, 0, tzinfo=CHINA))
    assert app.supervision(order_id).is_overdue(clock.now)
    clock.set(datetime(2026, 3, 9, 10, 0, tzinfo=CHINA))
    app.respond_to_supervision(order_id, "迟复：已整改", actor=SUN)
    order = app.supervision(order_id)
    assert order.responses[0]["late"] is True
    assert not order.is_overdue(clock.now)


def test_the_supervisor_closes_an_answered_order_and_then_it_is_final(
    app: Casetrail, clock: FakeClock
) -> None:
    order_id = supervise_hrs(app)
    with pytest.raises(StepRefusedError, match="awaits the response of unit"):
        app.close_supervision(order_id, "结案", actor=CHEN)
    app.respond_to_supervision(order_id, "已整改", actor=SUN)
    with pytest.raises(NotPermittedError, match="only a supervisor may close"):
        app.close_supervision(order_id, "结案", actor=SUN)
    app.close_supervision(order_id, "整改到位，予以销号", actor=CHEN)
    assert app.supervision(order_id).status == "closed"
    with pytest.raises(ConcludedError) as refused:
        app.respond_to_supervision(order_id, "补充说明", actor=SUN)
    assert str(refused.value) == (
        f"supervision order {order_id} is closed; nothing more can be recorded"
    )


def test_a_named_circular_names_who_and_why_from_a_source(app: Casetrail) -> None:
    saved = app.publish_circular(
        title="2026年第一季度超期办件通报",
        source_kind="board",
        source_ref="限时办结看板 2026-Q1",
        subjects=[
            ("staff", "zhao.lei", "两件投诉超期未办结"),
            ("unit", "HRS", "超期件数居末位"),
        ],
        actor=CHEN,
    )
    circular = app.circular(saved.id)
    state = circular.state()
    assert (state["kind"], state["source_kind"], state["source_ref"]) == (
        "circular",
        "board",
        "限时办结看板 2026-Q1",
    )
    assert state["subjects"] == [
        {"kind": "staff", "who": "zhao.lei", "why": "两件投诉超期未办结"},
        {"kind": "unit", "who": "HRS", "why": "超期件数居末位"},
    ]
    published = app.history(circular.id)[0]
    assert (published.actor_id, published.actor_role) == ("chen.jie", "supervisor")


def test_a_circular_names_known_people_for_a_reason(app: Casetrail) -> None:
    with pytest.raises(NotFoundError, match="no staff with id"):
        app.publish_circular(
            title="通报",
            source_kind="board",
            source_ref="overdue board",
            subjects=[("staff", "nobody", "超期")],
            actor=CHEN,
        )
    with pytest.raises(InvalidInputError, match=r"why zhao\.lei is named must not be empty"):
        app.publish_circular(
            title="通报",
            source_kind="board",
            source_ref="overdue board",
            subjects=[("staff", "zhao.lei", "")],
            actor=CHEN,
        )
    with pytest.raises(InvalidInputError, match="names at least one"):
        app.publish_circular(
            title="通报", source_kind="period", source_ref="2026", subjects=[], actor=CHEN
        )
    with pytest.raises(NotPermittedError, match="only a supervisor may publish"):
        app.publish_circular(
            title="通报",
            source_kind="period",
            source_ref="2026",
            subjects=[("unit", "HRS", "末位")],
            actor=WANG,
        )


def test_a_circular_published_in_error_is_withdrawn_not_erased(app: Casetrail) -> None:
    saved = app.publish_circular(
        title="通报",
        source_kind="board",
        source_ref="overdue board",
        subjects=[("unit", "AMR", "超期")],
        actor=CHEN,
    )
    app.withdraw_circular(saved.id, "数据口径错误", actor=CHEN)
    state = app.circular(saved.id).state()
    assert state["withdrawal_reason"] == "数据口径错误"
    assert state["subjects"] == [{"kind": "unit", "who": "AMR", "why": "超期"}]
    with pytest.raises(ConcludedError, match="is withdrawn; nothing more can be recorded"):
        app.withdraw_circular(saved.id, "again", actor=CHEN)
