"""Counting time limits against the official 2025-2026 arrangements, checked by hand.

Every expected date below was counted on a wall calendar; the comments show the counting
(day -> running count). Rest days and make-up days come from the State Council arrangements
as carried by the chinesecalendar package.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.actors import Actor, Role
from domain.calendar import WorkCalendar
from domain.clock import (
    Deadline,
    Extension,
    Pause,
    add_working_days,
    hours_deadline,
    natural_day_deadline,
    working_day_deadline,
    working_days_between,
)
from infra.calendar_loader import official_arrangements, read_arrangement_file

TZ = timezone(timedelta(hours=8))
ADMIN = Actor("admin", Role.ADMIN)
OPENED = datetime(2026, 11, 28, 9, tzinfo=TZ)
EXAMPLE_2027 = Path(__file__).parents[2] / "docs" / "examples" / "calendar-2027.toml"


def fresh_calendar(*, official: bool = True) -> WorkCalendar:
    calendar = WorkCalendar.open("test", actor=ADMIN, at=OPENED)
    for arrangement in official_arrangements() if official else []:
        calendar.publish_year(arrangement, actor=ADMIN, at=OPENED)
    return calendar


@cache
def official() -> WorkCalendar:
    """Shared, never changed: tests that publish or add overlays take a fresh calendar."""
    return fresh_calendar()


def due(
    start: str,
    days: int,
    calendar: WorkCalendar | None = None,
    *,
    pauses: Sequence[Pause] = (),
    extensions: Sequence[Extension] = (),
) -> Deadline:
    """``days`` working days from ``start`` (a bare date is read as 09:00 in UTC+8)."""
    at = datetime.fromisoformat(start)
    if at.tzinfo is None:
        at = datetime.combine(at.date(), time(9), tzinfo=TZ)
    return working_day_deadline(
        at, days, calendar or official(), tz=TZ, policy_version="2026.1", pauses=pauses,
        extensions=extensions,
    )


def test_complaint_before_spring_festival_2026_skips_it_and_counts_make_up_saturdays() -> None:
    # Filed Thu 2026-02-12, 15 working days. Holiday Feb 15-23; make-up Sat Feb 14, Sat Feb 28.
    # Feb 13 Fri 1 | Feb 14 Sat (make-up) 2 | Feb 15-23 rest | Feb 24-27 3,4,5,6
    # Feb 28 Sat (make-up) 7 | Mar 1 Sun rest | Mar 2-6 8..12 | Mar 7-8 rest | Mar 9,10,11 13,14,15
    deadline = due("2026-02-12", 15)
    assert deadline.due == date(2026, 3, 11)
    assert deadline.due_at == datetime(2026, 3, 12, 0, 0, tzinfo=TZ)
    assert not deadline.provisional
    skipped = [e["date"] for e in deadline.derivation["skipped_rest_days"]]
    assert skipped == [f"2026-02-{d}" for d in range(15, 24)] + [
        "2026-03-01", "2026-03-07", "2026-03-08"
    ]
    assert deadline.derivation["skipped_rest_days"][0]["reason"] == "Spring Festival 春节"
    made_up = [e["date"] for e in deadline.derivation["make_up_working_days"]]
    assert made_up == ["2026-02-14", "2026-02-28"]


def test_the_same_complaint_counted_with_plain_weekends_would_be_due_a_week_earlier() -> None:
    # Without the arrangement: Feb 13 1 | Feb 16-20 2..6 | Feb 23-27 7..11 | Mar 2-5 12..15.
    deadline = due("2026-02-12", 15, fresh_calendar(official=False))
    assert deadline.due == date(2026, 3, 5)
    assert deadline.provisional
    assert deadline.provisional_years == [2026]


def test_help_request_before_national_day_2025_skips_oct_1_to_8_and_counts_make_up_days() -> None:
    # Filed Fri 2025-09-26, 10 working days. Rest Oct 1-8; make-up Sun Sep 28 and Sat Oct 11.
    # Sep 27 Sat rest | Sep 28 Sun (make-up) 1 | Sep 29, 30 2,3 | Oct 1-8 rest | Oct 9, 10 4,5
    # Oct 11 Sat (make-up) 6 | Oct 12 Sun rest | Oct 13, 14, 15, 16 7..10
    deadline = due("2025-09-26", 10)
    assert deadline.due == date(2025, 10, 16)
    made_up = [e["date"] for e in deadline.derivation["make_up_working_days"]]
    assert made_up == ["2025-09-28", "2025-10-11"]
    reasons = {e["date"]: e["reason"] for e in deadline.derivation["skipped_rest_days"]}
    assert reasons["2025-10-06"] == "Mid-autumn Festival 中秋节"
    assert reasons["2025-10-08"] == "National Day 国庆节"
    assert len(reasons) == 10


def test_start_day_is_not_counted_so_one_working_day_from_a_monday_is_the_tuesday() -> None:
    assert due("2026-03-09T23:50+08:00", 1).due == date(2026, 3, 10)


def test_one_working_day_from_a_friday_is_the_next_monday() -> None:
    assert due("2026-03-13", 1).due == date(2026, 3, 16)


def test_the_start_day_is_the_date_in_the_jurisdictions_time_zone() -> None:
    # 17:00 UTC on Sunday Mar 8 is 01:00 on Monday Mar 9 in UTC+8: the Monday is not counted.
    assert due("2026-03-08T17:00+00:00", 1).due == date(2026, 3, 10)


def test_natural_day_period_ending_in_national_day_2026_ends_on_the_next_working_day() -> None:
    # Mon 2026-09-28 + 7 natural days = Mon Oct 5, inside the Oct 1-7 holiday -> Thu Oct 8.
    start = datetime(2026, 9, 28, 10, tzinfo=TZ)
    assert natural_day_deadline(start, 7, official(), tz=TZ) == datetime(2026, 10, 9, tzinfo=TZ)


def test_natural_day_period_ending_on_a_working_day_ends_that_day_at_midnight() -> None:
    start = datetime(2026, 3, 2, 10, tzinfo=TZ)
    assert natural_day_deadline(start, 7, official(), tz=TZ) == datetime(2026, 3, 10, tzinfo=TZ)


def test_a_pause_excludes_the_working_days_after_it_stopped_up_to_its_resumption() -> None:
    # Filed Mon 2026-03-02, 5 working days; 补正 requested Wed Mar 4, materials in Mon Mar 9.
    # Mar 3 1 | Mar 4 2 (the day it stopped still counts) | Mar 5, 6 paused | Mar 7-8 rest
    # Mar 9 paused (resumption day) | Mar 10, 11, 12 3,4,5
    pause = Pause("supplement", date(2026, 3, 4), date(2026, 3, 9))
    deadline = due("2026-03-02", 5, pauses=[pause])
    assert deadline.due == date(2026, 3, 12)
    assert deadline.derivation["paused_working_days"] == ["2026-03-05", "2026-03-06", "2026-03-09"]
    assert due("2026-03-02", 5).due == date(2026, 3, 9)


def test_an_open_pause_gives_no_due_date() -> None:
    with pytest.raises(ValueError, match="stopped since 2026-03-04"):
        due("2026-03-02", 5, pauses=[Pause("hearing", date(2026, 3, 4))])


def test_an_extension_moves_the_due_date_by_its_working_days() -> None:
    # Spring Festival complaint due Wed Mar 11; +5: Mar 12, 13, 16, 17, 18.
    extension = Extension(5, date(2026, 3, 2), "site inspection needed")
    deadline = due("2026-02-12", 15, extensions=[extension])
    assert deadline.due == date(2026, 3, 18)
    assert deadline.derivation["extension_working_days"] == 5
    assert deadline.derivation["period"] == 15


def test_a_period_entering_2027_is_provisional_and_names_2027() -> None:
    deadline = due("2026-12-20", 15)
    assert deadline.provisional
    assert deadline.provisional_years == [2027]


def test_finding_12_a_provisional_year_rests_on_new_years_day() -> None:
    # Sun 2026-12-20, 15 working days: Dec 21-25 1..5 | Dec 28-31 6..9 | Fri Jan 1 is New
    # Year's Day by statute even before 2027's arrangement is out | Jan 4-8 10..14 | Jan 11 15.
    deadline = due("2026-12-20", 15)
    assert deadline.due == date(2027, 1, 11)
    assert {
        "date": "2027-01-01",
        "reason": "New Year's Day 元旦 (statutory date; the year's arrangement is not yet"
        " published)",
    } in deadline.derivation["skipped_rest_days"]


def test_after_publishing_2027_the_same_period_is_official_and_skips_new_years_day() -> None:
    # The example 2027 file makes Jan 1-3 rest days: Dec 21-31 1..9 | Jan 4-8 10..14 | Jan 11 15.
    calendar = fresh_calendar()
    calendar.publish_year(read_arrangement_file(EXAMPLE_2027, 2027), actor=ADMIN, at=OPENED)
    deadline = due("2026-12-20", 15, calendar)
    assert deadline.due == date(2027, 1, 11)
    assert not deadline.provisional
    assert deadline.derivation["calendar_version"] == official().version + 1


def test_a_local_overlay_rest_day_is_skipped() -> None:
    # Mon 2026-03-09, 3 working days: Mar 10 1 | Mar 11 local rest day | Mar 12 2 | Mar 13 3.
    calendar = fresh_calendar()
    calendar.add_overlay("local festival", [date(2026, 3, 11)], "county notice 1", actor=ADMIN,
                         at=OPENED)
    deadline = due("2026-03-09", 3, calendar)
    assert deadline.due == date(2026, 3, 13)
    assert deadline.derivation["skipped_rest_days"] == [
        {"date": "2026-03-11", "reason": "local festival"}
    ]


def test_a_time_limit_below_one_working_day_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one working day"):
        due("2026-03-09", 0)


def test_an_emergency_is_counted_in_natural_hours_even_over_a_holiday() -> None:
    start = datetime(2026, 2, 15, 10, tzinfo=TZ)
    deadline = hours_deadline(start, 24, tz=TZ, policy_version="2026.1", calendar_version=24)
    assert deadline.due_at == datetime(2026, 2, 16, 10, tzinfo=TZ)


def test_a_deadline_survives_a_round_trip_through_plain_data() -> None:
    pause = Pause("testing", date(2026, 2, 24), date(2026, 2, 25))
    deadline = due("2026-02-12", 15, pauses=[pause])
    assert Deadline.from_data(deadline.to_data()) == deadline
    assert Deadline.from_data(deadline.to_data()).derivation == deadline.derivation


DAYS_2020_2026 = st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31))


@settings(max_examples=200, deadline=None)
@given(start=DAYS_2020_2026, n=st.integers(min_value=0, max_value=60))
def test_working_days_between_counts_back_what_add_working_days_added(
    start: date, n: int
) -> None:
    end = add_working_days(official(), start, n)
    assert working_days_between(official(), start, end) == n
    if n:
        assert official().is_working_day(end)
        assert due(start.isoformat(), n).due == end


@settings(max_examples=200, deadline=None)
@given(first=DAYS_2020_2026, second=DAYS_2020_2026)
def test_adding_the_working_days_between_two_days_lands_on_the_last_working_day_by_the_second(
    first: date, second: date
) -> None:
    n = working_days_between(official(), first, second)
    assert working_days_between(official(), second, first) == -n
    if second >= first:
        landed = add_working_days(official(), first, n)
        assert first <= landed <= second
        assert working_days_between(official(), landed, second) == 0
