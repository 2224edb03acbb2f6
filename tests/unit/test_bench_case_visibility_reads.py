"""Showing a case looks the owner's unit up only for callers whose scope is their unit.

Profiling ``casetrail bench`` found every case read by a supervisor, inspector or API consumer
paying two store reads (does the owner exist as staff, then load them) for a unit it never used.
"""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from api.http.scope import visible_case
from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.directory import Staff, Unit
from domain.errors import NotFoundError
from infra.identity import Principal
from tests.support.app import memory_app, seed_directory
from tests.support.clock import FakeClock

CLERK = Actor("li.na", Role.WINDOW_STAFF)


def _principal(login: str, role: Role, unit: str | None = None) -> Principal:
    unit_id = Unit.id_for(unit) if unit else None
    return Principal(login, Actor(login, role), unit_id, None, uuid4())


def _case_in_progress(app: Casetrail) -> UUID:
    case_id = app.file_demand(
        case_type="complaint", channel="window", summary="审批超时", actor=CLERK,
        filer_name="张伟",
    ).id
    app.dispatch(case_id, "AMR", actor=CLERK)
    app.sign_for(case_id, actor=CLERK)
    return case_id


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    found = memory_app(clock)
    seed_directory(found)
    return found


def _count_staff_lookups(app: Casetrail, monkeypatch: pytest.MonkeyPatch) -> list[UUID]:
    looked_up: list[UUID] = []
    exists = app.exists

    def spying(aggregate_id: UUID) -> bool:
        if aggregate_id in {Staff.id_for(login) for login in ("li.na", "zhao.lei")}:
            looked_up.append(aggregate_id)
        return exists(aggregate_id)

    monkeypatch.setattr(app, "exists", spying)
    return looked_up


def test_a_supervisor_sees_a_case_without_reading_its_owner_from_the_directory(
    app: Casetrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = _case_in_progress(app)
    looked_up = _count_staff_lookups(app, monkeypatch)

    case = visible_case(app, _principal("chen.jie", Role.SUPERVISOR), case_id)

    assert (case.id, case.owner) == (case_id, "li.na")
    assert looked_up == []


def test_staff_of_another_unit_are_still_refused_after_the_owner_is_looked_up(
    app: Casetrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = _case_in_progress(app)
    looked_up = _count_staff_lookups(app, monkeypatch)

    with pytest.raises(NotFoundError):
        visible_case(app, _principal("zhao.lei", Role.WINDOW_STAFF, "HRS"), case_id)
    assert visible_case(app, _principal("wang.qiang", Role.UNIT_HEAD, "AMR"), case_id).id == case_id
    assert looked_up == [Staff.id_for("li.na"), Staff.id_for("li.na")]
