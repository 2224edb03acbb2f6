"""A numbered page of a list the store orders in groups: a count per group and one bounded
page of each group the page falls in, so a list of any length costs a few indexed queries.

A list "most pressing first" is such a list: the open before the closed, each by its due date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from infra.readside import ReadSide
from projections.query import Filter
from projections.store import PageQuery

Row = dict[str, Any]


@dataclass(frozen=True)
class Paged:
    rows: list[Row]
    total: int
    page_no: int
    pages: int


def ranked_page(
    read: ReadSide,
    view: tuple[str, str],
    groups: Mapping[str, Filter],
    order: str,
    *,
    page_no: int,
    size: int,
    descending: bool = False,
) -> Paged:
    """Page ``page_no`` (from 1; past the last: the last) of ``size`` rows of the view, the
    rows of each group (in the mapping's order) ordered by ``order`` then the table's key."""
    counts = {name: read.count(*view, where) for name, where in groups.items()}
    total = sum(counts.values())
    pages = max(1, -(-total // size))
    page_no = min(max(page_no, 1), pages)
    skip = (page_no - 1) * size
    rows: list[Row] = []
    for name, where in groups.items():
        if len(rows) >= size:
            break
        if skip >= counts[name]:
            skip -= counts[name]
            continue
        query = PageQuery(order, descending, size - len(rows), where=where, offset=skip)
        rows += read.page(*view, query)
        skip = 0
    return Paged(rows, total, page_no, pages)
