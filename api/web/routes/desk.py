"""The staff desk: my cases, due soon and overdue (yellow and red cards), and filing a demand
received at the window."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Response

from api.web.context import DESK, WebDep
from api.web.desk_data import load_desk
from api.web.names import load_names
from api.web.refusals import refusal
from api.web.render import WebRoute, page, redirect
from api.web.supervision_data import OPEN_RANKS, case_rows, orders_page
from domain.case_rules import CASE_TYPES, CHANNELS
from domain.errors import DomainError

DESK_ORDERS = 10
router = APIRouter(route_class=WebRoute, include_in_schema=False)
Text = Annotated[str, Form(max_length=4000)]
Flag = Annotated[str, Form(max_length=10)]
FIELDS = (
    "case_type",
    "channel",
    "summary",
    "enterprise",
    "filer_name",
    "filer_contact",
    "service_item",
    "real_name",
    "confidential",
    "emergency",
    "reported_unit",
)


@router.get("/desk")
def desk(web: WebDep, done: str = "") -> Response:
    caller = web.require(DESK)
    data = load_desk(web.app, web.container.read, caller, web.app.now())
    names = load_names(web.container.read)
    sent = done == "sent-to-desk"
    # The most pressing few open ones; the 督办 page lists them all, a page at a time.
    orders = orders_page(
        web.container.read, caller, web.app.now(), size=DESK_ORDERS, ranks=OPEN_RANKS
    )
    return page(
        web,
        "desk.html",
        desk=data,
        names=names,
        sent_to_desk=sent,
        orders=orders.orders,
        more_orders=orders.more,
        case_rows=case_rows(web.container.read, orders.orders),
    )


@router.get("/desk/new")
def new_case_form(web: WebDep) -> Response:
    web.require(DESK)
    return _form(web, {"case_type": "complaint", "channel": "window", "real_name": "yes"})


@router.post("/desk/new")
def file_case(
    web: WebDep,
    *,
    csrf: Text = "",
    case_type: Text = "",
    channel: Text = "",
    summary: Text = "",
    enterprise: Text = "",
    filer_name: Text = "",
    filer_contact: Text = "",
    service_item: Text = "",
    real_name: Flag = "",
    confidential: Flag = "",
    emergency: Flag = "",
    reported_unit: Text = "",
) -> Response:
    web.check_csrf(csrf)
    caller = web.require(DESK)
    app = web.app
    values = {
        "case_type": case_type,
        "channel": channel,
        "summary": summary,
        "enterprise": enterprise,
        "filer_name": filer_name,
        "filer_contact": filer_contact,
        "service_item": service_item,
        "real_name": real_name,
        "confidential": confidential,
        "emergency": emergency,
        "reported_unit": reported_unit,
    }
    try:
        saved = app.file_demand(
            case_type=case_type,
            channel=channel,
            summary=summary,
            actor=caller.actor,
            enterprise_id=app.enterprise(enterprise).id if enterprise else None,
            filer_name=filer_name.strip() or None,
            filer_contact=filer_contact.strip() or None,
            real_name=real_name == "yes",
            confidential=confidential == "yes",
            emergency=emergency == "yes",
            service_item=service_item.strip() or None,
            reported_unit=reported_unit.strip() or None,
        )
    except DomainError as error:
        return _form(web, values, error=refusal(web.locale, error), status=422)
    web.read_your_write(saved.position, ["cases"])
    if app.case(saved.id).owner != caller.actor.id:
        # A confidential demand recorded outside the receiving desk goes there, out of sight.
        return redirect(web, "/desk?done=sent-to-desk")
    return redirect(web, f"/cases/{saved.id}?done=filed")


def _form(web: WebDep, values: dict[str, str], error: str = "", status: int = 200) -> Response:
    names = load_names(web.container.read)
    return page(
        web,
        "new_case.html",
        status=status,
        values=dict.fromkeys(FIELDS, "") | values,
        error=error,
        case_types=list(CASE_TYPES),
        channels=list(CHANNELS),
        enterprises=sorted(names.enterprises.values(), key=lambda r: str(r["name"])),
        units=names.sorted_units(),
    )
