"""Issue 12, finding 12: a service commitment (服务承诺: a shorter limit for a service item, in
policy) sets the deadline of a demand about that item; before, it was never used."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from api.cli.derivation import describe
from domain.application import Casetrail
from tests.support.app import shipped_policy
from tests.support.city import SUPERVISOR, city, clerk
from tests.support.clock import CHINA, FakeClock

MONDAY = datetime(2026, 6, 1, 9, 0, tzinfo=CHINA)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY)


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    policy = shipped_policy()
    commitments = {"GSC-help": 5, "GSC-suggestion": 12}  # the second promises nothing shorter
    return city(clock, replace(policy, service_commitments=commitments))


def test_finding_12_a_service_commitment_shortens_the_deadline(app: Casetrail) -> None:
    case_id = app.file_demand(
        case_type="help",
        channel="window",
        summary="申请稳岗补贴",
        actor=clerk("GSC"),
        filer_name="李女士",
        service_item="GSC-help",
    ).id
    deadline = app.case(case_id).deadline
    # 5 working days after Mon 1 June, not the 10 of a request for help.
    assert deadline.due == date(2026, 6, 8)
    assert deadline.derivation["basis"] == {
        "case_type": "help",
        "type_working_days": 10,
        "service_commitment": "GSC-help",
    }
    assert "service commitment for GSC-help: 5 working days (the help limit is 10)" in describe(
        deadline
    )


def test_finding_12_without_a_shorter_commitment_the_type_limit_holds(app: Casetrail) -> None:
    no_item = app.file_demand(
        case_type="help", channel="window", summary="求助", actor=clerk("GSC"), filer_name="甲"
    ).id
    longer = app.file_demand(
        case_type="suggestion",
        channel="window",
        summary="建议",
        actor=clerk("GSC"),
        filer_name="乙",
        service_item="GSC-suggestion",
    ).id
    # 10 working days after Mon 1 June, the Dragon Boat Festival (Fri 19 June) aside: 15 June.
    assert app.case(no_item).deadline.due == date(2026, 6, 15)
    assert app.case(longer).deadline.due == date(2026, 6, 15)  # 12 promised, 10 by law
    assert app.case(longer).deadline.derivation["basis"]["service_commitment"] is None


def test_finding_12_a_reopened_case_keeps_its_service_commitment(
    app: Casetrail, clock: FakeClock
) -> None:
    case_id = app.file_demand(
        case_type="help",
        channel="window",
        summary="申请稳岗补贴",
        actor=clerk("GSC"),
        filer_name="李女士",
        service_item="GSC-help",
    ).id
    app.answer_directly(case_id, "已告知办理流程", actor=clerk("GSC"))
    app.close_case(case_id, "explained", "当场答复", actor=clerk("GSC"))
    clock.set(datetime(2026, 6, 8, 9, 0, tzinfo=CHINA))
    app.reopen(case_id, "企业反映补贴仍未到账", actor=SUPERVISOR)
    assert app.case(case_id).deadline.due == date(2026, 6, 15)  # 5 working days again
