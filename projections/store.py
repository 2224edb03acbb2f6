"""The port every view store implements, and what stores share.

A store keeps each projection's tables and its *position*: the last log position whose events
are reflected in the rows. ``apply_batch`` handles a batch of events and moves the position in
one transaction, so after a crash the rows and the position agree and the runner resumes right
after the last committed batch: every event is counted exactly once.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from projections.base import Column, Key, Projection, Row, Table
from projections.query import Compare, Filter, In, all_of, search
from projections.values import Stored

EventAt = tuple[int, object]
"""An event and its log position (notification id)."""


@dataclass(frozen=True)
class Position:
    projection: str
    position: int
    definition_version: str
    updated_at: datetime | None


class PositionMovedError(Exception):
    """Another runner moved the position since this batch was read; the batch was not applied."""

    def __init__(self, projection: str, expected: int, found: int | None) -> None:
        super().__init__(
            f"projection {projection} is at position {found}, not {expected}: another runner"
            " or a rebuild moved it; re-reading from there"
        )
        self.projection, self.expected, self.found = projection, expected, found


class ProjectionFailedError(Exception):
    """A projection's handler raised: nothing of its batch was applied."""

    def __init__(self, projection: str, position: int, cause: BaseException) -> None:
        super().__init__(
            f"projection {projection} failed on the event at position {position}:"
            f" {type(cause).__name__}: {cause}"
        )
        self.projection, self.position = projection, position


@dataclass(frozen=True)
class PageQuery:
    """One page of a table: rows whose columns equal ``equals`` (and are one of ``any_of``),
    that match ``where`` and, with ``search``, whose text columns named there contain its text
    (case aside), ordered by ``order`` then the table's key, after the keyset ``after`` (the
    stored values of ``order`` and of the key columns of the previous page's last row), at most
    ``limit`` rows. The store answers it in one statement on its indexes."""

    order: str
    descending: bool
    limit: int
    equals: dict[str, Any] = field(default_factory=dict)
    any_of: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    after: tuple[Any, ...] | None = None
    search: tuple[tuple[str, ...], str] | None = None
    """(columns, text): a row matches when one of the columns contains the text."""
    where: Filter | None = None
    offset: int = 0
    """Rows to skip first: for numbered pages (a keyset ``after`` is cheaper deep in a list)."""
    columns: tuple[str, ...] | None = None
    """The columns each row carries (None: all of them). A list that shows a few of a wide
    table's columns reads and decodes only those."""

    def chosen(self, table: Table) -> tuple[Column, ...]:
        """The table's columns this page reads, in the table's order."""
        if self.columns is None:
            return table.columns
        wanted = set(self.columns)
        unknown = wanted - {c.name for c in table.columns}
        if unknown:
            raise ValueError(f"{table.name} has no column {', '.join(sorted(unknown))}")
        return tuple(c for c in table.columns if c.name in wanted)

    def named(self) -> tuple[str, ...]:
        """The columns a page of stored values carries, in order (``ViewStore.stored_page``)."""
        if self.columns is None:
            raise ValueError("a page of stored values names its columns")
        return self.columns

    def filter(self) -> Filter:
        """``equals``, ``any_of``, ``search`` and ``where`` as one filter."""
        return all_of(
            *(Compare(k, "=", v) for k, v in self.equals.items()),
            *(In(k, tuple(vs)) for k, vs in self.any_of.items()),
            None if self.search is None else search(*self.search),
            self.where,
        )


class ViewStore(Protocol):
    def ensure(self, projection: Projection) -> Position:
        """Create the tables and a position row (0) if missing; return the stored position."""

    def position(self, name: str) -> Position | None: ...

    def apply_batch(
        self, projection: Projection, expected: int, events: Sequence[EventAt], new_position: int,
        *, rebuilding: bool = False,
    ) -> None:
        """Handle ``events`` and set the position to ``new_position``, all or nothing; to the
        tables of the rebuild under way (``begin_rebuild``) when ``rebuilding``.

        Raises ``PositionMovedError`` if the stored position is not ``expected`` and
        ``ProjectionFailedError`` if a handler raises.
        """

    def reset(self, projection: Projection) -> None:
        """Drop and recreate the tables, position 0 under the current definition version."""

    def begin_rebuild(self, projection: Projection) -> Position:
        """Tables for the projection's next version beside the serving ones; their position
        (where an unfinished rebuild under the same definition stopped, else 0)."""

    def rebuilding(self, projection: Projection) -> Position | None:
        """The position of the rebuild under way, if any."""

    def switch(
        self, projection: Projection, expected: int, events: Sequence[EventAt], new_position: int
    ) -> None:
        """Apply the last ``events`` to the rebuilt tables and serve them instead of the old
        ones at ``new_position``, atomically; ``PositionMovedError`` if the rebuild's position
        is not ``expected``."""

    def rows(self, table: Table) -> list[Row]: ...

    def page(self, table: Table, query: PageQuery) -> list[Row]:
        """A page of rows, filtered, ordered and limited by the store (not by the caller)."""

    def stored_page(self, table: Table, query: PageQuery) -> list[tuple[Stored, ...]]:
        """``page``, each row the values of ``query.columns`` (which it must name) in that
        order, as the store holds them: a moment is its text, JSON its text. For a reader that
        writes rows out itself and keeps what it wrote by the values it was written from."""

    def count(self, table: Table, where: Filter | None = None) -> int:
        """How many rows match, counted by the store."""

    def counts(
        self,
        table: Table,
        by: tuple[str, ...],
        where: Filter | None = None,
        labels: Mapping[str, Filter] | None = None,
    ) -> dict[tuple[Any, ...], int]:
        """How many rows match per distinct value of the ``by`` columns (decoded); with
        ``labels``, also per label: the first whose filter a row matches is the last item of
        its group (rows matching none are not counted). One pass over the rows."""

    def close(self) -> None: ...


class RowOpsBase(ABC):
    """The parts of ``ViewTx`` that follow from get and upsert, shared by every store."""

    def __init__(self, projection: Projection) -> None:
        self.projection = projection
        self.position = 0

    @abstractmethod
    def get(self, table: str, key: Key) -> Row | None: ...

    @abstractmethod
    def upsert(self, table: str, row: Row) -> None: ...

    @abstractmethod
    def delete(self, table: str, key: Key) -> None: ...

    @abstractmethod
    def select(self, table: str, **equals: Any) -> list[Row]: ...

    def increment(self, table: str, key: Key, column: str, by: int | float = 1) -> None:
        spec = self.projection.table(table)
        if spec.column(column).type not in ("integer", "real"):
            raise TypeError(f"{table}.{column} is not a number column")
        current = self.get(table, key)
        value = (current or {}).get(column) or 0
        self.upsert(table, {**self.key_row(spec, key), column: value + by})

    @staticmethod
    def key_row(spec: Table, key: Key) -> dict[str, Any]:
        return dict(zip(spec.key, spec.key_values(key), strict=True))


def run_handlers(projection: Projection, tx: RowOpsBase, events: Sequence[EventAt]) -> None:
    """Handle each event in turn; a failure names the projection and the position."""
    for position, event in events:
        tx.position = position
        try:
            projection.handle(event, tx)
        except Exception as error:
            raise ProjectionFailedError(projection.name, position, error) from error


NEXT = ":next"


def next_name(projection: str) -> str:
    """The position row of a rebuild of ``projection`` under way beside the serving view."""
    return projection + NEXT


@dataclass(frozen=True, order=True)
class Part:
    """Part ``number`` of ``of`` of a split rebuild (``Projection.split``): the events whose
    originator id's last byte leaves ``number`` divided by ``of``."""

    number: int
    of: int

    def __post_init__(self) -> None:
        if not 0 <= self.number < self.of:
            raise ValueError(f"part {self.number} of {self.of} does not exist")

    def holds(self, originator_id: UUID) -> bool:
        """Whether the events of ``originator_id`` are this part's (the log's SQL filter)."""
        return originator_id.bytes[15] % self.of == self.number

    def name(self, projection: str) -> str:
        """The position row of this part of a split rebuild of ``projection``; it ends as the
        rebuild's own (``NEXT``), so whatever discards unfinished rebuilds discards it too."""
        return f"{projection}#{self.number}/{self.of}{NEXT}"

    @classmethod
    def of_name(cls, projection: str, name: str) -> Part | None:
        """The part whose position row ``name`` is, if it is one of ``projection``'s."""
        found = _PART_NAME.fullmatch(name)
        if found is None or found.group(1) != projection:
            return None
        return cls(int(found.group(2)), int(found.group(3)))


def split_in(of: int) -> list[Part]:
    """The parts of a rebuild split in ``of``."""
    return [Part(number, of) for number in range(of)]


_PART_NAME = re.compile(r"(.+)#(\d+)/(\d+)" + re.escape(NEXT))
