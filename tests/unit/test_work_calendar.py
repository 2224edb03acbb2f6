"""The working calendar aggregate: who may change it, how a year is corrected, what it answers."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from domain.actors import SYSTEM, Actor, Role
from domain.application import Casetrail
from domain.calendar import WorkCalendar, YearArrangement
from domain.errors import InvalidInputError, NotPermittedError
from domain.policy import Policy
from infra.vault.cipher import SubjectVault
from infra.vault.keys import MemoryKeyStore

TZ = timezone(timedelta(hours=8))
AT = datetime(2026, 11, 28, 9, tzinfo=TZ)
ADMIN = Actor("admin", Role.ADMIN)
STAFF = Actor("wang.li", Role.WINDOW_STAFF)

# A small, made-up year: enough to see rest days, a make-up Saturday and ordinary weekends.
DRAFT_2027 = YearArrangement(
    2027,
    {date(2027, 1, 1): "New Year's Day 元旦", date(2027, 10, 1): "National Day 国庆节"},
    {date(2027, 10, 9): "make-up for National Day 国庆节"},
    "EXAMPLE notice",
)


def opened() -> WorkCalendar:
    return WorkCalendar.open("test", actor=ADMIN, at=AT)


def in_memory_app() -> Casetrail:
    app = Casetrail(
        env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
        clock=lambda: AT,
        policy=Policy("2026.1", "test"),
        vault=SubjectVault(MemoryKeyStore()),
    )
    app.seed_calendar([DRAFT_2027], actor=SYSTEM)
    return app


def test_window_staff_may_not_publish_a_year() -> None:
    calendar = opened()
    with pytest.raises(NotPermittedError, match="only an admin"):
        calendar.publish_year(DRAFT_2027, actor=STAFF, at=AT)
    assert not calendar.has_year(2027)


def test_the_application_refuses_a_year_published_by_window_staff() -> None:
    app = in_memory_app()
    before = app.work_calendar().version
    with pytest.raises(NotPermittedError):
        app.publish_year(DRAFT_2027, actor=STAFF)
    assert app.work_calendar().version == before


def test_only_an_admin_or_the_system_opens_a_calendar() -> None:
    with pytest.raises(NotPermittedError):
        WorkCalendar.open("test", actor=STAFF, at=AT)
    assert WorkCalendar.open("test", actor=SYSTEM, at=AT).jurisdiction == "test"


def test_republishing_a_year_replaces_it_as_a_new_version() -> None:
    calendar = opened()
    calendar.publish_year(DRAFT_2027, actor=ADMIN, at=AT)
    first = calendar.version
    corrected = YearArrangement(
        2027,
        {**DRAFT_2027.rest_days, date(2027, 10, 8): "National Day 国庆节"},
        {},
        "EXAMPLE notice, corrected",
    )
    calendar.publish_year(corrected, actor=ADMIN, at=AT)
    assert calendar.version == first + 1
    assert calendar.rest_reason(date(2027, 10, 8)) == "National Day 国庆节"
    # The correction dropped the make-up day: Sat Oct 9 is an ordinary Saturday again.
    assert calendar.rest_reason(date(2027, 10, 9)) == "Saturday"
    assert calendar.years[2027].source == "EXAMPLE notice, corrected"


def test_the_application_keeps_the_corrected_year_after_reloading() -> None:
    app = in_memory_app()
    corrected = YearArrangement(2027, {date(2027, 1, 4): "New Year's Day 元旦"}, {}, "fixed")
    saved = app.publish_year(corrected, actor=ADMIN)
    reloaded = app.work_calendar()
    assert reloaded.version == saved.version
    assert reloaded.rest_reason(date(2027, 1, 4)) == "New Year's Day 元旦"
    assert reloaded.rest_reason(date(2027, 1, 1)) is None  # a plain Friday after the fix


def test_a_year_arrangement_refuses_a_date_outside_its_year() -> None:
    with pytest.raises(InvalidInputError, match="2026-12-31 is not in 2027"):
        YearArrangement(2027, {date(2026, 12, 31): "New Year's Day"}, {}, "notice")


def test_a_year_arrangement_refuses_a_day_both_rest_and_working() -> None:
    with pytest.raises(InvalidInputError, match="both rest and working in 2027: 2027-10-09"):
        YearArrangement(
            2027,
            {date(2027, 10, 9): "National Day"},
            {date(2027, 10, 9): "make-up for National Day"},
            "notice",
        )


def test_a_year_arrangement_needs_its_source_document() -> None:
    with pytest.raises(InvalidInputError, match="source document"):
        YearArrangement(2027, {}, {}, "  ")


def test_a_make_up_saturday_is_a_working_day_and_says_what_it_makes_up_for() -> None:
    calendar = opened()
    calendar.publish_year(DRAFT_2027, actor=ADMIN, at=AT)
    assert calendar.is_working_day(date(2027, 10, 9))
    assert calendar.make_up_reason(date(2027, 10, 9)) == "make-up for National Day 国庆节"
    assert calendar.make_up_reason(date(2027, 10, 8)) is None
    assert calendar.rest_reason(date(2027, 10, 1)) == "National Day 国庆节"
    assert calendar.rest_reason(date(2027, 10, 10)) == "Sunday"
    assert calendar.is_working_day(date(2027, 10, 11))


def test_a_year_without_an_arrangement_rests_on_weekends_and_fixed_date_holidays() -> None:
    calendar = opened()
    assert not calendar.has_year(2028)
    assert calendar.is_working_day(date(2028, 1, 3))  # a Monday
    assert calendar.rest_reason(date(2028, 1, 8)) == "Saturday"


@pytest.mark.parametrize(
    ("day", "holiday"),
    [
        (date(2028, 1, 1), "New Year's Day 元旦"),
        (date(2028, 5, 1), "Labour Day 劳动节"),
        (date(2028, 5, 2), "Labour Day 劳动节"),
        (date(2028, 10, 2), "National Day 国庆节"),
        (date(2028, 10, 3), "National Day 国庆节"),
    ],
)
def test_finding_12_a_provisional_year_rests_on_the_fixed_date_statutory_holidays(
    day: date, holiday: str
) -> None:
    calendar = opened()
    assert not calendar.is_working_day(day)
    assert calendar.rest_reason(day) == (
        f"{holiday} (statutory date; the year's arrangement is not yet published)"
    )
    assert calendar.is_working_day(date(2028, 5, 3))  # not a statutory date: the notice decides


def test_a_local_overlay_is_a_rest_day_even_on_a_make_up_saturday() -> None:
    calendar = opened()
    calendar.publish_year(DRAFT_2027, actor=ADMIN, at=AT)
    calendar.add_overlay("local festival", [date(2027, 10, 9)], "county notice", actor=ADMIN, at=AT)
    assert calendar.rest_reason(date(2027, 10, 9)) == "local festival"


@pytest.mark.parametrize(
    ("name", "days", "source", "message"),
    [
        ("local festival", [], "county notice", "at least one rest day"),
        ("  ", [date(2027, 3, 3)], "county notice", "a name and a source"),
        ("local festival", [date(2027, 3, 3)], "", "a name and a source"),
    ],
)
def test_an_overlay_needs_days_a_name_and_a_source(
    name: str, days: list[date], source: str, message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message):
        opened().add_overlay(name, days, source, actor=ADMIN, at=AT)


def test_window_staff_may_not_add_an_overlay() -> None:
    with pytest.raises(NotPermittedError):
        opened().add_overlay("day off", [date(2027, 3, 3)], "none", actor=STAFF, at=AT)


def test_seeding_twice_leaves_the_first_calendar_alone() -> None:
    app = in_memory_app()
    version = app.work_calendar().version
    assert app.seed_calendar([], actor=SYSTEM) is False
    assert app.work_calendar().version == version
    assert app.work_calendar().has_year(2027)
