"""Whether the store holds events of some records past the versions a process keeps of them.

Authentication asks this on every request of a token and of its user. On PostgreSQL both
questions go in one statement, one round trip (each an indexed look that usually finds no
row); elsewhere each is the recorder's own ``select_events``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from uuid import UUID

from eventsourcing.persistence import AggregateRecorder, InterfaceError, OperationalError
from eventsourcing.postgres import PostgresAggregateRecorder
from eventsourcing.utils import retry
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Composed, Identifier

Kept = tuple[UUID, int]
"""A record's id and the version kept of it."""


def moved_on(recorder: AggregateRecorder, records: Sequence[Kept]) -> list[bool]:
    """Per record, whether the store holds an event of it past the kept version."""
    if isinstance(recorder, PostgresAggregateRecorder) and len(records) > 1:
        found: list[bool] = _moved_on_at_once(recorder, records)
        return found
    return [bool(recorder.select_events(i, gt=version, limit=1)) for i, version in records]


# The same retries as the recorder's own reads: a connection the server dropped is replaced.
@retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
def _moved_on_at_once(recorder: PostgresAggregateRecorder, records: Sequence[Kept]) -> list[bool]:
    statement = _statement(recorder.datastore.schema, recorder.events_table_name, len(records))
    params = [value for record in records for value in record]
    with recorder.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
        curs.execute(statement, params, prepare=True)
        found = curs.fetchone()
    assert found is not None
    return [bool(value) for value in found]


@cache
def _statement(schema: str, table: str, count: int) -> Composed:
    look = SQL(
        "EXISTS (SELECT 1 FROM {table} WHERE originator_id = %s AND originator_version > %s)"
    ).format(table=Identifier(schema, table))
    return SQL("SELECT ") + SQL(", ").join([look] * count)
