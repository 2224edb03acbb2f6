"""What a SQL view store knows of a view's rows between its batches, so a replay rarely reads.

A batch reads the rows its handlers ask for before running them (``infra.views.sql``), and a
store keeps what its last batch knew for the next one when the position proves that nobody
wrote the tables in between. Two facts make that knowledge go further:

- **Rows kept, most recently used last.** Beyond ``limit`` rows the oldest are let go, one by
  one, instead of forgetting the whole view: a case's events come close together in the log, so
  the rows a batch needs are nearly always among the latest.
- **Complete knowledge.** When the store saw the tables empty (a rebuild's fresh tables, a new
  view) and has written every batch since, it knows every row they hold: a key it has never
  seen is absent, with no read and no dry run. Rows it let go stay known to exist (their keys
  are kept) and are read again one at a time if a handler asks for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from typing import Any

from projections.values import Stored

StoredKey = tuple[Stored, ...]
Held = dict[str, Any]
"""A row in the form a batch keeps it (``projections.values.hold``)."""

LET_GO_KEYS = 1_000_000
"""Keys of let-go rows kept for complete knowledge; beyond, the store falls back to reading."""


class Known:
    def __init__(self, tables: Iterable[str], *, complete: bool) -> None:
        self.rows: dict[str, dict[StoredKey, Held | None]] = {t: {} for t in tables}
        """Per table, rows by stored key (None: known absent), least recently used first."""
        self.complete = complete
        """Every row the tables hold is in ``rows`` or ``let_go``."""
        self.let_go: dict[str, set[StoredKey]] = {t: set() for t in self.rows}
        """Keys of rows the tables hold whose columns are no longer kept here."""

    def lookup(self, table: str, key: StoredKey) -> tuple[bool, Held | None]:
        """Whether the row's whole state is known, and that state (None: absent)."""
        rows = self.rows[table]
        if key in rows:
            return True, rows[key]
        if self.complete and key not in self.let_go[table]:
            return True, None
        return False, None

    def learn(self, table: str, key: StoredKey, row: Held | None) -> None:
        """The row's whole state, as read or as written: kept as the most recent."""
        rows = self.rows[table]
        rows.pop(key, None)
        rows[key] = row
        if self.complete:
            self.let_go[table].discard(key)

    def forget(self, table: str, key: StoredKey) -> None:
        """The row was written in part: only the table knows its other columns."""
        self.rows[table].pop(key, None)
        if self.complete:
            self.let_go[table].add(key)

    def size(self) -> int:
        return sum(len(rows) for rows in self.rows.values())

    def trim(self, limit: int) -> Known:
        """Let the least recently used rows go until at most ``limit`` are kept."""
        total = self.size()
        if total > limit:
            for table, rows in self.rows.items():
                excess = len(rows) - limit * len(rows) // total
                let_go = self.let_go[table]
                for key in list(islice(rows, excess)):
                    if rows.pop(key) is not None and self.complete:
                        let_go.add(key)
        if self.complete and sum(len(keys) for keys in self.let_go.values()) > LET_GO_KEYS:
            self.complete = False
            for keys in self.let_go.values():
                keys.clear()
        return self
