"""Server processes started together on a new PostgreSQL database all come up.

`casetrail serve --workers N` starts N processes at once, and each opens the event store, which
creates its tables, types and insert function when they are missing or older. PostgreSQL does
not let that DDL run side by side (one process fails with "tuple concurrently updated" or a
duplicate catalogue key), and a worker that fails there dies at start-up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import pytest

from infra.bootstrap import bootstrap
from infra.container import Container, build_container
from projections.store import PageQuery
from tests.support.app import ADMIN
from tests.support.clock import FakeClock
from tests.support.stores import StoreUnderTest

pytestmark = pytest.mark.postgres

PROCESSES = 6
T = TypeVar("T")
FIRST_CASE = PageQuery(order="filed_at", descending=True, limit=1)


def together(start: Callable[[], T]) -> tuple[list[T], list[BaseException]]:
    """``start`` run by PROCESSES threads released at the same moment."""
    barrier = threading.Barrier(PROCESSES)
    opened: list[T] = []
    failures: list[BaseException] = []

    def run() -> None:
        barrier.wait()
        try:
            opened.append(start())
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=run) for _ in range(PROCESSES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return opened, failures


def test_processes_opening_a_new_store_together_all_come_up(
    postgres_store: StoreUnderTest, clock: FakeClock
) -> None:
    settings = postgres_store.settings
    opened, failures = together(lambda: bootstrap(settings, clock=clock))

    try:
        assert failures == []
        assert len(opened) == PROCESSES
        for number, app in enumerate(opened):  # and each writes to the one store
            app.register_unit(f"U{number}", f"单位{number}", actor=ADMIN)
        assert {opened[0].unit(f"U{n}").name for n in range(PROCESSES)} == {
            f"单位{n}" for n in range(PROCESSES)
        }
    finally:
        for app in opened:
            app.close()


def test_servers_starting_together_all_make_their_tables_and_answer(
    postgres_store: StoreUnderTest, clock: FakeClock
) -> None:
    """The event store is there (the CLI made it), but not the server's own tables: each server
    process builds its container (accounts, idempotency keys, notices, views) and prepares its
    read side, as a worker does before its first answer."""
    settings = postgres_store.settings
    bootstrap(settings, clock=clock).close()

    def serve() -> Container:
        container = build_container(settings, clock=clock)
        try:
            container.read.prepare()
            container.read.page("cases", "cases", FIRST_CASE)
        except BaseException:
            container.close()
            raise
        return container

    opened, failures = together(serve)
    try:
        assert failures == []
        assert len(opened) == PROCESSES
    finally:
        for container in opened:
            container.close()
