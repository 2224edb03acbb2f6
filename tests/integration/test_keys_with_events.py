"""On PostgreSQL a new filer's key is committed by the statement that stores the filing.

A sealed value must never be stored without its key, and the filing should not pay a commit of
its own for the key. Both hold when the key and the events are one transaction: a filing whose
events are refused leaves no key, and a filing that lands leaves its key, opened by a process
that never saw it made.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from domain.actors import Actor, Role
from domain.application import Casetrail
from infra.integrity.chain import HASHES_TABLE
from infra.integrity.pg_insert import FUNCTION_NAME
from tests.support.app import seed_directory
from tests.support.stores import StoreUnderTest

pytestmark = pytest.mark.postgres

CLERK = Actor("li.na", Role.WINDOW_STAFF)
SUPERVISOR = Actor("chen.jie", Role.SUPERVISOR)


@pytest.fixture
def store(postgres_store: StoreUnderTest) -> StoreUnderTest:
    seed_directory(postgres_store.open())
    return postgres_store


def file(app: Casetrail) -> Any:
    return app.file_demand(
        case_type="complaint", channel="window", summary="审批超时", actor=CLERK,
        filer_name="张伟", filer_contact="138-0000-0000",
    )


def scalar(url: str, statement: str) -> Any:
    with psycopg.connect(url, autocommit=True) as db:
        row = db.execute(statement).fetchone()
    assert row is not None
    return row[0]


def keys_stored(url: str) -> int:
    return int(scalar(url, "SELECT count(*) FROM casetrail_subject_keys"))


def test_a_filing_whose_events_are_refused_leaves_no_key_behind(
    store: StoreUnderTest, fresh_postgres_url: str
) -> None:
    app, before = store.open(), keys_stored(fresh_postgres_url)
    events_before = int(scalar(fresh_postgres_url, f"SELECT count(*) FROM {HASHES_TABLE}"))
    with psycopg.connect(fresh_postgres_url, autocommit=True) as db:
        db.execute(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS"
            " $$BEGIN RAISE EXCEPTION 'the server fails after the events are inserted'; END$$"
        )
        db.execute(
            f"CREATE TRIGGER refuse BEFORE INSERT ON {HASHES_TABLE}"
            " FOR EACH ROW EXECUTE FUNCTION refuse()"
        )

    with pytest.raises(Exception, match="fails after the events"):
        file(app)

    assert keys_stored(fresh_postgres_url) == before
    assert int(scalar(fresh_postgres_url, f"SELECT count(*) FROM {HASHES_TABLE}")) == events_before


def test_a_filing_stores_its_key_with_its_events_and_another_process_opens_it(
    store: StoreUnderTest, fresh_postgres_url: str
) -> None:
    app, before = store.open(), keys_stored(fresh_postgres_url)

    case_id = file(app).id

    assert keys_stored(fresh_postgres_url) == before + 1
    identity = store.open().filer_identity(case_id, "核实诉求", actor=SUPERVISOR)
    assert (identity.name, identity.contact) == ("张伟", "138-0000-0000")


def test_a_filing_spends_no_statement_or_connection_on_the_key_store(
    store: StoreUnderTest, fresh_postgres_url: str
) -> None:
    app = store.open()

    file(app)

    assert int(scalar(
        fresh_postgres_url,
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'casetrail-keys'"
        " AND datname = current_database()",
    )) == 0


def test_a_store_made_with_earlier_insert_functions_keeps_them_for_earlier_processes(
    store: StoreUnderTest, fresh_postgres_url: str
) -> None:
    with psycopg.connect(fresh_postgres_url, autocommit=True) as db:  # as an earlier release
        db.execute(
            f"DROP FUNCTION {FUNCTION_NAME}(stored_event_uuid[], uuid[], bytea[], uuid[], bigint[])"
        )
        for arguments in ("", ", uuid[], bytea[]"):  # before keys, before relied-on versions
            db.execute(
                f"CREATE FUNCTION {FUNCTION_NAME}(events stored_event_uuid[]{arguments})"
                " RETURNS SETOF bigint LANGUAGE sql AS 'SELECT 1::bigint'"
            )

    app, before = store.open(), keys_stored(fresh_postgres_url)
    file(app)

    assert keys_stored(fresh_postgres_url) == before + 1
    arguments = scalar(
        fresh_postgres_url,
        "SELECT array_agg(pronargs ORDER BY pronargs) FROM pg_proc"
        f" WHERE proname = '{FUNCTION_NAME}'",
    )
    assert arguments == [1, 3, 5]
