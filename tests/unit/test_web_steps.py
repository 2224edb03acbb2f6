"""Which step forms a case page offers, and how a submitted form becomes a command."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import pytest

from api.web.steps import offered_steps, take_step
from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.errors import ConflictError, InvalidInputError
from tests.support.app import memory_app, seed_directory
from tests.support.clock import CHINA, FakeClock

LI = Actor("li.na", Role.WINDOW_STAFF)
WANG = Actor("wang.qiang", Role.UNIT_HEAD)
ENTERPRISE = Actor("91440300MA5EXAMPLE", Role.ENTERPRISE)


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    found = memory_app(clock)
    seed_directory(found)
    return found


def signed_for(app: Casetrail) -> UUID:
    filed = app.file_demand(
        case_type="complaint", channel="window", summary="审批超时", filer_name="张伟", actor=LI
    )
    app.dispatch(filed.id, "AMR", actor=LI)
    app.sign_for(filed.id, actor=LI)
    case_id: UUID = filed.id
    return case_id


def test_a_clerk_who_recorded_a_demand_is_not_offered_to_receive_it(app: Casetrail) -> None:
    filed = app.file_demand(
        case_type="help", channel="window", summary="道路破损", filer_name="李强", actor=LI
    )
    case = app.case(filed.id)
    assert offered_steps(case, LI) == ["hand_over", "answer_directly", "dispatch"]
    assert offered_steps(case, WANG) == ["hand_over", "answer_directly", "dispatch", "terminate"]


def test_a_demand_filed_online_is_offered_to_be_received(app: Casetrail) -> None:
    filed = app.file_demand(
        case_type="help",
        channel="web",
        summary="用电容量不足",
        filer_name="陈静",
        enterprise_id=app.enterprise("91440300MA5EXAMPLE").id,
        actor=ENTERPRISE,
    )
    assert offered_steps(app.case(filed.id), LI)[0] == "receive"
    assert offered_steps(app.case(filed.id), ENTERPRISE) == []


def test_after_a_supplement_request_the_clock_restarts_by_receiving_the_materials(
    app: Casetrail,
) -> None:
    case_id = signed_for(app)
    app.pause(case_id, "supplement", "缺少材料", actor=LI)
    offered = offered_steps(app.case(case_id), LI)
    assert "receive_supplement" in offered
    assert "resume" not in offered


def test_after_a_hearing_the_clock_restarts_by_resuming(app: Casetrail) -> None:
    case_id = signed_for(app)
    app.pause(case_id, "hearing", "召开听证会", actor=LI)
    offered = offered_steps(app.case(case_id), LI)
    assert "resume" in offered
    assert "receive_supplement" not in offered


def test_an_extension_is_decided_only_while_one_is_requested(app: Casetrail) -> None:
    case_id = signed_for(app)
    assert "decide_extension" not in offered_steps(app.case(case_id), WANG)
    app.request_extension(case_id, datetime(2026, 3, 25).date(), "需现场核查", actor=LI)
    assert "decide_extension" in offered_steps(app.case(case_id), WANG)
    assert "request_extension" not in offered_steps(app.case(case_id), LI)


def test_a_dispatch_form_never_names_the_lead_unit_as_co_handling(app: Casetrail) -> None:
    filed = app.file_demand(
        case_type="help", channel="window", summary="道路破损", filer_name="李强", actor=LI
    )
    form = {"lead_unit": ["AMR"], "co_units": ["AMR", "HRS"], "note": [""]}
    take_step(app, filed.id, "dispatch", form, actor=LI, version=1)
    case = app.case(filed.id)
    assert case.co_unit_ids == [app.unit("HRS").id]


def test_a_form_made_from_an_older_version_is_a_conflict(app: Casetrail, clock: FakeClock) -> None:
    case_id = signed_for(app)  # version 3
    clock.set(datetime(2026, 3, 3, 10, 0, tzinfo=CHINA))
    with pytest.raises(ConflictError) as refused:
        take_step(app, case_id, "record_contact", {"note": ["已电话联系"]}, actor=LI, version=2)
    assert refused.value.current == 3


def test_a_yes_or_no_question_needs_yes_or_no(app: Casetrail) -> None:
    case_id = signed_for(app)
    app.reply(case_id, "已办理", actor=LI)
    form = {"resolved": ["maybe"], "satisfied": ["yes"], "note": [""]}
    with pytest.raises(InvalidInputError):
        take_step(app, case_id, "record_callback", form, actor=LI, version=4)


def test_an_unknown_step_is_refused(app: Casetrail) -> None:
    case_id = signed_for(app)
    with pytest.raises(InvalidInputError):
        take_step(app, case_id, "approve_everything", {}, actor=LI, version=3)
