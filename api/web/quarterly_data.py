"""What the quarterly evaluation's pages and routes read: the departments an enterprise may
evaluate (one bounded page of the directory), and which of them it has answered about (one
lookup of each answer by its id: the answers are not a read model anyone lists)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.application import Casetrail
from infra.readside import ReadSide
from projections.store import PageQuery

MOST_UNITS = 2000
"""The most departments one form lists (a directory's units: tens, not thousands)."""


@dataclass(frozen=True)
class Department:
    id: str
    code: str
    name: str
    answered: bool


def departments(
    app: Casetrail, read: ReadSide, enterprise_id: UUID | None, quarter: str | None
) -> list[Department]:
    """The active departments by code, each saying whether the enterprise answered about it
    for ``quarter`` (False when no enterprise or no quarter is given)."""
    read.refresh(["directory"])
    rows = read.page(
        "directory", "units", PageQuery("code", False, MOST_UNITS, equals={"active": True})
    )
    out = []
    for row in rows:
        answered = (
            enterprise_id is not None
            and quarter is not None
            and app.quarterly_evaluation(enterprise_id, UUID(str(row["id"])), quarter) is not None
        )
        out.append(Department(str(row["id"]), str(row["code"]), str(row["name"]), answered))
    return out
