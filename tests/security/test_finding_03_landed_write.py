"""Finding 3: a write that landed is answered as saved, and an outage frees its request's key.

An insert whose commit reached the server but whose answer was lost is sent again by the
recorder; the retry is refused as a duplicate. When the rows stored under those ids and
versions are the ones we sent, the command was saved: it is answered so, not with a 409 that
an Idempotency-Key would then replay for ever.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from domain.actors import Actor, Role
from domain.errors import ConflictError
from infra.bootstrap import bootstrap
from infra.idempotency import SCHEMA, IdempotencyStore, StoredResponse
from infra.settings import Settings, shipped_policy_path
from infra.side_tables import postgres_table
from tests.fault.conftest import private_postgres  # noqa: F401  (the fixture, for this module)
from tests.fault.private_postgres import PrivatePostgres
from tests.support.clock import FakeClock

pytestmark = pytest.mark.postgres

CLERK = Actor("li.na", Role.WINDOW_STAFF)
ADMIN = Actor("admin", Role.ADMIN)


def settings(url: str, home: Path) -> Settings:
    return Settings(
        store="postgres",
        database_url=f"{url}?pool_size=1&max_overflow=0",
        home=home,
        policy_file=shipped_policy_path(),
        jurisdiction="national",
    )


def cut_connections(url: str) -> None:
    """End every other session on the database, as a server restart or a network cut does."""
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def test_a_retry_that_finds_its_own_rows_is_answered_as_saved(
    tmp_path: Path, clock: FakeClock, fresh_postgres_url: str
) -> None:
    app = bootstrap(settings(fresh_postgres_url, tmp_path / "home"), clock=clock)
    try:
        app.register_unit("AMR", "市场监督管理局", actor=ADMIN)
        unit = app.unit("AMR")
        unit.rename("市场监督管理局（新）", actor=ADMIN, at=app.now())
        # The first attempt: its commit reaches the server, then the connection is lost
        # before the answer does.
        ours = [app.mapper.to_stored_event(e) for e in unit.pending_events]
        app.recorder.insert_events(ours)
        cut_connections(fresh_postgres_url)

        saved = app.commit(unit)[0]

        assert saved.version == 2
        assert saved.position == app.recorder.max_notification_id()
        assert app.unit("AMR").name == "市场监督管理局（新）"
        assert len(app.recorder.select_events(unit.id)) == 2
    finally:
        app.close()


def test_a_retry_that_finds_another_writers_rows_is_still_a_conflict(
    tmp_path: Path, clock: FakeClock, fresh_postgres_url: str
) -> None:
    app = bootstrap(settings(fresh_postgres_url, tmp_path / "home"), clock=clock)
    try:
        app.register_unit("AMR", "市场监督管理局", actor=ADMIN)
        mine, theirs = app.unit("AMR"), app.unit("AMR")
        mine.rename("甲", actor=ADMIN, at=app.now())
        theirs.rename("乙", actor=ADMIN, at=app.now())
        app.recorder.insert_events([app.mapper.to_stored_event(e) for e in theirs.pending_events])
        cut_connections(fresh_postgres_url)

        with pytest.raises(ConflictError):
            app.commit(mine)
        assert app.unit("AMR").name == "乙"
    finally:
        app.close()


def test_a_key_whose_request_was_cut_by_an_outage_is_usable_once_the_store_is_back(
    private_postgres: PrivatePostgres,  # noqa: F811
) -> None:
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    store = IdempotencyStore(
        postgres_table(private_postgres.url, None, SCHEMA), lambda: at, timedelta(hours=24)
    )
    try:
        assert store.reserve("caller", "key-1", "request").outcome == "reserved"
        private_postgres.stop("fast")
        store.release("caller", "key-1")  # the request failed with the store: so does this
        private_postgres.start()

        assert store.reserve("caller", "key-1", "request").outcome == "reserved"
        store.complete("caller", "key-1", StoredResponse(201, [], b"{}"))
        assert store.reserve("caller", "key-1", "request").outcome == "replay"
    finally:
        store.close()
