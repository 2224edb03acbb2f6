"""Commendations and sanctions in the web, and the clearing of a falsely accused person.

The supervision office reads a quarter's window service competition (the standings its
published lists froze), and decides a commendation or sanction citing an entry picked from a
published list or ranking; the decision lands in the person's or unit's record. The inspector
follows a matter to its clearing (澄清正名), publishes the clearing when the cleared person asks,
and opens a matter against the accuser, reading their sealed identity through a recorded read.
A refused form comes back with its sentence beside it and what was typed.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Query, Response

from api.web.context import Web, WebDep
from api.web.names import Names, load_names
from api.web.refusals import refusal
from api.web.render import WebRoute, page, redirect
from domain.accountability import AccountabilityMatter, SubjectKind
from domain.actors import Role
from domain.directory import Staff, Unit, Window
from domain.errors import DomainError, NotFoundError
from domain.merit import DecisionKind
from domain.publication import Publication
from projections.figures.competition import standings
from projections.records import record_page, subject_id
from projections.store import PageQuery

router = APIRouter(route_class=WebRoute, include_in_schema=False)
Text = Annotated[str, Form(max_length=4000)]
Short = Annotated[str, Form(max_length=200)]
OFFICE = frozenset({Role.SUPERVISOR})
INSPECTORS = frozenset({Role.INSPECTOR})
READERS = frozenset({Role.SUPERVISOR, Role.INSPECTOR})
EDITIONS = 40
RECORD_LIMIT = 100
MATTERS = 50
KINDS = ("unit", "window", "staff")


# The competition and the decisions (the supervision office).


@router.get("/competition")
def competition(web: WebDep, period: Annotated[str, Query(max_length=20)] = "") -> Response:
    web.require(READERS)
    quarters = [p for p in _published(web, "lists") if "-Q" in p]
    chosen = period if period in quarters else (quarters[0] if quarters else "")
    board = standings(web.app.publication("lists", chosen)) if chosen else None
    names = load_names(web.container.read)
    if board is not None:
        for dimension, lines in board["standings"].items():
            for line in lines:
                line["name"] = _member_name(web, names, dimension, line["member"])
                line["who"] = _who(web, dimension, line["member"])
    return page(
        web, "competition.html", quarters=quarters, period=chosen, board=board
    )


@router.get("/merit/new")
def new_decision(
    web: WebDep,
    source: Annotated[str, Query(max_length=40)] = "",
    entry: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    web.require(OFFICE)
    return _decision_form(
        web, {"source": source, "entry": entry, "subject": entry, "decision": "", "reason": ""}
    )


@router.post("/merit/new")
def decide(
    web: WebDep,
    *,
    csrf: Text = "",
    source: Short = "",
    entry: Short = "",
    subject: Short = "",
    decision: Short = "",
    reason: Text = "",
) -> Response:
    web.check_csrf(csrf)
    caller = web.require(OFFICE)
    values = {
        "source": source,
        "entry": entry,
        "subject": subject,
        "decision": decision,
        "reason": reason,
    }
    what, _, period = source.partition(":")
    kind, _, who = subject.partition(":")
    cited_kind, _, cited = entry.partition(":")
    try:
        saved = web.app.decide_merit(
            decision,
            subject_kind=kind,
            subject=who,
            reason=reason,
            publication_id=Publication.id_for(what, period) if what and period else None,
            entry=(cited_kind, cited) if cited_kind and cited else None,
            actor=caller.actor,
        )
    except DomainError as error:
        return _decision_form(web, values, error=refusal(web.locale, error), status=422)
    web.read_your_write(saved.position, ["records"])
    return redirect(web, f"/records/{kind}/{who}?done=decided")


@router.get("/records/{kind}/{who}")
def record(kind: str, who: str, web: WebDep, done: str = "") -> Response:
    web.require(READERS)
    if kind not in KINDS:
        raise NotFoundError(f"no record of a {kind!r}")
    found = subject_id(web.app, kind, who)
    read = web.container.read
    read.refresh(["records"])
    names = load_names(read)
    entries = record_page(read, found, RECORD_LIMIT)
    for e in entries:
        cites = e["detail"].get("cites")
        if cites:
            cites["name"] = _member_name(web, names, cites["dimension"], cites["member"])
    member = who if kind == "staff" else str(found)
    return page(
        web,
        "record.html",
        kind=kind,
        name=_member_name(web, names, kind, member),
        entries=entries,
        names=names,
        done=done,
    )


def _decision_form(
    web: Web, values: dict[str, str], *, error: str = "", status: int = 200
) -> Response:
    sources = [f"lists:{p}" for p in _published(web, "lists")]
    sources += [f"ranking:{p}" for p in _published(web, "ranking")]
    chosen = values["source"] if values["source"] in sources else (sources[0] if sources else "")
    names = load_names(web.container.read)
    entries: list[dict[str, Any]] = []
    if chosen:
        what, _, period = chosen.partition(":")
        publication = web.app.publication(what, period)
        for dimension in KINDS:
            for line in publication.latest["entries"].get(dimension, []):
                if line["rank"] is None and line.get("side") is None:
                    continue
                entries.append(
                    {
                        "value": f"{dimension}:{_who(web, dimension, line['member'])}",
                        "dimension": dimension,
                        "name": _member_name(web, names, dimension, line["member"]),
                        "rank": line["rank"],
                        "side": line.get("side"),
                    }
                )
    subjects = [(f"unit:{u['code']}", u["name"]) for u in names.sorted_units()]
    subjects += [(f"window:{w['code']}", w["name"]) for w in names.windows.values()]
    subjects += [(f"staff:{s['login']}", names.person(s["login"])) for s in names.staff.values()]
    return page(
        web,
        "merit_new.html",
        status=status,
        sources=sources,
        source=chosen,
        entries=entries,
        subjects=subjects,
        decisions=[d.value for d in DecisionKind],
        values=values | {"source": chosen},
        error=error,
    )


def _published(web: Web, what: str) -> list[str]:
    """The periods whose lists (or ranking) are published, latest first (one indexed page)."""
    read = web.container.read
    read.refresh(["oversight"])
    rows = read.page(
        "oversight", "publications", PageQuery("period", True, EDITIONS, equals={"what": what})
    )
    return [str(r["period"]) for r in rows]


def _who(web: Web, dimension: str, member: str) -> str:
    """How a form names a published member: a login, or a window or unit code."""
    if dimension == "staff":
        return member
    if dimension == "window":
        return web.app.load(Window, UUID(member)).code
    return web.app.load(Unit, UUID(member)).code


def _member_name(web: Web, names: Names, dimension: str, member: str) -> str:
    if dimension == "staff":
        return names.person(member)
    return names.of_id(member) or _who(web, dimension, member)


# Matters, clearings and the accuser (the inspector).


@router.get("/matters")
def matters(
    web: WebDep,
    page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    """The matters, the latest opened first, a numbered page at a time (a count and one
    indexed page)."""
    web.require(INSPECTORS)
    read = web.container.read
    read.refresh(["oversight"])
    total = read.count("oversight", "accountability_matters")
    pages = max(1, -(-total // MATTERS))
    page_no = min(page_no, pages)
    rows = read.page(
        "oversight",
        "accountability_matters",
        PageQuery("opened_at", True, MATTERS, offset=(page_no - 1) * MATTERS),
    )
    names = load_names(read)
    shown = [{**r, "subject": _subject_name(web, names, r["subject_kind"], r["subject_id"])}
             for r in rows]
    return page(
        web, "matters.html", matters=shown, names=names, total=total, page_no=page_no,
        pages=pages,
    )


@router.get("/matters/{matter_id}")
def matter_page(matter_id: UUID, web: WebDep, done: str = "") -> Response:
    web.require(INSPECTORS)
    return _matter(web, web.app.accountability_matter(matter_id), done=done)


@router.post("/matters/{matter_id}/{step}")
def matter_step(
    matter_id: UUID,
    step: str,
    web: WebDep,
    *,
    csrf: Text = "",
    text: Text = "",
    purpose: Short = "",
    case: Short = "",
) -> Response:
    web.check_csrf(csrf)
    caller = web.require(INSPECTORS)
    app, actor = web.app, caller.actor
    matter = app.accountability_matter(matter_id)
    try:
        if step == "findings":
            saved = app.record_accountability_findings(matter_id, text, actor=actor)
        elif step == "clear":
            saved = app.clear_accountability_subject(matter_id, text, actor=actor)
        elif step == "request":
            saved = app.request_clearing_circular(matter_id, text, actor=actor)
        elif step == "publish":
            saved = app.publish_clearing(matter_id, title=text, actor=actor)
        elif step == "accuser":
            opened = app.open_matter_against_accuser(
                matter_id,
                allegation=text,
                purpose=purpose,
                case_id=_case_id(case),
                actor=actor,
            )
            web.read_your_write(opened.saved.position, ["oversight"])
            return _matter(
                web,
                app.accountability_matter(matter_id),
                done="accuser",
                identity=opened.identity,
                accuser_matter=opened.saved.id,
            )
        else:
            raise NotFoundError(f"no step {step!r} on an accountability matter")
    except NotFoundError:
        raise
    except DomainError as error:
        typed = {"step": step, "text": text, "purpose": purpose, "case": case}
        return _matter(web, matter, error=refusal(web.locale, error), typed=typed, status=422)
    web.read_your_write(saved.position, ["oversight", "records"])
    return redirect(web, f"/matters/{matter_id}?done={step}")


def _case_id(text: str) -> UUID | None:
    try:
        return UUID(text.strip()) if text.strip() else None
    except ValueError:
        raise NotFoundError(f"no case with id {text!r}") from None


def _matter(
    web: Web,
    matter: AccountabilityMatter,
    *,
    done: str = "",
    error: str = "",
    typed: dict[str, str] | None = None,
    identity: Any = None,
    accuser_matter: UUID | None = None,
    status: int = 200,
) -> Response:
    names = load_names(web.container.read)
    state = matter.state()
    return page(
        web,
        "matter.html",
        status=status,
        matter=state,
        subject=_subject_name(web, names, state["subject_kind"], state["subject_id"]),
        on_case=matter.subject_kind is SubjectKind.CASE,
        names=names,
        done=done,
        error=error,
        typed=typed or {"step": ""},
        identity=identity,
        accuser_matter=str(accuser_matter) if accuser_matter else "",
    )


def _subject_name(web: Web, names: Names, kind: str, subject: Any) -> str:
    if kind == "staff":
        return names.person(web.app.load(Staff, UUID(str(subject))).login)
    if kind == "unit":
        return names.unit(subject)
    if kind == "case":
        return web.app.case(UUID(str(subject))).summary
    return web.locale.t("matters_page.sealed_accuser")


# One's own record and clearings (the staff member cleared, or the head of the unit cleared).

OWN = frozenset({Role.WINDOW_STAFF, Role.UNIT_HEAD})


@router.get("/my-record")
def own_record(web: WebDep, done: str = "") -> Response:
    return _own_record(web, done=done)


@router.post("/my-record/clearings/{matter_id}")
def request_clearing(
    matter_id: UUID, web: WebDep, *, csrf: Text = "", text: Text = ""
) -> Response:
    """The cleared person asks for their clearing to be published as a circular."""
    web.check_csrf(csrf)
    caller = web.require(OWN)
    try:
        saved = web.app.request_clearing_circular(matter_id, text, actor=caller.actor)
    except NotFoundError:
        raise
    except DomainError as error:
        return _own_record(
            web, error=refusal(web.locale, error), typed=(str(matter_id), text), status=422
        )
    web.read_your_write(saved.position, ["oversight", "records"])
    return redirect(web, "/my-record?done=requested")


def _own_record(
    web: Web,
    *,
    done: str = "",
    error: str = "",
    typed: tuple[str, str] = ("", ""),
    status: int = 200,
) -> Response:
    """The caller's record, their unit's too for a unit head, and each clearing on either with
    whether its publication was asked for (one indexed page per record, a bounded load per
    clearing)."""
    caller = web.require(OWN)
    read = web.container.read
    read.refresh(["records"])
    names = load_names(read)
    own = _entries(web, names, subject_id(web.app, "staff", caller.login))
    unit_id = web.app.load(Staff, Staff.id_for(caller.login)).unit_id
    unit = (
        _entries(web, names, unit_id)
        if caller.role is Role.UNIT_HEAD and unit_id is not None
        else None
    )
    clearings = []
    for entry in [*own, *(unit or [])]:
        if entry["entry_kind"] != "cleared" or entry["withdrawn_at"]:
            continue
        matter = web.app.accountability_matter(UUID(entry["source_id"])).state()
        clearings.append(
            {
                "id": matter["id"],
                "on_unit": matter["subject_kind"] == "unit",
                "allegation": matter["allegation"],
                "statement": matter["clearing_statement"],
                "cleared_at": entry["recorded_at"],
                "request": matter["circular_request"],
                "published": matter["clearing_circular_id"] is not None,
            }
        )
    return page(
        web,
        "own_record.html",
        status=status,
        name=names.person(caller.login),
        unit_name=names.unit(unit_id) if unit_id else "",
        entries=own,
        unit_entries=unit,
        clearings=clearings,
        names=names,
        done=done,
        error=error,
        typed=typed,
    )


def _entries(web: Web, names: Names, subject: UUID) -> list[dict[str, Any]]:
    entries = record_page(web.container.read, subject, RECORD_LIMIT)
    for e in entries:
        cites = e["detail"].get("cites")
        if cites:
            cites["name"] = _member_name(web, names, cites["dimension"], cites["member"])
    return entries
