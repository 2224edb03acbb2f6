"""A rebuild of the case model split in parts gives the view an unsplit rebuild gives.

The parts replay the events of different cases side by side into the same next tables, each
keeping its own counters (``case_counts``, ``case_open_counts``), which are added up once every
part has reached one position. The store here moves cases up and down the counters (returned,
reopened, paused, extended, recounted: ``test_board_counters.history``), and many open cases
share one counter row, so the parts' counters meet on the same keys and the merge must add
them up. An interrupted split carries on from where each part stopped, from the merged
position once merged, and an unsplit rebuild begun meanwhile starts again from nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from uuid import UUID

import psycopg
import pytest

from domain.application import Casetrail
from domain.base import Tracked
from infra.projections import open_runner
from infra.projections.log import EventLog
from infra.projections.operations import begin_split, checksums, finish_split, rebuild, rebuild_part
from infra.projections.parallel import rebuild_in_processes
from infra.projections.runner import ProjectionRunner
from infra.views import open_view_store
from infra.views.store import SqlViewStore, part_table
from projections.cases import CaseProjection
from projections.directory import DirectoryProjection
from projections.store import Part, split_in
from tests.integration.test_board_counters import history
from tests.support.city import handled_by
from tests.support.clock import FakeClock
from tests.support.stores import StoreUnderTest

pytestmark = pytest.mark.postgres

Event = tuple[int, UUID]
PROJECTION = CaseProjection()
COUNTERS = PROJECTION.table("case_open_counts")


class CrashError(Exception):
    """Stands for a process dying in the middle of its part, after some batches committed."""


@pytest.fixture
def seeded(postgres_store: StoreUnderTest, clock: FakeClock) -> Casetrail:
    app = postgres_store.open()
    history(app, clock)
    for _ in range(12):  # open cases alike: one counter row, in every part
        handled_by(app, "AMR")
    return app


@pytest.fixture
def views(postgres_store: StoreUnderTest, seeded: Casetrail) -> Iterator[SqlViewStore]:
    """The serving views caught up with the log, and their checksums as an unsplit rebuild
    gives them (``expected``)."""
    runner = open_runner(seeded, postgres_store.settings, projections=[PROJECTION])
    try:
        runner.catch_up()
        assert isinstance(runner.store, SqlViewStore)
        yield runner.store
    finally:
        runner.store.close()


@pytest.fixture
def expected(seeded: Casetrail, views: SqlViewStore) -> list[tuple[str, str]]:
    rebuild(EventLog.of(seeded), views, PROJECTION, batch_size=5)
    return checksums(views, [PROJECTION])


def test_a_split_rebuild_gives_the_checksum_of_an_unsplit_one(
    seeded: Casetrail, views: SqlViewStore, expected: list[tuple[str, str]],
    postgres_store: StoreUnderTest,
) -> None:
    log = EventLog.of(seeded)
    for of in (2, 3):
        parts = begin_split(views, PROJECTION, of)
        assert parts == split_in(of)
        applied = [rebuild_part(log, views, PROJECTION, p, batch_size=3) for p in parts]
        assert all(applied), "every part replays some cases"
        if of == 2:
            # The parts counted open cases on the same row: the merge has sums to add up.
            both = [_counter_rows(postgres_store, part) for part in parts]
            assert set(both[0]) & set(both[1])
        # Readers still see the serving view, whole, until the switch.
        assert checksums(views, [PROJECTION]) == expected
        finish_split(log, views, PROJECTION, batch_size=5)
        assert checksums(views, [PROJECTION]) == expected
        assert views.parts(PROJECTION) == {}
        assert views.rebuilding(PROJECTION) is None
        assert _left_behind(postgres_store) == []


def test_the_log_read_in_parts_is_the_log(seeded: Casetrail) -> None:
    log = EventLog.of(seeded)
    head, topics = log.head(), PROJECTION.topics
    whole = _read(log, head, topics, None)
    read = [_read(log, head, topics, part) for part in split_in(2)]
    assert sorted(read[0] + read[1]) == whole
    for part, events in zip(split_in(2), read, strict=True):
        assert events
        assert all(part.holds(case) for _, case in events)


def test_an_interrupted_split_carries_on_from_each_part_then_from_the_merge(
    seeded: Casetrail, views: SqlViewStore, expected: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log = EventLog.of(seeded)
    first, second = begin_split(views, PROJECTION, 2)
    crashing = ProjectionRunner(log, views, [PROJECTION], batch_size=3, progress=_crash_after(2))
    with pytest.raises(CrashError):
        crashing.advance_part(PROJECTION, first, log.head())
    stopped = _at(views, first)
    assert 0 < stopped < log.head()
    rebuild_part(log, views, PROJECTION, second, batch_size=3)

    # Started again: the parts carry on from their positions, not from 0.
    assert begin_split(views, PROJECTION, 2) == [first, second]
    assert _at(views, first) == stopped
    assert _at(views, second) == log.head()
    rebuild_part(log, views, PROJECTION, first, batch_size=3)

    # Interrupted in the merge: nothing of it was done, the parts are where they were.
    with monkeypatch.context() as patch:
        patch.setattr(SqlViewStore, "_set_position", _crash)
        with pytest.raises(CrashError):
            finish_split(log, views, PROJECTION, batch_size=5)
    assert {p: found.position for p, found in views.parts(PROJECTION).items()} == {
        first: log.head(), second: log.head(),
    }
    assert views.rebuilding(PROJECTION) is None

    # Interrupted after the merge, before the switch: carried on unsplit from the merge.
    with monkeypatch.context() as patch:
        patch.setattr(SqlViewStore, "switch", _crash)
        with pytest.raises(CrashError):
            finish_split(log, views, PROJECTION, batch_size=5)
    assert views.parts(PROJECTION) == {}
    merged = views.rebuilding(PROJECTION)
    assert merged is not None
    assert merged.position == log.head()
    assert begin_split(views, PROJECTION, 2) == [], "a merged split goes on unsplit"
    assert checksums(views, [PROJECTION]) == expected  # still the serving view
    finish_split(log, views, PROJECTION, batch_size=5)
    assert checksums(views, [PROJECTION]) == expected
    assert views.rebuilding(PROJECTION) is None


def test_an_unsplit_rebuild_over_an_unmerged_split_starts_again(
    seeded: Casetrail, views: SqlViewStore, expected: list[tuple[str, str]],
    postgres_store: StoreUnderTest,
) -> None:
    log = EventLog.of(seeded)
    first, _ = begin_split(views, PROJECTION, 2)
    rebuild_part(log, views, PROJECTION, first, batch_size=3)
    rebuild(log, views, PROJECTION, batch_size=5)
    assert checksums(views, [PROJECTION]) == expected
    assert views.parts(PROJECTION) == {}
    assert _left_behind(postgres_store) == []


def test_a_split_in_another_number_of_parts_starts_again(
    seeded: Casetrail, views: SqlViewStore, expected: list[tuple[str, str]],
    postgres_store: StoreUnderTest,
) -> None:
    log = EventLog.of(seeded)
    first, _ = begin_split(views, PROJECTION, 2)
    rebuild_part(log, views, PROJECTION, first, batch_size=3)
    parts = begin_split(views, PROJECTION, 3)
    assert sorted(views.parts(PROJECTION)) == parts
    assert all(_at(views, part) == 0 for part in parts)
    for part in parts:
        rebuild_part(log, views, PROJECTION, part, batch_size=3)
    finish_split(log, views, PROJECTION)
    assert checksums(views, [PROJECTION]) == expected
    assert _left_behind(postgres_store) == []


def test_rebuilding_in_processes_splits_the_case_model(
    seeded: Casetrail, views: SqlViewStore, expected: list[tuple[str, str]],
    postgres_store: StoreUnderTest,
) -> None:
    directory = DirectoryProjection()
    runner = open_runner(seeded, postgres_store.settings, projections=[directory])
    try:
        runner.catch_up()
    finally:
        runner.store.close()
    before = checksums(views, [directory])
    finished: list[str] = []
    applied = rebuild_in_processes(
        postgres_store.settings, ["directory", "cases"], jobs=2,
        done=lambda name, _applied: finished.append(name),
    )
    assert sorted(finished) == ["cases", "directory"]
    assert applied["cases"] == len(EventLog.of(seeded).read(0, 10**6, 10**6, PROJECTION.topics))
    assert checksums(views, [PROJECTION, directory]) == expected + before
    assert _left_behind(postgres_store) == []


def test_sqlite_rebuilds_whole(durable_store: StoreUnderTest) -> None:
    """The embedded store has one writer: its rebuild is not split (one part)."""
    app = durable_store.open()
    store = open_view_store(durable_store.settings, durable_store.clock)
    try:
        split = begin_split(store, PROJECTION, 2)
        assert split == (split_in(2) if durable_store.name == "postgres" else [])
        assert begin_split(store, DirectoryProjection(), 2) == []
        assert begin_split(store, PROJECTION, 1) == []
        assert EventLog.of(app).can_split == (durable_store.name == "postgres")
    finally:
        store.close()


def _read(log: EventLog, head: int, topics: tuple[str, ...], part: Part | None) -> list[Event]:
    """The positions and cases of the events read."""
    found: list[Event] = []
    for position, event in log.read(0, head, head, topics, part):
        assert isinstance(event, Tracked.Event)
        found.append((position, event.originator_id))
    return found


def _at(store: SqlViewStore, part: Part) -> int:
    found = store.part_position(PROJECTION, part)
    assert found is not None
    return found.position


def _crash(*_args: object, **_kwargs: object) -> None:
    raise CrashError


def _crash_after(batches: int) -> Callable[[object, int, int], None]:
    seen: list[int] = []

    def progress(_projection: object, position: int, _head: int) -> None:
        seen.append(position)
        if len(seen) == batches:
            raise CrashError

    return progress


def _counter_rows(under_test: StoreUnderTest, part: Part) -> list[tuple[str, str]]:
    with psycopg.connect(_url(under_test)) as connection:
        found = connection.execute(
            f"SELECT lead_unit_id, slot FROM {part_table(COUNTERS, part)}"
        ).fetchall()
    return [(str(unit), str(slot)) for unit, slot in found]


def _left_behind(under_test: StoreUnderTest) -> list[str]:
    """Parts' tables and positions still there."""
    with psycopg.connect(_url(under_test)) as connection:
        tables = connection.execute(
            "SELECT tablename FROM pg_tables WHERE tablename LIKE %s", ["%\\_\\_part%"]
        ).fetchall()
        positions = connection.execute(
            "SELECT projection FROM projection_position WHERE projection LIKE %s", ["%#%"]
        ).fetchall()
    return [str(name) for (name,) in tables + positions]


def _url(under_test: StoreUnderTest) -> str:
    assert under_test.settings.database_url is not None
    return under_test.settings.database_url

