"""What every event store must do for Casetrail, checked on memory, SQLite and PostgreSQL.

The ``app`` and ``store`` fixtures run each test once per backend; ``durable_store`` runs the
tests about a second application on the same store (SQLite and PostgreSQL only).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.calendar import WorkCalendar
from domain.directory import Staff, Unit
from domain.errors import AlreadyExistsError, ConflictError
from infra.bootstrap import seed_official_calendar
from infra.calendar_loader import read_arrangement_file
from tests.support.clock import FakeClock
from tests.support.stores import StoreUnderTest

ADMIN = Actor("admin.wang", Role.ADMIN)
EXAMPLE_2027 = Path(__file__).parents[2] / "docs" / "examples" / "calendar-2027.toml"
OTHER_ADMIN = Actor("admin.zhao", Role.ADMIN)
OFFICIAL_YEARS = list(range(2004, 2027))


def register_tax_office(app: Casetrail) -> None:
    app.register_unit("TAX", "税务局", actor=ADMIN)
    app.enrol_staff("li.na", "李娜", Role.WINDOW_STAFF, unit_code="TAX", actor=ADMIN)


def test_registered_unit_and_enrolled_staff_load_back_as_recorded(app: Casetrail) -> None:
    register_tax_office(app)

    assert app.unit("TAX").state() == {
        "id": str(Unit.id_for("TAX")),
        "kind": "unit",
        "version": 1,
        "code": "TAX",
        "name": "税务局",
        "active": True,
    }
    assert app.staff("li.na").state() == {
        "id": str(Staff.id_for("li.na")),
        "kind": "staff",
        "version": 1,
        "login": "li.na",
        "name": "李娜",
        "role": "window_staff",
        "unit_id": str(Unit.id_for("TAX")),
        "window_id": None,
        "active": True,
    }


def test_stale_writer_gets_a_conflict_and_the_first_write_is_kept(app: Casetrail) -> None:
    app.register_unit("TAX", "税务局", actor=ADMIN)
    first, second = app.unit("TAX"), app.unit("TAX")
    first.rename("国家税务总局某市税务局", actor=ADMIN, at=app.now())
    second.rename("市税务局", actor=OTHER_ADMIN, at=app.now())

    app.commit(first)
    with pytest.raises(ConflictError) as refused:
        app.commit(second)

    assert (refused.value.expected, refused.value.current) == (1, 2)
    kept = app.unit("TAX")
    assert (kept.version, kept.name) == (2, "国家税务总局某市税务局")
    assert [e.actor_id for e in app.history(kept.id)] == ["admin.wang", "admin.wang"]


def test_loading_at_an_old_version_is_a_conflict(app: Casetrail) -> None:
    app.register_unit("TAX", "税务局", actor=ADMIN)
    renamed = app.unit("TAX")
    renamed.rename("市税务局", actor=ADMIN, at=app.now())
    app.commit(renamed)

    with pytest.raises(ConflictError):
        app.load(Unit, Unit.id_for("TAX"), expected_version=1)
    assert app.load(Unit, Unit.id_for("TAX"), expected_version=2).name == "市税务局"


def test_notification_log_holds_every_event_in_commit_order(
    app: Casetrail, clock: FakeClock
) -> None:
    calendar_events = app.work_calendar().version
    unit = app.register_unit("TAX", "税务局", actor=ADMIN)
    clock.advance(minutes=5)
    staff = app.enrol_staff("li.na", "李娜", Role.WINDOW_STAFF, unit_code="TAX", actor=ADMIN)
    renaming = app.unit("TAX")
    renaming.rename("市税务局", actor=ADMIN, at=app.now())
    renamed = app.commit(renaming)[0]

    log = app.recorder.select_notifications(1, 1000)

    positions = [n.id for n in log]
    assert positions == sorted(set(positions))
    assert len(log) == calendar_events + 3
    tail = [(n.originator_id, n.originator_version, n.id) for n in log[-3:]]
    assert tail == [
        (unit.id, 1, unit.position),
        (staff.id, 1, staff.position),
        (renamed.id, 2, renamed.position),
    ]


def test_history_names_actor_role_and_time_of_every_step(app: Casetrail, clock: FakeClock) -> None:
    registered_at = clock.now
    app.register_unit("TAX", "税务局", actor=ADMIN)
    renamed_at = clock.advance(hours=2)
    unit = app.unit("TAX")
    unit.rename("市税务局", actor=Actor("ops", Role.SYSTEM), at=app.now())
    app.commit(unit)

    steps = [
        (type(e).__name__, e.actor_id, e.actor_role, e.timestamp) for e in app.history(unit.id)
    ]

    assert steps == [
        ("Registered", "admin.wang", "admin", registered_at),
        ("Renamed", "ops", "system", renamed_at),
    ]


def test_time_travel_by_version_shows_the_earlier_state(app: Casetrail, clock: FakeClock) -> None:
    registered_at = clock.now
    app.register_unit("TAX", "税务局", actor=ADMIN)
    clock.advance(days=1)
    unit = app.unit("TAX")
    unit.rename("市税务局", actor=ADMIN, at=app.now())
    app.commit(unit)

    before = app.as_of_version(unit.id, 1)
    assert isinstance(before, Unit)
    assert (before.version, before.name) == (1, "税务局")
    assert app.version_at(unit.id, registered_at + timedelta(hours=23)) == 1
    assert app.version_at(unit.id, registered_at - timedelta(seconds=1)) == 0
    assert app.version_at(unit.id, clock.now) == 2


def test_a_unit_code_registers_only_once(app: Casetrail) -> None:
    app.register_unit("TAX", "税务局", actor=ADMIN)

    with pytest.raises(AlreadyExistsError):
        app.register_unit("tax", "另一个税务局", actor=OTHER_ADMIN)

    assert [type(e).__name__ for e in app.history(Unit.id_for("TAX"))] == ["Registered"]
    assert app.unit("TAX").name == "税务局"


def test_a_new_store_starts_with_the_official_calendar_years(
    app: Casetrail, clock: FakeClock
) -> None:
    calendar = app.work_calendar()

    assert calendar.state()["years"] == OFFICIAL_YEARS
    assert calendar.version == 1 + len(OFFICIAL_YEARS)
    assert calendar.created_on == clock.now
    assert seed_official_calendar(app, None) is False
    assert app.work_calendar().version == calendar.version


def test_bootstrapping_an_existing_store_does_not_seed_the_calendar_again(
    durable_store: StoreUnderTest, clock: FakeClock
) -> None:
    first = durable_store.open()
    seeded = first.work_calendar().version
    clock.advance(days=30)

    second = durable_store.open()

    assert second.work_calendar().version == seeded
    calendar_id = WorkCalendar.calendar_id(second.jurisdiction)
    events = second.recorder.select_notifications(1, 1000)
    assert sum(1 for n in events if n.originator_id == calendar_id) == seeded


def test_a_second_application_on_the_same_store_sees_and_conflicts(
    durable_store: StoreUnderTest,
) -> None:
    first, second = durable_store.open(), durable_store.open()
    register_tax_office(first)
    from_first, from_second = first.unit("TAX"), second.unit("TAX")
    assert second.staff("li.na").state() == first.staff("li.na").state()

    from_first.rename("市税务局", actor=ADMIN, at=first.now())
    from_second.rename("区税务局", actor=OTHER_ADMIN, at=second.now())
    first.commit(from_first)
    with pytest.raises(ConflictError):
        second.commit(from_second)

    assert second.unit("TAX").name == "市税务局"
    assert [e.actor_id for e in second.history(Unit.id_for("TAX"))] == ["admin.wang"] * 2


def test_a_year_published_by_another_process_is_counted_with_at_once(
    durable_store: StoreUnderTest,
) -> None:
    counting, admin = durable_store.open(), durable_store.open()
    assert not counting.work_calendar().has_year(2027)  # read, and kept between commands
    admin.publish_year(read_arrangement_file(EXAMPLE_2027, 2027), actor=ADMIN)
    assert counting.work_calendar().has_year(2027)
    assert counting.work_calendar().version == admin.work_calendar().version
