"""Every read model, table by table: rows with filters, sorting and cursor pagination.

Each page names the log position its rows reflect and the read model's definition version, so
a published figure can be traced to the events and the definitions it was computed from.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from api.http.access import CurrentPrincipal, guarded
from api.http.deps import ContainerDep, wait_for_position
from api.http.problems import ProblemError
from api.http.schemas.common import Page
from api.http.scope import view_row_filter
from domain import disclosure
from infra.readside import ReadSide
from projections.base import Column, Table
from projections.cases import CaseProjection
from projections.query import NOTHING, Compare, Filter, InSelect, Not, all_of
from projections.store import PageQuery
from projections.values import checksum_form, encode

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
    # The scope of the single read, in the store (a leader's own visits and findings).
    conditions = [view_row_filter(caller, view, table)]
    for condition in where or []:
        column, _, value = condition.partition("=")
        _column(spec, column)
        conditions.append(_equals(spec.column(column), value))
    column = (sort or "").lstrip("-")
    if column:
        _column(spec, column)
    link = disclosure.FILER_LINKS.get((view, table))
    filtered = {c.partition("=")[0] for c in where or []} | ({column} if column else set())
    conditions.append(_no_filer(spec, link, filtered))
    # The store filters, orders (the column, then the key) and cuts the page on its indexes.
    query = PageQuery(
        column or spec.key[0],
        bool(sort and sort.startswith("-")),
        limit + 1,
        after=_cursor(cursor, 1 + len(spec.key)) if cursor is not None else None,
        where=all_of(*conditions),
    )
    found = read.page(view, table, query)
    # Withheld as the rows leave: what names a confidential filer, and ties to such a case.
    page = [disclosure.row(checksum_form(spec, r)) for r in found[:limit]]
    if link is not None:
        hidden = confidential_cases(read, {str(r[link]) for r in page if r.get(link)})
        page = [disclosure.unlinked(r, link, hidden) for r in page]
    last = found[limit - 1] if len(found) > limit else None
    return Page(
        items=page,
        next_cursor=_encode_cursor(spec, query.order, last) if last is not None else None,
        position=position,
        definition_version=read.projection(view).version,
    )


def _equals(column: Column, text: str) -> Filter:
    """``column=text`` as the export shows values (true/false, numbers, ISO times, JSON)."""
    try:
        value: Any = text
        if column.type == "boolean":
            if text not in ("true", "false"):
                return NOTHING
            value = text == "true"
        elif column.type == "integer":
            value = int(text)
        elif column.type == "real":
            value = float(text)
        elif column.type == "timestamp":
            value = datetime.fromisoformat(text)
            if value.tzinfo is None:
                return NOTHING
        elif column.type == "json":
            value = json.loads(text)
    except ValueError:
        return NOTHING
    return Compare(column.name, "=", None if text == "" else value)


def _encode_cursor(spec: Table, order: str, row: dict[str, Any]) -> str:
    names = (order, *spec.key)
    stored = [encode(spec.column(n), row.get(n)) for n in names]
    return base64.urlsafe_b64encode(json.dumps(stored).encode()).decode()


def confidential_cases(read: ReadSide, ids: set[str]) -> frozenset[str]:
    """Which of the case ``ids`` are confidential, from the case read model (its key answers)."""
    if not ids:
        return frozenset()
    read.refresh(["cases"])
    query = PageQuery(
        order="filed_at", descending=False, limit=len(ids),
        equals={"confidential": True}, any_of={"id": tuple(sorted(ids))},
    )
    return frozenset(str(r["id"]) for r in read.page("cases", "cases", query))


def _no_filer(spec: Table, link: str | None, columns: set[str]) -> Filter | None:
    """What a query filtering or sorting on ``columns`` leaves out so that it cannot pick out a
    confidential filer (the rows show those columns withheld, which the store does not see):
    confidential rows when the columns name the filer, and rows tied to a confidential case when
    they hold the tie."""
    parts: list[Filter] = []
    names = {c.name for c in spec.columns}
    if "confidential" in names and disclosure.filters_filer(columns):
        parts.append(Not(Compare("confidential", "=", True)))
    if link is not None and link in columns:
        cases = CaseProjection().table("cases")
        hidden = InSelect(link, cases, "id", Compare("confidential", "=", True))
        parts.append(Not(hidden))
    return all_of(*parts) if parts else None


def _column(spec: Table, name: str) -> None:
    try:
        spec.column(name)
    except KeyError:
        names = ", ".join(c.name for c in spec.columns)
        raise ProblemError(
            422, "no-such-column", "No such column", f"{spec.name} has: {names}"
        ) from None


def _cursor(cursor: str, size: int) -> tuple[Any, ...]:
    try:
        found = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if isinstance(found, list) and len(found) == size:
            return tuple(found)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        pass
    raise ProblemError(422, "bad-cursor", "The cursor is not one this list gave")
