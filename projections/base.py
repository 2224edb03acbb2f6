"""What every read model is made of: a table spec, a view transaction, and event handlers.

A projection maps events to row updates and nothing else: it never reads the clock, the network
or another projection, so replaying the same log always gives the same rows. It writes through
``ViewTx``, which each store (memory, SQLite, PostgreSQL) implements inside the transaction that
also records the projection's log position.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any, ClassVar, Literal, Protocol, TypeVar

from eventsourcing.utils import get_topic

ColumnType = Literal["text", "integer", "real", "boolean", "timestamp", "json"]
Row = dict[str, Any]
Key = Any
"""A row's key: a mapping of key columns, a tuple in key order, or one value for one column."""

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,50}$")


@dataclass(frozen=True)
class Column:
    """A view column. ``position`` marks a column holding a log position: checksums skip it."""

    name: str
    type: ColumnType = "text"
    position: bool = False

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"column name {self.name!r} must be lower_snake_case")


class _Converted:
    """No value is of this type: a column whose values are always converted."""


@dataclass(frozen=True)
class Table:
    """A view table: its columns, the columns of its primary key (never null), and the
    secondary indexes its reads need (each a tuple of columns, in order)."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    indexes: tuple[tuple[str, ...], ...] = ()

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"table name {self.name!r} must be lower_snake_case")
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"table {self.name} names a column twice")
        if not self.key or any(k not in names for k in self.key):
            raise ValueError(f"table {self.name}: key {self.key} must name its columns")
        if any(not index or c not in names for index in self.indexes for c in index):
            raise ValueError(f"table {self.name}: indexes {self.indexes} must name its columns")

    @classmethod
    def of(
        cls, name: str, /, *, key: str | tuple[str, ...], positions: tuple[str, ...] = (),
        indexes: tuple[tuple[str, ...], ...] = (), **types: ColumnType,
    ) -> Table:
        """A table from ``column=type`` pairs in order; ``positions`` names position columns.

        (``key``, ``positions`` and ``indexes`` are thus not available as column names here.)

        ``Table.of("units", key="id", id="text", name="text")``
        """
        columns = tuple(Column(c, kind, c in positions) for c, kind in types.items())
        return cls(name, columns, (key,) if isinstance(key, str) else key, indexes)

    def column(self, name: str) -> Column:
        found = self._by_name.get(name)
        if found is None:
            raise KeyError(f"table {self.name} has no column {name!r}")
        return found

    @cached_property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @cached_property
    def converted_columns(self) -> tuple[Column, ...]:
        """Columns whose stored form differs from their value (not text or integer)."""
        return tuple(c for c in self.columns if c.type not in ("text", "integer"))

    @cached_property
    def stored_as_is(self) -> dict[str, type]:
        """Per column, the Python type whose values are stored as they are; ``_Converted`` for
        columns whose values are always converted."""
        plain: dict[ColumnType, type] = {"text": str, "integer": int, "boolean": bool,
                                         "real": float}
        return {c.name: plain.get(c.type, _Converted) for c in self.columns}

    @cached_property
    def key_stored_as_is(self) -> tuple[type, ...]:
        """``stored_as_is`` of the key columns, in key order."""
        return tuple(self.stored_as_is[k] for k in self.key)

    @cached_property
    def text_key(self) -> bool:
        """Whether every key column is text: its stored key is then its values as they are,
        when they are ``str`` (what a replay's handlers nearly always give)."""
        return all(self._by_name[k].type == "text" for k in self.key)

    @cached_property
    def held_as_is(self) -> dict[str, type]:
        """Per column, the Python type whose values a batch keeps as they are (see
        ``projections.values.hold``; a ``datetime`` only in UTC)."""
        return {**self.stored_as_is,
                **{c.name: datetime for c in self.columns if c.type == "timestamp"}}

    @cached_property
    def json_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.type == "json")

    @cached_property
    def _by_name(self) -> dict[str, Column]:
        # Looked up for every value a handler writes: a replay does it millions of times.
        return {c.name: c for c in self.columns}

    def key_values(self, key: Key) -> tuple[Any, ...]:
        """The key as a tuple in key-column order, whichever way the caller gave it."""
        if type(key) is dict or isinstance(key, Mapping):
            if len(self.key) == 1:  # most tables: no generator for them
                value = key.get(self.key[0])
                values: tuple[Any, ...] = (value,)
            else:
                values = tuple(map(key.get, self.key))
            if None in values:
                missing = [k for k in self.key if key.get(k) is None]
                raise ValueError(f"table {self.name}: key column(s) {missing} missing")
            return values
        values = key if isinstance(key, tuple) else (key,)
        if len(values) != len(self.key) or None in values:
            raise ValueError(f"table {self.name}: key {key!r} does not match {self.key}")
        return values


class ViewTx(Protocol):
    """Row operations inside the transaction that also moves the projection's position."""

    @property
    def position(self) -> int:
        """The log position of the event being handled."""

    def get(self, table: str, key: Key) -> Row | None: ...

    def upsert(self, table: str, row: Row) -> None:
        """Insert the row, or update only the columns it names if its key exists."""

    def delete(self, table: str, key: Key) -> None: ...

    def select(self, table: str, **equals: Any) -> list[Row]:
        """Rows whose columns equal the given values (``None`` matches null), in key order."""

    def increment(self, table: str, key: Key, column: str, by: int | float = 1) -> None:
        """Add ``by`` to a number column, creating the row (other columns null) if needed."""


E = TypeVar("E")
Handler = Callable[[Any, Any, ViewTx], None]
_HANDLED = "__projection_handles__"


def handles(*event_classes: type[Any]) -> Callable[[Callable[[Any, E, ViewTx], None]], Handler]:
    """Mark a method as the handler of events of exactly these classes (not their subclasses)."""

    def mark(method: Callable[[Any, E, ViewTx], None]) -> Handler:
        setattr(method, _HANDLED, event_classes)
        return method

    return mark


class Projection:
    """A read model. Subclasses set ``name``, ``version``, ``tables`` and mark handlers.

    Bump ``version`` whenever the handlers or tables change meaning: the runner then rebuilds
    the view from the start of the log instead of mixing rows of two definitions.
    """

    name: ClassVar[str]
    version: ClassVar[str]
    tables: ClassVar[tuple[Table, ...]]
    private: ClassVar[bool] = False
    """A read model about particular people (an inbox): fed from the log only, never served on
    the public views API nor fed from the Kafka stream (which withholds accounts)."""
    split: ClassVar[bool] = False
    """Whether a rebuild may replay the log in parts, each in a process of its own, each part
    the events of some originators (``projections.store.Part``). True only when every row of
    every table but the ``additive`` ones is written and read by the events of one originator
    alone, so the parts never meet there."""
    additive: ClassVar[Mapping[str, str]] = {}
    """Of a ``split`` read model: the tables whose rows are sums over originators, each with the
    column summed. Every other column of such a table must follow from its key, and a row must
    go when its sum reaches 0. Each part of a split rebuild keeps its own sums, and they are
    added up once every part is done (``SqlViewStore.merge_split``)."""
    _handlers: ClassVar[dict[type[Any], str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        found: dict[type[Any], str] = {}
        for klass in reversed(cls.__mro__):
            for attr, value in vars(klass).items():
                for event_class in getattr(value, _HANDLED, ()):
                    found[event_class] = attr
        cls._handlers = found

    @property
    def topics(self) -> tuple[str, ...]:
        """The stored topics of the handled events; the runner reads only those."""
        return tuple(sorted(get_topic(c) for c in self._handlers))

    def handled(self, event: object) -> bool:
        """Whether ``handle`` does anything with ``event`` (it is of a topic in ``topics``)."""
        return type(event) in self._handlers

    def handle(self, event: object, view: ViewTx) -> None:
        attr = self._handlers.get(type(event))
        if attr is not None:
            getattr(self, attr)(event, view)

    def table(self, name: str) -> Table:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(f"projection {self.name} has no table {name!r}")
