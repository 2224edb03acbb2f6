"""Case queries: the list (from the case read model) and one case (from its own history)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from datetime import UTC, datetime
from operator import itemgetter
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic_core import to_json

from api.http.access import CurrentPrincipal, Scope, guarded, scope_of
from api.http.deps import ContainerDep, MinPosition, etag, rendered
from api.http.problems import ProblemError
from api.http.routers.cases import CaseId
from api.http.schemas.cases import CasePublic, CaseRow, CasesPage
from api.http.scope import confidential_desk, visible_case, visible_filter
from domain import disclosure
from domain.actors import Role
from domain.calendar import WorkCalendar
from domain.directory import Enterprise, Unit
from infra.readside import ReadSide
from projections.figures import time_filters
from projections.figures.board import case_state
from projections.figures.context import Context
from projections.query import Filter, Not, all_of
from projections.store import PageQuery

router = APIRouter(prefix="/api/v1/cases", tags=["case queries"])

Sort = Literal["filed_at", "-filed_at", "due_at", "-due_at", "updated_at", "-updated_at"]
ROW_FIELDS = tuple(CaseRow.model_fields)
STATE_COLUMNS = (
    "status", "closed_on_time", "answered_on_time", "cycle_overdue", "due", "due_at",
    "deadline_start", "period", "period_unit", "extension_days", "extension_hours", "provisional",
)
"""What ``case_state`` reads of a row (a test holds it to that)."""
LIST_COLUMNS = tuple(dict.fromkeys((*(f for f in ROW_FIELDS if f != "time_state"), *STATE_COLUMNS)))
"""The columns a list reads: of the case view's many, only those a row shows or is judged by."""
# Roles that see cases without the filer's personal details (they never handle the case).
WITHOUT_FILER = frozenset({Role.API_CONSUMER, Role.LEADER})


@router.get("", response_model=CasesPage, **guarded("cases.list"))
def list_cases(
    *,
    container: ContainerDep,
    caller: CurrentPrincipal,
    _waited: MinPosition,
    status: Annotated[list[str] | None, Query(max_length=10, examples=[["in_progress"]])] = None,
    unit: Annotated[str | None, Query(max_length=64, description="lead unit code")] = None,
    case_type: Annotated[str | None, Query(alias="type", max_length=32)] = None,
    channel: Annotated[str | None, Query(max_length=32)] = None,
    enterprise: Annotated[str | None, Query(max_length=64, description="credit code")] = None,
    owner: Annotated[str | None, Query(max_length=100, description="owner's login")] = None,
    due_soon: Annotated[bool | None, Query(description="open, and due soon (yellow)")] = None,
    overdue: Annotated[bool | None, Query(description="open and past its deadline")] = None,
    sort: Sort = "-filed_at",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
) -> Response:
    """List the cases you may see, filtered and sorted, a page at a time (cursor pagination).
    Pass a command's ``position`` as ``min_position`` to see your own write."""
    read, app = container.read, container.app
    read.refresh(["cases", "directory"])
    equals: dict[str, Any] = {"case_type": case_type, "channel": channel, "owner": owner}
    if unit:
        equals["lead_unit_id"] = str(Unit.id_for(unit))
    if enterprise:
        equals["enterprise_id"] = str(Enterprise.id_for(enterprise))
    equals = {k: v for k, v in equals.items() if v is not None}
    if disclosure.filters_filer(set(equals)) and scope_of(caller.role) is not Scope.OWN:
        # Nobody but the filer learns which confidential cases an enterprise filed.
        equals["confidential"] = False
    now, desk = app.now(), confidential_desk(app)

    def read_page(calendar: WorkCalendar) -> tuple[Context, int, list[dict[str, Any]], str | None]:
        ctx = Context(now, calendar, app.policy)
        soon = _state_filter(due_soon, time_filters.due_soon, ctx)
        late = _state_filter(overdue, time_filters.overdue, ctx)

        # Everything is answered by the view store: who may see a case, the filters, the time
        # states against now (as parameters), the order and the keyset page. Who may see a
        # case depends on whether the view is current, read with the page.
        def where(current: bool) -> Filter:
            return all_of(visible_filter(caller, desk=desk, co_units=current), soon, late)

        position, page, following = _page_in_store(
            read, equals=equals, status=status, where=where, sort=sort, limit=limit,
            cursor=cursor,
        )
        return ctx, position, page, following

    # The kept calendar, checked once the page's position is known (``work_calendar_at``):
    # the page is read again in the rare case that the calendar had changed by then.
    kept = app.work_calendar_at(0)
    ctx, position, page, next_cursor = read_page(kept)
    calendar = app.work_calendar_at(position)
    if calendar is not kept:
        ctx, position, page, next_cursor = read_page(calendar)
    items = []
    for row in page:
        row["time_state"] = case_state(row, ctx)
        # Only a row with something to withhold is copied to blank it.
        items.append(_listed(disclosure.row(row) if disclosure.withheld(row) else row))
    return Response(to_json({
        "items": items,
        "next_cursor": next_cursor,
        "position": position,
        "definition_version": read.projection("cases").version,
    }), media_type="application/json")


_ROW_VALUES = itemgetter(*ROW_FIELDS)


def _listed(row: dict[str, Any]) -> dict[str, Any]:
    """A row as ``CaseRow`` writes it, without validating it as one: the fields in the model's
    order (not the columns it is judged by besides), each value already of the type the model
    would make of it, since the view store decodes every column to its type (ids and the due
    day are their canonical text). Validating the page cost as much as writing it; the tests
    hold the two to the same bytes."""
    return dict(zip(ROW_FIELDS, _ROW_VALUES(row), strict=True))


def _page_in_store(
    read: ReadSide,
    *,
    equals: dict[str, Any],
    status: list[str] | None,
    where: Callable[[bool], Filter],
    sort: str,
    limit: int,
    cursor: str | None,
) -> tuple[int, list[dict[str, Any]], str | None]:
    """The view's position, one page of the list and the cursor of the next (None: no more)."""
    field, descending = sort.lstrip("-"), sort.startswith("-")
    after = _decode_cursor(cursor, sort) if cursor is not None else None

    def query(current: bool) -> PageQuery:
        return PageQuery(
            order=field,
            descending=descending,
            limit=limit + 1,
            equals=equals,
            any_of={"status": tuple(status)} if status else {},
            after=after,
            where=where(current),
            columns=LIST_COLUMNS,
        )

    position, found = read.page_at("cases", "cases", query)
    page, more = found[:limit], len(found) > limit
    following = _encode_cursor(sort, _sort_key(page[-1], field)) if more and page else None
    return position, page, following


def _sort_key(row: dict[str, Any], field: str) -> tuple[str, str]:
    """The row's place in the order, as the view stores it (UTC ISO text, then the id)."""
    value = row.get(field)
    text = (
        value.astimezone(UTC).isoformat(timespec="microseconds")
        if isinstance(value, datetime)
        else ""
    )
    return text, str(row["id"])


def _state_filter(
    wanted: bool | None, state: Callable[[Context], Filter], ctx: Context
) -> Filter | None:
    """The state's filter (or its negation) for a list that asks; built only then, since the
    due-soon bounds walk the calendar."""
    if wanted is None:
        return None
    return state(ctx) if wanted else Not(state(ctx))


def _encode_cursor(sort: str, last: tuple[str, str]) -> str:
    raw = json.dumps({"s": sort, "v": last[0], "i": last[1]}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, sort: str) -> tuple[str, str]:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(data, dict) or data.get("s") != sort:
            raise ValueError("another sort")
        return str(data["v"]), str(data["i"])
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ProblemError(
            422,
            "bad-cursor",
            "The cursor is not one this list gave",
            "pass next_cursor from the previous page, with the same sort",
        ) from None


@router.get("/{case_id}", response_model=CasePublic, **guarded("cases.show"))
def show_case(case_id: CaseId, container: ContainerDep, caller: CurrentPrincipal) -> Response:
    """One case as it stands now, read from its history, with the steps your role may take.
    The ``ETag`` is its version: send it back as ``If-Match`` with your next step."""
    case = visible_case(container.app, caller, case_id)
    state = case.state()
    state["allowed_steps"] = case.allowed_steps(caller.actor)
    if caller.role in WITHOUT_FILER:
        state["filer_name"] = state["filer_contact"] = None
    return rendered(CasePublic.model_validate(state), {"ETag": etag(case.version)})
