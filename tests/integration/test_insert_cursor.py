"""Each pooled connection keeps one cursor for the chained insert, so psycopg adapts the
parameters of every later write with what it chose for the first. What is stored must not
depend on that: every write stores the bytes the mapper made, whether its events, sealed keys
and relied-on versions differ from the last write's or not, and a connection the server closed
takes its cursor with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import psycopg
import pytest
from eventsourcing.persistence import StoredEvent

from domain.actors import Actor, Role
from domain.application import Casetrail
from infra.integrity.checkpoints import claim_reader
from infra.integrity.postgres import ChainedPostgresApplicationRecorder
from infra.integrity.tables import chain_of
from infra.integrity.verify_log import verify_log
from tests.support.app import seed_directory
from tests.support.stores import StoreUnderTest

pytestmark = pytest.mark.postgres

CLERK = Actor("li.na", Role.WINDOW_STAFF)


def sent(app: Casetrail) -> list[StoredEvent]:
    """The stored events the mapper made for every write from now on, as handed to the insert."""
    recorder: Any = app.recorder
    original = recorder.insert_events
    made: list[StoredEvent] = []

    def keep(stored_events: Sequence[StoredEvent], **kwargs: Any) -> Any:
        made.extend(stored_events)
        return original(stored_events, **kwargs)

    recorder.insert_events = keep
    return made


def stored(app: Casetrail, originator_id: UUID) -> list[StoredEvent]:
    return list(app.recorder.select_events(originator_id))


def lifecycle(app: Casetrail) -> UUID:
    case_id = app.file_demand(
        case_type="complaint", channel="window", summary="审批超时", actor=CLERK, filer_name="张伟"
    ).id
    app.dispatch(case_id, "AMR", actor=CLERK)
    app.sign_for(case_id, actor=CLERK)
    app.record_contact(case_id, "电话联系企业", actor=CLERK)
    app.reply(case_id, "已协调办结", actor=CLERK)
    app.record_callback(case_id, True, True, "回访满意", actor=CLERK)
    app.close_case(case_id, "solved", "企业确认已解决", actor=CLERK)
    return case_id


def test_every_write_through_a_kept_cursor_stores_the_bytes_the_mapper_made(
    postgres_store: StoreUnderTest,
) -> None:
    app = postgres_store.open()
    seed_directory(app)
    made = sent(app)
    cases = [lifecycle(app) for _ in range(3)]
    recorder = app.recorder
    assert isinstance(recorder, ChainedPostgresApplicationRecorder)
    assert recorder._cursors, "the insert kept no cursor"
    rows = {(e.originator_id, e.originator_version): e for c in cases for e in stored(app, c)}
    mine = [e for e in made if e.originator_id in cases]
    assert len(mine) == len(rows) == 3 * 7
    for event in mine:
        row = rows[(event.originator_id, event.originator_version)]
        assert (row.topic, bytes(row.state)) == (event.topic, event.state)
    assert verify_log(chain_of(recorder), claim_reader(app.mapper)).first_break is None


def test_a_connection_the_server_closed_takes_its_kept_cursor_with_it(
    postgres_store: StoreUnderTest,
) -> None:
    app = postgres_store.open()
    seed_directory(app)
    lifecycle(app)
    recorder = app.recorder
    assert isinstance(recorder, ChainedPostgresApplicationRecorder)
    kept = list(recorder._cursors)
    pids = [conn.info.backend_pid for conn in kept]
    url = postgres_store.settings.database_url
    assert url is not None
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", (pids,))
    case_id = lifecycle(app)  # the first write fails on the dead session, its retry succeeds
    assert app.case(case_id).version == 7
    assert not any(c.closed for c in recorder._cursors.values())
    assert all(conn not in recorder._cursors for conn in kept if conn.closed)
    assert verify_log(chain_of(recorder), claim_reader(app.mapper)).first_break is None
