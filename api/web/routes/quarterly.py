"""The quarterly evaluation by market entities on the web: the enterprise answers the quarter's
form about each department on its portal (one department per form, phone-sized); everyone who
reads the dashboards sees the results per department, with CSV and XLSX downloads."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api.web import charts
from api.web import dashboard as figures
from api.web.context import DASHBOARDS, PORTAL, WebDep
from api.web.names import load_names
from api.web.quarterly_data import departments
from api.web.refusals import refusal
from api.web.render import WebRoute, page, redirect
from domain.errors import DomainError, NotFoundError
from domain.quarterly import open_quarters, window
from infra.figures import Figures

router = APIRouter(route_class=WebRoute, include_in_schema=False)
QuarterQuery = Annotated[str, Query(max_length=10)]
VIEWS = ["quarterly", "directory"]


@router.get("/portal/quarterly")
def portal(web: WebDep, done: QuarterQuery = "") -> Response:
    return _portal(web, done=done)


@router.get("/portal/quarterly/{code}")
def form(web: WebDep, code: str, quarter: QuarterQuery = "") -> Response:
    return _form(web, code, quarter, {})


@router.post("/portal/quarterly/{code}")
async def answer(web: WebDep, code: str, request: Request) -> Response:
    # The questions are policy, so the form's fields are read by name from the policy's list;
    # the store is synchronous, so the command runs in the thread pool like a plain route.
    data = await request.form()
    values = {k: str(v) for k, v in data.items() if isinstance(v, str) and len(v) <= 600}
    return await run_in_threadpool(_answer, web, code, values)


def _answer(web: WebDep, code: str, values: dict[str, str]) -> Response:
    web.check_csrf(values.get("csrf"))
    caller = web.require(PORTAL)
    rules = web.app.policy.quarterly_evaluation
    quarter = values.get("quarter", "")
    scores: dict[str, object] = {}
    for question in rules.questions:
        given = values.get(f"q_{question}", "").strip()
        if given:
            scores[question] = int(given) if given.isdigit() else given
    try:
        saved = web.app.answer_quarterly_evaluation(
            caller.enterprise_id or "",
            code,
            quarter,
            scores,
            comment=values.get("comment", ""),
            actor=caller.actor,
        )
    except DomainError as error:
        return _form(web, code, quarter, values, error=refusal(web.locale, error))
    web.read_your_write(saved.position, ["quarterly"])
    return redirect(web, f"/portal/quarterly?done={code}")


def _portal(web: WebDep, *, done: str = "") -> Response:
    caller = web.require(PORTAL)
    app = web.app
    quarters = open_quarters(app.now(), app.policy)
    read = web.container.read
    forms = [
        (q, window(q, app.policy), departments(app, read, caller.enterprise_id, q))
        for q in quarters
    ]
    upcoming = None
    if not quarters:
        today = app.now().astimezone(app.policy.tz).date()
        upcoming = window(figures.quarters(today)[0], app.policy)
    return page(web, "portal_quarterly.html", forms=forms, upcoming=upcoming, done=done)


def _form(
    web: WebDep, code: str, quarter: str, values: dict[str, Any], *, error: str = ""
) -> Response:
    caller = web.require(PORTAL)
    app = web.app
    quarters = open_quarters(app.now(), app.policy)
    chosen = quarter if quarter in quarters else (quarters[0] if quarters else "")
    found = [
        d for d in departments(app, web.container.read, caller.enterprise_id, chosen or None)
        if d.code == code
    ]
    if not found:
        raise NotFoundError(f"no department {code!r}", code="not-found")
    rules = app.policy.quarterly_evaluation
    return page(
        web,
        "portal_quarterly_form.html",
        status=422 if error else 200,
        department=found[0],
        quarter=chosen,
        span=window(chosen, app.policy) if chosen else None,
        questions=list(rules.questions),
        scale=list(range(rules.scale_min, rules.scale_max + 1)),
        values=values,
        error=error,
    )


@router.get("/dashboards/quarterly")
def dashboard(web: WebDep, quarter: QuarterQuery = "") -> Response:
    web.require(DASHBOARDS)
    found, options = results(web, quarter)
    loc = web.locale
    names = load_names(web.container.read)
    units = found["units"]
    return page(
        web,
        "dash_quarterly.html",
        found=found,
        quarter=found["quarter"],
        options=options,
        units=units,
        names=names,
        chart=charts.bars(
            "chart-quarterly",
            loc.t("quarterly.chart", quarter=found["quarter"]),
            loc.t("quarterly.chart_desc"),
            items=[(names.unit(u["unit_id"]), u["overall"]) for u in units],
            fmt=lambda v: loc.number(v, 2),
            scale=float(found["scale"]["max"]),
            series="good",
            empty=loc.t("figure.nothing_counted"),
        ),
    )


def results(web: WebDep, quarter: str) -> tuple[dict[str, Any], list[str]]:
    """The quarter asked for (else the last complete one), and the quarters offered."""
    today = web.app.now().astimezone(web.app.policy.tz).date()
    options = figures.quarters(today)
    chosen = figures.chosen(quarter, options, figures.LAST_COMPLETE)
    read = web.container.read
    read.refresh(VIEWS)
    return Figures(web.app, read.store).quarterly_evaluation(chosen), options
