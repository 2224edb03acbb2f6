"""A view store in memory: for unit tests of read models and for the in-memory application.

It keeps stored values (see ``projections.values``) exactly as the SQL stores do, and applies a
batch to copies of the tables that replace the originals only if every handler succeeded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from projections.base import Key, Projection, Row, Table
from projections.query import All, Filter, matches
from projections.store import (
    EventAt,
    PageQuery,
    Position,
    PositionMovedError,
    RowOpsBase,
    next_name,
    run_handlers,
)
from projections.values import Stored, decode, decode_row, encode, encode_row

TableData = dict[tuple[Any, ...], dict[str, Stored]]


class MemoryViewTx(RowOpsBase):
    def __init__(self, projection: Projection, tables: dict[str, TableData]) -> None:
        super().__init__(projection)
        self.tables = tables

    def _key(self, spec: Table, key: Key) -> tuple[Any, ...]:
        values = spec.key_values(key)
        return tuple(encode(spec.column(k), v) for k, v in zip(spec.key, values, strict=True))

    def get(self, table: str, key: Key) -> Row | None:
        spec = self.projection.table(table)
        stored = self.tables[table].get(self._key(spec, key))
        return None if stored is None else decode_row(spec, stored)

    def upsert(self, table: str, row: Row) -> None:
        spec = self.projection.table(table)
        key = self._key(spec, row)
        current = self.tables[table].get(key, {})
        self.tables[table][key] = {**current, **encode_row(spec, row)}

    def delete(self, table: str, key: Key) -> None:
        spec = self.projection.table(table)
        self.tables[table].pop(self._key(spec, key), None)

    def select(self, table: str, **equals: Any) -> list[Row]:
        spec = self.projection.table(table)
        wanted = encode_row(spec, equals)
        found = [
            stored
            for key, stored in sorted(self.tables[table].items())
            if all(stored.get(c) == v for c, v in wanted.items())
        ]
        return [decode_row(spec, stored) for stored in found]


class MemoryViewStore:
    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self._clock = clock
        self._tables: dict[str, TableData] = {}
        self._positions: dict[str, Position] = {}
        self._next: dict[str, TableData] = {}
        """The tables of rebuilds under way."""

    def ensure(self, projection: Projection) -> Position:
        for table in projection.tables:
            self._tables.setdefault(table.name, {})
        if projection.name not in self._positions:
            self._set_position(projection, 0)
        return self._positions[projection.name]

    def position(self, name: str) -> Position | None:
        return self._positions.get(name)

    def apply_batch(
        self, projection: Projection, expected: int, events: Sequence[EventAt], new_position: int,
        *, rebuilding: bool = False,
    ) -> None:
        name = next_name(projection.name) if rebuilding else projection.name
        tables = self._next if rebuilding else self._tables
        stored = self._positions.get(name)
        if stored is None or stored.position != expected:
            raise PositionMovedError(name, expected, stored.position if stored else None)
        copies = {t.name: dict(tables[t.name]) for t in projection.tables}
        run_handlers(projection, MemoryViewTx(projection, copies), events)
        tables.update(copies)
        self._set_position(projection, new_position, name)

    def begin_rebuild(self, projection: Projection) -> Position:
        name = next_name(projection.name)
        found = self._positions.get(name)
        if found is None or found.definition_version != projection.version:
            for table in projection.tables:
                self._next[table.name] = {}
            self._set_position(projection, 0, name)
        return self._positions[name]

    def rebuilding(self, projection: Projection) -> Position | None:
        return self._positions.get(next_name(projection.name))

    def switch(
        self, projection: Projection, expected: int, events: Sequence[EventAt], new_position: int
    ) -> None:
        self.apply_batch(projection, expected, events, new_position, rebuilding=True)
        for table in projection.tables:
            self._tables[table.name] = self._next.pop(table.name)
        del self._positions[next_name(projection.name)]
        self._set_position(projection, new_position)

    def reset(self, projection: Projection) -> None:
        for table in projection.tables:
            self._tables[table.name] = {}
        self._set_position(projection, 0)

    def rows(self, table: Table) -> list[Row]:
        return [decode_row(table, s) for _, s in sorted(self._tables.get(table.name, {}).items())]

    def page(self, table: Table, query: PageQuery) -> list[Row]:
        shown = self._shown(table, query)
        if query.columns is None:
            return [decode_row(table, s) for s in shown]
        chosen = query.chosen(table)
        return [{c.name: decode(c, s.get(c.name)) for c in chosen} for s in shown]

    def stored_page(self, table: Table, query: PageQuery) -> list[tuple[Stored, ...]]:
        names = query.named()
        query.chosen(table)  # refuses a column the table does not have
        return [tuple(s.get(name) for name in names) for s in self._shown(table, query)]

    def _shown(self, table: Table, query: PageQuery) -> list[dict[str, Stored]]:
        stored = self._matching(table, query.filter())

        def key(s: dict[str, Stored]) -> tuple[Any, ...]:
            return (_sortable(s.get(query.order)), *(_sortable(s.get(k)) for k in table.key))

        if query.after is not None:
            after = tuple(_sortable(v) for v in query.after)
            stored = [s for s in stored if (key(s) < after if query.descending else key(s) > after)]
        stored.sort(key=key, reverse=query.descending)
        return stored[query.offset : query.offset + query.limit]

    def count(self, table: Table, where: Filter | None = None) -> int:
        return len(self._matching(table, where or All()))

    def counts(
        self,
        table: Table,
        by: tuple[str, ...],
        where: Filter | None = None,
        labels: Mapping[str, Filter] | None = None,
    ) -> dict[tuple[Any, ...], int]:
        found: dict[tuple[Any, ...], int] = {}
        for s in self._matching(table, where or All()):
            group = tuple(decode(table.column(c), s.get(c)) for c in by)
            if labels is not None:
                label = next(
                    (k for k, f in labels.items() if matches(table, s, f, self._tables)), None
                )
                if label is None:
                    continue
                group = (*group, label)
            found[group] = found.get(group, 0) + 1
        return found

    def _matching(self, table: Table, where: Filter) -> list[dict[str, Stored]]:
        return [
            s
            for s in self._tables.get(table.name, {}).values()
            if matches(table, s, where, self._tables)
        ]

    def close(self) -> None:
        pass

    def _set_position(
        self, projection: Projection, position: int, name: str | None = None
    ) -> None:
        at = self._clock() if self._clock else None
        name = name or projection.name
        self._positions[name] = Position(name, position, projection.version, at)


def _sortable(value: Any) -> tuple[int, Any]:
    """Nulls first, then values of one kind: how the stores order a column (ascending)."""
    return (0, "") if value is None else (1, value)
