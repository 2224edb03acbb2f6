"""Reads of one process do not queue behind each other on PostgreSQL: each takes a connection of
its own from a small pool, so a read the database holds up (a lock, a slow plan) leaves the
process's other reads to be answered, and closing the store lets every connection go."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from infra.views import PostgresViewStore
from projections.cases import CaseProjection
from tests.support.clock import FakeClock

pytestmark = pytest.mark.postgres
LEAVING_SECONDS = 5.0


@pytest.fixture
def views(fresh_postgres_url: str, clock: FakeClock) -> Iterator[PostgresViewStore]:
    store = PostgresViewStore(fresh_postgres_url, clock, read_connections=2)
    store.ensure(CaseProjection())
    yield store
    store.close()


def _ours(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        found = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND application_name = 'casetrail-projections'"
        ).fetchone()
    assert found is not None
    return int(found[0])


def test_a_read_held_up_in_the_database_does_not_hold_up_the_others(
    views: PostgresViewStore, fresh_postgres_url: str
) -> None:
    table = CaseProjection().table("cases")
    # The holder is let go first, so a failing check cannot leave the held read waiting.
    with ThreadPoolExecutor(2) as threads, psycopg.connect(fresh_postgres_url) as holder:
        holder.execute('LOCK TABLE "view_cases" IN ACCESS EXCLUSIVE MODE')
        held = threads.submit(views.count, table)
        waiting = ("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                   " AND datname = current_database()")
        with psycopg.connect(fresh_postgres_url, autocommit=True) as watcher:
            while watcher.execute(waiting).fetchone() == (0,):
                assert not held.done(), held.result()

        # The count waits for the lock in the database; the position is read beside it.
        found = threads.submit(views.position, "cases").result(timeout=10)
        assert found is not None
        assert found.position == 0
        assert not held.done()

        holder.rollback()
        assert held.result(timeout=10) == 0


def test_closing_the_store_lets_its_connections_go(
    views: PostgresViewStore, fresh_postgres_url: str
) -> None:
    views.positions()
    assert _ours(fresh_postgres_url) >= 1

    views.close()

    # A closed connection's server process ends on its own time, a moment after the client
    # left: wait for it a little, never for a connection that stays.
    deadline = time.monotonic() + LEAVING_SECONDS
    while (left := _ours(fresh_postgres_url)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert left == 0
