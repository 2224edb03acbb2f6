"""Commands start from the aggregates a process saved last, and the store's key keeps them honest.

Two applications on one PostgreSQL database stand for two API processes. Each keeps the cases
it saved; the other moves them on behind its back. A stale copy must never let a write through
on a state the store has left, nor refuse one on it: the (id, version) key catches the stale
write, and the step is taken again on the reloaded case.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

import pytest

from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.errors import ConflictError, DomainError
from tests.support.app import seed_directory
from tests.support.stores import StoreUnderTest

pytestmark = pytest.mark.postgres

CLERK = Actor("li.na", Role.WINDOW_STAFF)


@pytest.fixture
def two(postgres_store: StoreUnderTest) -> tuple[Casetrail, Casetrail]:
    first = postgres_store.open()
    seed_directory(first)
    return first, postgres_store.open()


def dispatched(app: Casetrail) -> UUID:
    case_id = app.file_demand(
        case_type="complaint", channel="window", summary="审批超时", actor=CLERK, filer_name="张伟"
    ).id
    app.dispatch(case_id, "AMR", actor=CLERK)
    return case_id


def count_reads(app: Casetrail) -> Callable[[], int]:
    """How many times the app has read an aggregate's events since this was called."""
    recorder: Any = app.recorder
    original, calls = recorder.select_events, [0]

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(*args, **kwargs)

    recorder.select_events = counted
    return lambda: calls[0]


def test_a_command_on_a_case_this_process_saved_reads_nothing_first(
    two: tuple[Casetrail, Casetrail],
) -> None:
    app, _ = two
    case_id = dispatched(app)
    reads = count_reads(app)
    saved = app.sign_for(case_id, actor=CLERK)
    assert (saved.version, reads()) == (3, 0)
    assert app.case(case_id).status.value == "in_progress"


def test_a_stale_copy_loses_to_the_other_process_and_the_step_is_taken_on_the_latest(
    two: tuple[Casetrail, Casetrail],
) -> None:
    first, second = two
    case_id = dispatched(first)
    second.sign_for(case_id, actor=CLERK)  # first still keeps version 2, "dispatched"
    second.record_contact(case_id, "电话联系企业", actor=CLERK)

    saved = first.record_contact(case_id, "再次联系企业", actor=CLERK)

    assert saved.version == 5
    notes = [getattr(e, "note", None) for e in second.history(case_id)]
    assert notes[-2:] == ["电话联系企业", "再次联系企业"]


def test_a_stale_copy_never_lets_through_a_step_the_latest_state_refuses(
    two: tuple[Casetrail, Casetrail],
) -> None:
    first, second = two
    case_id = dispatched(first)
    first.sign_for(case_id, actor=CLERK)  # first keeps version 3, in progress
    second.reply(case_id, "已办结", actor=CLERK)
    second.record_callback(case_id, True, True, "满意", actor=CLERK)
    second.close_case(case_id, "solved", "企业确认已解决", actor=CLERK)

    with pytest.raises(DomainError):
        first.record_contact(case_id, "联系企业", actor=CLERK)
    assert second.case(case_id).version == 6
    assert first.case(case_id).status.value == "closed"


def test_if_match_is_judged_against_the_store_not_the_kept_copy(
    two: tuple[Casetrail, Casetrail],
) -> None:
    first, second = two
    case_id = dispatched(first)
    second.sign_for(case_id, actor=CLERK)

    with pytest.raises(ConflictError) as stale:
        first.record_contact(case_id, "联系企业", actor=CLERK, expected_version=2)
    assert stale.value.current == 3
    saved = first.record_contact(case_id, "联系企业", actor=CLERK, expected_version=3)
    assert saved.version == 4
