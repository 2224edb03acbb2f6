"""Kafka offsets kept with the views, and the relay's position, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from typing import Any
from uuid import uuid4

import pytest

from domain.directory import Staff
from infra.kafka.offsets import Delivered
from infra.kafka.relay_position import open_relay_positions
from infra.kafka.workers import open_kafka_view_store
from infra.projections.log import EventLog
from projections.base import Projection, Table, ViewTx
from projections.directory import DirectoryProjection
from projections.store import ProjectionFailedError
from tests.support.app import memory_app, seed_directory
from tests.support.clock import FakeClock
from tests.support.event_samples import sample_event
from tests.support.stores import StoreUnderTest

pytestmark = pytest.mark.kafka


def _deliveries(clock: FakeClock) -> list[Delivered]:
    """The directory's events as one partition would carry them (offsets 0, 1, ...)."""
    app = memory_app(clock)
    seed_directory(app)
    log = EventLog.of(app)
    head = log.head()
    events = log.read(0, head + 1, head, DirectoryProjection().topics)
    return [Delivered(n, at, event) for n, (at, event) in enumerate(events)]


def _rows(store: Any, projection: Projection) -> dict[str, list[dict[str, Any]]]:
    return {t.name: store.rows(t) for t in projection.tables}


def test_a_batch_and_its_offset_commit_together_and_a_repeat_changes_nothing(
    durable_store: StoreUnderTest, clock: FakeClock
) -> None:
    batch = _deliveries(clock)
    projection = DirectoryProjection()
    store = open_kafka_view_store(durable_store.settings, clock)
    try:
        store.ensure(projection)
        assert store.apply_partition([projection], "t", 3, batch[:5]) == 5
        assert store.apply_partition([projection], "t", 3, batch[5:]) == len(batch) - 5
        after = _rows(store, projection)
        assert len(after["units"]) == 2
        assert len(after["staff"]) == 5
        # The relay sent them again (a restart): applied already, so nothing moves.
        assert store.apply_partition([projection], "t", 3, batch) == 0
        assert _rows(store, projection) == after
        [offset] = store.offsets("t", 3)
        assert (offset.next_offset, offset.last_position) == (len(batch), batch[-1].position)
        assert store.offsets("t", 0) == []
    finally:
        store.close()


class _Failing(DirectoryProjection):
    name = "failing"
    tables = tuple(  # type: ignore[assignment]
        Table(f"failing_{t.name}", t.columns, t.key) for t in DirectoryProjection.tables
    )

    def handle(self, event: object, view: ViewTx) -> None:
        raise RuntimeError("a bug in a handler")


def test_a_failing_handler_leaves_every_view_and_offset_as_it_was(
    durable_store: StoreUnderTest, clock: FakeClock
) -> None:
    batch = _deliveries(clock)
    good, bad = DirectoryProjection(), _Failing()
    store = open_kafka_view_store(durable_store.settings, clock)
    try:
        store.ensure(good)
        store.ensure(bad)
        with pytest.raises(ProjectionFailedError):
            store.apply_partition([good, bad], "t", 0, batch)
        assert all(rows == [] for rows in _rows(store, good).values())
        assert store.offsets("t", 0) == []
    finally:
        store.close()


def test_the_relay_position_is_durable_and_one_relay_holds_a_topic(
    durable_store: StoreUnderTest, clock: FakeClock
) -> None:
    first = open_relay_positions(durable_store.settings, clock)
    second = open_relay_positions(durable_store.settings, clock)
    try:
        assert first.get("events") == 0
        first.set("events", 42)
        assert second.get("events") == 42
        assert first.try_lock("events")
        assert first.try_lock("events")
        assert not second.try_lock("events")
        assert second.try_lock("other")
        first.close()
        # The server lets go of a closed session's locks a moment later.
        deadline = time.monotonic() + 5
        while not second.try_lock("events"):
            assert time.monotonic() < deadline, "the lock outlived its relay"
            time.sleep(0.05)
    finally:
        first.close()
        second.close()


def test_workers_of_different_partitions_never_lose_each_others_counts(
    durable_store: StoreUnderTest, clock: FakeClock
) -> None:
    """Two partitions enrol staff into one unit at the same time: every enrolment counts."""
    unit_id = uuid4()
    projection = DirectoryProjection()
    stores = [open_kafka_view_store(durable_store.settings, clock) for _ in range(2)]
    stores[0].ensure(projection)
    stores[0].ensure_offsets()

    def enrol(partition: int) -> None:
        store = stores[partition]
        for n in range(40):
            staff = sample_event(
                Staff.Enrolled, originator_id=uuid4(), unit_id=unit_id, window_id=None,
                login=f"p{partition}-{n}",
            )
            position = 2 * n + partition + 1
            store.apply_partition([projection], "t", partition, [Delivered(n, position, staff)])

    try:
        threads = [threading.Thread(target=enrol, args=(p,)) for p in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        [unit] = stores[0].rows(projection.table("units"))
        assert unit["staff_count"] == 80
    finally:
        for store in stores:
            store.close()
