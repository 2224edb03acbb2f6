"""``api_p50_ms`` and ``api_p99_ms``: query latency with 16 clients at once, over HTTP.

``casetrail serve`` runs in its own process on the bench store (the deadline watcher switched
off, so nothing writes during the run). Sixteen client threads, each on a kept-alive
connection, take turns at the reads people make all day, for a fixed time:

* ``show``: one case as it stands (``GET /api/v1/cases/{id}``), read from its history;
* ``list``: a unit's cases, newest first, a page of 50 (``GET /api/v1/cases?unit=...``), as a
  supervisor (who sees every unit);
* ``unit_list``: a window clerk's own list, a page of 50: every case their unit leads,
  co-handles or owns, and the intake queue (the scope filter of ``api.http.scope``);
* ``overdue``: the open cases past their deadline now, most overdue first
  (``?overdue=true&sort=due_at``);
* ``open311``: a week of open service requests in GeoReport v2 JSON;
* ``board``: the time-limit board dashboard (``/dashboards/board``, a web page signed in as a
  supervisor): its counts per unit and state.

The baseline of each is the same statements run directly on PostgreSQL from 16 threads for as
long: the case's events for ``show``; for the others the very SQL the view store sends (built
by the same functions from the same filters): for the board, the page of its read model's
counters and the labelled count of its open counters (``projections.figures.board_counts``).
"""

from __future__ import annotations

import http.client
import json
import random
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

import psycopg

from api.http.georeport import OPEN_VALUES, REQUEST_COLUMNS
from api.http.routers.case_queries import LIST_COLUMNS as LISTED
from api.http.scope import visible_filter
from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.directory import Unit
from domain.identity import User
from infra.bench.clock import SEEDED_UNTIL
from infra.bench.stats import Latency
from infra.demo.people import UNITS
from infra.identity import Accounts
from infra.views.store import counts_sql, page_sql
from projections.cases import CaseProjection
from projections.figures import time_filters
from projections.figures.board_counts import OPEN_BY, OPEN_TABLE, counters_page, open_counted
from projections.figures.context import Context
from projections.query import Compare, In, Not, all_of
from projections.store import PageQuery

READER = "bench.reader"
ADMIN = Actor("bench", Role.ADMIN)
CODES = tuple(code for code, _, _ in UNITS)
OPEN_311 = tuple(sorted(OPEN_VALUES))


@dataclass
class Observed:
    seconds: dict[str, list[float]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    spread: list[int] = field(default_factory=list)
    """Connections each server worker held halfway through the run, most first
    (``connections``)."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, route: str, seconds: float) -> None:
        with self.lock:
            self.seconds.setdefault(route, []).append(seconds)

    def failed(self, what: str) -> None:
        with self.lock:
            self.failures.append(what)

    def latency_of(self, routes: tuple[str, ...]) -> Latency:
        return Latency.of_seconds([s for r in routes for s in self.seconds.get(r, [])])

    def latency(self, route: str | None = None) -> Latency:
        chosen = (
            [s for found in self.seconds.values() for s in found]
            if route is None
            else self.seconds.get(route, [])
        )
        return Latency.of_seconds(chosen)


@dataclass(frozen=True)
class Readers:
    """Who reads: a supervisor's token, one clerk's token per unit, and the supervisor's
    password for the web session the board needs."""

    supervisor: str
    clerks: dict[str, str]
    password: str


def readers(app: Casetrail) -> Readers:
    """The bench's readers and their new tokens; a kept store measured again has them already
    (the supervisor then gets a new password)."""
    accounts = Accounts(app)
    password = secrets.token_urlsafe(16)
    if app.exists(User.id_for(READER)):
        accounts.set_password(READER, password, actor=ADMIN)
    else:
        accounts.add_user(READER, Role.SUPERVISOR, actor=ADMIN, password=password)
    clerks = {}
    for code in CODES:
        login = f"{code.lower()}.clerk1"  # the demo directory's first clerk of each unit
        if not app.exists(User.id_for(login)):
            accounts.add_user(login, Role.WINDOW_STAFF, actor=ADMIN)
        clerks[code] = accounts.issue_token(login, actor=ADMIN, label="bench").token
    supervisor = accounts.issue_token(READER, actor=ADMIN, label="bench").token
    return Readers(supervisor, clerks, password)


def sample_cases(conninfo: str, count: int) -> list[str]:
    with psycopg.connect(conninfo, autocommit=True) as connection:
        rows = connection.execute(
            'SELECT id FROM "view_cases" ORDER BY md5(id) LIMIT %s', (count,)
        ).fetchall()
    return [str(row[0]) for row in rows]


ROUTES = ("show", "list", "unit_list", "overdue", "open311", "board")
LISTS = ("list", "unit_list", "overdue", "open311")
"""The routes whose latency the scale ratio follows (a page of a view each)."""
WEEK = timedelta(days=7)


def requests_for(
    case_ids: list[str], readers: Readers, rng: random.Random
) -> Callable[[int], tuple[str, str, str]]:
    """(route, path, bearer token or "" for the web session) of the n-th request."""
    start = quote((SEEDED_UNTIL - WEEK).isoformat())

    def pick(number: int) -> tuple[str, str, str]:
        route = ROUTES[number % len(ROUTES)]
        code = rng.choice(CODES)
        if route == "show":
            return route, f"/api/v1/cases/{rng.choice(case_ids)}", readers.supervisor
        if route == "list":
            return route, f"/api/v1/cases?unit={code}&limit=50", readers.supervisor
        if route == "unit_list":
            return route, "/api/v1/cases?limit=50", readers.clerks[code]
        if route == "overdue":
            return route, "/api/v1/cases?overdue=true&sort=due_at&limit=50", readers.supervisor
        if route == "open311":
            path = f"/open311/v2/requests.json?status=open&start_date={start}"
            return route, path, readers.supervisor
        return route, "/dashboards/board", ""

    return pick


def load_http(
    port: int, readers: Readers, case_ids: list[str], *, clients: int, seconds: float,
    into: Observed | None = None,
) -> Observed:
    observed = Observed() if into is None else into
    # One web session for every client, signed in before the clock starts (argon2 is slow on
    # purpose, and a dashboard reader signs in once a day, not once a page).
    signing_in = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    session = web_session(signing_in, READER, readers.password)
    signing_in.close()
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        pick = requests_for(case_ids, readers, random.Random(number))
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        sent = number
        while time.monotonic() < deadline:
            route, path, token = pick(sent)
            sent += 1
            headers = {"Authorization": f"Bearer {token}"} if token else {"Cookie": session}
            began = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                observed.failed(f"{route}: {type(error).__name__}: {error}")
                connection.close()
                continue
            if response.status != 200:
                observed.failed(f"{route}: {response.status} {body[:200]!r}")
                continue
            observed.add(route, time.perf_counter() - began)
        connection.close()

    _in_threads(client, clients)
    return observed


def web_session(connection: http.client.HTTPConnection, login: str, password: str) -> str:
    """Sign in through the login form; the cookies to send with each page."""
    connection.request("GET", "/login")
    response = connection.getresponse()
    form = response.read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)
    if csrf is None:
        raise ValueError("the login form has no CSRF token")
    cookies = _cookies(response)
    body = urlencode({"login": login, "password": password, "csrf": csrf.group(1)})
    connection.request("POST", "/login", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies,
    })
    response = connection.getresponse()
    response.read()
    if response.status not in (302, 303):
        raise ValueError(f"signing in answered {response.status}")
    return "; ".join(c for c in (cookies, _cookies(response)) if c)


def _cookies(response: http.client.HTTPResponse) -> str:
    return "; ".join(
        value.split(";", 1)[0] for name, value in response.getheaders() if name == "set-cookie"
    )


def load_sql(
    conninfo: str, statements: Statements, case_ids: list[str], *, clients: int, seconds: float
) -> Observed:
    """The same reads, straight from PostgreSQL, as the physical floor."""
    observed = Observed()
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        rng = random.Random(number)
        with psycopg.connect(conninfo, autocommit=True) as connection:
            sent = number
            while time.monotonic() < deadline:
                route = ROUTES[sent % len(ROUTES)]
                sent += 1
                began = time.perf_counter()
                if route == "show":
                    connection.execute(
                        "SELECT originator_version, topic, state FROM casetrail_events"
                        " WHERE originator_id = %s ORDER BY originator_version",
                        (rng.choice(case_ids),), prepare=True,
                    ).fetchall()
                else:
                    for sql, params in statements(route, rng.choice(CODES)):
                        connection.execute(sql, params, prepare=True).fetchall()
                observed.add(route, time.perf_counter() - began)

    _in_threads(client, clients)
    return observed


Statements = Callable[[str, str], list[tuple[str, list[Any]]]]
"""(route, unit code) -> the statements the view store sends for that read."""


def view_statements(app: Casetrail, readers: Readers, now: datetime) -> Statements:
    """The SQL of each list and of the board, built as the API builds it, for the baseline
    (``now``: the server's moment, which the time filters take as a parameter)."""
    accounts, cases = Accounts(app), CaseProjection().table("cases")
    counters = CaseProjection().table("case_counts")
    open_counters = CaseProjection().table(OPEN_TABLE)
    clerks = {code: accounts.authenticate(token) for code, token in readers.clerks.items()}
    supervisor = accounts.authenticate(readers.supervisor)
    ctx = Context(now, app.work_calendar(), app.policy)
    desk = app.confidential_desk()
    open311 = all_of(
        Not(Compare("confidential", "=", True)), visible_filter(supervisor, desk=desk),
        Compare("filed_at", ">=", SEEDED_UNTIL - WEEK), In("status", OPEN_311),
    )

    def statements(route: str, code: str) -> list[tuple[str, list[Any]]]:
        if route == "list":
            query = PageQuery(
                "filed_at", True, 51, equals={"lead_unit_id": _unit_id(code)}, columns=LISTED
            )
        elif route == "unit_list":
            scope = visible_filter(clerks[code], desk=desk)
            query = PageQuery("filed_at", True, 51, where=scope, columns=LISTED)
        elif route == "overdue":
            query = PageQuery("due_at", False, 51, where=time_filters.overdue(ctx), columns=LISTED)
        elif route == "open311":
            query = PageQuery("filed_at", True, 1000, where=open311, columns=REQUEST_COLUMNS)
        else:
            return [page_sql(counters, counters_page(), "%s"),
                    counts_sql(open_counters, OPEN_BY, None, "%s", open_counted(ctx))]
        return [page_sql(cases, query, "%s")]

    return statements


def wait_ready(port: int, timeout: float) -> None:
    """Until ``/readyz`` answers and every read model has caught up with the log."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/readyz")
            response = connection.getresponse()
            body = json.loads(response.read() or b"{}")
            connection.close()
            views = body.get("views") or []
            if response.status == 200 and views and all(v["lag_events"] == 0 for v in views):
                return
            last = f"{response.status}: {[(v['name'], v['lag_events']) for v in views]}"
        except (OSError, http.client.HTTPException, ValueError) as error:
            last = f"{type(error).__name__}: {error}"
        time.sleep(0.5)
    raise TimeoutError(f"the API did not get ready in {timeout:g} s (last: {last})")


def _unit_id(code: str) -> str:
    return str(Unit.id_for(code))


def _in_threads(target: Callable[[int], None], count: int) -> None:
    threads = [threading.Thread(target=target, args=(n,), daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
