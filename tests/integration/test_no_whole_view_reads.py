"""No request reads a whole view: every GET route of the API and every web page, for every role,
over a demo city, on SQLite and PostgreSQL.

The view store's read statements are watched while a request runs (a spy around the store's
read cursor): a statement over a view table must be a page (``LIMIT``, at most
``MOST_ROWS``) or an aggregate (``COUNT``). Loading a view to filter it in Python is how a list
took seconds at a million events; this test fails the day a route does it again, including a
route added later (the routes are read from the app).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, get_args

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api.http.app import api_routes, create_app
from api.http.schemas.directory import Kind as DirectoryKind
from api.http.scope import row_visible
from api.web import site
from api.web.dashboard import (
    coverage_counted,
    figure_context,
    last_months,
    leader_quota,
    lists,
    month_dashboard,
    open_board,
    open_counted,
    open_dashboard,
    quarters,
    ranking,
    rates_by_unit,
    review_trend,
    visits_counted,
    years,
)
from api.web.supervision_data import OPEN_RANKS, Order, orders_page
from domain.actors import Role
from infra.container import Container, build_container
from infra.demo.run import SimClock
from infra.demo.seed import seed_demo
from infra.figures import Figures
from infra.views.store import SqlViewStore
from projections.cases import CaseProjection
from projections.directory import DirectoryProjection
from projections.figures.board import board, case_state, counts_by
from projections.figures.context import Context
from projections.figures.coverage import coverage, monthly_quota
from projections.figures.periods import Period
from projections.oversight import OversightProjection
from projections.registry import all_projections
from tests.e2e.api_world import FAST_HASHER, PASSWORD, settings_for
from tests.support import postgres
from tests.support.app import ADMIN, official_years
from tests.support.clock import CHINA

END = datetime(2026, 11, 20, 17, 0, tzinfo=CHINA)
CASES = 40
MOST_ROWS = 2000
"""The largest page a request may ask for (a directory picker's)."""

VIEW_TABLE = re.compile(r'\bFROM\s+"?view_', re.IGNORECASE)
LIMIT = re.compile(r"\bLIMIT\s+(\d+)", re.IGNORECASE)
AGGREGATE = re.compile(r"\bCOUNT\s*\(", re.IGNORECASE)

# login -> role, enterprise credit code, leader code: one person of each role of the demo city.
PEOPLE: dict[str, tuple[Role, str | None, str | None]] = {
    "amr.clerk1": (Role.WINDOW_STAFF, None, None),
    "amr.head": (Role.UNIT_HEAD, None, None),
    "duchashi1": (Role.SUPERVISOR, None, None),
    "jijian1": (Role.INSPECTOR, None, None),
    "L-AMR": (Role.LEADER, None, "L-AMR"),
    "huachuang": (Role.ENTERPRISE, "91440300000DEMO0X", None),
    "data-platform": (Role.API_CONSUMER, None, None),
    "root": (Role.ADMIN, None, None),
}

# No route is excused: the role pages (督办, approvals, circulars, rectification, visits) read
# pages and counts and fetch the cases they touch by id, and every dashboard is counted in SQL.
DASHBOARDS = ("board", "quarterly", "coverage", "reviews", "lists", "ranking")


def whole_view_read(sql: str) -> bool:
    """A statement over a view table that is neither a bounded page nor an aggregate."""
    if not VIEW_TABLE.search(sql) or AGGREGATE.search(sql):
        return False
    limit = LIMIT.search(sql)
    return limit is None or int(limit.group(1)) > MOST_ROWS


@dataclass
class Watch:
    """The view statements run while ``watching``."""

    on: bool = False
    statements: list[str] = field(default_factory=list)

    @contextmanager
    def watching(self) -> Iterator[list[str]]:
        self.statements, self.on = [], True
        try:
            yield self.statements
        finally:
            self.on = False


class SpyCursor:
    def __init__(self, cursor: Any, watch: Watch) -> None:
        self.cursor, self.watch = cursor, watch

    def execute(self, query: Any, params: Any = ()) -> Any:
        if self.watch.on:
            self.watch.statements.append(str(query))
        return self.cursor.execute(query, params)

    def fetchone(self) -> Any:
        return self.cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return list(self.cursor.fetchall())


@dataclass
class City:
    container: Container
    client: TestClient
    watch: Watch
    samples: dict[str, str]
    tokens: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, dict[str, str]] = field(default_factory=dict)


def _spy_on(
    store: type[SqlViewStore], watch: Watch
) -> Callable[[SqlViewStore], AbstractContextManager[Any]]:
    original = store._read

    @contextmanager
    def read(store: SqlViewStore) -> Iterator[Any]:
        with original(store) as cursor:
            yield SpyCursor(cursor, watch)

    return read


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def city(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[City]:
    home = tmp_path_factory.mktemp("city") / "home"
    server = request.getfixturevalue("postgres_server") if request.param == "postgres" else None
    url = postgres.create_database(server) if server else None
    settings = settings_for(home, request.param, url)
    clock = SimClock(END)
    container = build_container(
        settings, clock=clock, official_years=official_years, hasher=FAST_HASHER
    )
    summary = seed_demo(container.app, clock, cases=CASES, end=END)
    clock.now = END
    watch = Watch()
    patch = pytest.MonkeyPatch()
    store = type(container.read.store)
    assert issubclass(store, SqlViewStore)
    patch.setattr(store, "_read", _spy_on(store, watch))
    city = City(container, TestClient(create_app(container), raise_server_exceptions=False),
                watch, dict(summary.samples))
    for login, (role, enterprise, leader) in PEOPLE.items():
        container.accounts.add_user(
            login, role, actor=ADMIN, enterprise=enterprise, leader=leader, password=PASSWORD
        )
        city.tokens[login] = container.accounts.issue_token(login, actor=ADMIN).token
    yield city
    patch.undo()
    container.close()
    if server and url:
        postgres.drop_database(server, url)


def test_a_whole_view_read_is_caught() -> None:
    assert whole_view_read('SELECT "id" FROM "view_cases" ORDER BY "id"')
    assert whole_view_read('SELECT "id" FROM "view_cases" WHERE "a" = ? LIMIT 100000')
    assert not whole_view_read('SELECT "id" FROM "view_cases" WHERE "a" = ? LIMIT 51')
    assert not whole_view_read('SELECT COUNT(*) FROM "view_cases" WHERE 1 = 1')
    assert not whole_view_read("SELECT * FROM projection_position WHERE projection = ?")


def test_no_api_route_reads_a_whole_view(city: City) -> None:
    urls = api_urls(city)
    read_whole: dict[str, list[str]] = {}
    answered = 0
    for login in PEOPLE:
        headers = {"Authorization": f"Bearer {city.tokens[login]}"}
        for url in urls:
            with city.watch.watching() as statements:
                response = city.client.get(url, headers=headers)
            assert response.status_code < 500, (login, url, response.text[:300])
            answered += response.status_code == 200
            whole = [s for s in statements if whole_view_read(s)]
            if whole:
                read_whole.setdefault(url, whole)
    assert not read_whole, _report(read_whole)
    assert answered > len(urls)  # the routes were read, not refused


def test_no_web_page_reads_a_whole_view(city: City) -> None:
    urls = web_urls(city)
    read_whole: dict[str, list[str]] = {}
    answered = 0
    for login in PEOPLE:
        client = TestClient(create_app(city.container), raise_server_exceptions=False)
        sign_in(client, login)
        for url in urls:
            with city.watch.watching() as statements:
                response = client.get(url, follow_redirects=False)
            assert response.status_code < 500, (login, url, response.text[:300])
            answered += response.status_code == 200
            whole = [s for s in statements if whole_view_read(s)]
            if whole:
                read_whole.setdefault(url, whole)
    assert not read_whole, _report(read_whole)
    assert answered > len(urls)


def test_the_store_counts_the_board_as_the_board_does(city: City) -> None:
    """The grouped counts of the board's states (SQL on this backend) equal the board worked
    out in Python from every row, at several moments."""
    app, read = city.container.app, city.container.read
    rows = read.store.rows(CaseProjection().table("cases"))
    for days in (-200, -60, -7, 0):
        now = END + timedelta(days=days)
        ctx = Context(now, app.work_calendar(), app.policy)
        assert open_board(app, read, now).counts == counts_by(board(rows, ctx), "lead_unit_id")


def test_the_case_list_pages_as_python_would(city: City) -> None:
    """Each caller's list, with the time filters, walked page by page through the API, holds
    the cases the Python rules give (scope by ``row_visible``, state by ``case_state``)."""
    app, read = city.container.app, city.container.read
    rows = read.store.rows(CaseProjection().table("cases"))
    staff_rows = read.store.rows(DirectoryProjection().table("staff"))
    staff = {r["login"]: r["unit_id"] for r in staff_rows}
    desk = app.confidential_desk()
    ctx = Context(app.now(), app.work_calendar(), app.policy)
    kept: dict[str, Callable[[str], bool]] = {
        "": lambda state: True,
        "&overdue=true": lambda state: state == "overdue",
        "&due_soon=false": lambda state: state != "due_soon",
    }
    for login in ("amr.clerk1", "amr.head", "huachuang", "duchashi1"):
        caller = city.container.accounts.authenticate(city.tokens[login])
        headers = {"Authorization": f"Bearer {city.tokens[login]}"}
        for query, keeps in kept.items():
            wanted = {
                str(r["id"])
                for r in rows
                if row_visible(caller, r, staff, desk) and keeps(case_state(r, ctx))
            }
            found: list[str] = []
            cursor: str | None = ""
            while cursor is not None:
                after = f"&cursor={cursor}" if cursor else ""
                page = city.client.get(f"/api/v1/cases?limit=7&sort=due_at{query}{after}",
                                       headers=headers)
                assert page.status_code == 200, page.text
                found += [item["id"] for item in page.json()["items"]]
                cursor = page.json()["next_cursor"]
            assert len(found) == len(set(found)), (login, query)
            assert set(found) == wanted, (login, query)


def api_urls(city: City) -> list[str]:
    samples = _samples(city)
    urls: list[str] = []
    for route in api_routes():
        if "GET" not in (route.methods or ()):
            continue
        if route.path == "/api/v1/views/{view}/{table}":
            urls += [
                f"/api/v1/views/{p.name}/{t.name}?limit=5&sort=-{t.key[0]}"
                for p in all_projections()
                for t in p.tables
            ]
            continue
        urls += _concrete(route, samples)
    # The filters users rely on, each of which must also be answered by the store.
    urls += [
        "/api/v1/cases?overdue=true",
        "/api/v1/cases?overdue=false&sort=due_at",
        "/api/v1/cases?due_soon=true",
        "/api/v1/cases?status=in_progress&status=received&type=complaint",
        "/api/v1/cases?unit=AMR&sort=-updated_at&limit=3",
        "/api/v1/cases?owner=amr.clerk1",
        "/api/v1/views/cases/cases?where=status=closed&sort=filed_at&limit=3",
        "/open311/v2/requests.json?status=open&service_code=complaint",
        "/open311/v2/requests.xml?start_date=2026-01-01T00:00:00%2B08:00",
        f"/open311/v2/requests.json?service_request_id={samples['case_id']}",
    ]
    return urls


def web_urls(city: City) -> list[str]:
    samples = _samples(city)
    urls = []
    for name in site.PAGES:
        for route in importlib.import_module(f"api.web.routes.{name}").router.routes:
            if not isinstance(route, APIRoute) or "GET" not in (route.methods or ()):
                continue
            if route.path == "/dashboards/{name}.{fmt}":
                urls += [f"/dashboards/{name}.csv" for name in DASHBOARDS]
            else:
                urls += _concrete(route, samples)
    return [*urls, "/inspect?q=a&page=2", "/inspect?status=closed"]


def _samples(city: City) -> dict[str, str]:
    s = city.samples
    return {
        "case_id": s["cases"],
        "record_id": s["cases"],
        "token_id": s["cases"],
        "service_request_id": s["cases"],
        "service_id": s["window_services"],
        "evaluation_id": s["evaluations"],
        "appeal_id": s["appeals"],
        "rectification_id": s["rectifications"],
        "visit_id": s["visits"],
        "order_id": s["supervisions"],
        "circular_id": s["circulars"],
        "matter_id": s["accountability_matters"],
        "activity_id": s["stationed_activities"],
        "secondment_id": s["secondments"],
        "period": "2026-Q1",
        "quarter": "2026-Q1",
        "code": "AMR",
        "unit": "AMR",
        "enterprise": "91440300000DEMO0X",
        "service_code": "complaint",
        "fmt": "json",
        "login": "amr.clerk1",
        "finding_id": "1",
        "subject_id": s["cases"],
        "decision_id": s.get("commendations", s["cases"]),
        "subject_kind": "staff",
        "who": "amr.clerk1",
        "project_id": s["projects"],
        "task_id": "T1",
    }


def _concrete(route: APIRoute, samples: dict[str, str]) -> list[str]:
    """The route's URLs: one, or one per directory kind for the directory's admin routes."""
    kinds = get_args(DirectoryKind) if "{kind}" in route.path else (None,)
    urls = []
    for kind in kinds:
        values = {**samples, "kind": str(kind)}

        def value(m: re.Match[str], values: dict[str, str] = values) -> str:
            return values[m.group(1)]

        path = re.sub(r"{(\w+)}", value, route.path)
        # What some routes require (the purpose of an identity read, a diff's first version);
        # the others ignore them.
        urls.append(f"{path}?purpose=核查&from=1")
    return urls


def sign_in(client: TestClient, login: str) -> None:
    form = client.get("/login").text
    found = re.search(r'name="csrf" value="([^"]+)"', form)
    assert found, "the login form carries a CSRF token"
    response = client.post(
        "/login",
        data={"login": login, "password": PASSWORD, "csrf": found.group(1)},
        follow_redirects=False,
    )
    assert response.status_code in (302, 303), response.text[:300]


def _report(read_whole: dict[str, list[str]]) -> str:
    lines = [f"{url}: {sql[:160]}" for url, sqls in read_whole.items() for sql in sqls[:1]]
    return "routes that read a whole view:\n" + "\n".join(lines)



def test_a_leaders_quota_is_the_coverage_figures(city: City) -> None:
    """The leader page's quota, read from the leader's visits of the month alone, equals the
    coverage figure's quota worked out from every row, for every leader, month after month."""
    app, read = city.container.app, city.container.read
    leaders = read.store.rows(DirectoryProjection().table("leaders"))
    assert leaders
    seen_visits = 0
    for days in (0, -30, -60, -120, -200):
        now = END + timedelta(days=days)
        facts, ctx = Figures(app, read.store).context(now)
        month = Period.parse(f"{ctx.today.year}-{ctx.today.month:02d}")
        every = {q.leader_id: q for q in monthly_quota(facts, month, ctx)}
        for leader in leaders:
            quota, of = leader_quota(app, read, str(leader["id"]), now)
            assert of == month
            assert quota == every[str(leader["id"])], (str(leader["code"]), days)
            seen_visits += quota.visits if quota else 0
    assert seen_visits  # the demo city's leaders visit: the comparison counted something


def test_the_orders_page_as_python_would(city: City) -> None:
    """督办 walked page by page, for a supervisor and a unit's staff, holds every order the
    caller follows once, in the order the Python rule gives (most pressing first)."""
    read = city.container.read
    rows = read.store.rows(OversightProjection().table("supervision_orders"))
    assert rows
    rank = {"overdue": 0, "open": 1, "answered_late": 2, "answered": 2, "closed": 3}
    for login in ("duchashi1", "amr.head"):
        caller = city.container.accounts.authenticate(city.tokens[login])
        for days in (-60, 0, 30):
            now = END + timedelta(days=days)
            orders = [Order(r, now) for r in rows
                      if caller.role is Role.SUPERVISOR or r["unit_id"] == str(caller.unit_id)]
            ordered = sorted(orders, key=lambda o: (rank[o.state], o.row["due_at"], o.id))
            wanted = [o.id for o in ordered]
            found: list[str] = []
            first = orders_page(read, caller, now, 1, size=3)
            for page_no in range(1, first.pages + 1):
                paged = orders_page(read, caller, now, page_no, size=3)
                assert paged.total == len(wanted)
                found += [o.id for o in paged.orders]
            assert found == wanted, (login, days)
            # The desk's few: the first open ones, and how many more there are.
            still = [o.id for o in ordered if o.state != "closed"]
            open_ = orders_page(read, caller, now, size=2, ranks=OPEN_RANKS)
            assert [o.id for o in open_.orders] == still[:2]
            assert open_.more == max(0, len(still) - 2)


def test_the_coverage_figures_from_a_months_rows_are_the_whole_views(city: City) -> None:
    """The coverage dashboard's figures, counted in SQL and worked out from one month's rows,
    equal the figures worked out from every row, month after month."""
    app, read = city.container.app, city.container.read
    counted = 0
    for days in (0, -30, -90, -200):
        now = END + timedelta(days=days)
        facts, every = Figures(app, read.store).context(now)
        ctx = figure_context(app, read, now)
        assert ctx.stamp() == every.stamp()
        assert coverage_counted(read) == coverage(facts)
        months = last_months(ctx.today)
        tz = ctx.policy.tz
        assert visits_counted(read, ctx, months) == [
            (m, sum(1 for v in facts.visits if Period.parse(m).contains(v["started_at"], tz)))
            for m in months
        ]
        for m in months[-3:]:
            month = Period.parse(m)
            narrow = month_dashboard(read, month, ctx).facts
            assert monthly_quota(narrow, month, ctx) == monthly_quota(facts, month, every), m
            counted += len(narrow.visits)
    assert counted  # the demo city's leaders visit: the months compared held visits


def test_the_reviews_figures_counted_in_sql_are_the_whole_views(city: City) -> None:
    """The reviews dashboard's rates per unit and its monthly trend, counted by the store,
    equal the figures worked out in Python from every row, for several quarters and moments."""
    app, read = city.container.app, city.container.read
    measured = 0
    for days in (0, -45, -120, -250):
        now = END + timedelta(days=days)
        counted, every = open_counted(app, read, now), open_dashboard(app, read, now)
        assert counted.stamp == every.stamp
        for quarter in quarters(every.today, 4):
            period = Period.parse(quarter)
            from_rows = rates_by_unit(every, period)
            assert rates_by_unit(counted, period) == from_rows, (days, quarter)
            measured += sum(r["rates"]["good_review_rate"]["denominator"] for r in from_rows)
            measured += sum(r["rates"]["on_time_rate"]["denominator"] for r in from_rows
                            if "on_time_rate" in r["rates"])
        months = last_months(every.today)
        assert review_trend(counted, months) == review_trend(every, months), days
    assert measured  # the demo city's ratings and cases were counted, not only zeros


def test_the_lists_and_ranking_counted_in_sql_are_the_whole_views(city: City) -> None:
    """The red and black lists of every dimension and the annual ranking, from the rates the
    store counts, equal those worked out from every row, for several periods and moments."""
    app, read = city.container.app, city.container.read
    ranked_units = listed = 0
    for days in (0, -120, -330):
        now = END + timedelta(days=days)
        counted, every = open_counted(app, read, now), open_dashboard(app, read, now)
        for name in (*quarters(every.today, 4), *years(every.today, 2)):
            period = Period.parse(name)
            from_rows = lists(every, period)
            assert lists(counted, period) == from_rows, (days, name)
            listed += sum(len(found.red) + len(found.black) for found in from_rows.values())
        for year in years(every.today, 2):
            from_rows_ranked = ranking(every, Period.parse(year))
            assert ranking(counted, Period.parse(year)) == from_rows_ranked, (days, year)
            ranked_units += sum(1 for r in from_rows_ranked if r.rank is not None)
    assert listed  # the lists and the ranking were not empty
    assert ranked_units
