"""The calendar's sources: the packaged State Council years and an admin's arrangement file."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pytest

from domain.calendar import YearArrangement
from domain.errors import InvalidInputError
from infra.calendar_loader import (
    ArrangementFileError,
    official_arrangements,
    read_arrangement_file,
)

EXAMPLE_2027 = Path(__file__).parents[2] / "docs" / "examples" / "calendar-2027.toml"


@cache
def by_year() -> dict[int, YearArrangement]:
    return {a.year: a for a in official_arrangements()}


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(n) for n in range((last - first).days + 1)]


def test_the_package_gives_the_23_years_2004_to_2026_in_order() -> None:
    assert [a.year for a in official_arrangements()] == list(range(2004, 2027))


def test_2026_rests_for_spring_festival_from_feb_15_to_23() -> None:
    rest = by_year()[2026].rest_days
    for day in days(date(2026, 2, 15), date(2026, 2, 23)):
        assert rest[day] == "Spring Festival 春节"
    assert date(2026, 2, 24) not in rest


def test_2026_rests_for_national_day_from_oct_1_to_7() -> None:
    rest = by_year()[2026].rest_days
    assert [d for d, name in rest.items() if name == "National Day 国庆节"] == days(
        date(2026, 10, 1), date(2026, 10, 7)
    )


def test_2026_make_up_working_days_are_the_six_weekend_days_of_the_notice() -> None:
    assert by_year()[2026].working_days == {
        date(2026, 1, 4): "make-up for New Year's Day 元旦",
        date(2026, 2, 14): "make-up for Spring Festival 春节",
        date(2026, 2, 28): "make-up for Spring Festival 春节",
        date(2026, 5, 9): "make-up for Labour Day 劳动节",
        date(2026, 9, 20): "make-up for National Day 国庆节",
        date(2026, 10, 10): "make-up for National Day 国庆节",
    }


def test_2025_national_day_runs_oct_1_to_8_with_mid_autumn_inside_it() -> None:
    arrangement = by_year()[2025]
    assert all(d in arrangement.rest_days for d in days(date(2025, 10, 1), date(2025, 10, 8)))
    assert arrangement.rest_days[date(2025, 10, 6)] == "Mid-autumn Festival 中秋节"
    assert date(2025, 9, 28) in arrangement.working_days
    assert date(2025, 10, 11) in arrangement.working_days


def test_the_2015_victory_day_holiday_is_named_in_chinese_too() -> None:
    arrangement = by_year()[2015]
    name = arrangement.rest_days[date(2015, 9, 3)]
    assert name.startswith("Anti-Fascist 70th Day 中国人民抗日战争")
    assert arrangement.working_days[date(2015, 9, 6)].startswith("make-up for Anti-Fascist")


def test_every_name_in_every_year_has_its_chinese_name() -> None:
    for arrangement in official_arrangements():
        for name in [*arrangement.rest_days.values(), *arrangement.working_days.values()]:
            assert not name.isascii(), f"{arrangement.year}: {name!r} has no Chinese name"


def test_each_year_cites_the_package_version_and_the_state_council_notice() -> None:
    source = by_year()[2026].source
    assert source.startswith("chinesecalendar 1.11.0 (State Council notices")
    assert "国务院办公厅关于2026年部分节假日安排的通知" in source


def test_new_year_rest_days_in_december_cite_the_next_years_notice() -> None:
    # The 2024 New Year holiday began on Sat 2023-12-30: announced by the notice for 2024.
    arrangement = by_year()[2023]
    assert arrangement.rest_days[date(2023, 12, 30)] == "New Year's Day 元旦"
    assert "关于2023年" in arrangement.source
    assert "关于2024年" in arrangement.source


def test_the_example_2027_file_reads_as_a_marked_example() -> None:
    arrangement = read_arrangement_file(EXAMPLE_2027, 2027)
    assert arrangement.year == 2027
    assert "EXAMPLE" in arrangement.source
    assert arrangement.rest_days[date(2027, 1, 1)] == "New Year's Day 元旦"
    assert len(arrangement.rest_days) == 29
    assert len(arrangement.working_days) == 5
    assert all(d.weekday() >= 5 for d in arrangement.working_days)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "calendar.toml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
year = 2027
source = "国办发明电〔2026〕N号"
[rest_days]
"2027-01-01" = "New Year's Day 元旦"
[working_days]
"2027-02-20" = "make-up for Spring Festival 春节"
"""


def test_a_minimal_file_with_bare_or_quoted_dates_is_read(tmp_path: Path) -> None:
    arrangement = read_arrangement_file(write(tmp_path, GOOD.replace('"2027-01-01"', "2027-01-01")),
                                        2027)
    assert arrangement.rest_days == {date(2027, 1, 1): "New Year's Day 元旦"}
    assert arrangement.working_days == {date(2027, 2, 20): "make-up for Spring Festival 春节"}
    assert arrangement.source == "国办发明电〔2026〕N号"


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ArrangementFileError, match="no such file"):
        read_arrangement_file(tmp_path / "nowhere.toml", 2027)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("year = 2027\nsource = \n", "not valid TOML"),
        (GOOD.replace('"2027-01-01"', '"2026-12-31"'), r"\[rest_days\] 2026-12-31 is not in 2027"),
        (GOOD.replace("year = 2027", "year = 2028"), "says year = 2028, but 2027"),
        (GOOD.replace("year = 2027", ""), "says year = None, but 2027"),
        (GOOD.replace('source = "国办发明电〔2026〕N号"', ""), "needs source"),
        (GOOD.replace('"国办发明电〔2026〕N号"', '"  "'), "needs source"),
        (GOOD.replace('"2027-01-01"', '"New Year"'), "'New Year' is not a date"),
        (GOOD.replace('"2027-02-20"', '"2027-02-19"'), "Saturday or Sunday, not 2027-02-19"),
        (GOOD.replace('"2027-01-01"', '"2027-02-20"'), "both rest and working in 2027"),
        (GOOD.replace('= "New Year\'s Day 元旦"', '= ""'), "2027-01-01 needs a name"),
        (GOOD + "\n[rest_day]\n", "unknown keys rest_day"),
        ('year = 2027\nsource = "x"\nrest_days = ["2027-01-01"]\n', "must be a table"),
    ],
)
def test_a_bad_file_is_refused_with_the_reason(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ArrangementFileError, match=message) as refused:
        read_arrangement_file(path, 2027)
    assert str(path) in str(refused.value)


def test_a_file_error_is_an_invalid_input_error() -> None:
    assert issubclass(ArrangementFileError, InvalidInputError)
