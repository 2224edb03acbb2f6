"""The case list's scope filter (``visible_filter``, answered by the view store) keeps main's
disclosure rule for confidential cases exactly as ``row_visible`` does: a unit-scoped caller
sees one only from the confidential desk or from a unit it was routed to (never as its owner,
first asker, through an owner of their unit or from the intake queue)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest

from api.http.scope import row_visible, visible_filter
from domain.actors import Actor, Role
from infra.identity import Principal
from infra.views.sql import SqlViewTx
from infra.views.sqlite import SqliteViewStore
from projections.base import Projection
from projections.cases import CaseProjection
from projections.directory import DirectoryProjection
from projections.memory import MemoryViewStore, MemoryViewTx
from projections.query import All
from projections.store import PageQuery, ViewStore
from tests.support.views import fill_cases

DESK, UNIT, OTHER = uuid4(), uuid4(), uuid4()
MOMENT = datetime(2026, 11, 30, tzinfo=UTC)
STAFF = {"me": UNIT, "mate": UNIT, "stranger": OTHER}


def _caller(unit: UUID | None, role: Role = Role.WINDOW_STAFF) -> Principal:
    return Principal("me", Actor("me", role), unit, None, uuid4())


def _rows() -> list[dict[str, Any]]:
    combos = itertools.product(
        (True, False, None),  # confidential
        (None, "me", "mate", "stranger"),  # owner
        (None, "me"),  # first asker
        (None, DESK, UNIT, OTHER),  # lead unit
        ([], [str(UNIT)], [str(DESK)]),  # co-units
        ("received", "in_progress"),
    )
    return [
        {
            "id": str(uuid4()), "confidential": confidential, "owner": owner,
            "first_asker": first, "lead_unit_id": str(lead) if lead else None,
            "co_unit_ids": co, "status": status,
        }
        for confidential, owner, first, lead, co, status in combos
    ]


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ViewStore]:
    """A view store holding the staff and the cases of ``ROWS`` (in memory, or SQL)."""
    if request.param == "memory":
        memory = MemoryViewStore()
        memory.ensure(CaseProjection())
        memory.ensure(DirectoryProjection())
        fill_cases(lambda p: MemoryViewTx(p, memory._tables), STAFF, ROWS)
        yield memory
        return
    sql = SqliteViewStore(str(tmp_path / "views.db"), lambda: MOMENT)
    sql.ensure(CaseProjection())
    sql.ensure(DirectoryProjection())
    with sql._write() as cursor:
        txs: list[SqlViewTx] = []

        def write(p: Projection) -> SqlViewTx:
            txs.append(SqlViewTx(p, cursor, sql.marker))
            return txs[-1]

        fill_cases(write, STAFF, ROWS)
        for tx in txs:
            tx.flush()
    yield sql
    sql.close()


ROWS = _rows()


def test_the_store_filter_sees_what_row_visible_sees(store: ViewStore) -> None:
    rows = ROWS
    table = CaseProjection().table("cases")
    units = {login: str(unit) for login, unit in STAFF.items()}
    for unit in (UNIT, DESK, OTHER, None):
        caller = _caller(unit)
        wanted = {r["id"] for r in rows if row_visible(caller, r, units, DESK)}
        where = visible_filter(caller, desk=DESK) or All()
        page = store.page(table, PageQuery("id", False, 10_000, where=where))
        found = {str(r["id"]) for r in page}
        assert found == wanted, unit
        # The desk sees every confidential case, a unit those routed to it, no unit none.
        seen = sum(1 for r in rows if r["id"] in found and r["confidential"])
        every = sum(1 for r in rows if r["confidential"])
        if unit == DESK:
            assert seen == every
        elif unit is None:
            assert seen == 0
        else:
            assert 0 < seen < every
