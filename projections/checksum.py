"""A digest of a read model's rows that depends on what the rows say, not how they got there.

Tables are taken in name order, rows in primary-key order, each row serialised as canonical JSON
(sorted keys, no spaces) without its position columns. Two stores holding the same rows give the
same digest whatever order the rows were inserted in and whichever backend holds them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from projections.base import Projection, Row, Table
from projections.values import canonical_json, checksum_form


def _sort_key(table: Table) -> Callable[[Row], tuple[Any, ...]]:
    return lambda row: tuple(row[k] for k in table.key)


def table_lines(table: Table, rows: Iterable[Row]) -> list[str]:
    ordered = sorted(rows, key=_sort_key(table))
    return [canonical_json({"table": table.name, "row": checksum_form(table, r)}) for r in ordered]


def digest(projection: Projection, rows_of: Callable[[Table], Iterable[Row]]) -> str:
    """SHA-256 over every row of every table of ``projection``; ``rows_of`` reads a table."""
    sha = hashlib.sha256()
    for table in sorted(projection.tables, key=lambda t: t.name):
        for line in table_lines(table, rows_of(table)):
            sha.update(line.encode("utf-8"))
            sha.update(b"\n")
    return sha.hexdigest()
