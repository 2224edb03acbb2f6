"""Leaders' visits in the web: a leader's linked enterprises, recording a visit or an on-site
office day with the problems found, opening a case for a finding or settling it on site, and the
month's quota; the enterprise visited confirms or disputes the visit from its portal.

Every step is the application's (the same rules as the API's ``/visits`` routes); a refusal is
shown beside the form in the page's language, with what was typed kept."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Response

from api.web import dashboard as figures
from api.web.context import PORTAL, WebDep
from api.web.field_refusals import Refusal, placed_refusal
from api.web.list_pages import paginate
from api.web.names import load_names
from api.web.refusals import refusal
from api.web.render import WebRoute, page, redirect
from domain.actors import Role
from domain.case_rules import CASE_TYPES
from domain.directory import Leader
from domain.errors import DomainError, NotFoundError
from domain.visit import MAX_DURATION, Visit, VisitKind
from projections.figures.coverage import Quota
from projections.projects import projects_linked_to
from projections.store import PageQuery

router = APIRouter(route_class=WebRoute, include_in_schema=False)
Text = Annotated[str, Form(max_length=4000)]
LEADERS = frozenset({Role.LEADER})
KINDS = [kind.value for kind in VisitKind]
UNITS = list(MAX_DURATION)
LATEST_VISITS = 200
"""The most visits a leader's or an enterprise's page lists, the latest first (years of them)."""
MOST_LINKS = 500
"""The most enterprises a leader is linked to that the page names."""
VISIT_FIELDS = (
    "visit_kind", "enterprise", "place", "started_at", "duration", "duration_unit", "ended_on",
)

VISIT_PLACES = {
    "visit-in-future": "started_at",
    "visit-duration-range": "duration",
    "duration-unit": "duration",
    "visit-names-no-enterprise": "enterprise",
    "not-found": "enterprise",
    "the place of the visit": "place",
}
"""The field of the visit form each refusal of a visit is about."""


@router.get("/leader")
def home(web: WebDep, done: str = "") -> Response:
    web.require(LEADERS)
    blank = dict.fromkeys((*VISIT_FIELDS, "findings"), "")
    return _home(web, blank | {"visit_kind": "visit", "duration_unit": "hours"}, done=done)


@router.post("/leader/visits")
def record(
    web: WebDep,
    *,
    csrf: Text = "",
    visit_kind: Text = "",
    enterprise: Text = "",
    place: Text = "",
    started_at: Text = "",
    duration: Text = "",
    duration_unit: Text = "hours",
    findings: Text = "",
    ended_on: Text = "",
) -> Response:
    web.check_csrf(csrf)
    caller = web.require(LEADERS)
    values = {
        "visit_kind": visit_kind,
        "enterprise": enterprise,
        "place": place,
        "started_at": started_at,
        "duration": duration,
        "duration_unit": duration_unit,
        "findings": findings,
        "ended_on": ended_on,
    }
    try:
        moment = _moment(web, started_at)
        # A front-line week given as a date range lasts its working days: no duration needed.
        last_day = date.fromisoformat(ended_on.strip()) if ended_on.strip() else None
        hours = float(duration) if duration.strip() or last_day is None else 1.0
    except ValueError:
        # The browser's own fields make these well formed; a hand-made post is told plainly.
        return _home(web, values, error=web.locale.t("visit.bad_input"), status=422)
    try:
        saved = web.app.record_visit(
            kind=visit_kind,
            place=place,
            started_at=moment,
            duration=hours,
            duration_unit=duration_unit,
            enterprise=enterprise.strip() or None,
            findings=[line.strip() for line in findings.splitlines() if line.strip()],
            actor=caller.actor,
            ended_on=last_day,
        )
    except DomainError as error:
        said = placed_refusal(web.locale, error, VISIT_PLACES, values)
        return _home(web, values, refused=said, status=422)
    web.read_your_write(saved.position, ["engagement"])
    return redirect(web, f"/leader/visits/{saved.id}?done=recorded")


@router.get("/leader/visits/{visit_id}")
def show(visit_id: UUID, web: WebDep, done: str = "") -> Response:
    caller = web.require(LEADERS)
    return _visit(web, _own_visit(web, visit_id, caller.actor.id), done=done)


@router.post("/leader/visits/{visit_id}/findings/{finding_id}/case")
def open_case(
    visit_id: UUID,
    finding_id: int,
    web: WebDep,
    *,
    csrf: Text = "",
    case_type: Text = "",
    summary: Text = "",
) -> Response:
    web.check_csrf(csrf)
    caller = web.require(LEADERS)
    visit = _own_visit(web, visit_id, caller.actor.id)
    try:
        saved = web.app.open_case_from_finding(
            visit_id,
            finding_id,
            case_type,
            actor=caller.actor,
            summary=summary.strip() or None,
        )
    except DomainError as error:
        return _visit(web, visit, error=refusal(web.locale, error), finding=finding_id)
    web.read_your_write(saved.position, ["engagement", "cases"])
    return redirect(web, f"/leader/visits/{visit_id}?done=case#finding-{finding_id}")


@router.post("/leader/visits/{visit_id}/findings/{finding_id}/on-site")
def resolve(
    visit_id: UUID, finding_id: int, web: WebDep, *, csrf: Text = "", note: Text = ""
) -> Response:
    web.check_csrf(csrf)
    caller = web.require(LEADERS)
    visit = _own_visit(web, visit_id, caller.actor.id)
    try:
        saved = web.app.resolve_finding_on_site(visit_id, finding_id, note, actor=caller.actor)
    except DomainError as error:
        return _visit(web, visit, error=refusal(web.locale, error), finding=finding_id)
    web.read_your_write(saved.position, ["engagement"])
    return redirect(web, f"/leader/visits/{visit_id}?done=resolved#finding-{finding_id}")


@router.get("/portal/visits")
def enterprise_visits(web: WebDep, done: str = "") -> Response:
    web.require(PORTAL)
    return _enterprise(web, done=done)


@router.post("/portal/visits/{visit_id}/answer")
def answer(
    visit_id: UUID,
    web: WebDep,
    *,
    csrf: Text = "",
    confirmed: Text = "",
    note: Text = "",
) -> Response:
    web.check_csrf(csrf)
    caller = web.require(PORTAL)
    visit = web.app.visit(visit_id)
    if visit.enterprise_id != caller.enterprise_id:
        raise NotFoundError(f"no visit with id {visit_id}")
    try:
        saved = web.app.answer_visit(
            visit_id, confirmed=confirmed == "yes", note=note, actor=caller.actor
        )
    except DomainError as error:
        return _enterprise(web, error=refusal(web.locale, error), failed=str(visit_id))
    web.read_your_write(saved.position, ["engagement"])
    return redirect(web, "/portal/visits?done=answered")


def _home(
    web: WebDep,
    values: dict[str, str],
    *,
    done: str = "",
    error: str = "",
    refused: Refusal | None = None,
    status: int = 0,
) -> Response:
    if refused is not None:
        # A refusal about one field is said beside it; any other above the form.
        error = refused.text if refused.field is None else ""
        status = status or 422
    caller = web.require(LEADERS)
    read = web.container.read
    read.refresh(["engagement", "directory"])
    leader_id = str(Leader.id_for(caller.actor.id))
    names = load_names(read)
    links = read.page(
        "engagement",
        "leader_links",
        PageQuery("enterprise_id", False, MOST_LINKS,
                  equals={"leader_id": leader_id, "linked": True}),
    )
    linked = sorted(
        (
            names.enterprises[str(r["enterprise_id"])]
            for r in links
            if str(r["enterprise_id"]) in names.enterprises
        ),
        key=lambda e: str(e["name"]),
    )
    visits = read.page(
        "engagement",
        "visits",
        PageQuery("started_at", True, LATEST_VISITS, equals={"leader_id": leader_id}),
    )
    visits, paging = paginate(web, visits, path="/leader")
    quota, month = _quota(web, leader_id)
    return page(
        web,
        "leader.html",
        status=status or (422 if error else 200),
        linked=linked,
        visits=visits,
        paging=paging,
        quota=quota,
        month=web.locale.month(f"{month[0]}-{month[1]:02d}"),
        kinds=KINDS,
        units=UNITS,
        enterprises=sorted(names.enterprises.values(), key=lambda e: str(e["name"])),
        names=names,
        values=values,
        error=error,
        refused=refused,
        done=done,
    )


def _quota(web: WebDep, leader_id: str) -> tuple[Quota | None, tuple[int, int]]:
    """This month's quota for the leader, counted as the coverage dashboard counts it."""
    quota, month = figures.leader_quota(web.app, web.container.read, leader_id)
    return quota, (month.first.year, month.first.month)


def _visit(
    web: WebDep, visit: Visit, *, done: str = "", error: str = "", finding: int = 0
) -> Response:
    read = web.container.read
    read.refresh(["cases", "projects"])
    state = visit.state()
    touched = [f.get("case_id") for f in state["findings"]]
    summaries = {
        case_id: r["summary"] for case_id, r in read.lookup("cases", "cases", "id", touched).items()
    }
    return page(
        web,
        "leader_visit.html",
        status=422 if error else 200,
        visit=state,
        summaries=summaries,
        names=load_names(read),
        case_types=list(CASE_TYPES),
        linked_projects=projects_linked_to(read, visit.id),
        project_pages=True,
        error=error,
        failed=finding,
        done=done,
    )


def _enterprise(web: WebDep, *, done: str = "", error: str = "", failed: str = "") -> Response:
    caller = web.require(PORTAL)
    read = web.container.read
    read.refresh(["engagement"])
    mine = read.page(
        "engagement",
        "visits",
        PageQuery("started_at", True, LATEST_VISITS,
                  equals={"enterprise_id": str(caller.enterprise_id)}),
    )
    shown, paging = paginate(web, mine, path="/portal/visits")
    return page(
        web,
        "portal_visits.html",
        status=422 if error else 200,
        visits=shown,
        paging=paging,
        names=load_names(read),
        error=error,
        failed=failed,
        done=done,
    )


def _own_visit(web: WebDep, visit_id: UUID, leader_code: str) -> Visit:
    """The visit, when the leader made it; another leader's visit is not found."""
    visit = web.app.visit(visit_id)
    if visit.leader_code != leader_code:
        raise NotFoundError(f"no visit with id {visit_id}")
    return visit


def _moment(web: WebDep, text: str) -> datetime:
    """A time from the form (``2026-03-05T09:30``), in the jurisdiction's civil time."""
    moment = datetime.fromisoformat(text.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=web.app.policy.tz)
