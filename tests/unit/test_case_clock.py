"""A case's time limit: pauses, provisional years and their recomputation, and conflicts."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from uuid import UUID

import pytest

from domain.actors import SYSTEM, Actor, Role
from domain.application import Casetrail
from domain.errors import ConflictError
from infra.calendar_loader import read_arrangement_file
from tests.support.app import ADMIN, memory_app, seed_directory
from tests.support.clock import CHINA, FakeClock

LI = Actor("li.na", Role.WINDOW_STAFF)
WANG = Actor("wang.qiang", Role.UNIT_HEAD)
EXAMPLE_2027 = Path(__file__).parents[2] / "docs" / "examples" / "calendar-2027.toml"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 6, 2, 9, 0, tzinfo=CHINA))  # Tuesday


@pytest.fixture
def app(clock: FakeClock) -> Casetrail:
    app = memory_app(clock)
    seed_directory(app)
    return app


def handled_complaint(app: Casetrail) -> UUID:
    case_id = app.file_demand(
        case_type="complaint", channel="web", summary="招投标不公", actor=LI, filer_name="周女士"
    ).id
    app.dispatch(case_id, "AMR", actor=LI)
    app.sign_for(case_id, actor=LI)
    return case_id


def test_a_supplement_pause_adds_the_paused_working_days(app: Casetrail, clock: FakeClock) -> None:
    case_id = handled_complaint(app)
    assert app.case(case_id).deadline.due == date(2026, 6, 24)
    clock.set(datetime(2026, 6, 5, 10, 0, tzinfo=CHINA))  # Friday: 补正 requested
    app.pause(case_id, "supplement", "缺少授权委托书", actor=LI)
    clock.set(datetime(2026, 6, 9, 15, 0, tzinfo=CHINA))  # Tuesday: materials received
    app.resume(case_id, "已收到授权委托书", actor=LI)
    deadline = app.case(case_id).deadline
    # Paused working days are those after Fri 06-05 up to Tue 06-09: Mon 06-08 and Tue 06-09.
    assert deadline.derivation["paused_working_days"] == ["2026-06-08", "2026-06-09"]
    assert deadline.due == date(2026, 6, 26)  # two working days after Wed 06-24


def test_a_deadline_into_an_unpublished_year_is_provisional_until_published(
    app: Casetrail, clock: FakeClock
) -> None:
    # A year published late: a complaint filed on Mon 2027-01-25 runs into a Spring Festival
    # only the year's notice can place.
    clock.set(datetime(2027, 1, 25, 9, 0, tzinfo=CHINA))
    case_id = handled_complaint(app)
    # Without a 2027 arrangement weekends rest: Jan 26-29 (4), Feb 1-5 (9), Feb 8-12 (14),
    # Mon Feb 15 (15).
    before = app.case(case_id).deadline
    assert (before.due, before.provisional, before.provisional_years) == (
        date(2027, 2, 15),
        True,
        [2027],
    )
    app.publish_year(read_arrangement_file(EXAMPLE_2027, 2027), actor=ADMIN)
    recomputed = app.recompute_provisional_deadlines(2027, actor=SYSTEM)
    assert [saved.id for saved in recomputed] == [case_id]
    after = app.case(case_id)
    # The example arrangement: Sun Jan 31 a make-up day (5), Feb 1-4 (9), Feb 5-14 rest,
    # Feb 15-19 (14), Sat Feb 20 a make-up day (15).
    assert (after.deadline.due, after.deadline.provisional) == (date(2027, 2, 20), False)
    last = app.history(case_id)[-1]
    assert type(last).__name__ == "DeadlineRecomputed"
    assert (last.actor_id, last.reason) == (  # type: ignore[attr-defined]
        "system",
        "official 2027 working-day arrangement published",
    )


def test_publishing_a_year_leaves_closed_cases_alone(app: Casetrail, clock: FakeClock) -> None:
    clock.set(datetime(2026, 12, 21, 9, 0, tzinfo=CHINA))
    case_id = handled_complaint(app)
    app.reply(case_id, "已答复", actor=LI)
    app.close_case(case_id, "solved", "已解决", actor=LI)
    app.publish_year(read_arrangement_file(EXAMPLE_2027, 2027), actor=ADMIN)
    assert app.recompute_provisional_deadlines(2027, actor=SYSTEM) == []
    assert app.case(case_id).deadline.provisional is True  # history is not rewritten


def test_two_writers_on_one_version_one_conflict_no_lost_step(app: Casetrail) -> None:
    case_id = handled_complaint(app)
    first, second = app.case(case_id), app.case(case_id)
    first.record_contact("电话联系企业负责人", actor=LI, at=app.now())
    second.record_site_visit("到企业现场核查", actor=WANG, at=app.now())
    app.commit(first)
    with pytest.raises(ConflictError, match="now at version 4"):
        app.commit(second)
    names = [type(e).__name__ for e in app.history(case_id)]
    assert names[-1] == "EnterpriseContacted"
    assert "SiteVisited" not in names


def test_a_command_naming_a_stale_version_is_refused(app: Casetrail) -> None:
    case_id = handled_complaint(app)
    seen = app.case(case_id).version
    app.record_contact(case_id, "电话联系", actor=LI, expected_version=seen)
    with pytest.raises(ConflictError) as conflict:
        app.record_site_visit(case_id, "现场核查", actor=WANG, expected_version=seen)
    assert (conflict.value.expected, conflict.value.current) == (seen, seen + 1)
