"""A server's view read that runs too long is stopped by PostgreSQL and answered 503 with
``Retry-After``: a read held up by a lock gives its work thread back (a server process has two)
instead of waiting as long as the lock is held. Meanwhile the rest of the API answers, and the
same read answers once the lock is gone. A web page says so in the reader's language.
Processes that are not serving (the command line's reports) keep reads unbounded."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from api.web.security import LANG_COOKIE, SESSION_COOKIE
from infra.container import build_container
from tests.e2e.api_world import World, open_world, settings_for
from tests.support.clock import FakeClock

pytestmark = pytest.mark.postgres

LIMIT = 0.5


@pytest.fixture
def served(tmp_path: Path, clock: FakeClock, fresh_postgres_url: str) -> Iterator[World]:
    settings = settings_for(tmp_path / "home", "postgres", fresh_postgres_url)
    bounded = settings.model_copy(update={"read_timeout_seconds": LIMIT})
    world = open_world(bounded, clock, serving=True)
    yield world
    world.container.close()


def test_a_read_held_up_by_a_lock_is_answered_503_and_the_rest_goes_on(
    served: World, fresh_postgres_url: str
) -> None:
    filed = served.step("li.na", "/api/v1/cases", {
        "case_type": "consultation", "channel": "window", "summary": "咨询", "filer_name": "王芳",
    })
    assert served.get("chen.jie", "/api/v1/cases").json()["items"][0]["id"] == filed["id"]
    # The holder is let go first, so a failing check cannot leave the read waiting.
    with ThreadPoolExecutor(1) as threads, psycopg.connect(fresh_postgres_url) as holder:
        holder.execute('LOCK TABLE "view_cases" IN ACCESS EXCLUSIVE MODE')
        began = time.monotonic()
        held = threads.submit(served.get, "chen.jie", "/api/v1/cases").result(timeout=20)
        waited = time.monotonic() - began
        assert held.status_code == 503, held.text
        assert held.json()["type"].endswith("read-too-long")
        assert held.headers["Retry-After"]
        assert waited >= LIMIT
        # A case is read from its history, which no lock on a view holds up.
        shown = served.get("chen.jie", f"/api/v1/cases/{filed['id']}")
        assert shown.status_code == 200, shown.text
        holder.rollback()
    again = served.get("chen.jie", "/api/v1/cases")
    assert again.status_code == 200, again.text
    assert again.json()["items"][0]["id"] == filed["id"]


@pytest.mark.parametrize(("language", "words"), [("zh-CN", "暂未响应"), ("en", "Not answered")])
def test_a_page_held_up_by_a_lock_says_to_try_again_in_its_language(
    served: World, fresh_postgres_url: str, language: str, words: str
) -> None:
    browser = TestClient(served.client.app, raise_server_exceptions=False)
    browser.cookies.set(LANG_COOKIE, language)
    signer = browser.app.state.web.signer  # type: ignore[attr-defined]
    browser.cookies.set(SESSION_COOKIE, signer.sign(served.tokens["li.na"]))
    assert browser.get("/desk").status_code == 200
    with ThreadPoolExecutor(1) as threads, psycopg.connect(fresh_postgres_url) as holder:
        holder.execute('LOCK TABLE "view_cases" IN ACCESS EXCLUSIVE MODE')
        held = threads.submit(browser.get, "/desk").result(timeout=20)
        holder.rollback()
    assert held.status_code == 503
    assert held.headers["Retry-After"]
    assert held.headers["content-type"].startswith("text/html")
    assert words in held.text
    assert browser.get("/desk").status_code == 200


def test_a_process_that_is_not_serving_keeps_its_reads_unbounded(
    tmp_path: Path, fresh_postgres_url: str
) -> None:
    settings = settings_for(tmp_path / "home", "postgres", fresh_postgres_url)
    for serving, wanted in ((False, "0"), (True, "30s")):
        container = build_container(settings, serving=serving)
        try:
            with container.read.store._reading() as cursor:  # type: ignore[attr-defined]
                cursor.execute("SHOW statement_timeout")
                assert cursor.fetchone() == (wanted,)
        finally:
            container.close()
