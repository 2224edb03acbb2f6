"""Tampering with SQLite and PostgreSQL directly: ``verify`` names the first break exactly.

Each test builds a store through the composition root, records a complaint with four steps
and a checkpoint, then edits the tables with plain SQL, as someone with database access could.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg
import pytest
from eventsourcing.persistence import StoredEvent

from api.cli.verify import verify
from domain.actors import Actor, Role
from domain.application import Casetrail
from infra.integrity.chain import link
from infra.integrity.checkpoints import claim_reader, record_checkpoint
from infra.integrity.findings import Break
from infra.integrity.standalone import CHECKPOINT_TOPIC
from infra.integrity.tables import chain_of
from infra.integrity.verify_log import verify_log
from infra.integrity.verify_record import verify_record
from infra.settings import Settings
from tests.support.app import seed_directory
from tests.support.stores import StoreUnderTest

LI = Actor("li.na", Role.WINDOW_STAFF)
ZHAO = Actor("zhao.lei", Role.WINDOW_STAFF)


@dataclass
class RawStore:
    """The store's tables, edited with SQL behind the application's back."""

    settings: Settings

    @property
    def is_sqlite(self) -> bool:
        return self.settings.backend == "sqlite"

    @property
    def events(self) -> str:
        return "stored_events" if self.is_sqlite else "casetrail_events"

    @property
    def position(self) -> str:
        return "rowid" if self.is_sqlite else "notification_id"

    def sql(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.is_sqlite:
            with sqlite3.connect(self.settings.sqlite_path) as connection:
                return connection.execute(statement.replace("%s", "?"), params).fetchall()
        assert self.settings.database_url
        with psycopg.connect(self.settings.database_url, autocommit=True) as connection:
            cursor = connection.execute(statement.encode(), params)
            return cursor.fetchall() if cursor.description else []

    def key(self, record: UUID) -> Any:
        return record.hex if self.is_sqlite else record

    def where(self, record: UUID, version: int) -> tuple[str, tuple[Any, ...]]:
        return "originator_id = %s AND originator_version = %s", (self.key(record), version)

    def state(self, record: UUID, version: int) -> bytes:
        clause, params = self.where(record, version)
        return bytes(self.sql(f"SELECT state FROM {self.events} WHERE {clause}", params)[0][0])

    def position_of(self, record: UUID, version: int) -> int:
        clause, params = self.where(record, version)
        found = self.sql(f"SELECT {self.position} FROM {self.events} WHERE {clause}", params)
        return int(found[0][0])

    def set_state(self, record: UUID, version: int, state: bytes) -> None:
        clause, params = self.where(record, version)
        self.sql(f"UPDATE {self.events} SET state = %s WHERE {clause}", (state, *params))

    def set_version(self, record: UUID, version: int, new: int) -> None:
        clause, params = self.where(record, version)
        self.sql(f"UPDATE {self.events} SET originator_version = %s WHERE {clause}", (new, *params))

    def delete(self, record: UUID, version: int) -> None:
        clause, params = self.where(record, version)
        self.sql(f"DELETE FROM {self.events} WHERE {clause}", params)

    def insert(self, record: UUID, version: int, topic: str, state: bytes) -> int:
        self.sql(
            f"INSERT INTO {self.events} (originator_id, originator_version, topic, state)"
            " VALUES (%s, %s, %s, %s)",
            (self.key(record), version, topic, state),
        )
        return self.position_of(record, version)

    def rechain(self) -> None:
        """Recompute every chain row from the stored events: a careful forger's last step."""
        rows = self.sql(
            f"SELECT {self.position}, originator_id, originator_version, topic, state"
            f" FROM {self.events} ORDER BY {self.position}"
        )
        stored = [StoredEvent(UUID(str(r[1])), r[2], r[3], bytes(r[4])) for r in rows]
        chain = link(stored, [r[0] for r in rows], lambda _: None, None)
        self.sql("DELETE FROM event_hashes")
        for c in chain:
            self.sql(
                "INSERT INTO event_hashes (notification_id, originator_id, originator_version,"
                " aggregate_hash, global_hash) VALUES (%s, %s, %s, %s, %s)",
                (c.position, c.originator_id, c.version, c.aggregate_hash, c.global_hash),
            )


@dataclass
class World:
    app: Casetrail
    raw: RawStore
    case: UUID
    covered: int
    """The position the checkpoint covers (the end of the log when it was recorded)."""
    checkpoint: int
    """The checkpoint event's own position."""

    def first_break(self) -> Break | None:
        chain = chain_of(self.app.recorder)
        return verify_log(chain, claim_reader(self.app.mapper)).first_break

    def record_break(self, record: UUID | None = None) -> Break | None:
        chain = chain_of(self.app.recorder)
        report = verify_record(chain, claim_reader(self.app.mapper), str(record or self.case))
        return report.first_break


def file_and_pass_around(app: Casetrail) -> UUID:
    """A complaint at version 4: filed by Li, then handed Li -> Zhao -> Li -> Zhao."""
    case_id = app.file_demand(
        case_type="complaint",
        channel="window",
        summary="营业执照变更迟迟未办",
        actor=LI,
        filer_name="张先生",
        filer_contact="13800000000",
    ).id
    app.hand_over(case_id, "zhao.lei", "社保问题，非本部门", actor=LI)
    app.hand_over(case_id, "li.na", "属市场监管职责", actor=ZHAO)
    app.hand_over(case_id, "zhao.lei", "再次转交", actor=LI)
    return case_id


@pytest.fixture
def world(durable_store: StoreUnderTest) -> World:
    app = durable_store.open()
    seed_directory(app)
    case_id = file_and_pass_around(app)
    checkpoint = record_checkpoint(app, "on demand")
    assert checkpoint is not None
    raw = RawStore(durable_store.settings)
    at = raw.position_of(checkpoint.id, 1)
    return World(app, raw, case_id, checkpoint.position, at)


def test_an_untouched_store_verifies_clean(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert world.first_break() is None
    assert world.record_break() is None
    assert verify(world.app, None, [], checkpoint=False) == 0

    summary = capsys.readouterr().out
    head = world.raw.sql("SELECT COUNT(*) FROM event_hashes")[0][0]
    assert summary.startswith(f"intact: {head} events in ")
    assert "1 checkpoints match" in summary


def test_a_flipped_byte_is_an_alteration_of_that_version(world: World) -> None:
    state = bytearray(world.raw.state(world.case, 2))
    state[20] ^= 0x01
    world.raw.set_state(world.case, 2, bytes(state))
    position = world.raw.position_of(world.case, 2)

    expected = ("altered", position, str(world.case), 2)
    for found in (world.first_break(), world.record_break()):
        assert found is not None
        assert (found.kind, found.position, found.originator_id, found.version) == expected


def test_a_deleted_event_is_a_removal_at_its_position(world: World) -> None:
    position = world.raw.position_of(world.case, 3)
    world.raw.delete(world.case, 3)

    expected = ("removed", position, str(world.case), 3)
    for found in (world.first_break(), world.record_break()):
        assert found is not None
        assert (found.kind, found.position, found.originator_id, found.version) == expected


def test_swapped_versions_are_a_reordering(world: World) -> None:
    second = world.raw.position_of(world.case, 2)
    world.raw.set_version(world.case, 2, 99)
    world.raw.set_version(world.case, 3, 2)
    world.raw.set_version(world.case, 99, 3)

    found = world.first_break()
    assert found is not None
    assert (found.kind, found.position, found.version) == ("reordered", second, 2)
    assert f"holds record {world.case} version 3" in found.detail
    in_record = world.record_break()
    assert in_record is not None
    assert (in_record.kind, in_record.version) == ("reordered", 2)


def test_swapped_contents_are_a_reordering_naming_the_source_version(world: World) -> None:
    second, third = world.raw.state(world.case, 2), world.raw.state(world.case, 3)
    world.raw.set_state(world.case, 2, third)
    world.raw.set_state(world.case, 3, second)

    for found in (world.first_break(), world.record_break()):
        assert found is not None
        assert (found.kind, found.version) == ("reordered", 2)
        assert found.detail == "the content stored as version 2 is version 3's"


def test_a_forged_event_is_an_insertion(world: World) -> None:
    forged_state = world.raw.state(world.case, 4).replace("再次转交".encode(), "伪造记录".encode())
    topic = world.raw.sql(
        f"SELECT topic FROM {world.raw.events} WHERE originator_id = %s AND originator_version = 4",
        (world.raw.key(world.case),),
    )[0][0]
    position = world.raw.insert(world.case, 5, topic, forged_state)

    expected = ("inserted", position, str(world.case), 5)
    for found in (world.first_break(), world.record_break()):
        assert found is not None
        assert (found.kind, found.position, found.originator_id, found.version) == expected


def test_an_altered_checkpoint_is_caught_at_the_checkpoint(world: World) -> None:
    record = world.raw.sql(
        f"SELECT originator_id FROM {world.raw.events} WHERE topic = %s", (CHECKPOINT_TOPIC,)
    )[0][0]
    checkpoint_id = UUID(str(record))
    fields = json.loads(world.raw.state(checkpoint_id, 1))
    fields["global_hash"] = "0" * 64
    world.raw.set_state(checkpoint_id, 1, json.dumps(fields).encode())

    found = world.first_break()
    assert found is not None
    assert (found.kind, found.position) == ("checkpoint", world.checkpoint)
    assert "checkpoint's stored bytes were changed" in found.detail


def test_a_rewrite_with_recomputed_chains_is_caught_by_the_checkpoint(world: World) -> None:
    state = world.raw.state(world.case, 2).replace("社保问题".encode(), "个人原因".encode())
    world.raw.set_state(world.case, 2, state)
    world.raw.rechain()

    found = world.first_break()
    assert found is not None
    assert (found.kind, found.position) == ("checkpoint", world.checkpoint)
    assert "history before it was rewritten" in found.detail


def test_a_row_removed_from_both_tables_breaks_the_log_chain(world: World) -> None:
    position = world.raw.position_of(world.case, 4)
    world.raw.delete(world.case, 4)
    world.raw.sql("DELETE FROM event_hashes WHERE notification_id = %s", (position,))

    found = world.first_break()
    assert found is not None
    assert (found.kind, found.originator_id, found.version) == ("removed", str(world.case), 4)
    assert f"chained just before position {position + 1}" in found.detail


def test_a_hash_kept_outside_the_database_exposes_a_full_rewrite(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = world.raw.sql(
        "SELECT global_hash FROM event_hashes WHERE notification_id = %s", (world.covered,)
    )[0][0]
    expected = [(world.covered, bytes(kept).hex())]
    assert verify(world.app, None, expected, checkpoint=False) == 0
    world.raw.set_state(world.case, 1, world.raw.state(world.case, 1).replace(b"window", b"letter"))
    world.raw.sql(f"DELETE FROM {world.raw.events} WHERE topic = %s", (CHECKPOINT_TOPIC,))
    world.raw.rechain()

    capsys.readouterr()
    assert verify(world.app, None, expected, checkpoint=False) == 1
    assert "history up to that position was rewritten" in capsys.readouterr().out
