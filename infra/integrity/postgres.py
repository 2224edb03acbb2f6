"""The PostgreSQL application recorder with the hash chain written in each insert's transaction.

The library locks the events table (EXCLUSIVE) before each insert so notification ids follow
commit order; the chain relies on that lock: the end of the chain read after the insert cannot
move before this transaction commits.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ProgrammingError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from infra.integrity.chain import HASHES_TABLE
from infra.integrity.tables import ChainTables


class ChainedPostgresApplicationRecorder(ChainTables, PostgresApplicationRecorder):
    param = "%s"
    position_column = "notification_id"

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        if datastore.enable_db_functions:
            raise ProgrammingError(
                "the hash chain is written by the recorder; turn POSTGRES_ENABLE_DB_FUNCTIONS off"
            )
        super().__init__(datastore, events_table_name=events_table_name)
        self._pending = threading.local()  # reads queued by the insert, per writing thread
        schema = datastore.schema.replace('"', '""')
        self.events_table_sql = f'"{schema}"."{events_table_name}"'
        self.hashes_table_sql = f'"{schema}"."{HASHES_TABLE}"'
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {schema}.{table} ("
                "notification_id bigint PRIMARY KEY, "
                "originator_id text NOT NULL, "
                "originator_version bigint NOT NULL, "
                "aggregate_hash bytea NOT NULL, "
                "global_hash bytea NOT NULL, "
                "UNIQUE (originator_id, originator_version))"
            ).format(schema=Identifier(datastore.schema), table=Identifier(HASHES_TABLE))
        )

    def create_table(self) -> None:
        existed = bool(self._fetch("SELECT to_regclass(%s) AS t", (self.hashes_table_sql,))[0]["t"])
        super().create_table()
        if not existed:
            with self.datastore.transaction(commit=True) as curs:
                self._lock_table(curs)  # wait for writers; adopt a log nobody is extending
                self.adopted = self._adopt(curs)

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        positions: Sequence[int] | None = super().insert_events(stored_events, **kwargs)
        self._committed(stored_events, positions or [])
        return positions

    def _insert_stored_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        # The library locks the table, then inserts. The reads of the chains' ends are queued
        # after that in the same pipeline, so the chain costs no extra round trip to the
        # server, and they see the chain exactly as the last writer left it.
        super()._insert_stored_events(curs, stored_events, **kwargs)
        pending = []
        for owner, statement, params in self._chain_ends(stored_events):
            reader = curs.connection.cursor()
            reader.execute(statement.encode(), params)
            pending.append((owner, reader))
        self._pending.reads = pending

    def _fetch_ids_after_insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        positions = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        ends: dict[str | None, bytes] = {}
        for owner, reader in self._pending.__dict__.pop("reads"):
            row = reader.fetchone()
            reader.close()
            if row is not None:
                ends[owner] = bytes(row["h"])
        rows = self._linked(stored_events, positions or [], ends)
        self._insert_chain_rows(curs, rows)
        return positions

    def _fetch(self, statement: str, params: Sequence[Any]) -> list[Mapping[str, Any]]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(statement.encode(), params)
            return list(curs.fetchall())

    def _id_param(self, originator_id: str) -> Any:
        try:
            return UUID(originator_id)
        except ValueError:
            return originator_id
