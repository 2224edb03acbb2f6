"""Each dashboard's tables as a download, read from the same figures as its page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from api.web import dashboard as figures
from api.web.dashboard import BoardFigure, Dashboard
from api.web.i18n import Locale
from api.web.names import Names
from api.web.sheets import Column, Download, Sheet
from projections.figures.coverage import monthly_quota
from projections.figures.periods import Period

UNIT_RATES = (
    "good_review_rate",
    "bad_review_rate",
    "rectification_rate",
    "real_name_callback_rate",
    "on_time_rate",
)


def board(d: BoardFigure, loc: Locale) -> Download:
    """The board is of now: it has no period."""
    states = figures.OPEN_STATES + figures.CLOSED_STATES
    sheet = Sheet(
        loc.t("board.table"),
        [Column(loc.t("case.lead_unit"))]
        + [Column(loc.label("time_state", s), "count") for s in states],
    )
    for name, counts in figures.board_by_unit(d):
        shown = name if name != "-" else loc.t("board.unrouted")
        sheet.add(shown, *(counts.get(s, 0) for s in states))
    return Download("board", [sheet], d.stamp)


def reviews(d: Dashboard, loc: Locale, period: str) -> Download:
    columns = [Column(loc.t("case.lead_unit"))]
    for key in UNIT_RATES:
        name = loc.t(f"rate.{key}")
        columns += [
            Column(name, "rate"),
            Column(loc.t("export.numerator", rate=name), "count"),
            Column(loc.t("export.denominator", rate=name), "count"),
        ]
    units = Sheet(loc.t("reviews.by_unit", period=period), columns)
    for row in figures.rates_by_unit(d, Period.parse(period)):
        cells: list[str | int | float | None] = [row["unit"]]
        for key in UNIT_RATES:
            rate = row["rates"].get(key)
            cells += [rate["value"], rate["numerator"], rate["denominator"]] if rate else [None] * 3
        units.add(*cells)
    trend = Sheet(
        loc.t("reviews.trend_chart"),
        [
            Column(loc.t("reviews.month")),
            Column(loc.t("rate.good_review_rate"), "rate"),
            Column(loc.t("rate.bad_review_rate"), "rate"),
            Column(loc.t("reviews.counted"), "count"),
        ],
    )
    for month in figures.review_trend(d, figures.last_months(d.today)):
        trend.add(month["month"], month["good"], month["bad"], month["counted"])
    return Download(f"reviews-{period}", [units, trend], d.stamp)


def lists(d: Dashboard, loc: Locale, period: str) -> Download:
    sheets = []
    for dim, listed in figures.lists(d, Period.parse(period)).items():
        score = Column(loc.t("export.score"), "score" if dim == "unit" else "rate")
        sheet = Sheet(
            loc.t("lists." + dim),
            [
                Column(loc.t("export.list")),
                Column(loc.t("ranking.rank"), "count"),
                Column(loc.t("lists." + dim)),
                score,
                Column(loc.t("ranking.sample"), "count"),
            ],
        )
        for side, entries in (("red", listed.red), ("black", listed.black)):
            for index, entry in enumerate(entries, start=1):
                sheet.add(
                    loc.t("lists." + side),
                    entry.rank or index,
                    figures.member_name(d, dim, entry.member),
                    entry.score,
                    entry.sample,
                )
        sheets.append(sheet)
    return Download(f"lists-{period}", sheets, d.stamp)


def coverage(d: Dashboard, loc: Locale, period: str) -> Download:
    """The month's quotas: ``d`` may hold only that month's facts (``month_dashboard``)."""
    quotas = monthly_quota(d.facts, Period.parse(period), d.ctx)
    sheet = Sheet(
        loc.t("coverage.quota_chart", month=period),
        [
            Column(loc.t("coverage.leader")),
            Column(loc.t("coverage.visits"), "count"),
            Column(loc.t("coverage.days"), "score"),
            Column(loc.t("front_line.column"), "score"),
            Column(loc.t("coverage.required"), "score"),
            Column(loc.t("coverage.met")),
            Column(loc.t("coverage.findings"), "count"),
            Column(loc.t("coverage.cases_opened"), "count"),
            Column(loc.t("coverage.solved"), "count"),
        ],
    )
    for q in quotas:
        sheet.add(
            d.names.leader(q.leader_id),
            q.visits,
            q.days,
            q.front_line_days,
            q.required,
            loc.t("coverage.yes" if q.met else "coverage.no"),
            q.findings,
            q.cases_opened,
            q.solved,
        )
    return Download(f"coverage-{period}", [sheet], d.stamp)


def ranking(d: Dashboard, loc: Locale, period: str) -> Download:
    weights = list(d.ctx.policy.assessment_weights)
    sheet = Sheet(
        loc.t("ranking.chart", year=period),
        [
            Column(loc.t("ranking.rank"), "count"),
            Column(loc.t("case.lead_unit")),
            Column(loc.t("ranking.composite"), "score"),
            Column(loc.t("ranking.sample"), "count"),
        ]
        + [Column(loc.t(f"rate.{k}"), "rate") for k in weights],
    )
    for r in figures.ranking(d, Period.parse(period)):
        rates = [r.rates.get(k) for k in weights]
        sheet.add(r.rank, d.names.unit(r.unit_id), r.composite, r.sample, *rates)
    return Download(f"ranking-{period}", [sheet], d.stamp)


def quarterly(found: dict[str, Any], names: Names, loc: Locale) -> Download:
    """One quarter's evaluation by market entities per department (its own figures, read as
    a page of per-department sums: not a ``Builder`` over the dashboards' rows)."""
    questions = list(found["questions"])
    rate = loc.t("quarterly.response_rate")
    sheet = Sheet(
        loc.t("quarterly.sheet", quarter=found["quarter"]),
        [
            Column(loc.t("case.lead_unit")),
            Column(loc.t("quarterly.answers"), "count"),
            Column(rate, "rate"),
            Column(loc.t("export.denominator", rate=rate), "count"),
            Column(loc.t("quarterly.overall"), "score"),
        ]
        + [Column(loc.t(f"quarterly_question.{q}"), "score") for q in questions]
        + [Column(loc.t("quarterly.ranked"))],
    )
    for u in found["units"]:
        sheet.add(
            names.unit(u["unit_id"]),
            u["answers"],
            u["response_rate"]["value"],
            u["response_rate"]["denominator"],
            u["overall"],
            *(u["questions"].get(q) for q in questions),
            loc.t("quarterly.ranked_yes" if u["ranked"] else "quarterly.ranked_no"),
        )
    stamp = {k: found[k] for k in ("definitions", "policy_version", "calendar_version",
                                    "position", "as_of")}  # fmt: skip
    return Download(f"quarterly-{found['quarter']}", [sheet], stamp)


Builder = Callable[[Dashboard, Locale, str], Download]
BUILDERS: dict[str, Builder] = {
    "reviews": reviews,
    "lists": lists,
    "coverage": coverage,
    "ranking": ranking,
}


def coverage_options(today: date) -> tuple[list[str], int]:
    """The months the coverage dashboard offers, and the one it opens on."""
    return list(reversed(figures.last_months(today))), figures.LAST_COMPLETE


def period_options(name: str, d: Dashboard) -> tuple[list[str], int]:
    """The periods a dashboard offers and which one it opens on, as its page does."""
    if name == "reviews":
        return figures.quarters(d.today), figures.LAST_COMPLETE
    if name == "lists":
        return figures.quarters(d.today) + figures.years(d.today), figures.LAST_COMPLETE
    if name == "coverage":
        return coverage_options(d.today)
    if name == "ranking":
        return figures.years(d.today), 0
    return [""], 0
