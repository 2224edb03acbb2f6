"""The directory read model: who works where, how many, and which enterprises are key."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.actors import Role
from domain.application import Casetrail
from domain.directory import Unit
from infra.projections import EventLog, ProjectionRunner
from projections.base import Row, Table
from projections.directory import DirectoryProjection
from projections.memory import MemoryViewStore
from tests.support.app import ADMIN, memory_app, seed_directory
from tests.support.clock import FakeClock

UNITS, WINDOWS, STAFF, LEADERS, ENTERPRISES = DirectoryProjection.tables


def project(app: Casetrail) -> MemoryViewStore:
    store = MemoryViewStore()
    ProjectionRunner(EventLog.of(app), store, [DirectoryProjection()]).catch_up()
    return store


def row(store: MemoryViewStore, table: Table, **equals: object) -> Row:
    [found] = [r for r in store.rows(table) if all(r[k] == v for k, v in equals.items())]
    return found


def test_units_count_their_windows_and_staff(clock: FakeClock) -> None:
    app = memory_app(clock)
    seed_directory(app)
    app.open_window("AMR-1", "Window 1", "AMR", actor=ADMIN)
    app.enrol_staff("zhou.min", "周敏", Role.WINDOW_STAFF, unit_code="AMR", window_code="AMR-1",
                    actor=ADMIN)

    store = project(app)

    amr, hrs = row(store, UNITS, code="AMR"), row(store, UNITS, code="HRS")
    assert (amr["window_count"], amr["staff_count"]) == (1, 3)
    assert (hrs["window_count"], hrs["staff_count"]) == (0, 2)
    assert row(store, WINDOWS, code="AMR-1")["staff_count"] == 1
    assert row(store, STAFF, login="chen.jie")["unit_id"] is None


def test_a_reassignment_moves_the_head_count_from_one_unit_to_another(clock: FakeClock) -> None:
    app = memory_app(clock)
    seed_directory(app)
    li_na = app.staff("li.na")
    li_na.reassign(Role.WINDOW_STAFF, Unit.id_for("HRS"), None, "secondment", actor=ADMIN,
                   at=app.now())
    app.commit(li_na)

    store = project(app)

    assert row(store, UNITS, code="AMR")["staff_count"] == 1
    assert row(store, UNITS, code="HRS")["staff_count"] == 3
    assert row(store, STAFF, login="li.na")["unit_id"] == str(Unit.id_for("HRS"))


def test_renames_key_flags_and_leaders_show_with_their_times(clock: FakeClock) -> None:
    app = memory_app(clock)
    seed_directory(app)
    clock.advance(days=1)
    unit = app.unit("AMR")
    unit.rename("市场监管局", actor=ADMIN, at=app.now())
    enterprise = app.enterprise("91440300MA5EXAMPLE")
    enterprise.set_key_flag(True, "tax top 100", actor=ADMIN, at=app.now())
    app.commit(unit, enterprise)
    app.appoint_leader("L1", "刘洋", "副县长", "county", actor=ADMIN)

    store = project(app)

    amr = row(store, UNITS, code="AMR")
    assert amr["name"] == "市场监管局"
    assert amr["registered_at"] == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert row(store, ENTERPRISES, credit_code="91440300MA5EXAMPLE")["key_enterprise"] is True
    [leader] = store.rows(LEADERS)
    assert (leader["code"], leader["level"], leader["unit_id"]) == ("L1", "county", None)
    assert leader["appointed_at"] == datetime(2026, 3, 3, 1, 0, tzinfo=UTC)


def test_the_directory_reads_only_directory_events() -> None:
    topics = DirectoryProjection().topics

    assert "domain.directory:Staff.Enrolled" in topics
    assert "domain.directory:Enterprise.KeyFlagSet" in topics
    assert "domain.directory:Window.Deactivated" in topics
    assert len(topics) == 8 + 5 * 3  # each kind of entry is amended, deactivated, reactivated
    assert all(t.startswith("domain.directory:") for t in topics)
