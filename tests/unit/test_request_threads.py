"""A server process works on a few requests at once; waiting runs beside them.

``api.http.threads``: the work pool is cut to ``--threads`` so requests stop fighting over the
interpreter lock, and what only waits (a read waiting for its write, the breaker's probe of a
store that is down) takes a pool of its own, so it never holds up the work.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.testclient import TestClient

from api.cli.main import main
from api.http.threads import limit_work_threads, waiting
from api.web import context
from api.web.render import WebRoute
from infra.container import build_container
from infra.settings import Settings, shipped_policy_path
from tests.support.app import official_years
from tests.support.clock import FakeClock

HOLD = 0.3


class Busy:
    """How many calls are inside at once, at most."""

    def __init__(self) -> None:
        self.now, self.most, self.lock = 0, 0, threading.Lock()

    @contextmanager
    def inside(self) -> Iterator[None]:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        try:
            yield
        finally:
            with self.lock:
                self.now -= 1


def served(threads: int | None) -> tuple[FastAPI, Busy, Busy]:
    """An app whose work pool is cut to ``threads`` (None: left as anyio makes it)."""
    app, working, waiters = FastAPI(), Busy(), Busy()

    @app.get("/work")
    def work() -> str:  # a plain ``def`` route runs on the work pool
        with working.inside():
            time.sleep(HOLD)
        return "done"

    @app.get("/wait")
    async def wait() -> str:
        def hold() -> None:
            with waiters.inside():
                time.sleep(HOLD)

        await waiting(hold)
        return "seen"

    if threads is not None:
        limit_work_threads(app, threads)
    return app, working, waiters


def at_once(client: TestClient, paths: list[str]) -> list[int]:
    def get(path: str) -> int:
        return int(client.get(path).status_code)

    with ThreadPoolExecutor(len(paths)) as pool:
        return list(pool.map(get, paths))


@pytest.mark.parametrize("threads", [1, 2])
def test_a_process_works_on_no_more_requests_at_once_than_its_threads(threads: int) -> None:
    app, working, _ = served(threads)
    with TestClient(app) as client:
        assert at_once(client, ["/work"] * 5) == [200] * 5
    assert working.most == threads


def test_without_the_limit_the_same_requests_all_run_at_once() -> None:
    """The limit above is what holds them back, not the test's own client."""
    app, working, _ = served(None)
    with TestClient(app) as client:
        assert at_once(client, ["/work"] * 5) == [200] * 5
    assert working.most == 5


def test_waiting_runs_beside_the_work_and_never_holds_it_up() -> None:
    app, working, waiters = served(1)
    with TestClient(app) as client:
        began = time.perf_counter()
        answers = at_once(client, ["/wait"] * 4 + ["/work"])
        took = time.perf_counter() - began
    assert answers == [200] * 5
    assert waiters.most == 4  # all four waited at once, beside the one request at work
    assert working.most == 1
    assert took < 3 * HOLD  # one after the other, they would take five holds


def test_a_page_that_waits_to_show_its_write_waits_beside_the_work(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page after a form waits until the views show the write (``Web.read_your_write``);
    when a view lags, that wait must not hold the process's only thread for work."""
    monkeypatch.setattr(context, "SHOW_WRITE_SECONDS", 1.0)
    settings = Settings(store="memory", home=tmp_path, policy_file=shipped_policy_path())
    container = build_container(settings, clock=clock, official_years=official_years)
    app, working = FastAPI(), Busy()
    app.state.container = container
    pages = APIRouter(route_class=WebRoute)

    @pages.post("/form")
    def form(request: Request) -> str:  # on the work pool, as every page is
        past_the_log = (container.read.log.head() or 0) + 1
        context.wait_to_show(request, past_the_log, ["cases"])  # a view that never gets there
        return "saved"

    @pages.get("/work")
    def work() -> str:
        with working.inside():
            time.sleep(HOLD)
        return "done"

    app.include_router(pages)
    limit_work_threads(app, 1)
    try:
        with TestClient(app) as client:
            began = time.perf_counter()
            timings: dict[str, list[float]] = {"/form": [], "/work": []}

            def send(path: str) -> None:
                answer = client.post(path) if path == "/form" else client.get(path)
                assert answer.status_code == 200
                timings[path].append(time.perf_counter() - began)

            with ThreadPoolExecutor(4) as pool:
                list(pool.map(send, ["/form", "/form", "/form", "/work"]))
    finally:
        container.close()
    assert min(timings["/form"]) >= 1.0  # each form's answer waited for its write
    assert timings["/work"][0] < 1.0  # the page behind them did not wait for their waits


def test_a_process_needs_a_thread_for_its_requests() -> None:
    with pytest.raises(ValueError, match="at least one thread"):
        limit_work_threads(FastAPI(), 0)


def test_serve_refuses_no_threads_with_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASETRAIL_HOME", str(tmp_path))
    with pytest.raises(SystemExit) as stopped:
        main(["serve", "--threads", "0"])
    assert stopped.value.code == 2
    assert "--threads must be at least 1" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())  # refused before it opened a store
