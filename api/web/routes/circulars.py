"""Named circulars (实名通报) in the web: the supervision office publishes one from a published
red/black list, a board or a period's ranking, naming staff or units and why; a circular from a
list or a period cites the published edition it names them from (the domain refuses a name
that edition does not carry, and the refusal is shown beside the form)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from api.web.context import Web, WebDep
from api.web.names import load_names
from api.web.refusals import refusal
from api.web.render import WebRoute, page, redirect
from domain.actors import Role
from domain.circular import SourceKind
from domain.errors import DomainError

router = APIRouter(route_class=WebRoute, include_in_schema=False)
OFFICE = frozenset({Role.SUPERVISOR})
SUBJECT_ROWS = 3
"""Blank subject rows the form offers; rows left blank are skipped."""
Values = dict[str, str]


@router.get("/circulars")
def circulars(web: WebDep, done: str = "") -> Response:
    web.require(OFFICE)
    return _page(web, {"source_kind": SourceKind.LIST.value}, done=done == "published")


@router.post("/circulars")
async def publish(request: Request, web: WebDep) -> Response:
    form = await request.form()
    values = {key: str(form.get(key) or "")[:4000] for key in form}
    return await run_in_threadpool(_publish, web, values)


def _publish(web: Web, values: Values) -> Response:
    web.check_csrf(values.get("csrf"))
    caller = web.require(OFFICE)
    subjects = []
    for row in range(SUBJECT_ROWS):
        who, why = values.get(f"who_{row}", ""), values.get(f"why_{row}", "")
        if not who and not why.strip():
            continue
        kind, _, name = who.partition(":")
        subjects.append((kind or "staff", name, why))
    try:
        saved = web.app.publish_circular(
            title=values.get("title", ""),
            source_kind=values.get("source_kind", ""),
            source_ref=values.get("source_ref", ""),
            subjects=subjects,
            actor=caller.actor,
        )
    except DomainError as error:
        return _page(web, values, error=refusal(web.locale, error), status=422)
    web.read_your_write(saved.position, ["oversight"])
    return redirect(web, "/circulars?done=published")


def _blank() -> Values:
    """Every field the form shows, empty: a first visit has typed nothing."""
    fields = ["title", "source_kind", "source_ref"]
    for row in range(SUBJECT_ROWS):
        fields += [f"who_{row}", f"why_{row}"]
    return dict.fromkeys(fields, "")


def _page(
    web: Web, values: Values, *, done: bool = False, error: str = "", status: int = 200
) -> Response:
    read = web.container.read
    read.refresh(["oversight"])
    published = sorted(
        read.rows("oversight", "circulars"), key=lambda r: r["published_at"], reverse=True
    )
    editions = sorted(
        read.rows("oversight", "publications"), key=lambda r: (r["what"], r["period"])
    )
    names = load_names(read)
    return page(
        web,
        "circulars.html",
        status=status,
        circulars=published,
        editions=editions,
        names=names,
        staff=sorted(names.staff.values(), key=lambda r: str(r["login"])),
        units=names.sorted_units(),
        sources=[s.value for s in SourceKind if s is not SourceKind.CLEARING],
        rows=range(SUBJECT_ROWS),
        values=_blank() | values,
        done=done,
        error=error,
    )
