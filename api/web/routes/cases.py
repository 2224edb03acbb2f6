"""The case page: the case as it stands, its timeline, its clock proof, and a form for each step
the case allows the caller's role. A refused step is explained next to its form; a colleague's
edit in between is explained in words, with the way back to the current case."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from api.http.scope import visible_case
from api.web.casefacts import clock_proof, time_state, timeline, working_days_left
from api.web.context import CASE_PAGE, Web, WebDep
from api.web.names import load_names
from api.web.refusals import refusal
from api.web.render import WebRoute, page, redirect
from api.web.routes.projects import VIEWERS as PROJECT_VIEWERS
from api.web.steps import FIELDS, PRIMARY, Values, offered_steps, take_step
from api.web.supervision_data import orders_on
from domain.case import Case
from domain.errors import ConflictError, DomainError, IllegalStepError, InvalidInputError
from infra.identity import Principal
from projections.projects import projects_linked_to

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.get("/cases/{case_id}")
def case_page(case_id: UUID, web: WebDep, done: str = "") -> Response:
    caller = web.require(CASE_PAGE)
    case = visible_case(web.app, caller, case_id)
    return render_case(web, caller, case, done=done)


@router.post("/cases/{case_id}/steps/{step}")
async def take(case_id: UUID, step: str, request: Request, web: WebDep) -> Response:
    form = await request.form()
    values: dict[str, str | list[str]] = {key: [str(v) for v in form.getlist(key)] for key in form}
    return await run_in_threadpool(_take, web, case_id, step, values)


def _take(web: Web, case_id: UUID, step: str, values: Values) -> Response:
    web.check_csrf(_one(values, "csrf"))
    caller = web.require(CASE_PAGE)
    app = web.app
    case = visible_case(app, caller, case_id)
    try:
        version = int(_one(values, "expected_version"))
    except ValueError:
        raise InvalidInputError("the form did not say which version it was made from") from None
    try:
        saved = take_step(app, case_id, step, values, actor=caller.actor, version=version)
    except ConflictError as conflict:
        current = visible_case(app, caller, case_id)
        return render_case(
            web, caller, current, conflict=_conflict(web, current, conflict, step, values)
        )
    except DomainError as error:
        status = 409 if isinstance(error, IllegalStepError) else 422
        said = refusal(web.locale, error)
        return render_case(web, caller, case, failed=step, error=said, values=values, status=status)
    web.read_your_write(saved.position, ["cases"])
    return redirect(web, f"/cases/{case_id}?done={step}")


def render_case(
    web: Web,
    caller: Principal,
    case: Case,
    *,
    done: str = "",
    failed: str = "",
    error: str = "",
    values: Values | None = None,
    conflict: dict[str, Any] | None = None,
    status: int | None = None,
) -> Response:
    app = web.app
    names = load_names(web.container.read)
    web.container.read.refresh(["projects"])
    steps = offered_steps(case, caller.actor)
    typed = values or {}
    return page(
        web,
        "case.html",
        status=status or (409 if conflict else 200),
        case=case,
        state=time_state(case, app),
        left=working_days_left(case, app),
        timeline=timeline(app, case.id),
        proof=clock_proof(case.deadline, app),
        names=names,
        steps=steps,
        fields=FIELDS,
        primary=PRIMARY,
        open_step=failed or next((s for s in steps if s in PRIMARY), steps[0] if steps else ""),
        done=done if done in FIELDS or done == "filed" else "",
        failed=failed,
        error=error,
        val=lambda name: _one(typed, name),
        vals=lambda name: _many(typed, name),
        conflict=conflict,
        staff=sorted(names.staff.values(), key=lambda r: str(r["login"])),
        units=names.sorted_units(),
        orders=orders_on(web.container.read, caller, app.now(), case.id),
        case_rows={str(case.id): {"summary": case.summary}},
        linked_projects=projects_linked_to(web.container.read, case.id),
        project_pages=caller.role in PROJECT_VIEWERS,
    )


def _conflict(
    web: Web, current: Case, conflict: ConflictError, step: str, values: Values
) -> dict[str, Any]:
    """Who changed the case since the form was made, and what the caller had typed."""
    seen = conflict.expected or 0
    later = [row for row in timeline(web.app, current.id) if row["version"] > seen]
    typed = [
        _one(values, field.name)
        for field in FIELDS.get(step, ())
        if field.kind in ("text", "textarea") and _one(values, field.name)
    ]
    return {
        "step": step,
        "seen": seen,
        "current": current.version,
        "changes": later,
        "typed": typed,
    }


def _many(values: Values, key: str) -> list[str]:
    value = values.get(key, [])
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _one(values: Values, key: str) -> str:
    value = values.get(key, "")
    return str(value[0] if isinstance(value, list) and value else value or "")
