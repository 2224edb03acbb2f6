"""Downloads: each dashboard's tables as CSV or XLSX, stamped like the page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.web import dashboard as figures
from api.web import dashboard_sheets, sheets
from api.web.context import DASHBOARDS, WebDep
from api.web.i18n import Locale
from api.web.names import load_names
from api.web.render import WebRoute, finish
from api.web.routes.quarterly import results as quarterly_results
from domain.errors import NotFoundError
from projections.figures.periods import Period

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.get("/dashboards/{name}.{fmt}")
def download_dashboard(
    web: WebDep,
    name: str,
    fmt: str,
    period: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    web.require(DASHBOARDS)
    build = dashboard_sheets.BUILDERS.get(name)
    if (build is None and name not in ("board", "quarterly")) or fmt not in sheets.FORMATS:
        raise NotFoundError("no such dashboard", code="dashboard-not-found")
    if name == "quarterly":  # one page of per-department sums, not the dashboards' rows
        found, _ = quarterly_results(web, period)
        download = dashboard_sheets.quarterly(found, load_names(web.container.read), web.locale)
        return finish(web, attachment(download, fmt, web.locale))
    if build is None:  # the board is counted by the view store, not from every row
        board = dashboard_sheets.board(figures.open_board(web.app, web.container.read), web.locale)
        return finish(web, attachment(board, fmt, web.locale))
    if name == "coverage":  # one month's rows, read by index (docs/read-models.md)
        ctx = figures.figure_context(web.app, web.container.read)
        options, default = dashboard_sheets.coverage_options(ctx.today)
        chosen = figures.chosen(period, options, default)
        d = figures.month_dashboard(web.container.read, Period.parse(chosen), ctx)
        return finish(web, attachment(build(d, web.locale, chosen), fmt, web.locale))
    d = figures.open_counted(web.app, web.container.read)  # counted by the view store
    options, default = dashboard_sheets.period_options(name, d)
    download = build(d, web.locale, figures.chosen(period, options, default))
    return finish(web, attachment(download, fmt, web.locale))


def attachment(download: sheets.Download, fmt: str, loc: Locale) -> Response:
    body = sheets.render(download, fmt, loc)
    filename = f"casetrail-{download.name}.{fmt}"
    return Response(
        body,
        media_type=sheets.FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
