"""The composition root: settings in, a ready application out, with every dependency swappable."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.actors import SYSTEM
from domain.calendar import YearArrangement
from domain.policy import Policy
from infra.bootstrap import bootstrap
from infra.policy_file import PolicyFileError
from infra.settings import Settings
from tests.support.clock import FakeClock

ONE_YEAR = YearArrangement(2030, {date(2030, 1, 1): "New Year's Day 元旦"}, {}, "test notice 2030")


def memory_settings(tmp_path: Path) -> Settings:
    return Settings(store="memory", home=tmp_path)


def test_bootstrap_hands_the_application_its_clock_policy_and_jurisdiction(
    tmp_path: Path, clock: FakeClock, policy: Policy
) -> None:
    settings = Settings(store="memory", home=tmp_path, jurisdiction="guangdong")

    app = bootstrap(settings, clock=clock, official_years=lambda: [ONE_YEAR])

    assert app.now() == clock.now
    assert app.policy == policy
    assert app.jurisdiction == "guangdong"


def test_a_new_store_gets_its_calendar_from_the_official_source_as_the_system(
    tmp_path: Path, clock: FakeClock
) -> None:
    app = bootstrap(memory_settings(tmp_path), clock=clock, official_years=lambda: [ONE_YEAR])

    calendar = app.work_calendar()
    assert calendar.state()["years"] == [2030]
    assert calendar.rest_reason(date(2030, 1, 1)) == "New Year's Day 元旦"
    opened = app.history(calendar.id)[0]
    assert (opened.actor_id, opened.actor_role, opened.timestamp) == (
        SYSTEM.id,
        "system",
        clock.now,
    )


def test_an_existing_calendar_is_not_asked_for_the_official_years_again(
    tmp_path: Path, clock: FakeClock
) -> None:
    settings = Settings(store="sqlite", home=tmp_path)
    bootstrap(settings, clock=clock, official_years=lambda: [ONE_YEAR]).close()

    def must_not_be_called() -> list[YearArrangement]:
        raise AssertionError("the calendar was seeded twice")

    app = bootstrap(settings, clock=clock, official_years=must_not_be_called)

    assert app.work_calendar().version == 2
    app.close()


def test_library_settings_can_be_overridden_for_one_application(
    tmp_path: Path, clock: FakeClock
) -> None:
    other = tmp_path / "elsewhere.db"
    settings = Settings(store="sqlite", home=tmp_path / "home")

    app = bootstrap(settings, clock=clock, env_override={"SQLITE_DBNAME": str(other)})

    assert other.is_file()
    assert not settings.sqlite_path.exists()
    app.close()


def test_a_broken_policy_file_stops_bootstrap_before_any_store_is_opened(
    tmp_path: Path, clock: FakeClock
) -> None:
    settings = Settings(store="sqlite", home=tmp_path / "home", policy_file=tmp_path / "no.toml")

    with pytest.raises(PolicyFileError, match=r"no\.toml"):
        bootstrap(settings, clock=clock)

    assert not (tmp_path / "home").exists()
