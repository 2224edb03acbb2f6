"""A case's dossier: what it is, every step, the clock proof and the integrity check's result, on
a page laid out for printing (the browser's print, or "save as PDF", gives the paper copy)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response

from api.http.scope import visible_case
from api.web.casefacts import clock_proof, time_state, timeline, working_days_left
from api.web.context import CASE_PAGE, WebDep
from api.web.names import load_names
from api.web.render import WebRoute, page
from infra.integrity.check import check_record

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.get("/cases/{case_id}/dossier")
def dossier(case_id: UUID, web: WebDep) -> Response:
    caller = web.require(CASE_PAGE)
    app = web.app
    case = visible_case(app, caller, case_id)
    return page(
        web,
        "dossier.html",
        case=case,
        state=time_state(case, app),
        left=working_days_left(case, app),
        timeline=timeline(app, case.id),
        proof=clock_proof(case.deadline, app),
        names=load_names(web.container.read),
        integrity=check_record(app, str(case.id)),
        printed_at=app.now(),
    )
