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
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.cli.main import main
from api.http.threads import limit_work_threads, waiting

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


def served(threads: int) -> tuple[FastAPI, Busy, Busy]:
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
    app, working, _ = served(1)
    app.router.lifespan_context = FastAPI().router.lifespan_context  # drop the limit
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
