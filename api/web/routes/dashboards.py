"""Dashboards: the time-limit board by unit, 好差评 scores and their trend, the red and black
lists, leader coverage and monthly visits, and the annual ranking, each with its charts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from markupsafe import Markup

from api.web import charts
from api.web import dashboard as figures
from api.web.charts import Series
from api.web.context import DASHBOARDS, WebDep
from api.web.render import WebRoute, page, redirect
from infra.figures import stationed_read
from projections.figures.coverage import Quota, monthly_quota
from projections.figures.periods import Period

router = APIRouter(route_class=WebRoute, include_in_schema=False)
PeriodQuery = Annotated[str, Query(max_length=10)]


@router.get("/dashboards")
def dashboards(web: WebDep) -> Response:
    web.require(DASHBOARDS)
    return redirect(web, "/dashboards/board")


@router.get("/dashboards/board")
def time_limits(web: WebDep) -> Response:
    web.require(DASHBOARDS)
    d = figures.open_board(web.app, web.container.read)
    loc = web.locale
    rows = figures.board_by_unit(d)
    shown = [(name if name != "-" else loc.t("board.unrouted"), c) for name, c in rows]
    open_series = [Series(s, loc.label("time_state", s)) for s in figures.OPEN_STATES]
    closed_series = [Series(s, loc.label("time_state", s)) for s in figures.CLOSED_STATES]
    open_rows = [(n, {k: v for k, v in c.items() if k in figures.OPEN_STATES}) for n, c in shown]
    closed_rows = [
        (n, {k: v for k, v in c.items() if k in figures.CLOSED_STATES}) for n, c in shown
    ]
    return page(
        web,
        "dash_board.html",
        d=d,
        rows=shown,
        states=figures.OPEN_STATES + figures.CLOSED_STATES,
        open_chart=charts.stacked_bars(
            "chart-board-open",
            loc.t("board.open_chart"),
            loc.t("board.open_chart_desc"),
            rows=[r for r in open_rows if sum(r[1].values())],
            series=open_series,
            fmt=loc.number,
        ),
        closed_chart=charts.stacked_bars(
            "chart-board-closed",
            loc.t("board.closed_chart"),
            loc.t("board.closed_chart_desc"),
            rows=[r for r in closed_rows if sum(r[1].values())],
            series=closed_series,
            fmt=loc.number,
        ),
    )


@router.get("/dashboards/reviews")
def reviews(web: WebDep, quarter: PeriodQuery = "") -> Response:
    web.require(DASHBOARDS)
    d = figures.open_counted(web.app, web.container.read)  # counted in SQL, no row read
    loc = web.locale
    options = figures.quarters(d.today)
    period = figures.chosen(quarter, options, figures.LAST_COMPLETE)
    units = figures.rates_by_unit(d, Period.parse(period))
    months = figures.last_months(d.today)
    trend = figures.review_trend(d, months)
    return page(
        web,
        "dash_reviews.html",
        d=d,
        period=period,
        options=options,
        units=units,
        trend=trend,
        unit_chart=charts.bars(
            "chart-good-by-unit",
            loc.t("reviews.unit_chart", period=period),
            loc.t("reviews.unit_chart_desc"),
            items=[(u["unit"], u["rates"].get("good_review_rate", {}).get("value")) for u in units],
            fmt=loc.percent,
            scale=1.0,
            series="good",
            empty=loc.t("figure.nothing_counted"),
        ),
        trend_chart=charts.lines(
            "chart-review-trend",
            loc.t("reviews.trend_chart"),
            loc.t("reviews.trend_chart_desc"),
            x_labels=[m[2:].replace("-", "/") for m in months],
            series=[
                (Series("good", loc.t("rate.good_review_rate")), [t["good"] for t in trend]),
                (Series("bad", loc.t("rate.bad_review_rate")), [t["bad"] for t in trend]),
            ],
            fmt=lambda v: loc.percent(v, 0),
        ),
    )


@router.get("/dashboards/lists")
def red_black(web: WebDep, quarter: PeriodQuery = "") -> Response:
    web.require(DASHBOARDS)
    d = figures.open_counted(web.app, web.container.read)  # counted in SQL, no row read
    loc = web.locale
    options = figures.quarters(d.today) + figures.years(d.today)
    period = figures.chosen(quarter, options, figures.LAST_COMPLETE)
    lists = figures.lists(d, Period.parse(period))

    def chart(dim: str) -> Markup:
        listed = lists[dim]
        entries = [("red", e) for e in listed.red] + [("black", e) for e in listed.black]
        scores = [e.score for _, e in entries]
        unit = dim == "unit"
        return charts.bars(
            f"chart-lists-{dim}",
            loc.t("lists.chart", what=loc.t(f"lists.{dim}"), period=period),
            loc.t("lists.chart_desc_unit" if unit else "lists.chart_desc"),
            items=[(figures.member_name(d, dim, e.member), e.score) for _, e in entries],
            fmt=(lambda v: loc.number(v, 3)) if unit else loc.percent,
            scale=max([*scores, 0.01]) if unit else 1.0,
            classes=[f"list-{side}" for side, _ in entries],
        )

    return page(
        web,
        "dash_lists.html",
        d=d,
        period=period,
        options=options,
        lists=lists,
        charts={dim: chart(dim) for dim in lists if lists[dim].red or lists[dim].black},
        member=lambda dim, member: figures.member_name(d, dim, member),
    )


@router.get("/dashboards/coverage")
def leaders(web: WebDep, month: PeriodQuery = "") -> Response:
    web.require(DASHBOARDS)
    read = web.container.read
    ctx = figures.figure_context(web.app, read)
    loc = web.locale
    months = figures.last_months(ctx.today)
    options = list(reversed(months))
    chosen = figures.chosen(month, options, figures.LAST_COMPLETE)
    # The month's rows and counts in SQL, never every visit and link (docs/read-models.md).
    d = figures.month_dashboard(read, Period.parse(chosen), ctx)
    cover = figures.coverage_counted(read)
    quotas = monthly_quota(d.facts, Period.parse(chosen), d.ctx)
    per_month = figures.visits_counted(read, ctx, months)
    stationed = stationed_read(read, chosen)
    return page(
        web,
        "dash_coverage.html",
        d=d,
        month=chosen,
        options=options,
        cover=cover,
        quotas=quotas,
        stationed=stationed,
        ring=charts.ring(
            "chart-coverage",
            loc.t("coverage.ring"),
            loc.t("coverage.ring_desc"),
            part=cover.covered_key_enterprises,
            whole=cover.key_enterprises,
            caption=loc.t("coverage.covered"),
        ),
        quota_chart=charts.bars(
            "chart-quota",
            loc.t("coverage.quota_chart", month=chosen),
            loc.t("coverage.quota_chart_desc"),
            items=[(d.names.leader(q.leader_id), _share(q)) for q in quotas],
            fmt=lambda v: loc.percent(v, 0),
            scale=max([1.0, *(_share(q) for q in quotas)]),
            target=1.0,
            target_label=loc.t("coverage.quota_line"),
            classes=["met" if q.met else "unmet" for q in quotas],
        ),
        month_chart=charts.columns(
            "chart-visits-per-month",
            loc.t("coverage.month_chart"),
            loc.t("coverage.month_chart_desc"),
            items=[(loc.month(m), float(n)) for m, n in per_month],
            fmt=loc.number,
            series="visits",
        ),
    )


def _share(quota: Quota) -> float:
    """How much of the month's quota a leader met: visits for county leaders, days otherwise."""
    done = quota.visits if quota.level == "county" else quota.days
    return done / quota.required if quota.required else 1.0


@router.get("/dashboards/ranking")
def ranking(web: WebDep, year: PeriodQuery = "") -> Response:
    web.require(DASHBOARDS)
    d = figures.open_counted(web.app, web.container.read)  # counted in SQL, no row read
    loc = web.locale
    options = figures.years(d.today)
    chosen = figures.chosen(year, options)
    ranked = figures.ranking(d, Period.parse(chosen))
    return page(
        web,
        "dash_ranking.html",
        d=d,
        year=chosen,
        options=options,
        ranked=ranked,
        weights=d.ctx.policy.assessment_weights,
        chart=charts.bars(
            "chart-ranking",
            loc.t("ranking.chart", year=chosen),
            loc.t("ranking.chart_desc"),
            items=[
                (f"{r.rank}. {d.names.unit(r.unit_id)}", r.composite)
                for r in ranked
                if r.rank is not None
            ],
            fmt=lambda v: loc.number(v, 3),
            scale=max([r.composite or 0.0 for r in ranked] + [0.01]),
            series="rank",
        ),
    )
