"""Project an application's whole log into an in-memory view store, for read-model tests."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from uuid import UUID

from domain.application import Casetrail
from infra.projections.log import EventLog
from projections.base import Projection, Row
from projections.cases import CaseProjection
from projections.directory import DirectoryProjection
from projections.memory import MemoryViewStore
from projections.registry import all_projections
from projections.store import RowOpsBase


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


def fill_cases(
    write: Callable[[Projection], RowOpsBase], staff: Mapping[str, UUID],
    rows: list[dict[str, Any]],
) -> None:
    """Staff (login -> unit) and case rows written straight into the views, with the
    co-handling units the case model keeps beside each row (``case_co_units``)."""
    directory = write(DirectoryProjection())
    for login, unit in staff.items():
        directory.upsert("staff", {"id": login, "login": login, "unit_id": str(unit)})
    cases = write(CaseProjection())
    for row in rows:
        cases.upsert("cases", row)
        for unit in row["co_unit_ids"]:
            cases.upsert("case_co_units", {
                "case_id": row["id"], "unit_id": unit, "filed_at": row.get("filed_at"),
                "confidential": row["confidential"],
            })
