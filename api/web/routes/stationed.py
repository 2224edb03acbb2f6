"""Stationed staff's work and secondments in the web.

A stationed staff member (驻企服务员) sees the enterprises they are stationed with, records what
they did for one (a policy explained, a service provided, a problem taken up) and opens a case
on the enterprise's behalf for a problem; the enterprise confirms or disputes each activity from
its portal. Supervisors and admins arrange secondments (选派干部服务锻炼), end one early with a
reason, and read the roster of who is where on a day.

Every list is a page of a read model on its index (a staff member's, an enterprise's, a day's
roster). Every step is the application's, with the API's rules; a refusal is shown beside the
form in the page's language, with what was typed kept.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Response

from api.web.context import PORTAL, WebDep
from api.web.names import load_names
from api.web.refusals import refusal
from api.web.render import WebRoute, page, redirect
from domain.actors import Role
from domain.case_rules import CASE_TYPES
from domain.errors import DomainError, NotFoundError
from domain.secondment import SecondmentDirection
from domain.stationed import ActivityKind
from infra.figures import roster_rows
from projections.store import PageQuery

router = APIRouter(route_class=WebRoute, include_in_schema=False)
Text = Annotated[str, Form(max_length=4000)]
STAFF = frozenset({Role.WINDOW_STAFF, Role.UNIT_HEAD})
ARRANGERS = frozenset({Role.SUPERVISOR, Role.ADMIN})
KINDS = [k.value for k in ActivityKind]
DIRECTIONS = [d.value for d in SecondmentDirection]
LIST_SIZE = 100
"""The most recent activities a page lists."""
MOST_ENTERPRISES = 200
"""The most enterprises one staff member is stationed with (a handful in practice)."""


# The stationed staff member's page.


@router.get("/stationed")
def staff_home(web: WebDep, done: str = "") -> Response:
    web.require(STAFF)
    blank = {"enterprise": "", "kind": "policy_explained", "description": "", "happened_on": ""}
    return _staff(web, blank, done=done)


@router.post("/stationed/activities")
def record(
    web: WebDep,
    *,
    csrf: Text = "",
    enterprise: Text = "",
    kind: Text = "",
    description: Text = "",
    happened_on: Text = "",
) -> Response:
    web.check_csrf(csrf)
    caller = web.require(STAFF)
    values = {
        "enterprise": enterprise,
        "kind": kind,
        "description": description,
        "happened_on": happened_on,
    }
    try:
        day = date.fromisoformat(happened_on.strip()) if happened_on.strip() else None
    except ValueError:
        return _staff(web, values, error=web.locale.t("stationed.bad_input"))
    try:
        saved = web.app.record_stationed_activity(
            enterprise, kind=kind, description=description, happened_on=day, actor=caller.actor
        )
    except DomainError as error:
        return _staff(web, values, error=refusal(web.locale, error))
    web.read_your_write(saved.position, ["stationed"])
    return redirect(web, "/stationed?done=recorded")


@router.post("/stationed/activities/{activity_id}/case")
def open_case(
    activity_id: UUID,
    web: WebDep,
    *,
    csrf: Text = "",
    case_type: Text = "",
    summary: Text = "",
) -> Response:
    web.check_csrf(csrf)
    caller = web.require(STAFF)
    activity = web.app.stationed_activity(activity_id)
    if activity.login != caller.actor.id:
        raise NotFoundError(f"no stationed activity with id {activity_id}")
    try:
        saved = web.app.open_case_from_activity(
            activity_id, case_type, actor=caller.actor, summary=summary.strip() or None
        )
    except DomainError as error:
        blank = {"enterprise": "", "kind": "policy_explained", "description": "", "happened_on": ""}
        return _staff(web, blank, case_error=refusal(web.locale, error), failed=str(activity_id))
    web.read_your_write(saved.position, ["stationed", "cases"])
    return redirect(web, f"/stationed?done=case#activity-{activity_id}")


def _staff(
    web: WebDep,
    values: dict[str, str],
    *,
    done: str = "",
    error: str = "",
    case_error: str = "",
    failed: str = "",
) -> Response:
    caller = web.require(STAFF)
    read = web.container.read
    read.refresh(["engagement", "stationed"])
    names = load_names(read)
    login = caller.actor.id
    stationed = read.page(
        "engagement",
        "stationed_staff",
        PageQuery("login", False, MOST_ENTERPRISES, equals={"login": login, "stationed": True}),
    )
    enterprises = read.lookup(
        "directory", "enterprises", "id", [r["enterprise_id"] for r in stationed]
    )
    newest = PageQuery("happened_on", True, LIST_SIZE, equals={"login": login})
    mine = read.page("stationed", "activities", newest)
    return page(
        web,
        "stationed.html",
        status=422 if error or case_error else 200,
        enterprises=sorted(enterprises.values(), key=lambda e: str(e["name"])),
        activities=mine,
        names=names,
        kinds=KINDS,
        case_types=list(CASE_TYPES),
        values=values,
        error=error,
        case_error=case_error,
        failed=failed,
        done=done,
    )


# The enterprise's portal.


@router.get("/portal/stationed")
def enterprise_home(web: WebDep, done: str = "") -> Response:
    web.require(PORTAL)
    return _enterprise(web, done=done)


@router.post("/portal/stationed/{activity_id}/answer")
def answer(
    activity_id: UUID,
    web: WebDep,
    *,
    csrf: Text = "",
    confirmed: Text = "",
    note: Text = "",
) -> Response:
    web.check_csrf(csrf)
    caller = web.require(PORTAL)
    activity = web.app.stationed_activity(activity_id)
    if activity.enterprise_id != caller.enterprise_id:
        raise NotFoundError(f"no stationed activity with id {activity_id}")
    try:
        saved = web.app.answer_stationed_activity(
            activity_id, confirmed=confirmed == "yes", note=note, actor=caller.actor
        )
    except DomainError as error:
        return _enterprise(web, error=refusal(web.locale, error), failed=str(activity_id))
    web.read_your_write(saved.position, ["stationed"])
    return redirect(web, "/portal/stationed?done=answered")


def _enterprise(web: WebDep, *, done: str = "", error: str = "", failed: str = "") -> Response:
    caller = web.require(PORTAL)
    read = web.container.read
    read.refresh(["stationed"])
    activities = read.page(
        "stationed",
        "activities",
        PageQuery(
            "happened_on", True, LIST_SIZE, equals={"enterprise_id": str(caller.enterprise_id)}
        ),
    )
    return page(
        web,
        "portal_stationed.html",
        status=422 if error else 200,
        activities=activities,
        names=load_names(read),
        error=error,
        failed=failed,
        done=done,
    )


# Secondments.


@router.get("/secondments")
def secondments(web: WebDep, on: str = "", done: str = "") -> Response:
    web.require(ARRANGERS)
    blank = dict.fromkeys(("person", "home", "host", "starts_on", "ends_on"), "")
    return _secondments(web, blank | {"direction": DIRECTIONS[0]}, on=on, done=done)


@router.post("/secondments")
def arrange(
    web: WebDep,
    *,
    csrf: Text = "",
    person: Text = "",
    direction: Text = "",
    home: Text = "",
    host: Text = "",
    starts_on: Text = "",
    ends_on: Text = "",
) -> Response:
    web.check_csrf(csrf)
    caller = web.require(ARRANGERS)
    values = {
        "person": person,
        "direction": direction,
        "home": home,
        "host": host,
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    try:
        first, last = date.fromisoformat(starts_on.strip()), date.fromisoformat(ends_on.strip())
    except ValueError:
        return _secondments(web, values, error=web.locale.t("secondment.bad_input"))
    try:
        saved = web.app.arrange_secondment(
            person=person,
            direction=direction,
            home=home.strip(),
            host=host.strip(),
            starts_on=first,
            ends_on=last,
            actor=caller.actor,
        )
    except DomainError as error:
        return _secondments(web, values, error=refusal(web.locale, error))
    web.read_your_write(saved.position, ["stationed"])
    return redirect(web, f"/secondments?on={first.isoformat()}&done=arranged")


@router.post("/secondments/{secondment_id}/early-end")
def end_early(
    secondment_id: UUID,
    web: WebDep,
    *,
    csrf: Text = "",
    on: Text = "",
    reason: Text = "",
    viewing: Text = "",
) -> Response:
    web.check_csrf(csrf)
    caller = web.require(ARRANGERS)
    blank = dict.fromkeys(("person", "home", "host", "starts_on", "ends_on"), "")
    blank["direction"] = DIRECTIONS[0]
    try:
        last = date.fromisoformat(on.strip())
    except ValueError:
        return _secondments(
            web, blank, on=viewing, end_error=web.locale.t("secondment.bad_input"),
            failed=str(secondment_id),
        )  # fmt: skip
    try:
        saved = web.app.end_secondment_early(secondment_id, last, reason, actor=caller.actor)
    except DomainError as error:
        return _secondments(
            web, blank, on=viewing, end_error=refusal(web.locale, error), failed=str(secondment_id)
        )
    web.read_your_write(saved.position, ["stationed"])
    return redirect(web, f"/secondments?on={last.isoformat()}&done=ended")


def _secondments(
    web: WebDep,
    values: dict[str, str],
    *,
    on: str = "",
    done: str = "",
    error: str = "",
    end_error: str = "",
    failed: str = "",
) -> Response:
    web.require(ARRANGERS)
    read = web.container.read
    read.refresh(["stationed"])
    today = web.app.now().astimezone(web.app.policy.tz).date()
    try:
        day = date.fromisoformat(on) if on else today
    except ValueError:
        day = today
    rows: list[dict[str, Any]] = roster_rows(read.store, day)
    return page(
        web,
        "secondments.html",
        status=422 if error or end_error else 200,
        roster=rows,
        day=day,
        names=load_names(read),
        directions=DIRECTIONS,
        months=web.app.policy.secondments.minimum_months,
        values=values,
        error=error,
        end_error=end_error,
        failed=failed,
        done=done,
    )
