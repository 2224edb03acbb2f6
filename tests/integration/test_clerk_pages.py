"""A clerk's case list is a union of index ranges (``page_sql``): the intake queue, their own
and first-asked cases, their unit's led, co-handled (``case_co_units``) and staff-owned ones,
and the confidential cases routed to them. Walked to the end with the keyset, its pages hold
the rows ``row_visible`` admits, in the same order, on every store; on PostgreSQL a page reads
about a page of rows per range, where walking the filing order read most of the store."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from psycopg import sql as sql_text

from api.http.scope import row_visible, visible_filter
from domain.actors import Actor, Role
from domain.application import Casetrail
from infra.identity import Principal
from infra.views.postgres import PostgresViewStore
from infra.views.sql import SqlViewTx
from infra.views.sqlite import SqliteViewStore
from infra.views.store import SqlViewStore, page_sql
from projections.base import Projection, Table
from projections.cases import CaseProjection
from projections.directory import DirectoryProjection
from projections.memory import MemoryViewStore, MemoryViewTx
from projections.query import Filter
from projections.store import PageQuery, ViewStore
from tests.support.app import memory_app, seed_directory
from tests.support.clock import FakeClock
from tests.support.views import fill_cases, project

DESK, UNIT, OTHER = uuid4(), uuid4(), uuid4()
MOMENT = datetime(2026, 11, 30, tzinfo=UTC)
STAFF = {"me": UNIT, "mate": UNIT, "stranger": OTHER}
CASES = CaseProjection().table("cases")
LI = Actor("li.na", Role.WINDOW_STAFF)
WANG = Actor("wang.qiang", Role.UNIT_HEAD)
ZHAO = Actor("zhao.lei", Role.WINDOW_STAFF)


def _caller(unit: UUID | None) -> Principal:
    return Principal("me", Actor("me", Role.WINDOW_STAFF), unit, None, uuid4())


def _every_branch() -> list[dict[str, Any]]:
    """A case of every combination the scope tells apart, two filed at each moment."""
    combos = itertools.product(
        (True, False, None),  # confidential
        (None, "me", "mate", "stranger"),  # owner
        (None, "me"),  # first asker
        (None, DESK, UNIT, OTHER),  # lead unit
        ([], [str(UNIT)], [str(DESK)], [str(OTHER), str(UNIT)]),  # co-units
        ("received", "in_progress"),
    )
    return [
        {
            "id": str(uuid4()), "confidential": confidential, "owner": owner,
            "first_asker": first, "lead_unit_id": str(lead) if lead else None,
            "co_unit_ids": co, "status": status,
            "filed_at": MOMENT - timedelta(minutes=number // 2),
        }
        for number, (confidential, owner, first, lead, co, status) in enumerate(combos)
    ]


def _unseen(count: int, after: datetime) -> list[dict[str, Any]]:
    """Cases no clerk of ``UNIT`` sees, filed after ``after``: other units' cases in the hands
    of their many staff (as many as a city has: PostgreSQL plans a staff member's range by how
    many cases one of them holds)."""
    return [
        {
            "id": str(uuid4()), "confidential": False, "owner": f"other.{number % 500}",
            "first_asker": f"other.{number % 500}", "lead_unit_id": str(OTHER),
            "co_unit_ids": [str(OTHER)], "status": "in_progress",
            "filed_at": after + timedelta(seconds=number + 1),
        }
        for number in range(count)
    ]


def _filled(store: ViewStore, rows: list[dict[str, Any]]) -> ViewStore:
    store.ensure(CaseProjection())
    store.ensure(DirectoryProjection())
    if isinstance(store, MemoryViewStore):
        tables = store._tables
        fill_cases(lambda p: MemoryViewTx(p, tables), STAFF, rows)
        return store
    assert isinstance(store, SqlViewStore)
    marker, bulk = store.marker, store._bulk_upsert()
    with store._write() as cursor:
        txs: list[SqlViewTx] = []

        def write(p: Projection) -> SqlViewTx:
            txs.append(SqlViewTx(p, cursor, marker, bulk=bulk))
            return txs[-1]

        fill_cases(write, STAFF, rows)
        for tx in txs:
            tx.flush()
    return store


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ViewStore]:
    if request.param == "memory":
        yield MemoryViewStore()
        return
    sql: SqlViewStore
    if request.param == "sqlite":
        sql = SqliteViewStore(str(tmp_path / "views.db"), lambda: MOMENT)
    else:
        sql = PostgresViewStore(request.getfixturevalue("fresh_postgres_url"), lambda: MOMENT)
    yield sql
    sql.close()


def _key(row: dict[str, Any]) -> tuple[str, str]:
    return row["filed_at"].astimezone(UTC).isoformat(timespec="microseconds"), str(row["id"])


def _walked(store: ViewStore, first: PageQuery) -> list[str]:
    """The ids of every page from ``first`` on, following the keyset of each last row."""
    walked: list[str] = []
    query = first
    while True:
        page = store.page(CASES, query)
        walked += [r["id"] for r in page]
        if len(page) < query.limit:
            return walked
        query = replace(query, after=_key(page[-1]))


@pytest.mark.parametrize("descending", [True, False])
def test_a_clerks_pages_are_the_rows_row_visible_admits(
    empty_store: ViewStore, descending: bool
) -> None:
    rows = _every_branch()
    store = _filled(empty_store, rows)
    units = {login: str(unit) for login, unit in STAFF.items()}
    for unit in (UNIT, DESK, None):
        caller = _caller(unit)
        wanted = sorted(
            (r for r in rows if row_visible(caller, r, units, DESK)),
            key=_key, reverse=descending,
        )
        ids = [r["id"] for r in wanted]
        # Every branch of the scope is in the data, and some cases are out of it.
        assert 0 < len(ids) < len(rows)
        for co_units in (True, False):  # the co-handled cases from their table, or the rows
            where = visible_filter(caller, desk=DESK, co_units=co_units)
            first = PageQuery("filed_at", descending, 25, where=where, columns=("id", "filed_at"))
            assert _walked(store, first) == ids
            numbered = replace(first, limit=7, offset=12)
            assert [r["id"] for r in store.page(CASES, numbered)] == ids[12:19]
            # A list's own filters apply within each range.
            received = replace(first, any_of={"status": ("received",)})
            assert _walked(store, received) == [
                r["id"] for r in wanted if r["status"] == "received"
            ]
        sql, _ = page_sql(CASES, first_page(caller), "%s")
        assert sql.count(" UNION ") == (7 if unit == DESK else 8 if unit else 3) - 1


def first_page(caller: Principal, co_units: bool = True) -> PageQuery:
    where = visible_filter(caller, desk=DESK, co_units=co_units)
    return PageQuery("filed_at", True, 51, where=where)


SCANS = frozenset({"Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan"})


def _rows_read(plan: dict[str, Any]) -> int:
    """Rows the plan's scans produced or threw away, over all their loops."""
    loops = int(plan.get("Actual Loops", 1))
    read = 0
    if plan["Node Type"] in SCANS:
        read = (int(plan.get("Actual Rows", 0)) + int(plan.get("Rows Removed by Filter", 0))
                + int(plan.get("Rows Removed by Index Recheck", 0))) * loops
    return read + sum(_rows_read(p) for p in plan.get("Plans", ()))


@pytest.fixture
def crowded(fresh_postgres_url: str) -> Iterator[PostgresViewStore]:
    """Every branch of the scope, then 20,000 newer cases of other units, analyzed."""
    rows = _every_branch()
    rows += _unseen(20_000, max(r["filed_at"] for r in rows))
    store = _filled(PostgresViewStore(fresh_postgres_url, lambda: MOMENT), rows)
    assert isinstance(store, PostgresViewStore)
    try:
        with store._write() as cursor:
            cursor.execute("ANALYZE")
        yield store
    finally:
        store.close()


def _plan(found: tuple[Any, ...] | None) -> dict[str, Any]:
    """The top node of an ``EXPLAIN (FORMAT JSON)`` answer."""
    assert found is not None
    plan = found[0] if isinstance(found[0], list) else json.loads(found[0])
    return dict(plan[0]["Plan"])


@pytest.mark.postgres
def test_a_clerks_page_reads_its_ranges_not_the_store(crowded: PostgresViewStore) -> None:
    """The newest cases are all other units': walking the filing order reads them all before
    the clerk's first; the ranges read about a page each."""

    def read(where: Filter | None) -> int:
        query = PageQuery("filed_at", True, 51, where=where)
        sql, params = page_sql(CASES, query, crowded.marker)
        with crowded._write() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            return _rows_read(_plan(cursor.fetchone()))

    clerk = _caller(UNIT)
    ranges = read(visible_filter(clerk, desk=DESK))
    walk = read(visible_filter(clerk, desk=DESK, co_units=False))  # the statement before
    # About a page per range (eight), and what each range's own filter throws away.
    assert walk > 20_000
    assert ranges < 2000


@pytest.mark.postgres
def test_a_clerks_page_read_again_keeps_one_plan_that_still_reads_its_ranges(
    crowded: PostgresViewStore,
) -> None:
    """The server's read connections plan a statement they run again once, for whatever values
    it is given: planning the scope's union took as long as running it. The one plan must
    still read each clerk's ranges, not the store, and give each clerk their own page."""
    pages = {unit: first_page(_caller(unit)) for unit in (UNIT, OTHER)}
    wanted = {unit: [r["id"] for r in crowded.page(CASES, q)] for unit, q in pages.items()}
    assert wanted[UNIT]
    assert wanted[OTHER] != wanted[UNIT]
    sql, params = page_sql(CASES, pages[UNIT], crowded.marker)
    with crowded._reading() as cursor:
        for unit in [UNIT, OTHER] * 4:  # psycopg prepares it on the fifth run
            cursor.execute(*page_sql(CASES, pages[unit], crowded.marker))
            assert [row[0] for row in cursor.fetchall()] == wanted[unit]
        numbered = iter(range(1, len(params) + 1))
        cursor.execute(
            "SELECT name, generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement = %s", [re.sub("%s", lambda _: f"${next(numbered)}", sql)],
        )
        [(name, generic, custom)] = cursor.fetchall()
        assert (generic, custom) == (4, 0)
        values = sql_text.SQL(", ").join(sql_text.Literal(v) for v in params)
        cursor.execute(  # a utility statement takes no parameters: the values are inlined
            sql_text.SQL("EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE {} ({})").format(
                sql_text.Identifier(name), values
            )
        )
        assert _rows_read(_plan(cursor.fetchone())) < 2000


def _co_units_of(app: Casetrail) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """The (case, unit) pairs of ``case_co_units``, and those the case rows name."""
    store = project(app, CaseProjection())
    table: Table = CaseProjection().table("case_co_units")
    kept = {(r["case_id"], r["unit_id"]) for r in store.rows(table)}
    named = {(r["id"], u) for r in store.rows(CASES) for u in r["co_unit_ids"]}
    return kept, named


def test_co_handling_units_follow_dispatches_and_returns(clock: FakeClock) -> None:
    app = memory_app(clock)
    seed_directory(app)
    amr, hrs = str(app.unit("AMR").id), str(app.unit("HRS").id)
    case_id = app.file_demand(
        case_type="complaint", channel="web", summary="审批超时", actor=LI, filer_name="吴"
    ).id
    other = app.file_demand(
        case_type="help", channel="web", summary="咨询", actor=LI, filer_name="吴"
    ).id
    app.dispatch(case_id, "HRS", ["AMR"], actor=LI)
    app.dispatch(other, "AMR", ["HRS"], actor=LI)
    kept, named = _co_units_of(app)
    assert kept == named == {(str(case_id), amr), (str(other), hrs)}
    clock.advance(hours=2)
    app.request_return(case_id, "非本单位职责", actor=ZHAO)
    app.decide_return(case_id, True, "同意", actor=WANG)
    kept, named = _co_units_of(app)
    assert kept == named == {(str(other), hrs)}  # an approved return clears them
    app.dispatch(case_id, "AMR", ["HRS"], actor=LI)
    kept, named = _co_units_of(app)
    assert kept == named == {(str(case_id), hrs), (str(other), hrs)}
    filed = {r["case_id"]: r["filed_at"] for r in project(app, CaseProjection()).rows(
        CaseProjection().table("case_co_units"))}
    cases = {r["id"]: r["filed_at"] for r in project(app, CaseProjection()).rows(CASES)}
    assert filed == cases  # the order a unit's range is read in is the cases' own
