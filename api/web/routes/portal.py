"""The enterprise portal (phone first): file a demand, follow one's own cases, rate the service.

An enterprise sees only its own cases (the API's scope rule), and of each case only what it
needs: where it is, what it must supply, the reply and the outcome, never staff's notes.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Query, Response

from api.http.scope import visible_case
from api.web.casefacts import time_state
from api.web.context import PORTAL, WebDep
from api.web.field_refusals import Refusal, filing_refusal
from api.web.names import load_names
from api.web.refusals import refusal
from api.web.render import WebRoute, page, redirect
from domain.case import Case
from domain.case_rules import CASE_TYPES, CaseStatus
from domain.clock import Deadline, natural_day_deadline
from domain.errors import DomainError
from domain.evaluation import Evaluation, Level
from domain.rectification import Rectification
from projections.query import NOTHING, Compare, Filter, Like, all_of
from projections.store import PageQuery

router = APIRouter(route_class=WebRoute, include_in_schema=False)
Text = Annotated[str, Form(max_length=4000)]
Flag = Annotated[str, Form(max_length=10)]
# The steps an enterprise is told about; the rest is the departments' internal handling.
PUBLIC_EVENTS = frozenset(
    {
        "Filed",
        "Received",
        "Dispatched",
        "SignedFor",
        "Paused",
        "Resumed",
        "ExtensionDecided",
        "AnsweredDirectly",
        "Replied",
        "CallbackRecorded",
        "Closed",
        "Reopened",
        "Terminated",
        "DeadlineRecomputed",
    }
)
LEVELS = [level.value for level in Level]
FIELDS = (
    "case_type",
    "summary",
    "filer_name",
    "filer_contact",
    "real_name",
    "confidential",
    "reported_unit",
)


PORTAL_PAGE = 20
"""The enterprise's cases the portal lists a page at a time, newest first."""


def _own(enterprise_id: UUID | None) -> Filter:
    return Compare("enterprise_id", "=", str(enterprise_id)) if enterprise_id else NOTHING


@router.get("/portal")
def portal(
    web: WebDep,
    done: str = "",
    q: Annotated[str, Query(max_length=200)] = "",
    status: Annotated[str, Query(max_length=40)] = "",
    page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    caller = web.require(PORTAL)
    read = web.container.read
    read.refresh(["cases"])
    needle = q.strip().lower()
    where = all_of(
        _own(caller.enterprise_id),
        Like("summary", needle) if needle else None,
        Compare("status", "=", status) if status else None,
    )
    total = read.count("cases", "cases", where)
    offset = (page_no - 1) * PORTAL_PAGE
    query = PageQuery("filed_at", True, PORTAL_PAGE, where=where, offset=offset)
    mine = read.page("cases", "cases", query)
    return page(
        web,
        "portal.html",
        cases=mine,
        done=done == "filed",
        q=q,
        status_filter=status,
        total=total,
        page_no=page_no,
        pages=max(1, -(-total // PORTAL_PAGE)),
        statuses=[s.value for s in CaseStatus],
    )


@router.get("/portal/new")
def new_demand(web: WebDep) -> Response:
    web.require(PORTAL)
    return _form(web, {"case_type": "help", "real_name": "yes"})


@router.post("/portal/new")
def file_demand(
    web: WebDep,
    *,
    csrf: Text = "",
    case_type: Text = "",
    summary: Text = "",
    filer_name: Text = "",
    filer_contact: Text = "",
    real_name: Flag = "",
    confidential: Flag = "",
    reported_unit: Text = "",
) -> Response:
    web.check_csrf(csrf)
    caller = web.require(PORTAL)
    values = {
        "case_type": case_type,
        "summary": summary,
        "filer_name": filer_name,
        "filer_contact": filer_contact,
        "real_name": real_name,
        "confidential": confidential,
        "reported_unit": reported_unit,
    }
    try:
        saved = web.app.file_demand(
            case_type=case_type,
            channel="web",
            summary=summary,
            actor=caller.actor,
            enterprise_id=caller.enterprise_id,
            filer_name=filer_name.strip() or None,
            filer_contact=filer_contact.strip() or None,
            real_name=real_name == "yes",
            confidential=confidential == "yes",
            reported_unit=reported_unit.strip() or None,
        )
    except DomainError as error:
        return _form(web, values, refused=filing_refusal(web.locale, error, FIELDS), status=422)
    web.read_your_write(saved.position, ["cases"])
    return redirect(web, f"/portal/cases/{saved.id}?done=filed")


@router.get("/portal/cases/{case_id}")
def follow(case_id: UUID, web: WebDep, done: str = "") -> Response:
    caller = web.require(PORTAL)
    case = visible_case(web.app, caller, case_id)
    return _case(web, case, done=done)


@router.post("/portal/cases/{case_id}/rating")
def rate(
    case_id: UUID,
    web: WebDep,
    *,
    csrf: Text = "",
    level: Text = "",
    reason: Text = "",
    real_name: Flag = "",
) -> Response:
    web.check_csrf(csrf)
    caller = web.require(PORTAL)
    case = visible_case(web.app, caller, case_id)
    try:
        saved = web.app.rate_case(
            case_id,
            level,
            actor=caller.actor,
            reason=reason.strip() or None,
            real_name=real_name == "yes",
        )
    except DomainError as error:
        values = {"level": level, "reason": reason, "real_name": real_name}
        return _case(web, case, error=refusal(web.locale, error), values=values, status=422)
    web.read_your_write(saved.evaluation.position, ["reviews"])
    return redirect(web, f"/portal/cases/{case_id}?done=rated")


@router.post("/portal/cases/{case_id}/rerating")
def rerate(
    case_id: UUID,
    web: WebDep,
    *,
    csrf: Text = "",
    level: Text = "",
    reason: Text = "",
) -> Response:
    """The enterprise's second word on its 差评, once the unit completed the rectification."""
    web.check_csrf(csrf)
    caller = web.require(PORTAL)
    case = visible_case(web.app, caller, case_id)
    try:
        saved = web.app.rerate_service(
            _evaluation_id(case), level, actor=caller.actor, reason=reason.strip() or None
        )
    except DomainError as error:
        values = {"level": level, "reason": reason}
        return _case(
            web, case, rerate_error=refusal(web.locale, error), rerate_values=values, status=422
        )
    web.read_your_write(saved.evaluation.position, ["reviews"])
    return redirect(web, f"/portal/cases/{case_id}?done=rerated")


def _evaluation_id(case: Case) -> UUID:
    return Evaluation.id_for(f"case:{case.id}:{case.cycle}")


def _case(
    web: WebDep,
    case: Case,
    *,
    done: str = "",
    error: str = "",
    values: dict[str, str] | None = None,
    rerate_error: str = "",
    rerate_values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    app = web.app
    return page(
        web,
        "portal_case.html",
        status=status,
        case=case,
        state=time_state(case, app),
        progress=_progress(web, case),
        rating=_rating(web, case),
        levels=LEVELS,
        done=done,
        error=error,
        values={"level": "", "reason": "", "real_name": "yes"} | (values or {}),
        aftercare=_aftercare(web, case),
        rerate_error=rerate_error,
        rerate_values={"level": "", "reason": ""} | (rerate_values or {}),
    )


def _progress(web: WebDep, case: Case) -> list[dict[str, Any]]:
    """The steps the enterprise is told about, with what it needs to read in each."""
    names = load_names(web.container.read)
    steps = []
    for event in web.app.history(case.id):
        kind = type(event).__name__
        if kind not in PUBLIC_EVENTS:
            continue
        step: dict[str, Any] = {"event": kind, "time": event.timestamp, "text": "", "extra": ""}
        if isinstance(event, Case.Paused):
            step["extra"] = event.pause_kind
            step["text"] = event.reason if event.pause_kind == "supplement" else ""
        elif isinstance(event, Case.Replied):
            step["text"] = event.reply
        elif isinstance(event, Case.AnsweredDirectly):
            step["text"] = event.answer
        elif isinstance(event, Case.ExtensionDecided):
            # Said in the page's language from the decision itself (the stored notice is the
            # text the notification sent, in both languages).
            loc = web.locale
            if event.approved and event.deadline:
                due = loc.date(Deadline.from_data(event.deadline).due)
                step["text"] = loc.t("portal_extension.approved", due=due)
            else:
                step["text"] = loc.t("portal_extension.refused")
        elif isinstance(event, Case.Dispatched):
            step["text"] = names.unit(event.lead_unit_id)
        elif isinstance(event, Case.Closed):
            step["extra"] = event.outcome
        steps.append(step)
    return steps


def _rating(web: WebDep, case: Case) -> dict[str, Any]:
    """Whether the current cycle can be rated (and until when), or how it was rated."""
    app = web.app
    shut: dict[str, Any] = {"open": False, "given": None, "ends": None, "closed": None}
    if case.status not in (CaseStatus.REPLIED, CaseStatus.CLOSED):
        return shut
    evaluation_id = _evaluation_id(case)
    if app.exists(evaluation_id):
        given = app.load(Evaluation, evaluation_id)
        first = given.first_level.value if given.rerated_at is not None else None
        return shut | {"given": given.level.value, "reason": given.reason, "first": first}
    try:
        service = app.service_of_case(case.id)
    except DomainError:
        return shut
    policy = app.policy
    ends = natural_day_deadline(
        service.delivered_at,
        policy.evaluation.rating_window_days,
        app.work_calendar(),
        tz=policy.tz,
    )
    last_day = _last_day(web, ends)
    if app.now() >= ends:
        return shut | {"closed": last_day}
    return shut | {"open": True, "ends": last_day}


def _last_day(web: WebDep, ends: datetime) -> date:
    """A window ends at 24:00 of its last day: that day is what a person is told."""
    return (ends - timedelta(seconds=1)).astimezone(web.app.policy.tz).date()


def _aftercare(web: WebDep, case: Case) -> dict[str, Any] | None:
    """What became of the enterprise's 差评 of this cycle: each rectification it opened (its
    stage, clocks, measures and the unit's completion, not staff's notes) and whether the
    enterprise may now rate again, until when."""
    app = web.app
    evaluation_id = _evaluation_id(case)
    if case.status not in (CaseStatus.REPLIED, CaseStatus.CLOSED) or not app.exists(evaluation_id):
        return None
    evaluation = app.load(Evaluation, evaluation_id)
    now = app.now()
    names = load_names(web.container.read)
    rounds: list[dict[str, Any]] = []
    invited: datetime | None = None  # the first rectification's completion invites a re-rating
    for number in (1, 2):
        rectification_id = Rectification.id_for(evaluation_id, number)
        if not app.exists(rectification_id):
            break
        r = app.rectification(rectification_id)
        invited = invited or r.rerate_window_ends
        called = r.callbacks[0]["at"] if r.callbacks else None
        checked = r.verification["at"] if r.verification else None
        heard = called or checked
        rounds.append(
            {
                "round": r.round,
                "unit": names.unit(r.unit_id),
                "stage": r.stage.value,
                "callback_due": r.callback_due.due,
                "callback_overdue": r.callback_overdue(now),
                "heard": datetime.fromisoformat(heard) if heard else None,
                "called": bool(called),
                "due": r.rectification_due.due,
                "overdue": r.is_overdue(now),
                "extended": sum(e.working_days for e in r.extensions),
                "measures": r.measures,
                "outcome": r.outcome.value if r.outcome else None,
                "summary": r.summary,
                "completed_at": r.completed_at,
                "on_time": r.completed_on_time,
            }
        )
    if not rounds:
        return None
    rerate: dict[str, Any] = {"open": False, "ends": None, "closed": None}
    if invited is not None and evaluation.rerated_at is None:
        if now < invited:
            rerate |= {"open": True, "ends": _last_day(web, invited)}
        else:
            rerate |= {"closed": _last_day(web, invited)}
    return {"rounds": rounds, "rerate": rerate, "rerated_at": evaluation.rerated_at}


def _form(
    web: WebDep, values: dict[str, str], refused: Refusal | None = None, status: int = 200
) -> Response:
    return page(
        web,
        "portal_new.html",
        status=status,
        values=dict.fromkeys(FIELDS, "") | values,
        # A refusal about one field is said beside it; any other above the form.
        refused=refused,
        error=refused.text if refused and refused.field is None else "",
        case_types=list(CASE_TYPES),
        units=load_names(web.container.read).sorted_units(),
    )
