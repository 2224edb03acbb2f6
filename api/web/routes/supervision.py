"""督办 in the web: the supervisor issues an order on a case or a unit and follows it; the head
of the unit addressed answers it; the supervisor closes it once answered. A unit head also
finds here the decisions waiting for them (extensions and returns), each linked to the case's
decision form. A refused form comes back with its sentence beside it and what was typed."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Query, Response

from api.web.context import Web, WebDep
from api.web.names import load_names
from api.web.refusals import refusal
from api.web.render import WebRoute, page, redirect
from api.web.supervision_data import LATE, approvals_for, case_rows, orders_page, state_of
from domain.actors import Role
from domain.errors import DomainError, InvalidInputError, NotFoundError
from domain.supervision import Supervision
from infra.identity import Principal

router = APIRouter(route_class=WebRoute, include_in_schema=False)
Text = Annotated[str, Form(max_length=4000)]
Short = Annotated[str, Form(max_length=64)]
FOLLOWERS = frozenset({Role.SUPERVISOR, Role.UNIT_HEAD, Role.WINDOW_STAFF})
ISSUERS = frozenset({Role.SUPERVISOR})
HEADS = frozenset({Role.UNIT_HEAD})
DONE = ("issued", "responded", "closed")


@router.get("/supervision")
def order_list(
    web: WebDep, page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1
) -> Response:
    caller = web.require(FOLLOWERS)
    found = orders_page(web.container.read, caller, web.app.now(), page_no)
    return page(
        web,
        "supervision_list.html",
        orders=found.orders,
        total=found.total,
        page_no=found.page_no,
        pages=found.pages,
        names=load_names(web.container.read),
        cases=case_rows(web.container.read, found.orders),
    )


@router.get("/supervision/new")
def new_order(web: WebDep, case: UUID | None = None) -> Response:
    web.require(ISSUERS)
    if case is not None:
        web.app.case(case)  # an unknown case is a 404 page, not a form that cannot succeed
    return _issue_form(
        web, {"case": str(case) if case else "", "target": "case" if case else "unit"}
    )


@router.post("/supervision/new")
def issue_order(
    web: WebDep,
    *,
    csrf: Text = "",
    target: Short = "",
    case: Short = "",
    unit: Short = "",
    instruction: Text = "",
    required_response: Text = "",
    due: Short = "",
    working_days: Short = "",
) -> Response:
    web.check_csrf(csrf)
    caller = web.require(ISSUERS)
    values = {
        "target": target,
        "case": case,
        "unit": unit,
        "instruction": instruction,
        "required_response": required_response,
        "due": due,
        "working_days": working_days,
    }
    app = web.app
    try:
        when = _due(due, working_days)
        common: dict[str, Any] = {
            "instruction": instruction,
            "required_response": required_response,
            "actor": caller.actor,
            **when,
        }
        if target == "case" and case:
            saved = app.supervise_case(_case_id(case), **common)
        else:
            if not unit:
                raise InvalidInputError("choose the unit to supervise", code="supervise-which-unit")
            saved = app.supervise_unit(unit, **common)
    except DomainError as error:
        return _issue_form(web, values, error=refusal(web.locale, error), status=422)
    web.read_your_write(saved.position, ["oversight"])
    return redirect(web, f"/supervision/{saved.id}?done=issued")


@router.get("/supervision/{order_id}")
def order_page(order_id: UUID, web: WebDep, done: str = "") -> Response:
    caller = web.require(FOLLOWERS)
    return _order_page(web, caller, _visible(web, caller, order_id), done=done)


@router.post("/supervision/{order_id}/respond")
def respond(order_id: UUID, web: WebDep, csrf: Text = "", response: Text = "") -> Response:
    web.check_csrf(csrf)
    caller = web.require(HEADS)
    order = _visible(web, caller, order_id)
    try:
        saved = web.app.respond_to_supervision(order_id, response, actor=caller.actor)
    except DomainError as error:
        said = refusal(web.locale, error)
        return _order_page(web, caller, order, failed="respond", error=said, typed=response)
    web.read_your_write(saved.position, ["oversight"])
    return redirect(web, f"/supervision/{order_id}?done=responded")


@router.post("/supervision/{order_id}/close")
def close(order_id: UUID, web: WebDep, csrf: Text = "", conclusion: Text = "") -> Response:
    web.check_csrf(csrf)
    caller = web.require(ISSUERS)
    order = _visible(web, caller, order_id)
    try:
        saved = web.app.close_supervision(order_id, conclusion, actor=caller.actor)
    except DomainError as error:
        said = refusal(web.locale, error)
        return _order_page(web, caller, order, failed="close", error=said, typed=conclusion)
    web.read_your_write(saved.position, ["oversight"])
    return redirect(web, f"/supervision/{order_id}?done=closed")


@router.get("/approvals")
def approvals(web: WebDep) -> Response:
    caller = web.require(HEADS)
    waiting = approvals_for(web.app, web.container.read, caller)
    return page(web, "approvals.html", waiting=waiting, names=load_names(web.container.read))


def _visible(web: Web, caller: Principal, order_id: UUID) -> Supervision:
    """The order, if the caller's scope covers it: a supervisor all, others their unit's."""
    order = web.app.load(Supervision, order_id)
    if caller.role is not Role.SUPERVISOR and order.unit_id != caller.unit_id:
        raise NotFoundError(f"no supervision order with id {order_id}")
    return order


def _order_page(
    web: Web,
    caller: Principal,
    order: Supervision,
    *,
    done: str = "",
    failed: str = "",
    error: str = "",
    typed: str = "",
    status: int | None = None,
) -> Response:
    now = web.app.now()
    names = load_names(web.container.read)
    open_ = order.closed_at is None
    return page(
        web,
        "supervision_order.html",
        status=status or (422 if failed else 200),
        order=order,
        state=state_of(order, now),
        late=state_of(order, now) in LATE,
        names=names,
        target_case=_case_row(web, str(order.target_id)),
        can_respond=open_ and caller.role is Role.UNIT_HEAD and caller.unit_id == order.unit_id,
        can_close=open_ and caller.role is Role.SUPERVISOR and bool(order.responses),
        done=done if done in DONE else "",
        failed=failed,
        error=error,
        typed=typed,
    )


def _issue_form(
    web: Web, values: dict[str, str], *, error: str = "", status: int = 200
) -> Response:
    names = load_names(web.container.read)
    fields = dict.fromkeys(
        ("target", "case", "unit", "instruction", "required_response", "due", "working_days"), ""
    )
    values = fields | values
    case_row = _case_row(web, values["case"]) if values["case"] else None
    return page(
        web,
        "supervision_new.html",
        status=status,
        values=values,
        case_row=case_row,
        units=names.sorted_units(),
        error=error,
    )


def _case_row(web: Web, case_id: str) -> dict[str, Any] | None:
    """The case an order (or the form) names, fetched by its id."""
    read = web.container.read
    read.refresh(["cases"])
    return read.lookup("cases", "cases", "id", [case_id]).get(case_id)


def _case_id(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise InvalidInputError("the form named no case", code="supervise-which-case") from None


def _due(due: str, working_days: str) -> dict[str, Any]:
    """A due date or a number of working days, as the service takes them."""
    result: dict[str, Any] = {}
    if due.strip():
        try:
            result["due"] = date.fromisoformat(due.strip())
        except ValueError:
            raise InvalidInputError(
                f"{due!r} is not a date", code="supervision-due-date", params={"value": due}
            ) from None
    if working_days.strip():
        try:
            days = int(working_days.strip())
        except ValueError:
            days = 0
        if days < 1:
            raise InvalidInputError(
                "working days must be a whole number above zero",
                code="supervision-working-days",
                params={"value": working_days},
            )
        result["working_days"] = days
    return result
