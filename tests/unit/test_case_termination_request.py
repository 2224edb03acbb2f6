"""A termination (终止办理) asked for by the handler and decided by the head: one request waits
at a time, the one who asked never decides it, another unit's head does not either, and a
refusal leaves the case in hand, free to be asked again."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import pytest

from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.case_rules import CaseStatus
from domain.errors import IllegalStepError, InvalidInputError, NotPermittedError
from tests.support.app import memory_app, seed_directory
from tests.support.clock import CHINA, FakeClock

LI = Actor("li.na", Role.WINDOW_STAFF)  # AMR clerk
WANG = Actor("wang.qiang", Role.UNIT_HEAD)  # AMR head
SUN = Actor("sun.li", Role.UNIT_HEAD)  # HRS head


@pytest.fixture
def app() -> Casetrail:
    app = memory_app(FakeClock(datetime(2026, 6, 2, 9, 0, tzinfo=CHINA)))
    seed_directory(app)
    return app


def in_hand(app: Casetrail) -> UUID:
    case_id = app.file_demand(
        case_type="help", channel="window", summary="企业搬迁", filer_name="张先生", actor=LI
    ).id
    app.dispatch(case_id, "AMR", actor=LI)
    app.sign_for(case_id, actor=LI)
    return case_id


def test_the_head_approves_a_waiting_request_in_the_handlers_name(app: Casetrail) -> None:
    case_id = in_hand(app)
    with pytest.raises(InvalidInputError) as empty:
        app.request_termination(case_id, " ", actor=LI)
    assert empty.value.code == "reason-required"
    app.request_termination(case_id, "企业已注销", actor=LI)
    case = app.case(case_id)
    assert (case.pending_termination_by, case.pending_termination_reason) == ("li.na", "企业已注销")
    with pytest.raises(InvalidInputError) as twice:
        app.request_termination(case_id, "企业已注销", actor=LI)
    assert twice.value.code == "termination-already-pending"
    app.terminate(case_id, "情况属实", "li.na", actor=WANG)
    case = app.case(case_id)
    assert case.status is CaseStatus.TERMINATED
    assert case.pending_termination_by is None


def test_a_refusal_leaves_the_case_in_hand_and_only_the_units_head_decides(
    app: Casetrail,
) -> None:
    case_id = in_hand(app)
    with pytest.raises(InvalidInputError) as nothing:
        app.refuse_termination(case_id, "无申请", actor=WANG)
    assert nothing.value.code == "no-termination-pending"
    app.request_termination(case_id, "企业已注销", actor=LI)
    with pytest.raises(NotPermittedError):
        app.refuse_termination(case_id, "继续办理", actor=LI)  # a clerk does not decide
    with pytest.raises(NotPermittedError) as other:
        app.refuse_termination(case_id, "继续办理", actor=SUN)
    assert other.value.code == "termination-by-another-unit"
    app.refuse_termination(case_id, "企业仍在经营", actor=WANG)
    case = app.case(case_id)
    assert case.status is CaseStatus.IN_PROGRESS
    assert case.pending_termination_by is None
    app.request_termination(case_id, "企业确已注销", actor=LI)
    assert app.case(case_id).pending_termination_by == "li.na"


def test_a_head_does_not_decide_their_own_request(app: Casetrail) -> None:
    case_id = in_hand(app)
    app.request_termination(case_id, "企业已注销", actor=WANG)
    with pytest.raises(NotPermittedError) as own:
        app.refuse_termination(case_id, "继续", actor=WANG)
    assert own.value.code == "requester-may-not-decide"


def test_a_case_not_yet_in_hand_cannot_be_asked_to_end(app: Casetrail) -> None:
    received = app.file_demand(
        case_type="help", channel="window", summary="咨询", filer_name="张先生", actor=LI
    ).id
    with pytest.raises(IllegalStepError):
        app.request_termination(received, "企业撤回", actor=LI)
