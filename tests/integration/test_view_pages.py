"""A page asked of the view store equals the same page worked out in Python from all rows,
on every backend: filters, both orders, walking the keyset page by page, chosen columns, and
pages of stored values."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC
from typing import Any

import pytest

from domain.actors import Actor, Role
from infra.projections import open_runner
from infra.readside import ReadSide
from infra.views.store import page_sql
from projections.cases import CaseProjection
from projections.query import All, Below, Compare
from projections.store import PageQuery
from projections.values import encode
from tests.support.app import ADMIN
from tests.support.clock import FakeClock
from tests.support.stores import StoreUnderTest

LI = Actor("li.na", Role.WINDOW_STAFF)


def reference(rows: list[dict[str, Any]], query: PageQuery) -> list[str]:
    def key(row: dict[str, Any]) -> tuple[str, str]:
        return row[query.order].astimezone(UTC).isoformat(timespec="microseconds"), row["id"]

    kept = [
        r
        for r in rows
        if all(r[k] == v for k, v in query.equals.items())
        and all(r[k] in vs for k, vs in query.any_of.items())
    ]
    if query.after:
        after = query.after
        kept = [r for r in kept if (key(r) < after if query.descending else key(r) > after)]
    kept.sort(key=key, reverse=query.descending)
    return [r["id"] for r in kept[: query.limit]]


def walked_pages(
    store: Any, table: Any, rows: list[dict[str, Any]], first: PageQuery
) -> list[str]:
    """The ids of every page from ``first`` on, following the keyset of each page's last row,
    each page checked against the same page worked out from ``rows``."""
    walked: list[str] = []
    query = first
    while True:
        page = store.page(table, query)
        assert [r["id"] for r in page] == reference(rows, query)
        walked += [r["id"] for r in page]
        if len(page) < query.limit:
            return walked
        last = page[-1]
        moment = last[query.order].astimezone(UTC).isoformat(timespec="microseconds")
        query = replace(query, after=(moment, last["id"]))


@pytest.mark.parametrize("descending", [True, False])
def test_store_pages_match_the_rows(
    store: StoreUnderTest, clock: FakeClock, descending: bool
) -> None:
    app = store.open()
    app.register_unit("AMR", "市场监督管理局", actor=ADMIN)
    app.register_unit("HRS", "人社局", actor=ADMIN)
    app.enrol_staff("li.na", "李娜", Role.WINDOW_STAFF, unit_code="AMR", actor=ADMIN)
    for n in range(23):
        clock.advance(minutes=7 if n % 3 else 0)  # some cases share a filing time
        case = app.file_demand(
            case_type=("help", "complaint")[n % 2],
            channel="web",
            summary=f"诉求{n}",
            actor=LI,
            filer_name="王",
        )
        if n % 4:
            app.dispatch(case.id, ("AMR", "HRS")[n % 3 == 0], actor=LI)
    runner = open_runner(app, store.settings, projections=[CaseProjection()])
    try:
        runner.catch_up()
        table = CaseProjection().table("cases")
        rows = runner.store.rows(table)
        amr = str(app.unit("AMR").id)
        for equals, any_of in (
            ({}, {}),
            ({"lead_unit_id": amr}, {}),
            ({"case_type": "help"}, {"status": ("received", "dispatched")}),
        ):
            first = PageQuery("filed_at", descending, 5, equals, any_of)
            walked = walked_pages(runner.store, table, rows, first)
            assert walked == reference(
                rows, PageQuery("filed_at", descending, 1000, equals, any_of)
            )
        # Chosen columns: the same rows, carrying just those columns, decoded alike.
        chosen = ("id", "filed_at", "co_unit_ids", "emergency", "cycle")
        whole = runner.store.page(table, PageQuery("filed_at", descending, 50))
        narrow = runner.store.page(table, PageQuery("filed_at", descending, 50, columns=chosen))
        assert narrow == [{c: r[c] for c in chosen} for r in whole]
        # Stored values of the columns named, in the order named (not the table's).
        named = ("cycle", "id", "filed_at", "emergency", "co_unit_ids", "id")
        values = runner.store.stored_page(
            table, PageQuery("filed_at", descending, 50, columns=named)
        )
        assert values == [tuple(encode(table.column(c), r[c]) for c in named) for r in whole]
        assert runner.store.stored_page(
            table, PageQuery("filed_at", descending, 3, columns=("id",))
        ) == [(r["id"],) for r in whole[:3]]
        with pytest.raises(ValueError, match="names its columns"):
            runner.store.stored_page(table, PageQuery("filed_at", descending, 3))
        # A page with the view's position, read together: the same as each read alone.
        read = ReadSide(runner.log, runner.store, runner)
        query = PageQuery("filed_at", descending, 7, {"lead_unit_id": amr}, columns=chosen)
        assert read.page_at("cases", "cases", query) == (
            read.position("cases"), runner.store.page(table, query)
        )
        assert read.stored_page_at("cases", "cases", lambda _: query) == (
            read.position("cases"), runner.store.stored_page(table, query)
        )
        assert read.position("cases") == app.recorder.max_notification_id()
    finally:
        runner.store.close()


def test_a_bound_holding_quotes_and_commas_is_compared_as_it_is(
    store: StoreUnderTest, clock: FakeClock
) -> None:
    """``Below``'s bounds travel as one array parameter: a text bound with the characters an
    array literal gives meaning to is still the text it is."""
    app = store.open()
    odd = 'a "quoted" \\ text, {braced}'
    for summary in ("plain", odd):
        app.file_demand(case_type="help", channel="web", summary=summary, actor=LI, filer_name="王")
    runner = open_runner(app, store.settings, projections=[CaseProjection()])
    try:
        runner.catch_up()
        table = CaseProjection().table("cases")
        exactly = All((
            Below("summary", ("cycle",), {1: odd}, inclusive=True),
            Compare("summary", ">=", odd),
        ))
        found = runner.store.page(table, PageQuery("filed_at", False, 10, where=exactly))
        assert [r["summary"] for r in found] == [odd]
    finally:
        runner.store.close()


@pytest.mark.parametrize("descending", [True, False])
def test_a_page_of_a_few_statuses_is_read_per_status_and_merged(
    store: StoreUnderTest, clock: FakeClock, descending: bool
) -> None:
    """A filter naming a few statuses, ordered by a column an index follows the status with,
    is answered one status at a time and merged (``page_sql``): the same pages as the rows
    give, walked by keyset or by offset, with chosen columns that leave out the order."""
    app = store.open()
    app.register_unit("AMR", "市场监督管理局", actor=ADMIN)
    app.enrol_staff("li.na", "李娜", Role.WINDOW_STAFF, unit_code="AMR", actor=ADMIN)
    for n in range(17):
        clock.advance(minutes=5 if n % 3 else 0)  # some cases share a filing time
        case = app.file_demand(
            case_type="help", channel="web", summary=f"诉求{n}", actor=LI, filer_name="王"
        )
        if n % 3:
            app.dispatch(case.id, "AMR", actor=LI)
    runner = open_runner(app, store.settings, projections=[CaseProjection()])
    try:
        runner.catch_up()
        table = CaseProjection().table("cases")
        rows = runner.store.rows(table)
        statuses = {"status": ("dispatched", "received", "dispatched")}  # one twice
        for order in ("filed_at", "due_at"):
            sql, _ = page_sql(table, PageQuery(order, descending, 5, any_of=statuses), "?")
            assert sql.count("UNION ALL") == 1
            first = PageQuery(order, descending, 5, any_of=statuses)
            walked = walked_pages(runner.store, table, rows, first)
            everything = reference(rows, PageQuery(order, descending, 1000, any_of=statuses))
            assert walked == everything
            assert len(everything) == 17
            numbered = PageQuery(order, descending, 4, any_of=statuses, offset=6,
                                 columns=("id", "summary"))
            page = runner.store.page(table, numbered)
            assert [r["id"] for r in page] == everything[6:10]
            assert all(set(r) == {"id", "summary"} for r in page)
        # Bounded in the order too (Open311's dates): still one range per status, each from
        # the bound on, with the same pages as the rows since the bound give.
        bound = sorted(r["filed_at"] for r in rows)[6]
        since = All((Compare("filed_at", ">=", bound),))
        bounded = PageQuery("filed_at", descending, 5, any_of=statuses, where=since)
        assert page_sql(table, bounded, "?")[0].count("UNION ALL") == 1
        later = [r for r in rows if r["filed_at"] >= bound]
        assert 0 < len(later) < len(rows)
        assert walked_pages(runner.store, table, later, bounded) == reference(
            later, replace(bounded, limit=1000)
        )
    finally:
        runner.store.close()


class _Rebuilt(CaseProjection):
    """The case model under another definition: its view on the store is then not current."""

    version = "rebuilt"


def test_a_page_made_of_whether_the_view_is_current_is_read_with_its_position(
    store: StoreUnderTest, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page is made of the answer the position row gave last (current, at first) and read
    with that row; when the row says otherwise it is made again and read once more, and the
    next read is made of the new answer at once."""
    app = store.open()
    app.register_unit("AMR", "市场监督管理局", actor=ADMIN)
    app.register_unit("HRS", "人社局", actor=ADMIN)
    for n in range(6):
        clock.advance(minutes=3)
        case = app.file_demand(
            case_type="help", channel="web", summary=f"诉求{n}", actor=LI, filer_name="王"
        )
        app.dispatch(case.id, ("AMR", "HRS")[n % 2], actor=LI)
    runner = open_runner(app, store.settings, projections=[CaseProjection()])
    try:
        runner.catch_up()
        table = CaseProjection().table("cases")
        units = {True: str(app.unit("AMR").id), False: str(app.unit("HRS").id)}
        asked: list[bool] = []

        def query(current: bool) -> PageQuery:
            asked.append(current)
            return PageQuery("filed_at", True, 10, {"lead_unit_id": units[current]})

        expected = {current: runner.store.page(table, query(current)) for current in units}
        head = app.recorder.max_notification_id()
        read = ReadSide(runner.log, runner.store, runner)
        asked.clear()
        assert read.page_at("cases", "cases", query) == (head, expected[True])
        assert asked == [True]

        monkeypatch.setitem(read.projections, "cases", _Rebuilt())
        asked.clear()
        assert read.page_at("cases", "cases", query) == (head, expected[False])
        assert asked == [True, False]  # made as before, then again of the answer read
        asked.clear()
        assert read.page_at("cases", "cases", query) == (head, expected[False])
        assert asked == [False]
    finally:
        runner.store.close()
