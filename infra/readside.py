"""The read side as the API sees it: view rows, view positions, and waiting for a position.

A client that has just written knows the log position of its write; a query naming that
position waits (bounded) until the views have reached it. When no background runner is
following the log (tests, one-shot tools), the waiting request catches the views up itself:
the store's position check makes that safe next to any runner.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from infra.projections.log import EventLog
from infra.projections.operations import Status, status
from infra.projections.runner import ProjectionRunner
from infra.views.store import SqlViewStore, ViewRead
from projections.base import Projection, Row
from projections.query import Filter, In
from projections.store import PageQuery, Position, ViewStore
from projections.values import Stored

READS_AGAIN = 2
"""Times ``read_at`` reads again when the position row contradicts the answer its reads were
made of: once is the rare case (a rebuild switched in); a view switching back and forth in
between is not waited out further, and its last reads are returned as they are."""


@dataclass(frozen=True)
class Page:
    """A page of one of a view's tables, as a read of ``ReadSide.read_at``."""

    table: str
    query: PageQuery

    def of(self, store: SqlViewStore, projection: Projection) -> ViewRead:
        return store.page_read(projection.table(self.table), self.query)

    def run(self, store: ViewStore, projection: Projection) -> list[Row]:
        return store.page(projection.table(self.table), self.query)


@dataclass(frozen=True)
class StoredPage:
    """A page as the stored values of the columns its query names (``ViewStore.stored_page``),
    as a read of ``ReadSide.read_at``."""

    table: str
    query: PageQuery

    def of(self, store: SqlViewStore, projection: Projection) -> ViewRead:
        return store.stored_page_read(projection.table(self.table), self.query)

    def run(self, store: ViewStore, projection: Projection) -> list[tuple[Stored, ...]]:
        return store.stored_page(projection.table(self.table), self.query)


@dataclass(frozen=True)
class Counts:
    """Rows of one of a view's tables counted per value of ``by`` (and per label), as a read
    of ``ReadSide.read_at``."""

    table: str
    by: tuple[str, ...]
    where: Filter | None = None
    labels: Mapping[str, Filter] | None = None

    def of(self, store: SqlViewStore, projection: Projection) -> ViewRead:
        return store.counts_read(projection.table(self.table), self.by, self.where, self.labels)

    def run(self, store: ViewStore, projection: Projection) -> dict[tuple[Any, ...], int]:
        return store.counts(projection.table(self.table), self.by, self.where, self.labels)


Read = Page | StoredPage | Counts
"""What ``ReadSide.read_at`` sends with the read of a view's position."""
R = TypeVar("R", bound=Read)


class ReadSide:
    def __init__(self, log: EventLog, store: ViewStore, runner: ProjectionRunner) -> None:
        self.log, self.store, self.runner = log, store, runner
        self.projections = {p.name: p for p in runner.projections}
        self.following = threading.Event()
        """Set while a background runner follows the log."""
        self._catch_up_lock = threading.Lock()
        self._prepared = False
        self._current: dict[str, bool] = {}
        """Per view, whether its position row last said it is current (``read_at``)."""

    def projection(self, name: str) -> Projection:
        try:
            return self.projections[name]
        except KeyError:
            raise KeyError(f"no read model named {name!r}") from None

    def prepare(self) -> None:
        if not self._prepared:
            with self._catch_up_lock:
                self.runner.prepare()
                self._prepared = True

    def position(self, name: str) -> int:
        """The log position the view reflects (read before its rows: they are at least there)."""
        return self.serving(name)[0]

    def is_current(self, name: str) -> bool:
        """Whether the serving view was built by the running definition, rather than an
        earlier one whose rows keep answering while the new one is rebuilt beside them."""
        return self.serving(name)[1]

    def serving(self, name: str) -> tuple[int, bool]:
        """``position`` and ``is_current`` from one read of the view's position row, for a
        reader that needs both."""
        self.prepare()
        found = self.store.position(name)
        current = self._current[name] = self._is_current(name, found)
        return (found.position if found else 0), current

    def _is_current(self, name: str, found: Position | None) -> bool:
        return found is not None and found.definition_version == self.projection(name).version

    def refresh(self, names: Sequence[str]) -> None:
        """With no runner following the log, bring the views to its head now."""
        if not self.following.is_set():
            self.catch_up(names)

    def rows(self, name: str, table: str) -> list[Row]:
        self.prepare()
        return self.store.rows(self.projection(name).table(table))

    def page(self, name: str, table: str, query: PageQuery) -> list[Row]:
        """One page of a view, filtered and ordered by the store."""
        self.prepare()
        return self.store.page(self.projection(name).table(table), query)

    def page_at(
        self, name: str, table: str, query: PageQuery | Callable[[bool], PageQuery]
    ) -> tuple[int, list[Row]]:
        """The view's position and one page of it, read together (the position first: the
        rows reflect at least that position). ``query`` may depend on whether the serving
        view is current (``is_current``): it is given the answer, read with the page."""
        asked = query if callable(query) else (lambda _: query)
        position, _, made = self.read_at(name, lambda current: [Page(table, asked(current))])
        rows: list[Row] = made[0][1]
        return position, rows

    def stored_page_at(
        self, name: str, table: str, query: Callable[[bool], PageQuery]
    ) -> tuple[int, list[tuple[Stored, ...]]]:
        """``page_at``, each row the stored values of the columns ``query`` names
        (``ViewStore.stored_page``)."""
        position, _, made = self.read_at(name, lambda current: [StoredPage(table, query(current))])
        rows: list[tuple[Stored, ...]] = made[0][1]
        return position, rows

    def read_at(
        self, name: str, reads: Callable[[bool], Sequence[R]]
    ) -> tuple[int, bool, list[tuple[R, Any]]]:
        """The view's position, whether it is current (``is_current``), and the ``reads``
        made of that answer, each with its result, all from one round trip where the store
        pipelines.

        The reads are made of the answer the position row last gave (whether the view is
        current changes only when a rebuild switches in) and sent with the read of that row;
        in the rare case that the row then says otherwise, they are made again and read once
        more (``READS_AGAIN``). Every read reflects at least the position."""
        self.prepare()
        current = self._current.get(name, True)
        asked = reads(current)
        for attempt in range(READS_AGAIN + 1):
            found, results = self._read_at(name, asked)
            made_of, current = current, self._is_current(name, found)
            if current == made_of or attempt == READS_AGAIN:
                break
            again = reads(current)
            if again == asked:  # the reads do not depend on the answer
                break
            asked = again
        self._current[name] = current
        made = list(zip(asked, results, strict=True))
        return (found.position if found else 0), current, made

    def _read_at(
        self, name: str, reads: Sequence[Read]
    ) -> tuple[Position | None, list[Any]]:
        projection = self.projection(name)
        if isinstance(self.store, SqlViewStore):
            store = self.store
            return store.position_and(name, [read.of(store, projection) for read in reads])
        found = self.store.position(name)
        return found, [read.run(self.store, projection) for read in reads]

    def count(self, name: str, table: str, where: Filter | None = None) -> int:
        """How many rows of a view match, counted by the store."""
        self.prepare()
        return self.store.count(self.projection(name).table(table), where)

    def counts(
        self,
        name: str,
        table: str,
        by: tuple[str, ...],
        where: Filter | None = None,
        labels: Mapping[str, Filter] | None = None,
    ) -> dict[tuple[Any, ...], int]:
        """Matching rows counted per value of the ``by`` columns (and per label), by the
        store."""
        self.prepare()
        return self.store.counts(self.projection(name).table(table), by, where, labels)

    def lookup(
        self, name: str, table: str, column: str, values: Iterable[Any]
    ) -> dict[str, Row]:
        """The rows whose ``column`` is one of ``values`` (one per value, keyed by its text):
        a page's names, never the whole directory."""
        wanted = tuple({str(v) for v in values if v is not None})
        if not wanted:
            return {}
        spec = self.projection(name).table(table)
        query = PageQuery(spec.key[0], False, len(wanted), where=In(column, wanted))
        return {str(r[column]): r for r in self.page(name, table, query)}

    def wait_for(self, position: int, names: Sequence[str], timeout: float) -> bool:
        """True once every named view reflects ``position``; False if ``timeout`` ran out."""
        deadline = time.monotonic() + timeout
        while True:
            if all(self.position(n) >= position for n in names):
                return True
            if not self.following.is_set():
                self.catch_up(names)
                if all(self.position(n) >= position for n in names):
                    return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)

    def catch_up(self, names: Sequence[str]) -> None:
        self.prepare()
        with self._catch_up_lock:
            head = self.log.head()
            for name in names:
                self.runner.advance(self.projection(name), head)

    def status(self) -> list[Status]:
        self.prepare()
        return status(self.log, self.store, list(self.projections.values()))
