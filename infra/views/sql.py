"""Row operations in SQL, shared by the SQLite and PostgreSQL view stores.

Both databases accept the same statements here (double-quoted names, ``INSERT … ON CONFLICT``
with ``excluded``); only the parameter marker and the column types differ. Table and column names
were checked against ``[a-z][a-z0-9_]*`` by the table spec, so quoting them is enough.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any, Protocol, cast
from uuid import UUID

from infra.views.known import Held, Known, StoredKey
from projections.base import ColumnType, Key, Projection, Row, Table
from projections.store import EventAt, RowOpsBase, run_handlers
from projections.values import (
    Stored,
    decode_row,
    decoded_from_held,
    encode,
    encode_row,
    held_from_stored,
    hold_row,
    stored_from_held,
    uuid_text,
)

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


class BulkUpsert(Protocol):
    """Writes many rows of one shape at once, where the database has a faster way than one
    statement per row: ``names`` of ``spec`` into ``table`` (quoted), ``conflict`` the upsert's
    ``ON CONFLICT`` clause, or None for rows the table does not hold, inserted as they are."""

    def __call__(
        self, cursor: Cursor, rows: list[list[Stored]], /, *, spec: Table, table: str,
        names: tuple[str, ...], conflict: str | None,
    ) -> None: ...


BULK_ROWS = 100
"""Rows of one shape from which a flush hands them to the store's ``BulkUpsert``, if any."""

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

    Every index ends with the table's key. A page is ordered by a column and then the key
    (``page_sql``), and many rows share an order value (every case due at the close of one
    working day): an index without the key served the column alone, so the database read
    and sorted the whole group of equal values for each page, and a keyset could not start
    inside it. With the key the page is one index range, read only as far as the page.

    Each index is named after the table it is made on and its columns, so a rebuild's next
    table gets its own indexes and switching renames them with the table (the store's
    ``_rename``: every name holding the built table's name), and a changed index gets a new
    name (the store drops the ones its definition no longer names, ``ViewStore.ensure``).
    Whether a name is shortened is decided on the longer, rebuilt name, so the serving and
    built names of one index always correspond.
    """
    return [sql for _, sql in _index_definitions(table, name)]


def index_names(table: Table, name: TableName = view_table) -> set[str]:
    """The names of the indexes ``create_index_sql`` makes."""
    return {index for index, _ in _index_definitions(table, name)}


def _index_definitions(table: Table, name: TableName) -> list[tuple[str, str]]:
    table_name = name(table).strip('"')
    statements = []
    for declared in table.indexes:
        columns = (*declared, *(k for k in table.key if k not in declared))
        suffix = "_".join(columns)
        longest = f"{VIEW_PREFIX}{table.name}{NEXT_SUFFIX}__{suffix}"
        if len(longest) > MAX_NAME:  # PostgreSQL cuts longer names, which could then collide
            suffix = hashlib.sha1(suffix.encode()).hexdigest()[:8]
        index = f"{table_name}__{suffix}"
        listed = ", ".join(f'"{table.column(c).name}"' for c in columns)
        statements.append(
            (index, f'CREATE INDEX IF NOT EXISTS "{index}" ON {name(table)} ({listed})')
        )
    return statements


def select_sql(table: Table, name: TableName = view_table) -> str:
    columns = ", ".join(f'"{c.name}"' for c in table.columns)
    return f"SELECT {columns} FROM {name(table)}"


def order_sql(table: Table) -> str:
    return " ORDER BY " + ", ".join(f'"{k}"' for k in table.key)


class _TableBuffer:
    """What a batch knows about one table's rows, held (``projections.values.hold``) and keyed
    by the stored key.

    ``known`` holds rows whose every column is known (read from the table, or deleted: None);
    ``blind`` holds columns written onto a row never read, whose other columns only the table
    knows. ``dirty`` keys are written back at the end of the batch; ``new`` ones among them
    are rows the table does not hold.
    """

    def __init__(self) -> None:
        self.known: dict[StoredKey, Held | None] = {}
        self.blind: dict[StoredKey, Held] = {}
        self.dirty: dict[StoredKey, None] = {}  # insertion-ordered set
        self.new: set[StoredKey] = set()


class SqlViewTx(RowOpsBase):
    """``ViewTx`` over a cursor inside the batch's transaction, writing behind.

    Handlers read and update the same rows many times in a batch (a case's row once per event,
    a unit's counter once per enrolment). Each row is read from the table at most once per
    batch; every change stays in memory until ``flush()``, which writes each changed row once,
    one ``executemany`` per table and shape, still inside the batch's transaction: the rows
    and the position commit together exactly as before, with a round trip per row rather than
    several per event.

    Rows are kept *held*: checked and converted once when a handler writes them, and turned into
    their stored form only when written to the table, so a row read and updated for every event
    of a batch is not encoded and decoded each time.
    """

    def __init__(
        self, projection: Projection, cursor: Cursor, marker: str, name: TableName = view_table,
        *, known: Known | None = None, offline: bool = False, bulk: BulkUpsert | None = None,
    ) -> None:
        super().__init__(projection)
        self.cursor, self.marker, self.name = cursor, marker, name
        self.bulk = bulk
        self._specs = {t.name: t for t in projection.tables}
        self._buffers: dict[str, _TableBuffer] = {t: _TableBuffer() for t in self._specs}
        self.offline = offline
        """Answer reads only from ``known`` and note the keys it lacks in ``missing``, instead
        of asking the table."""
        self.missing: dict[str, dict[StoredKey, None]] = {t: {} for t in self._specs}
        self.known = known if known is not None else Known(self._specs, complete=False)
        self._empty = {t.name: _empty(t) for t in projection.tables}
        """Each table's row of nulls, copied for a row the batch creates."""
        self._answers: dict[tuple[str, tuple[Any, ...]], list[Any]] = {}
        """What the tables answered to ``select`` since the batch last wrote."""

    def _spec(self, table: str) -> Table:
        spec = self._specs.get(table)
        return spec if spec is not None else self.projection.table(table)  # raises

    def _table(self, table: str) -> Table:
        return self._specs.get(table) or self._spec(table)

    def _where(self, spec: Table, equals: dict[str, Any]) -> tuple[str, list[Any]]:
        clauses, params = [], []
        for name, value in encode_row(spec, equals).items():
            if value is None:
                clauses.append(f'"{name}" IS NULL')
            else:
                clauses.append(f'"{name}" = {self.marker}')
                params.append(value)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def _read(self, spec: Table, key: StoredKey) -> Held | None:
        clauses = " AND ".join(f'"{k}" = {self.marker}' for k in spec.key)
        self.cursor.execute(f"{select_sql(spec, self.name)} WHERE {clauses}", list(key))
        found = self.cursor.fetchone()
        if found is None:
            return None
        return held_from_stored(spec, dict(zip([c.name for c in spec.columns], found, strict=True)))

    def _read_many(self, spec: Table, keys: list[StoredKey]) -> list[Held]:
        one = "(" + ", ".join(self.marker for _ in spec.key) + ")"
        columns = "(" + ", ".join(f'"{k}"' for k in spec.key) + ")"
        self.cursor.execute(
            f"{select_sql(spec, self.name)} WHERE {columns} IN ({', '.join(one for _ in keys)})",
            [value for key in keys for value in key],
        )
        names = [c.name for c in spec.columns]
        return [held_from_stored(spec, dict(zip(names, found, strict=True)))
                for found in self.cursor.fetchall()]

    def get(self, table: str, key: Key) -> Row | None:
        spec = self._table(table)
        stored = given_key(spec, key)
        # A row this batch holds already, without ``_known``'s calls: most reads of a replay.
        held = self._buffers[table].known.get(stored, _UNKNOWN)
        if held is _UNKNOWN:
            held = self._known(spec, stored)
        return None if held is None else decoded_from_held(spec, held)

    def _lookup(self, table: str, key: StoredKey) -> tuple[bool, Held | None]:
        """Whether the row's whole state is known (this batch's, or before), and that state."""
        buffer = self._buffers[table]
        if key in buffer.known:
            return True, buffer.known[key]
        return self.known.lookup(table, key)

    def _known(self, spec: Table, key: StoredKey) -> Held | None:
        buffer = self._buffers[spec.name]
        found, row = self._lookup(spec.name, key)
        if found:
            return row
        if self.offline:
            self.missing[spec.name][key] = None
            return None
        held = self._read(spec, key)
        blind = buffer.blind.pop(key, None)
        if blind is not None:
            held = {**(held or self._empty[spec.name]), **blind}
        buffer.known[key] = held
        return held

    def upsert(self, table: str, row: Row) -> None:
        spec = self._table(table)
        held = hold_row(spec, row)
        key = given_key(spec, held)  # a row without its whole key: an error
        buffer = self._buffers[table]
        mine = buffer.known.get(key)
        if mine is not None:
            # A row this batch made (read, or written before): changed where it is. Rows
            # known from before the batch are shared with the store, and copied first.
            mine.update(held)
            buffer.dirty[key] = None
            return
        found, base = self._lookup(table, key)
        if found:
            if base is None:
                # Absent from the table (read so, or known), so new to it; except a row this
                # batch deleted and the flush has yet to delete: the table still holds it.
                if key not in buffer.dirty:
                    buffer.new.add(key)
                base = self._empty[table]
            buffer.known[key] = {**base, **held}
        else:
            buffer.blind[key] = {**buffer.blind.get(key, {}), **held}
        buffer.dirty[key] = None

    def delete(self, table: str, key: Key) -> None:
        stored = given_key(self._table(table), key)
        buffer = self._buffers[table]
        buffer.blind.pop(stored, None)
        if stored in buffer.new or (
            stored not in buffer.dirty and self._lookup(table, stored) == (True, None)
        ):
            # The table does not hold the row (this batch made it, or it was known absent):
            # nothing to delete. A rebuild's counters come and go within a batch by the
            # hundred thousand, and each was a statement.
            buffer.new.discard(stored)
            buffer.dirty.pop(stored, None)
        else:
            buffer.dirty[stored] = None
        buffer.known[stored] = None

    def select(self, table: str, **equals: Any) -> list[Row]:
        """The table answers, as it stands with what the batch has not written yet.

        A handler selecting once per event (the people to notify of each answered case) used
        to write the whole batch's pending rows first, every time. Now the table answers as it
        stands, which is the answer unless a row the batch has not written is among the rows
        found or would match in its new state; only then is the batch written and the table
        asked again. The same question is asked of the table once until the batch writes.
        """
        if self.offline:
            raise _NeedsTableError
        spec = self._spec(table)
        where, params = self._where(spec, equals)
        sql = select_sql(spec, self.name) + where + order_sql(spec)
        rows = [self._decode(spec, found) for found in self._answer(sql, params)]
        if self._pending_in(spec, equals, rows):
            self.flush()
            rows = [self._decode(spec, found) for found in self._answer(sql, params)]
        return rows

    def _answer(self, sql: str, params: list[Any]) -> list[Any]:
        """The table's answer, asked once until the batch next writes: only the batch, which
        holds the position's lock, writes these tables meanwhile."""
        asked = (sql, tuple(params))
        found = self._answers.get(asked)
        if found is None:
            self.cursor.execute(sql, params)
            found = self._answers[asked] = self.cursor.fetchall()
        return found

    def _pending_in(self, spec: Table, equals: dict[str, Any], rows: list[Row]) -> bool:
        """Whether a row of ``spec`` not written yet is among ``rows`` or matches ``equals``."""
        buffer = self._buffers[spec.name]
        if not buffer.dirty:
            return False
        found = {stored_key(spec, tuple(row[k] for k in spec.key)) for row in rows}
        wanted = [(spec.column(name), value) for name, value in encode_row(spec, equals).items()]
        for key in buffer.dirty:
            if key in found or key not in buffer.known:  # found, or known in part only
                return True
            row = buffer.known[key]
            if row is not None and all(
                stored_from_held(column, row[column.name]) == value for column, value in wanted
            ):
                return True
        return False

    def flush(self) -> None:
        """Write every changed row once: deletes, then upserts grouped by the columns they set."""
        self._answers.clear()
        for spec in self.projection.tables:
            buffer = self._buffers[spec.name]
            if not buffer.dirty:
                continue
            deleted: list[StoredKey] = []
            # Rows new to the table apart: a bulk write inserts them without an upsert's
            # conflict check (most rows of a rebuild, written once each).
            shapes: dict[tuple[tuple[str, ...], bool], list[Held]] = {}
            new = buffer.new
            # A row with every column (nearly every row known whole) is of the table's shape,
            # told by its length: its columns are picked by name, whatever their order.
            every = spec.column_names
            for key in buffer.dirty:
                row = buffer.known[key] if key in buffer.known else buffer.blind[key]
                if row is None:
                    deleted.append(key)
                    continue
                names = every if len(row) == len(every) else tuple(row)
                shapes.setdefault((names, key in new), []).append(row)
            if deleted:
                clauses = " AND ".join(f'"{k}" = {self.marker}' for k in spec.key)
                self.cursor.executemany(
                    f"DELETE FROM {self.name(spec)} WHERE {clauses}", [list(k) for k in deleted]
                )
            for (names, inserted), rows in shapes.items():
                stored = _stored_rows(spec, names, rows)
                if self.bulk is not None and len(stored) >= BULK_ROWS:
                    conflict = None if inserted else self._conflict_sql(spec, names)
                    self.bulk(self.cursor, stored, spec=spec, table=self.name(spec), names=names,
                              conflict=conflict)
                else:
                    self.cursor.executemany(self._upsert_sql(spec, names), stored)
            buffer.dirty.clear()
            new.clear()

    def _upsert_sql(self, spec: Table, names: tuple[str, ...]) -> str:
        columns = ", ".join(f'"{n}"' for n in names)
        markers = ", ".join(self.marker for _ in names)
        return (f"INSERT INTO {self.name(spec)} ({columns}) VALUES ({markers}) "
                + self._conflict_sql(spec, names))

    @staticmethod
    def _conflict_sql(spec: Table, names: tuple[str, ...]) -> str:
        """An upsert's ``ON CONFLICT`` clause: the columns written replace the stored ones."""
        updates = [f'"{n}" = excluded."{n}"' for n in names if n not in spec.key]
        key = ", ".join(f'"{k}"' for k in spec.key)
        action = f"DO UPDATE SET {', '.join(updates)}" if updates else "DO NOTHING"
        return f"ON CONFLICT ({key}) {action}"

    @staticmethod
    def _decode(spec: Table, found: Any) -> Row:
        return decode_row(spec, dict(zip([c.name for c in spec.columns], found, strict=True)))


def given_key(spec: Table, key: Key) -> StoredKey:
    """The stored form of a key as a handler gives it (``Key``), or of a held row's key.

    The forms a replay gives millions of times are made here without ``Table.key_values``
    and ``stored_key``'s general path: an aggregate's id for a table keyed by it, and a row
    or mapping of text for the others (counters, a case's units).
    """
    if spec.text_key:
        kind, names = type(key), spec.key
        # One and two columns spelt out: a generator or ``map`` costs more than the look-ups.
        if kind is dict:
            if len(names) == 1:
                value = key.get(names[0])
                if type(value) is str:
                    return (value,)
            elif len(names) == 2:
                first, second = key.get(names[0]), key.get(names[1])
                if type(first) is str and type(second) is str:
                    return (first, second)
        elif len(names) == 1:
            if kind is UUID:
                return (uuid_text(key),)
            if kind is str:
                return (key,)
    return stored_key(spec, spec.key_values(key))


def stored_key(spec: Table, values: tuple[Any, ...]) -> StoredKey:
    """A key's stored form, from its values in key order (as given, or held)."""
    as_is = spec.stored_as_is
    if len(values) == 1:  # most keys: no generator for them
        (value,) = values
        (name,) = spec.key
        kind = as_is[name]
        if type(value) is kind:
            return (cast(Stored, value),)
        if kind is str and type(value) is UUID:  # an aggregate's id: most keys handlers give
            return (uuid_text(value),)
        return (encode(spec.column(name), value),)
    if tuple(map(type, values)) == spec.key_stored_as_is:  # the counters' keys: all text
        return cast(StoredKey, tuple(values))
    return tuple(
        cast(Stored, value) if type(value) is as_is[name] else encode(spec.column(name), value)
        for name, value in zip(spec.key, values, strict=True)
    )


def _stored_rows(spec: Table, names: tuple[str, ...], rows: list[Held]) -> list[list[Stored]]:
    """Held rows of one shape as the parameters of their upsert: only timestamps change."""
    stamps = [i for i, name in enumerate(names) if spec.column(name).type == "timestamp"]
    # The values picked in C: a flush writes a case's every column (some fifty) for each
    # case its batch touched.
    if len(names) > 1:
        pick = itemgetter(*names)
        out = [list(pick(row)) for row in rows]
    else:
        out = [[row[names[0]]] for row in rows]
    if stamps:
        texts = _STAMP_TEXTS
        for values in out:
            for i in stamps:
                value = values[i]
                if value is not None:
                    text = texts.get(value)
                    if text is None:
                        text = texts[value] = value.isoformat(timespec="microseconds")
                    values[i] = text
        if len(texts) > STAMP_TEXTS:
            texts.clear()
    return out


STAMP_TEXTS = 100_000
"""Timestamps whose stored text is kept for the next flushes (beyond, they are made again)."""
_STAMP_TEXTS: dict[datetime, str] = {}
"""Held timestamps (all in UTC: equal ones have one text) and their stored text. A case's row
is written whole for every batch that touches it, its times mostly those written before, and
making their text cost more than the rest of the row."""


PREFETCH_CHUNK = 500
"""Keys per read of many rows: well within both databases' limits on parameters."""
OFFLINE_PASSES = 4
"""Dry runs of a batch before falling back to reading rows one at a time."""


class _NeedsTableError(Exception):
    """A handler asked for something only the table can answer (``select``)."""


def _fetch(tx: SqlViewTx, known: Known) -> None:
    """Read the rows ``tx`` missed, one query per table and chunk, into ``known``."""
    for spec in tx.projection.tables:
        keys = list(tx.missing[spec.name])
        for start in range(0, len(keys), PREFETCH_CHUNK):
            chunk = keys[start:start + PREFETCH_CHUNK]
            found: dict[StoredKey, Held | None] = dict.fromkeys(chunk)
            for held in tx._read_many(spec, chunk):
                found[stored_key(spec, tuple(held[k] for k in spec.key))] = held
            for key, row in found.items():
                known.learn(spec.name, key, row)


_UNKNOWN: Any = object()
"""What a batch's rows give for a key they lack (None: a row known absent)."""


def _empty(spec: Table) -> Held:
    return {c.name: None for c in spec.columns}


def apply_events(
    projection: Projection, cursor: Cursor, marker: str, events: Sequence[EventAt],
    name: TableName = view_table, *, known: Known | None = None, bulk: BulkUpsert | None = None,
) -> Known:
    """Run the handlers for ``events`` and write what they changed, each row once, on
    ``cursor`` (the caller's transaction). Returns what the batch knows of the rows when it
    ends (``known``, which it updates: what was read and what was written).

    When ``known`` is complete (``infra.views.known``), the batch runs once: a row asked for is
    known, or known absent, or was let go and is read on its own. Otherwise the batch is first
    run *dry*: reads are answered from rows already known, and a row not known yet is noted and
    taken as absent. If anything was missing, those rows are read in one query per table and
    the batch runs again from the start (a handler's later reads may depend on what the
    earlier ones found). A run that missed nothing is exactly the run with every read on the
    table, and it is the one written. Handlers are pure, so running them again costs time
    only; after a few runs, the batch runs reading rows as it goes.

    ``known`` must only be what an earlier batch returned when the caller knows nobody has
    written the tables since (it committed, and the position is still where it left it).
    """
    known = known if known is not None else Known((t.name for t in projection.tables),
                                                  complete=False)
    if not known.complete:
        for _ in range(OFFLINE_PASSES):
            tx = SqlViewTx(
                projection, cursor, marker, name, known=known, offline=True, bulk=bulk
            )
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
                return _written(tx)
            _fetch(tx, known)
    tx = SqlViewTx(projection, cursor, marker, name, known=known, bulk=bulk)
    run_handlers(projection, tx, events)
    return _written(tx)


def _written(tx: SqlViewTx) -> Known:
    """Write the batch; what the tables hold now, as far as the batch knows it."""
    tx.flush()
    for table, buffer in tx._buffers.items():
        for key, row in buffer.known.items():
            tx.known.learn(table, key, row)
        for key in buffer.blind:  # written in part: the rest of the row is not known here
            tx.known.forget(table, key)
    return tx.known
