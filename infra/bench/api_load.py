"""``api_p50_ms`` and ``api_p99_ms``: query latency with 16 clients at once, over HTTP.

``casetrail serve`` runs in its own process on the bench store (the deadline watcher switched
off, so nothing writes during the run). Sixteen client threads, each on a kept-alive
connection, take turns at the two queries staff make all day, for a fixed time:

* ``show``: one case as it stands (``GET /api/v1/cases/{id}``), read from its history;
* ``list``: a unit's cases, newest first, a page of 50 (``GET /api/v1/cases?unit=...``), from
  the case read model.

Every request is signed in with a supervisor's token (who sees every unit). The baseline is the
same reads in SQL (the case's events; the page of the view) from 16 threads for as long.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import psycopg

from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.directory import Unit
from infra.bench.stats import Latency
from infra.demo.people import UNITS
from infra.identity import Accounts

READER = "bench.reader"
ADMIN = Actor("bench", Role.ADMIN)
CODES = tuple(code for code, _, _ in UNITS)
Request = tuple[str, str]
"""(route name, path)."""


@dataclass
class Observed:
    seconds: dict[str, list[float]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, route: str, seconds: float) -> None:
        with self.lock:
            self.seconds.setdefault(route, []).append(seconds)

    def failed(self, what: str) -> None:
        with self.lock:
            self.failures.append(what)

    def latency(self, route: str | None = None) -> Latency:
        chosen = (
            [s for found in self.seconds.values() for s in found]
            if route is None
            else self.seconds.get(route, [])
        )
        return Latency.of_seconds(chosen)


def reader_token(app: Casetrail) -> str:
    """A supervisor who may read every case, and a token for them."""
    Accounts(app).add_user(READER, Role.SUPERVISOR, actor=ADMIN)
    return Accounts(app).issue_token(READER, actor=ADMIN, label="bench").token


def sample_cases(conninfo: str, count: int) -> list[str]:
    with psycopg.connect(conninfo, autocommit=True) as connection:
        rows = connection.execute(
            'SELECT id FROM "view_cases" ORDER BY md5(id) LIMIT %s', (count,)
        ).fetchall()
    return [str(row[0]) for row in rows]


def requests_for(case_ids: list[str], rng: random.Random) -> Callable[[int], Request]:
    def pick(number: int) -> Request:
        if number % 2 == 0:
            return "show", f"/api/v1/cases/{rng.choice(case_ids)}"
        return "list", f"/api/v1/cases?unit={rng.choice(CODES)}&limit=50"

    return pick


def load_http(
    port: int, token: str, case_ids: list[str], *, clients: int, seconds: float
) -> Observed:
    observed = Observed()
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        pick = requests_for(case_ids, random.Random(number))
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Authorization": f"Bearer {token}"}
        sent = number
        while time.monotonic() < deadline:
            route, path = pick(sent)
            sent += 1
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


def load_sql(conninfo: str, case_ids: list[str], *, clients: int, seconds: float) -> Observed:
    """The same two reads, straight from PostgreSQL, as the physical floor."""
    observed = Observed()
    deadline = time.monotonic() + seconds
    unit_ids = {code: _unit_id(code) for code in CODES}

    def client(number: int) -> None:
        rng = random.Random(number)
        with psycopg.connect(conninfo, autocommit=True) as connection:
            sent = number
            while time.monotonic() < deadline:
                began = time.perf_counter()
                if sent % 2 == 0:
                    connection.execute(
                        "SELECT originator_version, topic, state FROM casetrail_events"
                        " WHERE originator_id = %s ORDER BY originator_version",
                        (rng.choice(case_ids),), prepare=True,
                    ).fetchall()
                    route = "show"
                else:
                    connection.execute(
                        'SELECT * FROM "view_cases" WHERE lead_unit_id = %s'
                        " ORDER BY filed_at DESC, id DESC LIMIT 51",
                        (unit_ids[rng.choice(CODES)],), prepare=True,
                    ).fetchall()
                    route = "list"
                sent += 1
                observed.add(route, time.perf_counter() - began)

    _in_threads(client, clients)
    return observed


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
