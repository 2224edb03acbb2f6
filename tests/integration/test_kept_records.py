"""Commands decide on the calendar and the clerk's entry as kept, and the write checks them.

Two applications on one PostgreSQL database stand for two processes. A command on a case the
first one saved takes its kept calendar and directory entries unread; its insert asserts their
versions under the table lock. When the second process has changed one, the write is refused
and the command runs again on what the store holds, so the change counts at once.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.directory import Staff, Unit
from domain.errors import DomainError, StaleRecordError
from tests.integration.test_recent_aggregates import count_reads, dispatched
from tests.support.app import ADMIN, seed_directory
from tests.support.stores import StoreUnderTest

pytestmark = pytest.mark.postgres

CLERK = Actor("li.na", Role.WINDOW_STAFF)


@pytest.fixture
def two(postgres_store: StoreUnderTest) -> tuple[Casetrail, Casetrail]:
    first = postgres_store.open()
    seed_directory(first)
    first.register_unit("DCS", "纪检监察室", actor=ADMIN)
    return first, postgres_store.open()


def filed(app: Casetrail, *, confidential: bool = False) -> Any:
    return app.case(
        app.file_demand(
            case_type="complaint",
            channel="window",
            summary="审批超时",
            actor=CLERK,
            filer_name="张伟",
            confidential=confidential,
        ).id
    )


def test_filing_and_dispatching_with_kept_records_read_nothing(
    two: tuple[Casetrail, Casetrail],
) -> None:
    app, _ = two
    dispatched(app)  # keeps the calendar and the clerk's entry
    reads = count_reads(app)
    case_id = app.file_demand(
        case_type="complaint", channel="window", summary="审批超时", actor=CLERK, filer_name="张伟"
    ).id
    app.dispatch(case_id, "AMR", actor=CLERK)
    assert reads() == 0


def test_a_calendar_changed_by_another_process_counts_in_the_next_dispatch(
    two: tuple[Casetrail, Casetrail],
) -> None:
    first, second = two
    before = dispatched(first)
    case_id = filed(first).id
    rest = [date(2026, 3, day) for day in range(3, 14)]  # Tuesday 3 to Friday 13 March
    second.add_calendar_overlay("临时调休", rest, "测试通知", actor=ADMIN)

    first.dispatch(case_id, "AMR", actor=CLERK)

    moved, unmoved = first.case(case_id).return_due, first.case(before).return_due
    assert unmoved is not None
    assert moved is not None
    assert unmoved < date(2026, 3, 14) <= moved
    assert moved == _due_in(second)


def _due_in(app: Casetrail) -> date | None:
    """The return due date a dispatch now gets in ``app`` (which reads the store)."""
    case_id = filed(app).id
    app.dispatch(case_id, "AMR", actor=CLERK)
    return app.case(case_id).return_due


def test_a_clerk_moved_by_another_process_is_seen_by_the_next_filing(
    two: tuple[Casetrail, Casetrail],
) -> None:
    first, second = two
    assert filed(first, confidential=True).owner is None  # not at the desk; entry now kept
    staff = second.load(Staff, Staff.id_for(CLERK.id))
    staff.reassign(
        Role.WINDOW_STAFF, Unit.id_for("DCS"), None, "调岗", actor=ADMIN, at=second.now()
    )
    second.commit(staff)

    assert filed(first, confidential=True).owner == CLERK.id  # at the desk now



def moved(app: Casetrail, login: str, unit: str) -> None:
    staff = app.load(Staff, Staff.id_for(login))
    staff.reassign(Role.WINDOW_STAFF, Unit.id_for(unit), None, "调岗", actor=ADMIN, at=app.now())
    app.commit(staff)


def test_a_step_refused_on_a_kept_entry_is_decided_again_on_the_store(
    two: tuple[Casetrail, Casetrail],
) -> None:
    first, second = two
    case_id = filed(first).id
    first.dispatch(case_id, "HRS", actor=CLERK)  # the clerk's kept entry: AMR
    moved(second, CLERK.id, "HRS")

    saved = first.request_return(case_id, "不属于本单位职责", actor=CLERK)  # HRS leads

    assert saved.version == 3
    assert first.case(case_id).status.value == "return_requested"


def test_a_step_allowed_on_a_kept_entry_is_refused_when_the_store_says_otherwise(
    two: tuple[Casetrail, Casetrail],
) -> None:
    first, second = two
    moved(first, CLERK.id, "HRS")
    case_id = filed(first).id
    first.dispatch(case_id, "HRS", actor=CLERK)  # the clerk's kept entry: HRS
    moved(second, CLERK.id, "AMR")

    with pytest.raises(DomainError):
        first.request_return(case_id, "不属于本单位职责", actor=CLERK)
    assert first.case(case_id).version == 2


def test_a_command_that_reads_its_case_reads_the_clerks_entry_too(
    two: tuple[Casetrail, Casetrail],
) -> None:
    first, second = two
    filed(first)  # the clerk's kept entry: AMR
    moved(second, CLERK.id, "HRS")
    case_id = filed(second).id
    second.dispatch(case_id, "HRS", actor=CLERK)  # a case the first process never kept

    assert first.request_return(case_id, "不属于本单位职责", actor=CLERK).version == 3


def test_the_write_checks_the_records_it_relied_on_but_not_those_it_extends(
    two: tuple[Casetrail, Casetrail],
) -> None:
    recorder: Any = two[0].recorder
    written, elsewhere = uuid4(), uuid4()

    def event(originator: UUID) -> StoredEvent:
        return StoredEvent(originator, 1, "tests:Probe", b"{}")

    with pytest.raises(StaleRecordError):  # ``elsewhere`` has no version 1 stored
        recorder.insert_events([event(written)], relied_on={elsewhere: 1})
    assert recorder.insert_events([event(written)], relied_on={written: 0})
