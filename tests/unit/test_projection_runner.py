"""The runner moves each view along the log in batches, once per event, and stops cleanly."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from domain.actors import Role
from domain.application import Casetrail
from domain.directory import Staff
from infra.projections import EventLog, ProjectionRunner
from infra.projections.follow import PollingFollower
from infra.projections.operations import checksums, rebuild, status
from projections.base import Projection, Table, ViewTx, handles
from projections.memory import MemoryViewStore
from tests.support.app import ADMIN, memory_app, seed_directory
from tests.support.clock import FakeClock


class Enrolments(Projection):
    """Counts enrolments: an event applied twice would count twice."""

    name = "enrolments"
    version = "1"
    tables = (Table.of("counts", key="name", name="text", count="integer"),)

    @handles(Staff.Enrolled)
    def _enrolled(self, event: Staff.Enrolled, view: ViewTx) -> None:
        view.increment("counts", "all", "count")


class EnrolmentsV2(Enrolments):
    version = "2"


def count(store: MemoryViewStore) -> int:
    rows = store.rows(Enrolments.tables[0])
    return int(rows[0]["count"]) if rows else 0


def position(store: MemoryViewStore) -> int:
    found = store.position("enrolments")
    return found.position if found else -1


def seeded(clock: FakeClock) -> tuple[Casetrail, int]:
    """An application whose directory (2 units, 5 staff, 1 enterprise) follows ``start``."""
    app = memory_app(clock)
    start = EventLog.of(app).head()
    seed_directory(app)  # positions start+1 .. start+8; staff at start+3 .. start+7
    return app, start


def runner_for(
    app: Casetrail, store: MemoryViewStore, projection: Projection | None = None, *,
    batch_size: int = 2, progress: Callable[[Projection, int, int], None] | None = None,
) -> ProjectionRunner:
    return ProjectionRunner(
        EventLog.of(app), store, [projection or Enrolments()], batch_size=batch_size,
        progress=progress, follower_factory=lambda: PollingFollower(0.01, 0.05),
    )


def test_batches_read_only_the_events_of_interest_and_end_at_the_head(clock: FakeClock) -> None:
    app, start = seeded(clock)
    store = MemoryViewStore()
    seen: list[int] = []

    runner_for(app, store, progress=lambda _p, pos, _h: seen.append(pos - start)).catch_up()

    # Pages of two staff events: (3, 4), (5, 6), then (7) alone, which reaches the head (8).
    assert seen == [4, 6, 8]
    assert count(store) == 5
    assert position(store) == start + 8


def test_a_second_catch_up_applies_nothing_new(clock: FakeClock) -> None:
    app, _ = seeded(clock)
    store = MemoryViewStore()
    runner = runner_for(app, store)
    runner.catch_up()

    assert runner.catch_up() == 0
    assert count(store) == 5


def test_a_changed_definition_is_rebuilt_from_the_start(clock: FakeClock) -> None:
    app, _ = seeded(clock)
    store = MemoryViewStore()
    runner_for(app, store).catch_up()

    runner_for(app, store, EnrolmentsV2()).catch_up()

    assert count(store) == 5
    found = store.position("enrolments")
    assert found is not None
    assert found.definition_version == "2"


def test_a_stop_takes_effect_after_the_current_batch(clock: FakeClock) -> None:
    app, start = seeded(clock)
    store = MemoryViewStore()
    runner = runner_for(app, store, progress=lambda *_: runner.stop())

    runner.catch_up()

    assert (count(store), position(store)) == (2, start + 4)


def test_a_rebuild_in_the_middle_of_a_run_counts_nothing_twice(clock: FakeClock) -> None:
    app, _ = seeded(clock)
    store = MemoryViewStore()
    resets: list[int] = []

    def rebuild_once(projection: Projection, _position: int, _head: int) -> None:
        if not resets:
            resets.append(1)
            store.reset(projection)  # as a `rebuild` in another process would

    runner_for(app, store, progress=rebuild_once).catch_up()

    assert count(store) == 5


def test_a_running_runner_picks_up_new_events_until_stopped(clock: FakeClock) -> None:
    app, _ = seeded(clock)
    store = MemoryViewStore()
    runner = runner_for(app, store)
    thread = threading.Thread(target=runner.run)
    thread.start()
    try:
        app.enrol_staff("zhou.min", "周敏", Role.WINDOW_STAFF, unit_code="AMR", actor=ADMIN)
        deadline = time.monotonic() + 5
        while count(store) < 6 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        runner.stop()
        thread.join(timeout=5)

    assert count(store) == 6
    assert not thread.is_alive()


def test_status_gives_the_lag_in_log_positions_and_business_seconds(clock: FakeClock) -> None:
    app, start = seeded(clock)
    store = MemoryViewStore()
    runner_for(app, store).catch_up()
    clock.advance(hours=2)
    app.enrol_staff("zhou.min", "周敏", Role.WINDOW_STAFF, unit_code="AMR", actor=ADMIN)
    clock.advance(minutes=30)
    app.register_enterprise("91110000EXAMPLE2", "北京示例", actor=ADMIN)

    [behind] = status(EventLog.of(app), store, [Enrolments()])

    assert (behind.position, behind.head) == (start + 8, start + 10)
    assert (behind.lag_events, behind.lag_seconds, behind.state) == (2, 9000.0, "behind")


def test_a_rebuilt_view_has_the_checksum_of_the_view_built_as_events_came(
    clock: FakeClock,
) -> None:
    app, _ = seeded(clock)
    store = MemoryViewStore()
    runner_for(app, store).catch_up()
    app.enrol_staff("zhou.min", "周敏", Role.WINDOW_STAFF, unit_code="AMR", actor=ADMIN)
    runner_for(app, store).catch_up()
    before = checksums(store, [Enrolments()])

    applied = rebuild(EventLog.of(app), store, Enrolments(), batch_size=4)

    assert applied == 6
    assert checksums(store, [Enrolments()]) == before
