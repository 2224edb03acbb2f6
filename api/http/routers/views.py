"""Every read model, table by table: rows with filters, sorting and cursor pagination.

Each page names the log position its rows reflect and the read model's definition version, so
a published figure can be traced to the events and the definitions it was computed from.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from api.http.access import CurrentPrincipal, guarded
from api.http.deps import ContainerDep, wait_for_position
from api.http.problems import ProblemError
from api.http.schemas.common import Page
from api.http.scope import view_row_visible
from domain import disclosure
from infra.readside import ReadSide
from projections.base import Table
from projections.store import PageQuery
from projections.values import checksum_form

router = APIRouter(prefix="/api/v1/views", tags=["read models"])


class TableInfo(BaseModel):
    name: str = Field(examples=["cases"])
    key: list[str] = Field(examples=[["id"]])
    columns: dict[str, str] = Field(examples=[{"id": "text", "status": "text"}])


class ViewInfo(BaseModel):
    name: str = Field(examples=["cases"])
    definition_version: str = Field(examples=["1"])
    position: int = Field(examples=[1843])
    tables: list[TableInfo]


@router.get("", response_model=list[ViewInfo], **guarded("views.list"))
def list_views(container: ContainerDep) -> list[ViewInfo]:
    """The read models, their tables and columns, and the log position each reflects."""
    read = container.read
    return [
        ViewInfo(
            name=p.name,
            definition_version=p.version,
            position=read.position(p.name),
            tables=[
                TableInfo(name=t.name, key=list(t.key), columns={c.name: c.type for c in t.columns})
                for t in p.tables
            ],
        )
        for p in read.projections.values()
        if not p.private
    ]


@router.get("/{view}/{table}", response_model=Page, **guarded("views.rows"))
def view_rows(
    *,
    view: Annotated[str, Path(max_length=64, examples=["cases"])],
    table: Annotated[str, Path(max_length=64, examples=["cases"])],
    container: ContainerDep,
    caller: CurrentPrincipal,
    where: Annotated[
        list[str] | None,
        Query(
            max_length=10,
            description="column=value (exact match; repeat for AND)",
            examples=[["status=in_progress"]],
        ),
    ] = None,
    sort: Annotated[
        str | None, Query(max_length=64, description="column, -column: descending")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
    min_position: Annotated[int | None, Query(ge=0, le=2**62)] = None,
) -> Page:
    """Rows of one table of a read model, filtered and sorted, a page at a time."""
    read = container.read
    try:
        projection = read.projection(view)
        if projection.private:  # a person's inbox is theirs: read through /api/v1/inbox
            raise KeyError(f"no read model named {view!r}")
        spec = projection.table(table)
    except KeyError as missing:
        raise ProblemError(
            404, "no-such-view", "No such read model or table", str(missing)
        ) from None
    if min_position is not None:
        wait_for_position(container, min_position, [view])
    read.refresh([view])
    position = read.position(view)
    # Withheld before filtering and sorting, so no filter can pick a confidential filer out.
    rows = [
        disclosure.row(checksum_form(spec, r))
        for r in read.rows(view, table)
        if view_row_visible(caller, view, table, r)  # the scope of the single read
    ]
    link = disclosure.FILER_LINKS.get((view, table))
    if link is not None:
        hidden = confidential_cases(container.read)
        rows = [disclosure.unlinked(r, link, hidden) for r in rows]
    for condition in where or []:
        column, _, value = condition.partition("=")
        _column(spec, column)
        rows = [r for r in rows if _text(r.get(column)) == value]
    column = (sort or "").lstrip("-")
    if column:
        _column(spec, column)
    descending = bool(sort and sort.startswith("-"))

    def key(row: dict[str, Any]) -> list[str]:
        own = [_text(row.get(column))] if column else []
        return own + [_text(row.get(k)) for k in spec.key]

    rows.sort(key=key, reverse=descending)
    if cursor is not None:
        after = _cursor(cursor)
        rows = [r for r in rows if (key(r) < after if descending else key(r) > after)]
    page = rows[:limit]
    more = len(rows) > limit and page
    return Page(
        items=page,
        next_cursor=base64.urlsafe_b64encode(json.dumps(key(page[-1])).encode()).decode()
        if more
        else None,
        position=position,
        definition_version=read.projection(view).version,
    )


def confidential_cases(read: ReadSide) -> frozenset[str]:
    """The ids of the confidential cases, from the case read model (its index answers)."""
    read.refresh(["cases"])
    query = PageQuery(
        order="filed_at", descending=False, limit=2**31, equals={"confidential": True}
    )
    return frozenset(str(r["id"]) for r in read.page("cases", "cases", query))


def _column(spec: Table, name: str) -> None:
    try:
        spec.column(name)
    except KeyError:
        names = ", ".join(c.name for c in spec.columns)
        raise ProblemError(
            422, "no-such-column", "No such column", f"{spec.name} has: {names}"
        ) from None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def _cursor(cursor: str) -> list[str]:
    try:
        found = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if isinstance(found, list) and all(isinstance(v, str) for v in found):
            return found
    except (ValueError, binascii.Error, UnicodeDecodeError):
        pass
    raise ProblemError(422, "bad-cursor", "The cursor is not one this list gave")
