"""Read models fed from Kafka see each aggregate's events in order, and nothing more.

A consumer group applies partitions side by side, so events of different aggregates (a unit and
the window opened in it) can arrive in another order than the log's. A read model that a Kafka
worker feeds must give the same rows for every such order; this checks each registered one.
"""

from __future__ import annotations

from functools import cache

import pytest

from infra.projections.log import EventLog
from projections.base import Projection
from projections.checksum import digest
from projections.memory import MemoryViewStore
from projections.registry import all_projections
from projections.store import EventAt
from tests.support.kafka_world import ORDER_SENSITIVE, demo_app, partitioned_order


@cache
def _log() -> tuple[EventAt, ...]:
    app = demo_app(cases=25)
    log = EventLog.of(app)
    head = log.head()
    return tuple(log.read(0, head + 1, head, ()))


def _digest(projection: Projection, events: list[EventAt]) -> str:
    store = MemoryViewStore()
    store.ensure(projection)
    mine = [(at, e) for at, e in events if type(e) in projection._handlers]
    store.apply_batch(projection, 0, mine, max(at for at, _ in events))
    return digest(projection, store.rows)


def _cases() -> list[object]:
    found: list[object] = []
    for projection in all_projections():
        why = ORDER_SENSITIVE.get(projection.name)
        marks = [pytest.mark.xfail(strict=True, reason=why)] if why else []
        found.append(pytest.param(projection, marks=marks, id=projection.name))
    return found


@pytest.mark.parametrize("projection", _cases())
def test_rows_do_not_depend_on_how_partitions_interleave(projection: Projection) -> None:
    events = list(_log())
    in_log_order = _digest(projection, events)
    for seed in range(4):
        assert _digest(projection, partitioned_order(events, 4, seed)) == in_log_order, seed
