"""The inspector's view: replay a case version by version or as of a moment, the state then,
the clock proof then, and an accountability matter (问责) on what was found, from opening it to
its findings, the three distinctions (三个区分开来) and its outcome."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Query, Response

from api.cli.common import UsageError
from api.cli.replay import build_replay
from api.http.scope import confidential_desk, visible_case, visible_filter
from api.web.casefacts import clock_proof, timeline
from api.web.context import INSPECT, WebDep
from api.web.names import load_names
from api.web.refusals import refusal
from api.web.render import WebRoute, page, redirect
from domain.accountability import DISTINCTIONS, AccountabilityMatter, Outcome, Side, SubjectKind
from domain.actors import Role
from domain.case import Case
from domain.errors import DomainError, NotFoundError
from projections.query import AnyOf, Compare, Like, all_of
from projections.store import PageQuery

router = APIRouter(route_class=WebRoute, include_in_schema=False)
Text = Annotated[str, Form(max_length=4000)]
PAGE_SIZE = 50
MATTERS_LIMIT = 100
# Replayed state fields an inspector reads first, in this order; the rest follow.
STATE_ORDER = (
    "status",
    "case_type",
    "owner",
    "first_asker",
    "lead_unit_id",
    "co_unit_ids",
    "due",
    "provisional",
    "paused_since",
    "pending_extension_days",
    "reply",
    "answered_on_time",
    "callback",
    "outcome",
    "closed_on_time",
    "alerts",
)


@router.get("/inspect")
def cases(
    web: WebDep,
    q: Annotated[str, Query(max_length=200)] = "",
    status: Annotated[str, Query(max_length=40)] = "",
    page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    caller = web.require(INSPECT)
    read = web.container.read
    read.refresh(["cases", "directory"])
    needle = q.strip().lower()
    where = all_of(
        visible_filter(
            caller, desk=confidential_desk(web.app), co_units=read.is_current("cases")
        ),
        AnyOf((Like("id", needle), Like("summary", needle))) if needle else None,
        Compare("status", "=", status) if status else None,
    )
    total = read.count("cases", "cases", where)
    query = PageQuery("filed_at", True, PAGE_SIZE, where=where, offset=(page_no - 1) * PAGE_SIZE)
    shown = read.page("cases", "cases", query)
    return page(
        web,
        "inspect.html",
        rows=shown,
        total=total,
        page_no=page_no,
        pages=max(1, -(-total // PAGE_SIZE)),
        q=q,
        status_filter=status,
        names=load_names(read),
    )


@router.get("/inspect/cases/{case_id}")
def replay(
    case_id: UUID, web: WebDep, version: int | None = None, at: str = "", done: str = ""
) -> Response:
    caller = web.require(INSPECT)
    visible_case(web.app, caller, case_id)
    return _replay(web, case_id, version=version, at=at, done=done)


@router.post("/inspect/cases/{case_id}/accountability")
def open_matter(
    case_id: UUID,
    web: WebDep,
    *,
    csrf: Text = "",
    subject_kind: Text = "case",
    subject: Text = "",
    allegation: Text = "",
    source: Text = "",
) -> Response:
    web.check_csrf(csrf)
    caller = web.require({Role.INSPECTOR})
    visible_case(web.app, caller, case_id)
    try:
        saved = web.app.open_accountability_matter(
            subject_kind=subject_kind,
            subject=str(case_id) if subject_kind == SubjectKind.CASE.value else subject.strip(),
            allegation=allegation,
            source=source.strip() or None,
            actor=caller.actor,
        )
    except DomainError as error:
        values = {"subject_kind": subject_kind, "subject": subject, "allegation": allegation}
        said = refusal(web.locale, error)
        return _replay(web, case_id, error=said, values=values | {"source": source})
    web.read_your_write(saved.position, ["oversight"])
    return redirect(web, f"/inspect/cases/{case_id}?done=matter#accountability")


@router.post("/inspect/matters/{matter_id}/{step}")
def matter_step(
    matter_id: UUID,
    step: str,
    web: WebDep,
    *,
    csrf: Text = "",
    text: Text = "",
    outcome: Text = "",
    inexperience_vs_knowing: Text = "",
    experiment_vs_ban: Text = "",
    development_vs_private_gain: Text = "",
) -> Response:
    """Findings, the classification or the outcome of a matter on a case the inspector sees."""
    web.check_csrf(csrf)
    caller = web.require({Role.INSPECTOR})
    matter = web.app.accountability_matter(matter_id)
    case_id = _matter_case(web, matter)
    visible_case(web.app, caller, case_id)
    sides = {
        "inexperience_vs_knowing": inexperience_vs_knowing,
        "experiment_vs_ban": experiment_vs_ban,
        "development_vs_private_gain": development_vs_private_gain,
    }
    app, actor = web.app, caller.actor
    try:
        if step == "findings":
            saved = app.record_accountability_findings(matter_id, text, actor=actor)
        elif step == "classification":
            chosen = {k: v for k, v in sides.items() if v}
            saved = app.classify_accountability_matter(matter_id, chosen, text, actor=actor)
        elif step == "outcome":
            saved = app.decide_accountability_outcome(matter_id, outcome, text, actor=actor)
        else:
            raise NotFoundError(f"no step {step!r} on an accountability matter")
    except NotFoundError:
        raise
    except DomainError as error:
        values = {"step": step, "text": text, "outcome": outcome, **sides}
        said = refusal(web.locale, error)
        return _replay(web, case_id, matter_error=(str(matter_id), said), matter_values=values)
    web.read_your_write(saved.position, ["oversight"])
    return redirect(web, f"/inspect/cases/{case_id}?done=matter-{step}#matter-{matter_id}")


def _matter_case(web: WebDep, matter: AccountabilityMatter) -> UUID:
    """The case a matter is about; matters on a person or a unit are followed elsewhere."""
    if matter.subject_kind is not SubjectKind.CASE:
        raise NotFoundError(f"no accountability matter on a case with id {matter.id}")
    return matter.subject_id


def _replay(
    web: WebDep,
    case_id: UUID,
    *,
    version: int | None = None,
    at: str = "",
    done: str = "",
    error: str = "",
    values: dict[str, str] | None = None,
    matter_error: tuple[str, str] | None = None,
    matter_values: dict[str, str] | None = None,
) -> Response:
    app, problem = web.app, ""
    try:
        as_of = _moment(at, web) if at else None
        replayed = build_replay(app, case_id, version=version, as_of=as_of)
    except (UsageError, ValueError) as refused:
        problem = str(refused)
        replayed = build_replay(app, case_id)
    shown = replayed["version"]
    before = app.as_of_version(case_id, shown - 1).state() if shown > 1 else {}
    changes = {
        key: (before.get(key), value)
        for key, value in replayed["state"].items()
        if shown > 1 and before.get(key) != value and key not in ("version", "modified_on")
    }
    case_then = app.as_of_version(case_id, shown)
    assert isinstance(case_then, Case)
    read = web.container.read
    read.refresh(["oversight"])
    matters = read.page(
        "oversight",
        "accountability_matters",
        PageQuery(
            "opened_at", False, MATTERS_LIMIT, where=Compare("subject_id", "=", str(case_id))
        ),
    )
    names = load_names(read)
    current = app.case(case_id)
    # Each matter in full (its findings, sides and outcome): the row only says where it stands.
    steps = [app.accountability_matter(UUID(str(r["id"]))).state() for r in matters]
    return page(
        web,
        "replay.html",
        status=422 if error or matter_error else 200,
        replay=replayed,
        full=timeline(app, case_id),
        state=_ordered(replayed["state"]),
        changes=changes,
        proof=clock_proof(case_then.deadline, app),
        problem=problem,
        at=at,
        done=done,
        error=error,
        values={"subject_kind": "case", "subject": "", "allegation": "", "source": ""}
        | (values or {}),
        matters=matters,
        matter_states=steps,
        case_summary=current.summary,
        distinctions=list(DISTINCTIONS),
        sides=[side.value for side in Side],
        outcomes=[o.value for o in Outcome],
        matter_error=matter_error or ("", ""),
        matter_values=matter_values or {},
        names=names,
        handlers=current.handlers,
        units=names.sorted_units(),
        may_open=web.principal is not None and web.principal.role is Role.INSPECTOR,
    )


def _moment(text: str, web: WebDep) -> datetime:
    """A time from the form (``2026-03-05T12:00``), in the jurisdiction's civil time."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=web.app.policy.tz)


def _ordered(state: dict[str, Any]) -> list[tuple[str, Any]]:
    first = [(k, state[k]) for k in STATE_ORDER if k in state]
    hidden = {"id", "kind", "allowed_steps", "handlers", "due_at", "filer_subject"}
    rest = [(k, v) for k, v in state.items() if k not in STATE_ORDER and k not in hidden]
    return first + rest
