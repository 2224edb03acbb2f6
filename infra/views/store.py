"""The SQL view store: view tables and the position table, kept in one transaction.

``apply_batch`` locks the projection's position row, checks it is where the runner read it, runs
the handlers through a cursor in the same transaction and writes the new position: the rows and
the position commit together or not at all. The library's ``insert_tracking()`` is not used
because it commits on its own connection, which would split that transaction in two.

Rebuilds are blue/green: ``begin_rebuild`` creates the *next* tables (``view_NAME__next``) and
a position row of their own (``NAME:next``) beside the serving ones, batches fill them while
readers keep reading the serving tables, and ``switch`` gives them their secondary indexes
(made once on the loaded rows, which costs far less than keeping them through the load), then
applies the last events, drops the serving tables and renames the next ones in their place,
all in one transaction. An interrupted rebuild leaves the next tables and their position
behind, and the next ``begin_rebuild`` under the same definition carries on from there.
"""

from __future__ import annotations

import json
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any, ClassVar, TypeVar

from infra.views.filters import POSTGRES_MARKER, StatementFilters, compile_filter
from infra.views.known import Known
from infra.views.sql import (
    NEXT_SUFFIX,
    VIEW_PREFIX,
    BulkUpsert,
    Cursor,
    TableName,
    apply_events,
    create_index_sql,
    create_table_sql,
    index_names,
    order_sql,
    select_sql,
    view_table,
)
from projections.base import ColumnType, Projection, Row, Table
from projections.query import All, AnyOf, Compare, Filter, In, InSelect, all_of
from projections.store import (
    EventAt,
    PageQuery,
    Part,
    Position,
    PositionMovedError,
    next_name,
    split_in,
)
from projections.values import Stored, decode, decode_row, encode

Clock = Callable[[], datetime]
_Shape = tuple[tuple[str, ...], tuple[tuple[str, Callable[[Any], Any]], ...]]
"""A page's column names, and the columns whose stored values are decoded, each with the
conversion ``DECODERS`` gives its type."""
DECODERS: dict[ColumnType, Callable[[Any], Any]] = {
    "boolean": bool, "real": float, "timestamp": datetime.fromisoformat, "json": json.loads,
}
"""``decode`` of a stored value (never null) of each converted type, looked up once per page
rather than per value: a list of a thousand decodes thousands of moments, and ``decode``'s
choice by type cost more than the conversion. A moment is stored as text, which every driver
hands back as ``str``."""
POSITION_TABLE = "projection_position"
WARM_ROWS = 100_000
"""Rows a store keeps between batches of one view (the least recently used are let go)."""


def next_table(table: Table) -> str:
    """Where a table's next version is built during a rebuild."""
    return f'"{VIEW_PREFIX}{table.name}{NEXT_SUFFIX}"'


def part_table(table: Table, part: Part) -> str:
    """Where a part of a split rebuild keeps its own sums of an additive table (it ends as a
    next table does, so whatever discards unfinished rebuilds drops it too)."""
    return f'"{VIEW_PREFIX}{table.name}__part{part.number}{NEXT_SUFFIX}"'


def part_tables(projection: Projection, part: Part) -> TableName:
    """The tables ``part`` writes: the next tables, but its own for the additive ones."""
    additive = projection.additive

    def name(table: Table) -> str:
        return part_table(table, part) if table.name in additive else next_table(table)

    return name


@dataclass(frozen=True)
class ViewRead:
    """One read of the serving tables as a statement, and what its rows become: to be sent
    with others in one round trip (``SqlViewStore.position_and``)."""

    sql: str
    params: list[Any]
    result: Callable[[list[Any]], Any]


class SqlViewStore(ABC):
    marker: str
    types: ClassVar[dict[ColumnType, str]]
    lock_suffix = ""
    can_split: ClassVar[bool] = False
    """Whether a rebuild may be split into parts written side by side (``begin_split``): only
    where several connections write at once."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()  # one connection: one batch at a time
        self._position_table_ready = False
        self._shapes: dict[tuple[str, tuple[str, ...] | None], tuple[Table, _Shape]] = {}
        self._warm: dict[str, tuple[int, Known]] = {}
        """Per position row: the position this store's last batch committed, and the rows it
        knew then."""

    @abstractmethod
    def _write(self) -> AbstractContextManager[Cursor]:
        """A cursor inside a write transaction that commits on success, rolls back on error."""

    @abstractmethod
    def _read(self) -> AbstractContextManager[Cursor]: ...

    @contextmanager
    def _reading(self) -> Iterator[Cursor]:
        """A cursor for a query of the serving tables. Here on the store's one connection,
        behind its lock; a store with connections to spare reads beside the batches."""
        with self._lock, self._read() as cursor:
            yield cursor

    @abstractmethod
    def close(self) -> None: ...

    def _ready(self) -> None:
        """Create the position table once, in its own transaction: only after that commits is
        it remembered as there (a rolled-back batch must not leave the flag set)."""
        if not self._position_table_ready:
            _creating(self._create_position_table)
            self._position_table_ready = True

    def _create_position_table(self) -> None:
        with self._write() as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {POSITION_TABLE} (projection text PRIMARY KEY,"
                " position bigint NOT NULL, definition_version text NOT NULL, updated_at text)"
            )

    def ensure(self, projection: Projection) -> Position:
        with self._lock:
            self._ready()
            return _creating(lambda: self._ensure(projection))

    def _ensure(self, projection: Projection) -> Position:
        with self._write() as cursor:
            for table in projection.tables:
                cursor.execute(create_table_sql(table, self.types))
                self._add_missing_columns(cursor, table)
                for index in create_index_sql(table):
                    cursor.execute(index)
                self._drop_unnamed_indexes(cursor, table)
            self._insert_position(cursor, projection, projection.name)
            found = self._position(cursor, projection.name)
        assert found is not None
        return found

    def position(self, name: str) -> Position | None:
        self._ready_to_read()
        with self._reading() as cursor:
            return self._position(cursor, name)

    def positions(self) -> list[Position]:
        self._ready_to_read()
        with self._reading() as cursor:
            cursor.execute(f"SELECT * FROM {POSITION_TABLE} ORDER BY projection")
            return [_position_of(found) for found in cursor.fetchall()]

    def _ready_to_read(self) -> None:
        if not self._position_table_ready:
            with self._lock:
                self._ready()

    def apply_batch(
        self, projection: Projection, expected: int, events: Sequence[EventAt], new_position: int,
        *, rebuilding: bool = False,
    ) -> None:
        name = next_name(projection.name) if rebuilding else projection.name
        tables = next_table if rebuilding else view_table
        self._apply(
            projection, name, tables, expected=expected, events=events,
            new_position=new_position, part=False,
        )

    def apply_part(
        self, projection: Projection, part: Part, expected: int, events: Sequence[EventAt],
        new_position: int,
    ) -> None:
        """``apply_batch`` for one part of a split rebuild (``begin_split``): ``events`` are
        the part's alone, written to its tables, under its own position."""
        self._apply(
            projection, part.name(projection.name), part_tables(projection, part),
            expected=expected, events=events, new_position=new_position, part=True,
        )

    def _apply(
        self, projection: Projection, name: str, tables: TableName, *, expected: int,
        events: Sequence[EventAt], new_position: int, part: bool,
    ) -> None:
        with self._lock:
            self._ready()
            # What this store's last batch of the view left, if nobody has moved it since: the
            # position check below proves it, and the rows need not be read again.
            after, warm = self._warm.pop(name, (None, None))
        with self._lock, self._write() as cursor:
            self._check_position(cursor, name, expected)
            known = warm if after == expected and expected > 0 else None
            # A part at 0 has written nothing yet, and the other parts write other keys (and
            # their own sums): every row it will read is one it writes, though the tables it
            # shares with them are not empty.
            if expected == 0 and (part or self._all_empty(cursor, projection, tables)):
                # Every row the tables will hold is one this store writes: it knows them all.
                known = Known((t.name for t in projection.tables), complete=True)
            known = apply_events(
                projection, cursor, self.marker, events, tables, known=known,
                bulk=self._bulk_upsert(),
            )
            self._set_position(cursor, projection, new_position, name)
        with self._lock:
            self._warm[name] = (new_position, known.trim(WARM_ROWS))

    @staticmethod
    def _all_empty(cursor: Cursor, projection: Projection, tables: TableName) -> bool:
        for table in projection.tables:
            cursor.execute(f"SELECT 1 FROM {tables(table)} LIMIT 1")
            if cursor.fetchone() is not None:
                return False
        return True

    def _check_position(self, cursor: Cursor, name: str, expected: int) -> None:
        """Lock the position row ``name`` and check it still says ``expected``."""
        cursor.execute(
            f"SELECT position FROM {POSITION_TABLE} WHERE projection = {self.marker}"
            + self.lock_suffix,
            [name],
        )
        found = cursor.fetchone()
        if found is None or found[0] != expected:
            raise PositionMovedError(name, expected, found and found[0])

    def _forget(self, projection: Projection) -> None:
        """The tables are being replaced: rows known from them are no longer."""
        self._warm.pop(projection.name, None)
        self._warm.pop(next_name(projection.name), None)
        for name in [n for n in self._warm if Part.of_name(projection.name, n) is not None]:
            del self._warm[name]

    def reset(self, projection: Projection) -> None:
        with self._lock:
            self._ready()
            self._forget(projection)
        with self._lock, self._write() as cursor:
            for table in projection.tables:
                cursor.execute(f"DROP TABLE IF EXISTS {view_table(table)}")
                cursor.execute(create_table_sql(table, self.types))
                for index in create_index_sql(table):
                    cursor.execute(index)
            self._insert_position(cursor, projection, projection.name)
            self._set_position(cursor, projection, 0)

    def begin_rebuild(self, projection: Projection) -> Position:
        """Next tables beside the serving ones, and their position: where an interrupted
        rebuild under this definition stopped, or 0 on fresh tables."""
        with self._lock:
            self._ready()
            self._forget(projection)
            return _creating(lambda: self._begin_rebuild(projection))

    def _begin_rebuild(self, projection: Projection) -> Position:
        name = next_name(projection.name)
        with self._write() as cursor:
            found = self._position(cursor, name, lock=True)
            if found is None or found.definition_version != projection.version:
                # A split rebuild left unmerged is begun again from nothing too: its parts'
                # rows are in the next tables, under no position of the rebuild's own.
                self._discard_rebuild(cursor, projection)
                self._insert_position(cursor, projection, name)
            for table in projection.tables:
                # The primary key only: the secondary indexes are made on the loaded tables
                # just before the switch (``_index_next``), once, instead of being kept up to
                # date through every upsert of the replay.
                cursor.execute(create_table_sql(table, self.types, next_table))
            started = self._position(cursor, name)
        assert started is not None
        return started

    def _discard_rebuild(self, cursor: Cursor, projection: Projection) -> None:
        """Drop the rebuild under way beside the view, if any, split or not: its tables and
        its positions."""
        for part in self._parts(cursor, projection, lock=True):
            for table in projection.tables:
                if table.name in projection.additive:
                    cursor.execute(f"DROP TABLE IF EXISTS {part_table(table, part)}")
            cursor.execute(f"DELETE FROM {POSITION_TABLE} WHERE projection = {self.marker}",
                           [part.name(projection.name)])
        for table in projection.tables:
            cursor.execute(f"DROP TABLE IF EXISTS {next_table(table)}")
        cursor.execute(f"DELETE FROM {POSITION_TABLE} WHERE projection = {self.marker}",
                       [next_name(projection.name)])

    def _parts(
        self, cursor: Cursor, projection: Projection, *, lock: bool = False
    ) -> dict[Part, Position]:
        """The parts of a split rebuild of ``projection`` under way, whatever their number."""
        prefix = f"{projection.name}#"
        cursor.execute(
            f"SELECT * FROM {POSITION_TABLE} WHERE substr(projection, 1, {len(prefix)})"
            f" = {self.marker}" + (self.lock_suffix if lock else ""), [prefix],
        )
        found: dict[Part, Position] = {}
        for row in cursor.fetchall():
            position = _position_of(row)
            part = Part.of_name(projection.name, position.projection)
            if part is not None:
                found[part] = position
        return found

    def begin_split(self, projection: Projection, parts: Sequence[Part]) -> bool:
        """Begin (or carry on) a rebuild of ``projection`` in ``parts``, each written by
        ``apply_part`` beside the others; False if a rebuild under this definition is under way
        unsplit (or already merged), to be carried on by ``begin_rebuild`` instead.

        The parts share the next tables, which they write at different keys, and keep the sums
        of the additive tables in tables of their own. Each has its own position, from 0 or
        from where an interrupted split rebuild of as many parts left it.
        """
        if not projection.split or not self.can_split:
            raise ValueError(f"a rebuild of {projection.name} cannot be split here")
        with self._lock:
            self._ready()
            self._forget(projection)
            return _creating(lambda: self._begin_split(projection, parts))

    def _begin_split(self, projection: Projection, parts: Sequence[Part]) -> bool:
        with self._write() as cursor:
            # Locked first, as the batches of the serving view and the switch lock it: two
            # splits beginning at once take turns (``ensure`` made the row).
            self._position(cursor, projection.name, lock=True)
            found = self._position(cursor, next_name(projection.name), lock=True)
            if found is not None and found.definition_version == projection.version:
                return False
            under_way = self._parts(cursor, projection, lock=True)
            if found is not None or set(under_way) != set(parts) or any(
                p.definition_version != projection.version for p in under_way.values()
            ):
                self._discard_rebuild(cursor, projection)
            for part in parts:
                self._insert_position(cursor, projection, part.name(projection.name))
            for table in projection.tables:
                # As in ``_begin_rebuild``, the primary key only; the switch indexes the rest.
                cursor.execute(create_table_sql(table, self.types, next_table))
                if table.name in projection.additive:
                    for part in parts:
                        cursor.execute(
                            create_table_sql(table, self.types, part_tables(projection, part))
                        )
        return True

    def part_position(self, projection: Projection, part: Part) -> Position | None:
        """Where ``part`` of a split rebuild of ``projection`` is, if it is under way."""
        return self.position(part.name(projection.name))

    def parts(self, projection: Projection) -> dict[Part, Position]:
        """The parts of the split rebuild of ``projection`` under way (none once merged)."""
        self._ready_to_read()
        with self._lock, self._read() as cursor:
            return self._parts(cursor, projection)

    def merge_split(self, projection: Projection, parts: Sequence[Part], position: int) -> None:
        """Add up the parts' sums into the next tables and end the split: the rebuild goes on
        unsplit from ``position`` (``begin_rebuild``), where every part must be, all in one
        transaction; ``PositionMovedError`` if a part is elsewhere.

        A sum is a row when it is above 0, as the read model keeps it: a row that reached 0 in
        one part and not in another is counted once, by the other.
        """
        name = next_name(projection.name)
        if not parts or sorted(parts) != split_in(parts[0].of):
            raise ValueError(f"{list(parts)} are not every part of a split")
        with self._lock:
            self._forget(projection)
        with self._lock, self._write() as cursor:
            self._position(cursor, projection.name, lock=True)  # as ``_begin_split``
            under_way = self._parts(cursor, projection, lock=True)
            for part in parts:
                found = under_way.get(part)
                if found is None or found.position != position:
                    raise PositionMovedError(
                        part.name(projection.name), position,
                        None if found is None else found.position,
                    )
            if set(under_way) != set(parts) or self._position(cursor, name) is not None:
                # Only a rebuild begun otherwise meanwhile (by hand) leaves these behind.
                raise RuntimeError(
                    f"{projection.name}: another rebuild began beside the split one; rebuild"
                    " it again"
                )
            for table in projection.tables:
                summed = projection.additive.get(table.name)
                if summed is None:
                    continue
                names = [f'"{c.name}"' for c in table.columns]
                rest = [n for n in names if n != f'"{summed}"']
                total = f'SUM("{summed}")'
                every = " UNION ALL ".join(
                    f"SELECT {', '.join(names)} FROM {part_table(table, part)}"
                    for part in parts
                )
                # The columns besides the sum follow from the key: grouping on them all gives
                # one row per key (and a key twice, should they not, fails on the primary key).
                cursor.execute(
                    f"INSERT INTO {next_table(table)} ({', '.join(rest)}, \"{summed}\")"
                    f" SELECT {', '.join(rest)}, {total} FROM ({every}) AS parts"
                    f" GROUP BY {', '.join(rest)} HAVING {total} > 0"
                )
                for part in parts:
                    cursor.execute(f"DROP TABLE {part_table(table, part)}")
            for part in parts:
                cursor.execute(f"DELETE FROM {POSITION_TABLE} WHERE projection = {self.marker}",
                               [part.name(projection.name)])
            self._insert_position(cursor, projection, name)
            self._set_position(cursor, projection, position, name)

    def rebuilding(self, projection: Projection) -> Position | None:
        """The position of an unfinished rebuild of ``projection``, if one was begun."""
        return self.position(next_name(projection.name))

    def switch(
        self, projection: Projection, expected: int, events: Sequence[EventAt], new_position: int
    ) -> None:
        """Apply the last ``events`` to the next tables and put them in the serving tables'
        place at ``new_position``, in one transaction.

        The serving position row is locked first, so a runner's batch on the old tables either
        committed before (and is replaced) or finds the position moved and re-reads.
        """
        name = next_name(projection.name)
        with self._lock:
            self._forget(projection)
            # In a transaction of its own, before the switch's: building the indexes takes a
            # while on a large view, and holds no lock a runner of the serving view waits on.
            # Once committed, a switch interrupted after it finds them made.
            with self._write() as cursor:
                self._index_next(cursor, projection)
                for table in projection.tables:
                    self._gather_statistics(cursor, next_table(table))
        with self._lock, self._write() as cursor:
            self._insert_position(cursor, projection, projection.name)
            cursor.execute(
                f"SELECT position FROM {POSITION_TABLE} WHERE projection = {self.marker}"
                + self.lock_suffix,
                [projection.name],
            )
            self._check_position(cursor, name, expected)
            apply_events(
                projection, cursor, self.marker, events, next_table, bulk=self._bulk_upsert()
            )
            self._index_next(cursor, projection)  # made above: only checked, unless dropped since
            for table in projection.tables:
                cursor.execute(f"DROP TABLE IF EXISTS {view_table(table)}")
                self._rename(cursor, table)
            cursor.execute(f"DELETE FROM {POSITION_TABLE} WHERE projection = {self.marker}",
                           [name])
            self._set_position(cursor, projection, new_position)

    def _index_next(self, cursor: Cursor, projection: Projection) -> None:
        """Give the next tables their secondary indexes, named after them (``_rename`` gives
        them the serving names at the switch); those already there are left as they are."""
        for table in projection.tables:
            for index in create_index_sql(table, next_table):
                cursor.execute(index)

    def _drop_unnamed_indexes(self, cursor: Cursor, table: Table) -> None:
        """Drop the serving table's secondary indexes its definition no longer names (an
        index whose columns changed has a new name): each would cost every write and serve no
        read. Only the names this store gives (``<table>__…``) are looked at."""
        prefix = view_table(table).strip('"') + "__"
        kept = index_names(table)
        for index in self._index_names_on(cursor, view_table(table).strip('"')):
            if index.startswith(prefix) and index not in kept:
                cursor.execute(f'DROP INDEX IF EXISTS "{index}"')

    @abstractmethod
    def _index_names_on(self, cursor: Cursor, table_name: str) -> list[str]:
        """The names of the secondary indexes on ``table_name``."""

    def _bulk_upsert(self) -> BulkUpsert | None:
        """How a batch writes many rows of one shape at once, where the database has a way
        faster than a statement per row."""
        return None

    def _gather_statistics(self, cursor: Cursor, table: str) -> None:
        """Tell the planner what a table just built holds, where it plans by statistics (not
        SQLite's: its planner needs none for these indexes, and ``ANALYZE`` reads a table
        whole)."""
        del cursor, table

    @abstractmethod
    def _rename(self, cursor: Cursor, table: Table) -> None:
        """Rename ``table``'s next table (and its indexes) to the serving names."""

    def _add_missing_columns(self, cursor: Cursor, table: Table) -> None:
        """Give a serving table the columns a new definition added (empty until its rebuild
        switches in), so reads under the new definition work meanwhile."""
        cursor.execute(f"SELECT * FROM {view_table(table)} LIMIT 0")
        have = {d[0] for d in cursor.description or ()}
        for column in table.columns:
            if column.name not in have:
                cursor.execute(f'ALTER TABLE {view_table(table)} ADD COLUMN "{column.name}"'
                               f" {self.types[column.type]}")

    def rows(self, table: Table) -> list[Row]:
        names = [c.name for c in table.columns]
        with self._reading() as cursor:
            cursor.execute(select_sql(table) + order_sql(table))
            found = cursor.fetchall()
        return [decode_row(table, dict(zip(names, values, strict=True))) for values in found]

    def page(self, table: Table, query: PageQuery) -> list[Row]:
        found: list[Row] = self._run(self.page_read(table, query))
        return found

    def page_read(self, table: Table, query: PageQuery) -> ViewRead:
        """``page`` as a statement to send with others (``position_and``)."""
        sql, params = page_sql(table, query, self.marker)
        return ViewRead(sql, params, lambda found: self._decoded(table, query, found))

    def stored_page(self, table: Table, query: PageQuery) -> list[tuple[Stored, ...]]:
        found: list[tuple[Stored, ...]] = self._run(self.stored_page_read(table, query))
        return found

    def stored_page_read(self, table: Table, query: PageQuery) -> ViewRead:
        """``stored_page`` as a statement to send with others (``position_and``)."""
        named = query.named()
        sql, params = page_sql(table, query, self.marker)
        return ViewRead(sql, params, _in_order(named, [c.name for c in query.chosen(table)]))

    def position_and_page(
        self, name: str, table: Table, query: PageQuery
    ) -> tuple[Position | None, list[Row]]:
        """The position row ``name`` and a page, read in that order (the rows reflect at least
        the position) and sent together: one round trip where the store can pipeline."""
        found, (rows,) = self.position_and(name, [self.page_read(table, query)])
        return found, rows

    def position_and(
        self, name: str, reads: Sequence[ViewRead]
    ) -> tuple[Position | None, list[Any]]:
        """The position row ``name``, then each of ``reads`` (their results, in order), sent
        together: one round trip where the store can pipeline. The position is read first,
        so every read reflects at least it."""
        self._ready_to_read()
        with self._reading_many(1 + len(reads)) as (first, *rest):
            first.execute(
                f"SELECT * FROM {POSITION_TABLE} WHERE projection = {self.marker}", [name]
            )
            for cursor, read in zip(rest, reads, strict=True):
                cursor.execute(read.sql, read.params)
            found = first.fetchone()
            fetched = [cursor.fetchall() for cursor in rest]
        position = None if found is None else _position_of(found)
        return position, [read.result(rows) for read, rows in zip(reads, fetched, strict=True)]

    @contextmanager
    def _reading_many(self, count: int) -> Iterator[list[Cursor]]:
        """``count`` cursors on one connection for statements sent one after the other."""
        with self._lock, ExitStack() as stack:
            yield [stack.enter_context(self._read()) for _ in range(count)]

    def _decoded(self, table: Table, query: PageQuery, found: list[Any]) -> list[Row]:
        # As ``decode_row``: text and integer values are stored as they are.
        names, converted = self._shape(table, query)
        rows = [dict(zip(names, values, strict=True)) for values in found]
        if converted:
            for row in rows:
                for name, convert in converted:
                    value = row[name]
                    if value is not None:
                        row[name] = convert(value)
        return rows

    def _shape(
        self, table: Table, query: PageQuery
    ) -> _Shape:
        """The names of a page's columns and those of them to decode, worked out once per
        table and choice of columns: a list asks the same of every page."""
        key = (table.name, query.columns)
        found = self._shapes.get(key)
        if found is None or found[0] is not table:
            chosen = query.chosen(table)
            converted = set(table.converted_columns)
            shape = (
                tuple(c.name for c in chosen),
                tuple((c.name, DECODERS[c.type]) for c in chosen if c in converted),
            )
            found = self._shapes[key] = (table, shape)
        return found[1]

    def count(self, table: Table, where: Filter | None = None) -> int:
        return int(self._fetch(*counts_sql(table, (), where, self.marker))[0][0])

    def counts(
        self,
        table: Table,
        by: tuple[str, ...],
        where: Filter | None = None,
        labels: Mapping[str, Filter] | None = None,
    ) -> dict[tuple[Any, ...], int]:
        found: dict[tuple[Any, ...], int] = self._run(self.counts_read(table, by, where, labels))
        return found

    def counts_read(
        self,
        table: Table,
        by: tuple[str, ...],
        where: Filter | None = None,
        labels: Mapping[str, Filter] | None = None,
    ) -> ViewRead:
        """``counts`` as a statement to send with others (``position_and``)."""
        columns = [table.column(c) for c in by]
        width = len(columns)

        def result(found: list[Any]) -> dict[tuple[Any, ...], int]:
            return {
                (
                    *(decode(c, v) for c, v in zip(columns, values[:width], strict=True)),
                    *([str(values[width])] if labels is not None else []),
                ): int(values[-1])
                for values in found
            }

        sql, params = counts_sql(table, by, where, self.marker, labels)
        return ViewRead(sql, params, result)

    def _run(self, read: ViewRead) -> Any:
        return read.result(self._fetch(read.sql, read.params))

    def _fetch(self, sql: str, params: Sequence[Any]) -> list[Any]:
        with self._reading() as cursor:
            cursor.execute(sql, list(params))
            return cursor.fetchall()

    def _insert_position(self, cursor: Cursor, projection: Projection, name: str) -> None:
        cursor.execute(
            f"INSERT INTO {POSITION_TABLE} VALUES ({self._markers(4)})"
            " ON CONFLICT (projection) DO NOTHING",
            [name, 0, projection.version, self._now()],
        )

    def _set_position(
        self, cursor: Cursor, projection: Projection, position: int, name: str | None = None
    ) -> None:
        cursor.execute(
            f"UPDATE {POSITION_TABLE} SET position = {self.marker},"
            f" definition_version = {self.marker}, updated_at = {self.marker}"
            f" WHERE projection = {self.marker}",
            [position, projection.version, self._now(), name or projection.name],
        )

    def _position(self, cursor: Cursor, name: str, *, lock: bool = False) -> Position | None:
        cursor.execute(f"SELECT * FROM {POSITION_TABLE} WHERE projection = {self.marker}"
                       + (self.lock_suffix if lock else ""), [name])
        found = cursor.fetchone()
        return None if found is None else _position_of(found)

    def _markers(self, count: int) -> str:
        return ", ".join([self.marker] * count)

    def _now(self) -> str:
        return self._clock().astimezone(UTC).isoformat(timespec="seconds")


def _in_order(
    named: tuple[str, ...], selected: list[str]
) -> Callable[[list[Any]], list[tuple[Stored, ...]]]:
    """What turns rows of the ``selected`` columns (a page reads them in the table's order)
    into rows of the ``named`` ones, in that order."""
    if list(named) == selected:
        return list
    pick = itemgetter(*(selected.index(name) for name in named))
    if len(named) == 1:
        return lambda rows: [(pick(row),) for row in rows]
    return lambda rows: list(map(pick, rows))


def page_sql(table: Table, query: PageQuery, marker: str) -> tuple[str, list[Any]]:
    """One statement for a page: the filter, the keyset after the last row, the order (the
    column, then the key, which the table's indexes serve) and the limit. The bench runs the
    same statement directly as the floor of a list.

    Where one index range holds the page (an equality on the columns an index puts before the
    order), the database reads that range. Otherwise, a filter that is an OR of such ranges (a
    clerk's scope: the intake queue, their own cases, their unit's, ...; ``_ranges``), or that
    requires a column to be one of a few values an index leads with (the open statuses;
    ``_split_on``), is answered one range at a time and the pages merged: each range read only
    as far as the page needs. As one statement the database walks the order's index and tests
    every row on the way, which grows with the store."""
    whole = query.filter()
    ordered = [f'"{c}"' for c in (table.column(query.order).name, *table.key)]
    if query.after is not None and len(query.after) != len(ordered):
        raise ValueError(f"a keyset of {table.name} has {len(ordered)} values")
    direction = " DESC" if query.descending else ""
    order_by = f" ORDER BY {', '.join(c + direction for c in ordered)}"
    chosen = query.chosen(table)
    selected = ", ".join(f'"{c.name}"' for c in chosen)
    ranges = _ranges(table, query, whole)
    # A row matches one value of a split, but may match several ranges of a union.
    union = " UNION "
    if ranges is None:
        split = _split_on(table, query, whole)
        if split is None:
            where, params = _page_where(table, query, whole, marker, ordered)
            sql = (f"SELECT {selected} FROM {view_table(table)} WHERE {where}"
                   f"{order_by} LIMIT {int(query.limit)}"
                   + (f" OFFSET {int(query.offset)}" if query.offset else ""))
            return sql, params
        column, values, rest = split
        ranges = [
            _Range(all_of(Compare(column, "=", value), rest), (column,)) for value in values
        ]
        union = " UNION ALL "
    # Each part reads the columns the merge orders by, chosen or not, and as many rows as the
    # whole page could take from it.
    names = list(dict.fromkeys([*(c.name for c in chosen), query.order, *table.key]))
    most = int(query.limit) + int(query.offset)
    parts, params = [], []
    for number, part in enumerate(ranges):
        sql, found = _range_sql(table, query, part, marker, names=names, most=most)
        parts.append(f"SELECT * FROM ({sql}) AS part_{number}")
        params += found
    sql = (f"SELECT {selected} FROM ({union.join(parts)}) AS parts"
           f"{order_by} LIMIT {int(query.limit)}"
           + (f" OFFSET {int(query.offset)}" if query.offset else ""))
    return sql, params


SPLIT_MOST_VALUES = 8
"""Values a page is split on at most: beyond that, one range per value costs more than it
saves."""
UNION_MOST_RANGES = 16
"""Ranges a page is the union of at most. Each costs an index probe and up to a page of rows
even when the walk along the order would have found the page at once (a small store, a common
branch), so past a few a union of many narrow branches is left to the walk. A clerk's scope is
eight (the values of a sub-select, a unit's staff, count as one: ``_Range``)."""
BRANCHES_LOOKED_AT = 200
"""Conjunctions a page's filter is opened into at most, looking for its ranges: a filter of
several ORs could otherwise be opened in very many ways (a clerk's scope takes a dozen)."""


@dataclass(frozen=True)
class _Range:
    """One index range of a page's union: the table's rows matching ``where``, whose
    equalities fix the columns an index puts before the order; or, with ``via``, the rows
    matching ``where`` that ``via`` selects: their key read from the other table's index on
    (its equalities, the order), whose rows carry the order column (``per_value`` false), or
    one range of the table per value ``via`` selects (``per_value``: a unit's staff as owners).
    ``fixed``: the columns its index has before the order, each equal to one value in the
    range (more: a narrower range). Its statement orders by them too, which changes no order
    but tells the database which index reads the range as it is: with a value only known per
    row of a lateral join, PostgreSQL otherwise guessed the order's own index cheaper.
    """

    where: Filter
    fixed: tuple[str, ...]
    via: InSelect | None = None
    per_value: bool = False

    @property
    def width(self) -> int:
        return len(self.fixed)


def _ranges(table: Table, query: PageQuery, where: Filter) -> list[_Range] | None:
    """The ranges whose union is ``where``'s rows, if it is such an OR and more than one range
    (or a range of another table) is needed; not when the filter bounds the order (that index
    then reads the matching rows alone as one range)."""
    conjuncts = list(_conjuncts(where))
    if any(isinstance(c, Compare) and c.op != "!=" and c.column == query.order
           for c in conjuncts):
        return None
    if not any(isinstance(c, AnyOf) for c in conjuncts) and _split_on(table, query, where):
        return None  # one range per value: ``_split_on``'s, which no row is in twice
    found = _branches(table, query.order, conjuncts, [BRANCHES_LOOKED_AT])
    if not found or len(found) > UNION_MOST_RANGES:
        return None
    if len(found) == 1 and found[0].via is None:
        return None  # one range of the table: the statement as it is reads just that
    return found


def _branches(
    table: Table, order: str, conjuncts: list[Filter], budget: list[int]
) -> list[_Range] | None:
    """Ranges whose union is exactly the conjunction's rows (None: not found). A conjunct
    that is an OR is opened (``a and (b or c)`` is ``(a and b) or (a and c)``) when every
    branch then has a range of its own, narrower than any the conjunction has as it is (a
    confidential case routed to a unit: the unit's confidential cases, rather than every
    confidential case). ``budget``: the conjunctions left to look at, shared by the calls."""
    if any(isinstance(c, AnyOf) and not c.parts for c in conjuncts):
        return []  # matches nothing
    budget[0] -= 1
    if budget[0] < 0:
        return None
    one = _range_of(table, order, conjuncts)
    for number, conjunct in enumerate(conjuncts):
        alternatives = _alternatives(conjunct)
        if alternatives is None:
            continue
        others = conjuncts[:number] + conjuncts[number + 1:]
        found = _opened(table, order, alternatives, others, budget)
        if found is not None and (one is None or all(r.width > one.width for r in found)):
            return found
    return None if one is None else [one]


def _alternatives(conjunct: Filter) -> AnyOf | None:
    """The conjunct as an OR to open, if it is one: an ``AnyOf``, or an ``In`` of a few values,
    an OR of equalities (the overdue list's "running and past its deadline": one range per
    running status, each cut at now). Not an ``In`` naming null, which no row equals in SQL
    while an equality with null asks for the nulls."""
    if isinstance(conjunct, AnyOf):
        return conjunct
    if (
        isinstance(conjunct, In)
        and 1 < len(conjunct.values) <= SPLIT_MOST_VALUES
        and None not in conjunct.values
    ):
        return AnyOf(tuple(Compare(conjunct.column, "=", v) for v in conjunct.values))
    return None


def _opened(
    table: Table, order: str, alternatives: AnyOf, others: list[Filter], budget: list[int]
) -> list[_Range] | None:
    """The ranges of each alternative with the other conjuncts, if every one has them."""
    found: list[_Range] = []
    for part in alternatives.parts:
        branch = _branches(table, order, [*_conjuncts(part), *others], budget)
        if branch is None or len(found) + len(branch) > UNION_MOST_RANGES:
            return None
        found += branch
    return found


def _range_of(table: Table, order: str, conjuncts: list[Filter]) -> _Range | None:
    """The narrowest range that holds the conjunction's rows, if a conjunct gives one: its
    equalities on the columns an index puts before the order (to values, else to null too,
    which is often common), or a sub-select of the key or of such a column. Of two as narrow,
    the table's own."""
    pinned = _pinned(conjuncts)
    found: list[_Range] = []
    for allowed in ({k for k, v in pinned.items() if v is not None}, set(pinned)):
        fixed = _fixed(table, order, allowed)
        if fixed:
            found.append(_Range(All(tuple(conjuncts)), fixed))
            break
    for number, via in enumerate(conjuncts):
        if not isinstance(via, InSelect) or len(table.key) != 1:
            continue
        rest = All(tuple(conjuncts[:number] + conjuncts[number + 1:]))
        other = via.table
        keys = set(_pinned(list(_conjuncts(via.where))))
        fixed = _fixed(other, order, keys)
        if (
            fixed
            and via.column == table.key[0]
            and order in {c.name for c in other.columns}
            # Each of the table's rows at most once: the key of the other table is the
            # selected column and its equalities.
            and set(other.key) <= keys | {via.select}
        ):
            found.append(_Range(rest, fixed, via))
        elif _fixed(table, order, {via.column}):
            found.append(_Range(rest, (via.column,), via, per_value=True))
    # ``max`` keeps the first of the widest.
    return max(found, key=lambda r: r.width) if found else None


def _pinned(conjuncts: list[Filter]) -> dict[str, Any]:
    """The columns the conjunction requires to equal a value (or to be null: ``None``)."""
    return {c.column: c.value for c in conjuncts if isinstance(c, Compare) and c.op == "="}


def _fixed(table: Table, order: str, pinned: set[str]) -> tuple[str, ...]:
    """The most columns an index of ``table`` has before ``order`` that are all ``pinned``
    (the index then reads the rows they fix in the order); none if no index has."""
    found: tuple[str, ...] = ()
    for index in table.indexes:
        if order in index[1:]:
            before = index[: index.index(order)]
            if set(before) <= pinned and len(before) > len(found):
                found = before
    return found


def _range_sql(
    table: Table, query: PageQuery, part: _Range, marker: str, *, names: list[str], most: int
) -> tuple[str, list[Any]]:
    """One range's statement: its rows after the keyset, in the page's order, ``most`` of
    them (each of ``names``)."""
    ordered = [f'"{c}"' for c in (query.order, *table.key)]
    direction = " DESC" if query.descending else ""
    fixed = [f'"{c}"' for c in part.fixed]
    order_by = f" ORDER BY {', '.join(c + direction for c in (*fixed, *ordered))}"
    columns = ", ".join(f'"{n}"' for n in names)
    via = part.via
    if via is None:
        where, params = _page_where(table, query, part.where, marker, ordered)
        return (f"SELECT {columns} FROM {view_table(table)} WHERE {where}{order_by}"
                f" LIMIT {most}"), params
    selected, params = compile_filter(via.where, via.table, marker, "r")
    key = table.key[0]
    if not part.per_value:
        # Walked along the other table's index; the order and the key read from its row (a
        # copy of the table's), so the keyset and the order are the index's own.
        along = [f'r."{query.order}"', f'r."{via.select}"']
        walked = ", ".join(c + direction for c in (*(f"r.{c}" for c in fixed), *along))
        rest, found = compile_filter(part.where, table, marker, "c")
        params += found
        if query.after is not None:
            sign = "<" if query.descending else ">"
            rest += f" AND ({', '.join(along)}) {sign} ({marker}, {marker})"
            params.extend(query.after)
        taken = ", ".join(f'c."{n}"' for n in names)
        return (f"SELECT {taken} FROM {view_table(via.table)} AS r JOIN {view_table(table)}"
                f' AS c ON c."{key}" = r."{via.select}" WHERE {selected} AND {rest}'
                f" ORDER BY {walked} LIMIT {most}"), params
    values = (f'SELECT DISTINCT r."{via.select}" AS "_value" FROM {view_table(via.table)}'
              f" AS r WHERE {selected}")
    column = table.column(via.column).name
    where, found = _page_where(table, query, part.where, marker, ordered)
    params += found

    def per_value(taking: str) -> str:
        return (f'SELECT {taking} FROM {view_table(table)} WHERE "{column}" = v."_value"'
                f" AND {where}{order_by} LIMIT {most}")

    if marker == POSTGRES_MARKER:
        # One range per value, each cut at the page: a lateral join runs the range for each.
        return (f"SELECT p.* FROM ({values}) AS v CROSS JOIN LATERAL ({per_value(columns)})"
                " AS p"), params
    # SQLite has no lateral join: the same range per value, as the keys of a sub-select that
    # names the value, each looked up by key.
    taken, quoted_key = ", ".join(f'c."{n}"' for n in names), f'"{key}"'
    return (f"SELECT {taken} FROM ({values}) AS v JOIN {view_table(table)} AS c"
            f' ON c."{key}" IN ({per_value(quoted_key)})'), params


def _split_on(
    table: Table, query: PageQuery, where: Filter
) -> tuple[str, tuple[Any, ...], Filter | None] | None:
    """The column and values to answer ``query`` per value of, if any, and the rest of the
    filter: a conjunct ``In`` of a few values whose column leads an index followed by the
    order. Not when an equality of the filter already leads such an index.

    Each value's part tests the equality instead of the ``In``, not both: the planner takes
    the two for independent conditions, multiplies their selectivities, expects a few dozen
    rows where thousands match, and sorts them all instead of reading the index in order (the
    Open311 list at ten million events: 55 ms in the database instead of 2.4).

    A bound on the order (the Open311 list's week) is no reason to read the values' rows as one
    range: the database then fetches every row of the bounds and sorts them all for a page of
    the newest, which grew with the store (a week of open requests is 1,896 rows at a million
    events, ten times that at ten million). Split, each value's range starts at the page's end
    of the bounds and the merge stops at the page's last row."""
    conjuncts = list(_conjuncts(where))
    led = {index[0] for index in table.indexes if index[1:2] == (query.order,)}
    for c in conjuncts:
        if isinstance(c, Compare) and c.op == "=" and c.column in led:
            return None
    for part in conjuncts:
        if isinstance(part, In) and part.column in led:
            column = table.column(part.column)
            # Distinct stored values: a value twice would give its rows twice.
            stored = {encode(column, v): v for v in part.values}
            if 2 <= len(stored) <= SPLIT_MOST_VALUES and None not in stored:
                rest = [c for c in conjuncts if c is not part]
                return part.column, tuple(stored.values()), all_of(*rest) if rest else None
    return None


def _conjuncts(where: Filter) -> Iterator[Filter]:
    """The parts a filter requires, nested conjunctions opened."""
    if isinstance(where, All):
        for part in where.parts:
            yield from _conjuncts(part)
    else:
        yield where


def _page_where(
    table: Table, query: PageQuery, where: Filter, marker: str, ordered: list[str]
) -> tuple[str, list[Any]]:
    """The condition of a page's rows: ``where`` and the keyset after the last row."""
    sql, params = compile_filter(where, table, marker)
    if query.after is not None:
        sign = "<" if query.descending else ">"
        sql += f" AND ({', '.join(ordered)}) {sign} ({', '.join([marker] * len(ordered))})"
        params.extend(query.after)
    return sql, params


def counts_sql(
    table: Table,
    by: tuple[str, ...],
    where: Filter | None,
    marker: str,
    labels: Mapping[str, Filter] | None = None,
) -> tuple[str, list[Any]]:
    """``COUNT(*)`` of the matching rows, per value of the ``by`` columns if any, and per label
    (a ``CASE`` over the labels' filters, so one scan counts them all).

    The labelled rows are counted from a subquery that names the label once: required and
    grouped on outside, the ``CASE`` and its parameters (the board's bounds among them, lists of
    hundreds of moments) are sent and parsed once rather than twice."""
    groups = [f'"{table.column(c).name}"' for c in by]
    filters = StatementFilters(marker)
    where_sql, where_params = filters.compile(where or All(), table)
    if labels is None:
        select = ", ".join([*groups, "COUNT(*)"])
        sql = f"SELECT {select} FROM {view_table(table)} WHERE {where_sql}"
        if groups:
            sql += " GROUP BY " + ", ".join(str(i) for i in range(1, len(groups) + 1))
        return sql, where_params
    params: list[Any] = []
    arms = []
    for label, part in labels.items():
        sql, found = filters.compile(part, table)
        arms.append(f"WHEN {sql} THEN {marker}")
        params += [*found, label]
    case = f"CASE {' '.join(arms)} END" if arms else "NULL"
    # Column names never start with an underscore: the label's name is no column's.
    inner = ", ".join([*groups, f'{case} AS "_label"'])
    select = ", ".join([*groups, '"_label"', "COUNT(*)"])
    sql = (f"SELECT {select} FROM (SELECT {inner} FROM {view_table(table)} WHERE {where_sql})"
           ' AS labelled WHERE "_label" IS NOT NULL'
           " GROUP BY " + ", ".join(str(i) for i in range(1, len(groups) + 2)))
    return sql, [*params, *where_params]


def _position_of(found: Sequence[object]) -> Position:
    name, position, version, updated_at = found
    return Position(
        str(name),
        int(str(position)),
        str(version),
        datetime.fromisoformat(str(updated_at)) if updated_at else None,
    )


T = TypeVar("T")
CREATE_ATTEMPTS = 3


def _creating(create: Callable[[], T]) -> T:
    """Run DDL that two processes may race on: PostgreSQL's CREATE TABLE IF NOT EXISTS can
    still fail with a duplicate type when another session creates the table at that moment;
    the second try finds it there."""
    for attempt in range(1, CREATE_ATTEMPTS + 1):
        try:
            return create()
        except Exception:
            if attempt == CREATE_ATTEMPTS:
                raise
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")
