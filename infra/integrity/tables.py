"""The SQL of the chain, written once for both backends: append, adopt, and read back.

The chained recorders mix this in and say how their SQL differs (placeholder, position
column, table names). Appending runs on the cursor of the transaction that inserts the events,
after the insert, so the chain rows commit or roll back with the events.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent

from infra.integrity.chain import ChainRow, EventRow, canonical_id, link
from infra.integrity.standalone import CHECKPOINT_TOPIC

CommitListener = Callable[[Sequence[StoredEvent], Sequence[int]], None]
"""Called after a commit with the events stored and their positions (see checkpoints.py)."""

logger = logging.getLogger(__name__)


class ChainTables:
    """Chain writes and reads over the events table and ``event_hashes``."""

    param: str = "?"
    position_column: str = "rowid"
    events_table_sql: str = "stored_events"
    hashes_table_sql: str = "event_hashes"

    commit_listener: CommitListener | None = None
    adopted: int | None = None
    """How many existing events were chained when the chain table was created here."""

    def _fetch(self, statement: str, params: Sequence[Any]) -> list[Mapping[str, Any]]:
        raise NotImplementedError

    def _append_chain(
        self, cursor: Any, stored_events: Sequence[StoredEvent], positions: Sequence[int]
    ) -> None:
        """Insert the chain rows of events just inserted on ``cursor``'s open transaction.

        The caller holds the store's write lock (SQLite's write transaction, PostgreSQL's
        table lock), so the ends of the chains read here are still the ends when we insert.
        """
        ends: dict[str | None, bytes] = {}
        last_entry: tuple[str, int] | None = None
        for owner, statement, params in self._chain_ends(stored_events):
            cursor.execute(statement, params)
            row = cursor.fetchone()
            if row is not None:
                ends[owner] = bytes(row["h"])
                if owner is None:
                    last_entry = (str(row["o"]), int(row["v"]))
        rows = link(stored_events, positions, ends.get, ends.get(None), last_entry)
        self._insert_chain_rows(cursor, rows)

    def _chain_ends(
        self, stored_events: Sequence[StoredEvent]
    ) -> list[tuple[str | None, str, tuple[Any, ...]]]:
        """The reads that find the ends of the chains a batch continues.

        Each is (record id, or None for the log chain; statement; parameters) and selects one
        hash as ``h``. A record whose first event in the batch is version 1 starts a chain.
        """
        table, mark = self.hashes_table_sql, self.param
        reads: list[tuple[str | None, str, tuple[Any, ...]]] = [
            (
                None,
                f"SELECT global_hash AS h, originator_id AS o, originator_version AS v"
                f" FROM {table} ORDER BY notification_id DESC LIMIT 1",
                (),
            )
        ]
        seen: set[str] = set()
        for event in stored_events:
            owner = canonical_id(event.originator_id)
            if owner in seen:
                continue
            seen.add(owner)
            if event.originator_version > 1:
                statement = (
                    f"SELECT aggregate_hash AS h FROM {table} WHERE originator_id = {mark}"
                    " ORDER BY originator_version DESC LIMIT 1"
                )
                reads.append((owner, statement, (owner,)))
        return reads

    def _insert_chain_rows(self, cursor: Any, rows: Sequence[ChainRow]) -> None:
        marks = ", ".join([self.param] * 7)
        cursor.executemany(
            f"INSERT INTO {self.hashes_table_sql} (notification_id, originator_id,"
            " originator_version, aggregate_hash, global_hash, previous_id, previous_version)"
            f" VALUES ({marks})",
            [
                (
                    r.position,
                    r.originator_id,
                    r.version,
                    r.aggregate_hash,
                    r.global_hash,
                    r.previous_id,
                    r.previous_version,
                )
                for r in rows
            ],
        )

    def _adopt(self, cursor: Any) -> int | None:
        """Chain the events a store already holds when its chain table is first created.

        Refused when the store holds checkpoints: they prove a chain existed, so an empty
        chain table means it was removed, and re-chaining would hide that.
        """
        cursor.execute(f"SELECT COUNT(*) AS n FROM {self.hashes_table_sql}")
        if cursor.fetchone()["n"]:
            return None
        cursor.execute(
            f"SELECT COUNT(*) AS n FROM {self.events_table_sql} WHERE topic = {self.param}",
            (CHECKPOINT_TOPIC,),
        )
        if cursor.fetchone()["n"]:
            logger.warning("the store holds checkpoints but no hash chain; not re-chaining it")
            return None
        cursor.execute(
            f"SELECT {self.position_column} AS position, originator_id, originator_version,"
            f" topic, state FROM {self.events_table_sql} ORDER BY {self.position_column}"
        )
        found = cursor.fetchall()
        events = [
            StoredEvent(
                canonical_id(r["originator_id"]),
                int(r["originator_version"]),
                str(r["topic"]),
                bytes(r["state"]),
            )
            for r in found
        ]
        self._insert_chain_rows(
            cursor, link(events, [int(r["position"]) for r in found], lambda _: None, None)
        )
        return len(events)

    def _committed(self, stored_events: Sequence[StoredEvent], positions: Sequence[int]) -> None:
        listener = self.commit_listener
        if listener is None or not positions:
            return
        try:
            listener(stored_events, positions)
        except Exception:
            # The events are committed; a failed follow-up (a checkpoint) must not make the
            # caller believe its command failed.
            logger.exception("after-commit follow-up failed at position %s", max(positions))

    def _id_param(self, originator_id: str) -> Any:
        return originator_id

    def bounds(self) -> tuple[int, int]:
        """The last event position and the last chained position (0 when there are none)."""
        row = self._fetch(
            f"SELECT (SELECT MAX({self.position_column}) FROM {self.events_table_sql}) AS e,"
            f" (SELECT MAX(notification_id) FROM {self.hashes_table_sql}) AS h",
            (),
        )[0]
        return int(row["e"] or 0), int(row["h"] or 0)

    def event_rows(self, after: int, upto: int, limit: int) -> list[EventRow]:
        column, mark = self.position_column, self.param
        return self._events(
            f"WHERE {column} > {mark} AND {column} <= {mark} ORDER BY {column} LIMIT {mark}",
            (after, upto, limit),
        )

    def chain_rows(self, after: int, upto: int, limit: int | None = None) -> list[ChainRow]:
        clause = f"WHERE notification_id > {self.param} AND notification_id <= {self.param}"
        clause += " ORDER BY notification_id"
        if limit is None:
            return self._chain(clause, (after, upto))
        return self._chain(f"{clause} LIMIT {self.param}", (after, upto, limit))

    def aggregate_event_rows(self, originator_id: str) -> list[EventRow]:
        return self._events(
            f"WHERE originator_id = {self.param} ORDER BY originator_version",
            (self._id_param(originator_id),),
        )

    def aggregate_chain_rows(self, originator_id: str) -> list[ChainRow]:
        return self._chain(
            f"WHERE originator_id = {self.param} ORDER BY originator_version", (originator_id,)
        )

    def chain_row_at(self, position: int) -> ChainRow | None:
        rows = self.chain_rows(position - 1, position)
        return rows[0] if rows else None

    def head(self) -> ChainRow | None:
        """The last chained position."""
        return self.chain_row_at(self.bounds()[1])

    def chain_row_before(self, position: int) -> ChainRow | None:
        rows = self._chain(
            f"WHERE notification_id < {self.param} ORDER BY notification_id DESC LIMIT 1",
            (position,),
        )
        return rows[0] if rows else None

    def event_rows_of_topic(self, topic: str) -> list[EventRow]:
        return self._events(f"WHERE topic = {self.param} ORDER BY {self.position_column}", (topic,))

    def _events(self, clause: str, params: Sequence[Any]) -> list[EventRow]:
        statement = (
            f"SELECT {self.position_column} AS position, originator_id, originator_version,"
            f" topic, state FROM {self.events_table_sql} {clause}"
        )
        return [
            EventRow(
                int(row["position"]),
                canonical_id(row["originator_id"]),
                int(row["originator_version"]),
                str(row["topic"]),
                bytes(row["state"]),
            )
            for row in self._fetch(statement, params)
        ]

    def _chain(self, clause: str, params: Sequence[Any]) -> list[ChainRow]:
        statement = (
            "SELECT notification_id, originator_id, originator_version, aggregate_hash,"
            f" global_hash, previous_id, previous_version FROM {self.hashes_table_sql} {clause}"
        )
        return [
            ChainRow(
                int(row["notification_id"]),
                str(row["originator_id"]),
                int(row["originator_version"]),
                bytes(row["aggregate_hash"]),
                bytes(row["global_hash"]),
                None if row["previous_id"] is None else str(row["previous_id"]),
                None if row["previous_version"] is None else int(row["previous_version"]),
            )
            for row in self._fetch(statement, params)
        ]

    def chain_row_naming(self, originator_id: str, after_version: int) -> ChainRow | None:
        """The first chain entry that follows a version of the record later than
        ``after_version``: evidence of an event of the record the store may no longer hold."""
        rows = self._chain(
            f"WHERE previous_id = {self.param} AND previous_version > {self.param}"
            " ORDER BY previous_version LIMIT 1",
            (originator_id, after_version),
        )
        return rows[0] if rows else None


class NoChainError(Exception):
    """The store keeps no hash chain (the in-memory store, or a recorder not installed)."""


def chain_of(recorder: object) -> ChainTables:
    """The chained recorder behind an application's ``recorder``, or NoChainError."""
    if not isinstance(recorder, ChainTables):
        raise NoChainError(
            f"this store ({type(recorder).__name__}) keeps no hash chain; integrity checks need"
            " the SQLite or PostgreSQL store opened through the composition root"
        )
    return recorder
