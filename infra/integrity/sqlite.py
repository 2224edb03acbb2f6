"""The SQLite application recorder with the hash chain written in each insert's transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteDatastore

from infra.integrity.chain import HASHES_TABLE
from infra.integrity.tables import ChainTables

CREATE_HASHES = (
    f"CREATE TABLE IF NOT EXISTS {HASHES_TABLE} ("
    "notification_id INTEGER PRIMARY KEY, "
    "originator_id TEXT NOT NULL, "
    "originator_version INTEGER NOT NULL, "
    "aggregate_hash BLOB NOT NULL, "
    "global_hash BLOB NOT NULL, "
    "previous_id TEXT, "
    "previous_version INTEGER, "
    "UNIQUE (originator_id, originator_version))"
)
ADDED_COLUMNS = (("previous_id", "TEXT"), ("previous_version", "INTEGER"))
"""Columns added to ``event_hashes`` after it was first shipped, added to older stores."""


class ChainedSQLiteApplicationRecorder(ChainTables, SQLiteApplicationRecorder):
    """Notification ids are SQLite rowids; the write transaction serialises writers."""

    param = "?"
    position_column = "rowid"
    hashes_table_sql = HASHES_TABLE

    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name)
        self.events_table_sql = events_table_name

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), CREATE_HASHES]

    def create_table(self) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?",
                (HASHES_TABLE,),
            )
            existed = bool(c.fetchone()["n"])
            self._create_table(c)
            c.execute(f"PRAGMA table_info({HASHES_TABLE})")
            present = {str(row["name"]) for row in c.fetchall()}
            for name, kind in ADDED_COLUMNS:
                if name not in present:
                    c.execute(f"ALTER TABLE {HASHES_TABLE} ADD COLUMN {name} {kind}")
            if not existed:
                self.adopted = self._adopt(c)

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        positions = super().insert_events(stored_events, **kwargs)
        self._committed(stored_events, positions or [])
        return positions

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        positions = super()._insert_events(c, stored_events, **kwargs)
        if stored_events:
            self._append_chain(c, stored_events, positions or [])
        return positions

    def _fetch(self, statement: str, params: Sequence[Any]) -> list[Mapping[str, Any]]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(statement, params)
            return list(c.fetchall())

    def _id_param(self, originator_id: str) -> Any:
        # The library stores SQLite ids as 32 hex digits.
        try:
            return UUID(originator_id).hex
        except ValueError:
            return originator_id
