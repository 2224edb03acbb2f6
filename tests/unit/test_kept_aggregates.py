"""A command takes the aggregate it acts on out of the kept set and puts it back once saved.

Nothing is copied on the way, so a command that fails after changing the aggregate must not
leave that change for the next command to save.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import pytest

from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.case import Case
from domain.errors import ConflictError
from tests.support.app import memory_app, seed_directory
from tests.support.clock import FakeClock

CLERK = Actor("li.na", Role.WINDOW_STAFF)


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    app = memory_app(clock)
    seed_directory(app)
    return app


def signed_for(app: Casetrail) -> UUID:
    case_id = app.file_demand(
        case_type="complaint", channel="window", summary="审批超时", actor=CLERK, filer_name="张伟"
    ).id
    app.dispatch(case_id, "AMR", actor=CLERK)
    app.sign_for(case_id, actor=CLERK)
    return case_id


def test_a_change_made_by_a_command_that_then_failed_is_never_saved_by_the_next(
    app: Casetrail,
) -> None:
    case_id = signed_for(app)

    def note_then_fail(case: Case, at: datetime) -> None:
        case.record_contact("半途而废的联系", actor=CLERK, at=at)
        raise RuntimeError("the command failed after changing the case")

    with pytest.raises(RuntimeError):
        app.step(Case, case_id, None, note_then_fail)
    saved = app.record_contact(case_id, "电话联系企业", actor=CLERK)

    assert saved.version == 4
    notes = [getattr(e, "note", None) for e in app.history(case_id)]
    assert "半途而废的联系" not in notes
    assert notes[-1] == "电话联系企业"


def test_a_command_expecting_another_version_leaves_the_kept_case_for_the_next(
    app: Casetrail,
) -> None:
    case_id = signed_for(app)

    with pytest.raises(ConflictError):
        app.record_contact(case_id, "联系企业", actor=CLERK, expected_version=2)
    kept = app.recent.take(case_id)

    assert kept is not None
    assert kept.version == 3
