"""The PostgreSQL application recorder: events and their hash chain stored in one statement.

Each batch is one call of the function in ``pg_insert.py`` on an autocommit connection: one
round trip, one transaction, the table lock (notification ids follow commit order) and the
chain rows inside it. Two faults the library's own insert path had are handled here:

- A connection whose statement failed for any reason other than a refused duplicate is closed
  before it goes back to the pool, so no later command inherits a half-known state (prepared
  statements the server never made, an aborted transaction).
- A write that relied on kept records (``relied_on``: id to the version the command saw) is
  refused whole when one has moved on; that surfaces as the domain's ``StaleRecordError``, on
  a connection left clean, so the command can read again and retry.
- An attempt cut by an outage may have committed before the answer was lost. When the retry is
  refused as a duplicate, the rows stored under our ids and versions are compared with ours:
  when they are ours, byte for byte, the write landed and its positions are returned.

Each pooled connection keeps one cursor for the insert (``_cursor``). psycopg adapts the
parameters of a statement it runs again on the same cursor with the adapters it chose last time,
where a new cursor makes them again (the events' composite type, the arrays' element types):
adapting a write's parameters took 60 to 85 µs on a new cursor and 25 µs on a kept one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg.rows import TupleRow, tuple_row
from psycopg.sql import SQL, Identifier

from domain.errors import StaleRecordError
from infra.integrity.chain import HASHES_TABLE, canonical_id
from infra.integrity.pg_insert import (
    FUNCTION_ARGS,
    FUNCTION_NAME,
    STALE_SQLSTATE,
    call_function,
    create_function,
)
from infra.integrity.tables import ChainTables
from infra.vault.keys import NewKeys

logger = logging.getLogger(__name__)

ATTEMPTS = 10
RETRY_WAIT = 0.2
"""Seconds between attempts when the server is unreachable (the library's own figures)."""


class ChainedPostgresApplicationRecorder(ChainTables, PostgresApplicationRecorder):
    param = "%s"
    position_column = "notification_id"
    asserts_relied_versions = True
    """Writes check the versions of records a command relied on (``relied_on``), under the
    table lock: a service may take kept records on trust (``ServiceBase.trusting``)."""

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        if datastore.enable_db_functions:
            raise ProgrammingError(
                "the hash chain is written by the recorder; turn POSTGRES_ENABLE_DB_FUNCTIONS off"
            )
        super().__init__(datastore, events_table_name=events_table_name)
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
                "previous_id text, "
                "previous_version bigint, "
                "UNIQUE (originator_id, originator_version))"
            ).format(schema=Identifier(datastore.schema), table=Identifier(HASHES_TABLE))
        )
        self.add_columns_statement = SQL(  # for stores made before the columns existed
            "ALTER TABLE {schema}.{table} ADD COLUMN IF NOT EXISTS previous_id text,"
            " ADD COLUMN IF NOT EXISTS previous_version bigint"
        ).format(schema=Identifier(datastore.schema), table=Identifier(HASHES_TABLE))
        self.create_function_statement = create_function(
            datastore.schema,
            events_table_name,
            self.stored_event_type_name,
            self.channel_name,
            datastore.lock_timeout,
        )
        self.insert_chained_statement = call_function(datastore.schema)
        self._cursors: dict[psycopg.Connection[Any], psycopg.Cursor[TupleRow]] = {}
        self._cursors_lock = threading.Lock()
        self.new_keys: NewKeys | None = None
        """Keys of new data subjects to store with the next events (``infra.vault``)."""

    def create_table(self) -> None:
        existed = bool(self._fetch("SELECT to_regclass(%s) AS t", (self.hashes_table_sql,))[0]["t"])
        super().create_table()
        self._upgrade()
        if not existed:
            with self.datastore.transaction(commit=True) as curs:
                self._lock_table(curs)  # wait for writers; adopt a log nobody is extending
                self.adopted = self._adopt(curs)

    def _upgrade(self) -> None:
        """Add the newer chain columns and (re)create the insert function, only when needed:
        both take locks, and several processes start at once against one database."""
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                "SELECT count(*) AS n FROM information_schema.columns WHERE table_schema = %s"
                " AND table_name = %s AND column_name IN ('previous_id', 'previous_version')",
                (self.datastore.schema, HASHES_TABLE),
            )
            row = curs.fetchone()
            if row is None or row["n"] < 2:
                curs.execute(self.add_columns_statement)
            wanted = self.create_function_statement.as_string(curs.connection)
            curs.execute(
                "SELECT p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                " WHERE n.nspname = %s AND p.proname = %s AND p.pronargs = %s",
                (self.datastore.schema, FUNCTION_NAME, FUNCTION_ARGS),
            )
            found = curs.fetchone()
            if found is None or f"$body${found['prosrc']}$body$" not in wanted:
                curs.execute(self.create_function_statement)

    def insert_events(
        self,
        stored_events: Sequence[StoredEvent],
        *,
        relied_on: Mapping[UUID, int] | None = None,
        **kwargs: Any,
    ) -> Sequence[int] | None:
        if not stored_events:
            return []
        batch = [
            self.construct_pg_stored_event(
                e.originator_id, e.originator_version, e.topic, e.state
            )
            for e in stored_events
        ]
        held = self.new_keys.take() if self.new_keys is not None else {}
        keys = (list(held), list(held.values()))
        # A record the batch itself extends needs no check (the (id, version) key makes it),
        # and must not have one: a retry after a cut attempt that committed would be refused
        # as stale instead of being recognised as landed.
        written = {e.originator_id for e in stored_events}
        checked = {i: v for i, v in (relied_on or {}).items() if i not in written}
        relied = (list(checked), list(checked.values()))
        cut = False  # an attempt failed without an answer: it may have committed
        for attempt in range(1, ATTEMPTS + 1):
            try:
                positions = self._insert_once(batch, keys, relied)
            except (OperationalError, InterfaceError):
                if attempt == ATTEMPTS:
                    raise
                cut = True
                time.sleep(RETRY_WAIT)
                continue
            except IntegrityError:
                landed = self.landed(stored_events) if cut else None
                if landed is None:
                    raise
                logger.warning("an insert cut by an outage had committed; answering as saved")
                positions = landed
            self._committed(stored_events, positions)
            return positions
        raise AssertionError("unreachable")  # pragma: no cover

    def _insert_once(
        self,
        batch: Sequence[Any],
        keys: tuple[list[UUID], list[bytes]],
        relied: tuple[list[UUID], list[int]],
    ) -> list[int]:
        with self.datastore.get_connection() as conn:
            try:
                curs = self._cursor(conn)
                curs.execute(self.insert_chained_statement, (batch, *keys, *relied), prepare=True)
                return [int(row[0]) for row in curs.fetchall()]
            except psycopg.errors.UniqueViolation:
                raise  # refused whole, in autocommit: the connection is clean and idle
            except psycopg.DatabaseError as error:
                if error.sqlstate != STALE_SQLSTATE:
                    conn.close()
                    raise
                raise StaleRecordError() from None  # refused whole: the connection is clean
            except BaseException:
                # Whatever else went wrong (a lost server, a cancelled statement, a client-side
                # error), nobody knows what state the session is in: discard it.
                conn.close()
                raise

    def _cursor(self, conn: psycopg.Connection[Any]) -> psycopg.Cursor[TupleRow]:
        """The insert's cursor on ``conn``, made on first use. A pooled connection is used by
        one thread at a time, and so is its cursor. Cursors of connections closed since (by us
        after a failure, or by the pool) are dropped when a new connection's is made."""
        curs = self._cursors.get(conn)
        if curs is None or curs.closed:
            curs = conn.cursor(row_factory=tuple_row)
            with self._cursors_lock:
                for gone in [c for c in self._cursors if c.closed]:
                    del self._cursors[gone]
                self._cursors[conn] = curs
        return curs

    def landed(self, stored_events: Sequence[StoredEvent]) -> list[int] | None:
        """The positions of ``stored_events`` when the store holds exactly them, else None."""
        stored: dict[tuple[str, int], Mapping[str, Any]] = {}
        owners = {canonical_id(e.originator_id) for e in stored_events}
        ids = [self._id_param(owner) for owner in sorted(owners)]
        for row in self._fetch(
            f"SELECT notification_id, originator_id, originator_version, topic, state"
            f" FROM {self.events_table_sql} WHERE originator_id = ANY(%s)",
            (ids,),
        ):
            stored[(canonical_id(row["originator_id"]), int(row["originator_version"]))] = row
        positions = []
        for event in stored_events:
            mine = stored.get((canonical_id(event.originator_id), event.originator_version))
            if mine is None or mine["topic"] != event.topic or bytes(mine["state"]) != event.state:
                return None
            positions.append(int(mine["notification_id"]))
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

