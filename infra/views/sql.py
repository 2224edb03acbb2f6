"""Row operations in SQL, shared by the SQLite and PostgreSQL view stores.

Both databases accept the same statements here (double-quoted names, ``INSERT … ON CONFLICT``
with ``excluded``); only the parameter marker and the column types differ. Table and column names
were checked against ``[a-z][a-z0-9_]*`` by the table spec, so quoting them is enough.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from projections.base import ColumnType, Key, Projection, Row, Table
from projections.store import EventAt, RowOpsBase, run_handlers
from projections.values import Stored, decode_row, encode, encode_row

VIEW_PREFIX = "view_"
NEXT_SUFFIX = "__next"
"""What a table being rebuilt beside the serving one adds to its name."""
MAX_NAME = 63


class Cursor(Protocol):
    def execute(self, query: Any, params: Any = ..., /) -> Any: ...

    def executemany(self, query: Any, params_seq: Any, /) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    @property
    def description(self) -> Any: ...


TableName = Callable[[Table], str]
"""The quoted SQL name a table spec lives under: ``view_table`` for the serving view, another
for a view being rebuilt beside it."""


def view_table(table: Table) -> str:
    return f'"{VIEW_PREFIX}{table.name}"'


def create_table_sql(
    table: Table, types: dict[ColumnType, str], name: TableName = view_table
) -> str:
    columns = [
        f'"{c.name}" {types[c.type]}' + (" NOT NULL" if c.name in table.key else "")
        for c in table.columns
    ]
    key = ", ".join(f'"{k}"' for k in table.key)
    columns.append(f"PRIMARY KEY ({key})")
    return f"CREATE TABLE IF NOT EXISTS {name(table)} ({', '.join(columns)})"


def create_index_sql(table: Table, name: TableName = view_table) -> list[str]:
    """The table's secondary indexes (what its reads filter and order by), made if missing.

    Each index is named after the table it is made on, so a rebuild's next table gets its own
    indexes and switching renames them with the table (the store's ``_rename``: every name
    holding the built table's name). Whether a name is shortened is decided on the longer,
    rebuilt name, so the serving and built names of one index always correspond.
    """
    table_name = name(table).strip('"')
    statements = []
    for columns in table.indexes:
        suffix = "_".join(columns)
        longest = f"{VIEW_PREFIX}{table.name}{NEXT_SUFFIX}__{suffix}"
        if len(longest) > MAX_NAME:  # PostgreSQL cuts longer names, which could then collide
            suffix = hashlib.sha1(suffix.encode()).hexdigest()[:8]
        index = f"{table_name}__{suffix}"
        listed = ", ".join(f'"{table.column(c).name}"' for c in columns)
        statements.append(f'CREATE INDEX IF NOT EXISTS "{index}" ON {name(table)} ({listed})')
    return statements


def select_sql(table: Table, name: TableName = view_table) -> str:
    columns = ", ".join(f'"{c.name}"' for c in table.columns)
    return f"SELECT {columns} FROM {name(table)}"


def order_sql(table: Table) -> str:
    return " ORDER BY " + ", ".join(f'"{k}"' for k in table.key)


StoredKey = tuple[Stored, ...]
Fetched = dict[str, dict[StoredKey, dict[str, Stored] | None]]
"""Rows in stored form by table and key, as the table holds them (None: no such row)."""


class _TableBuffer:
    """What a batch knows about one table's rows, in stored form, keyed by the stored key.

    ``known`` holds rows whose every column is known (read from the table, or deleted: None);
    ``blind`` holds columns written onto a row never read, whose other columns only the table
    knows. ``dirty`` keys are written back at the end of the batch.
    """

    def __init__(self) -> None:
        self.known: dict[StoredKey, dict[str, Stored] | None] = {}
        self.blind: dict[StoredKey, dict[str, Stored]] = {}
        self.dirty: dict[StoredKey, None] = {}  # insertion-ordered set


class SqlViewTx(RowOpsBase):
    """``ViewTx`` over a cursor inside the batch's transaction, writing behind.

    Handlers read and update the same rows many times in a batch (a case's row once per event,
    a unit's counter once per enrolment). Each row is read from the table at most once per
    batch; every change stays in memory until ``flush()``, which writes each changed row once,
    one ``executemany`` per table and shape, still inside the batch's transaction: the rows
    and the position commit together exactly as before, with a round trip per row rather than
    several per event.
    """

    def __init__(
        self, projection: Projection, cursor: Cursor, marker: str, name: TableName = view_table,
        *, fetched: Fetched | None = None,
        offline: bool = False,
    ) -> None:
        super().__init__(projection)
        self.cursor, self.marker, self.name = cursor, marker, name
        self._buffers: dict[str, _TableBuffer] = {t.name: _TableBuffer() for t in projection.tables}
        self.offline = offline
        """Answer reads only from ``fetched`` (rows read before, None for absent ones) and note
        the keys it lacks in ``missing``, instead of asking the table."""
        self.missing: dict[str, dict[StoredKey, None]] = {t.name: {} for t in projection.tables}
        self._fetched = fetched if fetched is not None else {}

    def _key(self, spec: Table, key: Key) -> StoredKey:
        values = spec.key_values(key)
        return tuple(encode(spec.column(k), v) for k, v in zip(spec.key, values, strict=True))

    def _where(self, spec: Table, equals: dict[str, Any]) -> tuple[str, list[Any]]:
        clauses, params = [], []
        for name, value in encode_row(spec, equals).items():
            if value is None:
                clauses.append(f'"{name}" IS NULL')
            else:
                clauses.append(f'"{name}" = {self.marker}')
                params.append(value)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def _read(self, spec: Table, key: StoredKey) -> dict[str, Stored] | None:
        clauses = " AND ".join(f'"{k}" = {self.marker}' for k in spec.key)
        self.cursor.execute(f"{select_sql(spec, self.name)} WHERE {clauses}", list(key))
        found = self.cursor.fetchone()
        if found is None:
            return None
        return dict(zip([c.name for c in spec.columns], found, strict=True))

    def _read_many(self, spec: Table, keys: list[StoredKey]) -> list[dict[str, Stored]]:
        one = "(" + ", ".join(self.marker for _ in spec.key) + ")"
        columns = "(" + ", ".join(f'"{k}"' for k in spec.key) + ")"
        self.cursor.execute(
            f"{select_sql(spec, self.name)} WHERE {columns} IN ({', '.join(one for _ in keys)})",
            [value for key in keys for value in key],
        )
        names = [c.name for c in spec.columns]
        return [dict(zip(names, found, strict=True)) for found in self.cursor.fetchall()]

    def get(self, table: str, key: Key) -> Row | None:
        spec = self.projection.table(table)
        stored = self._known(spec, self._key(spec, key))
        return None if stored is None else decode_row(spec, stored)

    def _lookup(self, table: str, key: StoredKey) -> tuple[bool, dict[str, Stored] | None]:
        """Whether the row's whole state is known (this batch's, or fetched), and that state."""
        buffer = self._buffers[table]
        if key in buffer.known:
            return True, buffer.known[key]
        fetched = self._fetched.get(table)
        if fetched is not None and key in fetched:
            return True, fetched[key]
        return False, None

    def _known(self, spec: Table, key: StoredKey) -> dict[str, Stored] | None:
        buffer = self._buffers[spec.name]
        found, row = self._lookup(spec.name, key)
        if found:
            return row
        if self.offline:
            self.missing[spec.name][key] = None
            return None
        stored = self._read(spec, key)
        blind = buffer.blind.pop(key, None)
        if blind is not None:
            stored = {**(stored or _empty(spec)), **blind}
        buffer.known[key] = stored
        return stored

    def upsert(self, table: str, row: Row) -> None:
        spec = self.projection.table(table)
        spec.key_values(row)  # a row without its whole key is a programming error
        stored = encode_row(spec, row)
        key = tuple(stored[k] for k in spec.key)
        buffer = self._buffers[table]
        found, base = self._lookup(table, key)
        if found:
            buffer.known[key] = {**(base or _empty(spec)), **stored}
        else:
            buffer.blind[key] = {**buffer.blind.get(key, {}), **stored}
        buffer.dirty[key] = None

    def delete(self, table: str, key: Key) -> None:
        spec = self.projection.table(table)
        stored_key = self._key(spec, key)
        buffer = self._buffers[table]
        buffer.blind.pop(stored_key, None)
        buffer.known[stored_key] = None
        buffer.dirty[stored_key] = None

    def select(self, table: str, **equals: Any) -> list[Row]:
        # Rare in handlers: write what is pending, then let the table answer.
        if self.offline:
            raise _NeedsTableError
        self.flush()
        spec = self.projection.table(table)
        where, params = self._where(spec, equals)
        self.cursor.execute(select_sql(spec, self.name) + where + order_sql(spec), params)
        return [self._decode(spec, found) for found in self.cursor.fetchall()]

    def flush(self) -> None:
        """Write every changed row once: deletes, then upserts grouped by the columns they set."""
        for spec in self.projection.tables:
            buffer = self._buffers[spec.name]
            if not buffer.dirty:
                continue
            deleted: list[StoredKey] = []
            shapes: dict[tuple[str, ...], list[list[Stored]]] = {}
            for key in buffer.dirty:
                row = buffer.known[key] if key in buffer.known else buffer.blind[key]
                if row is None:
                    deleted.append(key)
                    continue
                names = tuple(row)
                shapes.setdefault(names, []).append([row[n] for n in names])
            if deleted:
                clauses = " AND ".join(f'"{k}" = {self.marker}' for k in spec.key)
                self.cursor.executemany(
                    f"DELETE FROM {self.name(spec)} WHERE {clauses}", [list(k) for k in deleted]
                )
            for names, rows in shapes.items():
                self.cursor.executemany(self._upsert_sql(spec, names), rows)
            buffer.dirty.clear()

    def _upsert_sql(self, spec: Table, names: tuple[str, ...]) -> str:
        columns = ", ".join(f'"{n}"' for n in names)
        markers = ", ".join(self.marker for _ in names)
        updates = [f'"{n}" = excluded."{n}"' for n in names if n not in spec.key]
        key = ", ".join(f'"{k}"' for k in spec.key)
        action = f"DO UPDATE SET {', '.join(updates)}" if updates else "DO NOTHING"
        return (f"INSERT INTO {self.name(spec)} ({columns}) VALUES ({markers})"
                f" ON CONFLICT ({key}) {action}")

    @staticmethod
    def _decode(spec: Table, found: Any) -> Row:
        return decode_row(spec, dict(zip([c.name for c in spec.columns], found, strict=True)))


PREFETCH_CHUNK = 500
"""Keys per read of many rows: well within both databases' limits on parameters."""
OFFLINE_PASSES = 4
"""Dry runs of a batch before falling back to reading rows one at a time."""


class _NeedsTableError(Exception):
    """A handler asked for something only the table can answer (``select``)."""


def _fetch(
    tx: SqlViewTx, fetched: Fetched
) -> None:
    """Read the rows ``tx`` missed, one query per table and chunk, into ``fetched``."""
    for spec in tx.projection.tables:
        keys = list(tx.missing[spec.name])
        into = fetched.setdefault(spec.name, {})
        for start in range(0, len(keys), PREFETCH_CHUNK):
            chunk = keys[start:start + PREFETCH_CHUNK]
            into.update(dict.fromkeys(chunk))
            for row in tx._read_many(spec, chunk):
                into[tuple(row[k] for k in spec.key)] = row


def _empty(spec: Table) -> dict[str, Stored]:
    return {c.name: None for c in spec.columns}


def apply_events(
    projection: Projection, cursor: Cursor, marker: str, events: Sequence[EventAt],
    name: TableName = view_table, *, warm: Fetched | None = None,
) -> Fetched:
    """Run the handlers for ``events`` and write what they changed, each row once, on
    ``cursor`` (the caller's transaction). Returns every row whose state the batch knows when
    it ends (what it read and what it wrote).

    The batch is first run *dry*: reads are answered from rows already fetched, and a row not
    fetched yet is noted and taken as absent. If anything was missing, those rows are read in
    one query per table and the batch runs again from the start (a handler's later reads may
    depend on what the earlier ones found). A run that missed nothing is exactly the run with
    every read on the table, and it is the one written. Handlers are pure, so running them
    again costs time only; after a few runs, the batch runs reading rows as it goes.

    ``warm`` is what the previous batch returned, when the caller knows nobody has written the
    tables since (it committed, and the position is still where it left it): rows known there
    need not be read again.
    """
    fetched: Fetched = warm if warm is not None else {}
    for _ in range(OFFLINE_PASSES):
        tx = SqlViewTx(projection, cursor, marker, name, fetched=fetched, offline=True)
        failed = False
        for position, event in events:
            tx.position = position
            try:
                projection.handle(event, tx)
            except Exception:  # on rows taken as absent, or a real failure: the last run says
                failed = True
        if not any(tx.missing.values()):
            if failed:
                break  # nothing was missing: run it again below to report the failure
            return _written(tx, fetched)
        _fetch(tx, fetched)
    tx = SqlViewTx(projection, cursor, marker, name, fetched=fetched)
    run_handlers(projection, tx, events)
    return _written(tx, fetched)


def _written(tx: SqlViewTx, fetched: Fetched) -> Fetched:
    """Write the batch; what the tables hold now, as far as the batch knows it."""
    tx.flush()
    for table, buffer in tx._buffers.items():
        known = fetched.setdefault(table, {})
        known.update(buffer.known)
        for key in buffer.blind:  # written in part: the rest of the row is not known here
            known.pop(key, None)
    return fetched
