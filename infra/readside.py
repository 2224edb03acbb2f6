"""The read side as the API sees it: view rows, view positions, and waiting for a position.

A client that has just written knows the log position of its write; a query naming that
position waits (bounded) until the views have reached it. When no background runner is
following the log (tests, one-shot tools), the waiting request catches the views up itself:
the store's position check makes that safe next to any runner.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from infra.projections.log import EventLog
from infra.projections.operations import Status, status
from infra.projections.runner import ProjectionRunner
from infra.views.store import SqlViewStore
from projections.base import Projection, Row
from projections.query import Filter, In
from projections.store import PageQuery, ViewStore


class ReadSide:
    def __init__(self, log: EventLog, store: ViewStore, runner: ProjectionRunner) -> None:
        self.log, self.store, self.runner = log, store, runner
        self.projections = {p.name: p for p in runner.projections}
        self.following = threading.Event()
        """Set while a background runner follows the log."""
        self._catch_up_lock = threading.Lock()
        self._prepared = False

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
        if found is None:
            return 0, False
        return found.position, found.definition_version == self.projection(name).version

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

    def page_at(self, name: str, table: str, query: PageQuery) -> tuple[int, list[Row]]:
        """The view's position and one page of it, read together (the position first: the
        rows reflect at least that position)."""
        self.prepare()
        spec = self.projection(name).table(table)
        if isinstance(self.store, SqlViewStore):
            found, rows = self.store.position_and_page(name, spec, query)
        else:
            found, rows = self.store.position(name), self.store.page(spec, query)
        return (found.position if found else 0), rows

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
