"""Project an application's whole log into an in-memory view store, for read-model tests."""

from __future__ import annotations

from domain.application import Casetrail
from infra.projections.log import EventLog
from projections.base import Projection, Row
from projections.memory import MemoryViewStore
from projections.registry import all_projections


def project(app: Casetrail, projection: Projection) -> MemoryViewStore:
    store, log = MemoryViewStore(), EventLog.of(app)
    store.ensure(projection)
    head = log.head()
    events = log.read(0, head + 1, head, projection.topics)
    store.apply_batch(projection, 0, events, head)
    return store


def rows_by_id(app: Casetrail, projection: Projection, table: str) -> dict[str, Row]:
    store = project(app, projection)
    return {str(row["id"]): row for row in store.rows(projection.table(table))}


def all_views(app: Casetrail) -> MemoryViewStore:
    """Every registered read model, caught up with the whole log, in one memory store."""
    store, log = MemoryViewStore(), EventLog.of(app)
    head = log.head()
    for projection in all_projections():
        store.ensure(projection)
        store.apply_batch(projection, 0, log.read(0, head + 1, head, projection.topics), head)
    return store
