"""The dashboards' figures: read once from the views, computed with the published formulas
(projections/figures, docs/metrics.md), stamped with their definition version and log position.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from api.web.names import Names, load_names
from domain.application import Casetrail
from infra.figures import Figures
from infra.readside import ReadSide
from projections.figures import time_filters
from projections.figures.board import STATES
from projections.figures.context import Context
from projections.figures.coverage import Coverage, Quota, coverage, monthly_quota
from projections.figures.facts import Facts
from projections.figures.handling import handling_rates_by
from projections.figures.lists import Lists, red_black_lists
from projections.figures.periods import Period
from projections.figures.ranking import Ranked, annual_ranking
from projections.figures.reviews import review_rates, review_rates_by

VIEWS = ["cases", "reviews", "directory", "engagement", "quarterly"]
OPEN_STATES = ("overdue", "due_soon", "paused", "provisional", "on_time")
CLOSED_STATES = ("answered_on_time", "answered_late", "closed_on_time", "closed_late", "terminated")


@dataclass(frozen=True)
class Dashboard:
    facts: Facts
    ctx: Context
    names: Names

    @property
    def stamp(self) -> dict[str, object]:
        return self.ctx.stamp()

    @property
    def today(self) -> date:
        return self.ctx.today


def open_dashboard(app: Casetrail, read: ReadSide, now: datetime | None = None) -> Dashboard:
    read.refresh(VIEWS)
    facts, ctx = Figures(app, read.store).context(now)
    return Dashboard(facts, ctx, load_names(read))


@dataclass(frozen=True)
class BoardFigure:
    """The time-limit board's counts per lead unit and state, counted by the view store."""

    ctx: Context
    counts: dict[str, dict[str, int]]
    names: Names

    @property
    def stamp(self) -> dict[str, object]:
        return self.ctx.stamp()

    @property
    def today(self) -> date:
        return self.ctx.today


def open_board(app: Casetrail, read: ReadSide, now: datetime | None = None) -> BoardFigure:
    """One grouped count: each case labelled with its board state by the store (the moment a
    parameter), counted per unit and state in one pass, not judged one by one in Python."""
    read.refresh(["cases", "directory"])
    ctx = Context(now or app.now(), app.work_calendar(), app.policy, read.position("cases"))
    counts: dict[str, dict[str, int]] = {}
    labelled = read.counts("cases", "cases", ("lead_unit_id",), None, time_filters.states(ctx))
    for (unit, state), count in labelled.items():
        counts.setdefault(unit or "-", {})[state] = count
    ordered = {u: {s: c[s] for s in STATES if c.get(s)} for u, c in sorted(counts.items())}
    return BoardFigure(ctx, ordered, load_names(read))


def board_by_unit(d: BoardFigure) -> list[tuple[str, dict[str, int]]]:
    """State counts per lead unit (unrouted cases last), from the time-limit board."""
    counts = d.counts
    rows = [(d.names.unit(unit), c) for unit, c in counts.items() if unit != "-"]
    rows.sort(key=lambda r: (-r[1].get("overdue", 0), -r[1].get("due_soon", 0), r[0]))
    if "-" in counts:
        rows.append(("-", counts["-"]))
    return rows


def rates_by_unit(d: Dashboard, period: Period) -> list[dict[str, Any]]:
    reviews = review_rates_by("unit", d.facts, period, d.ctx)
    handling = handling_rates_by(d.facts, "unit", period, d.ctx)
    rows: list[dict[str, Any]] = []
    for unit in sorted(set(reviews) | set(handling)):
        if unit == "-":
            continue
        rates = {
            k: r.as_dict() for k, r in {**handling.get(unit, {}), **reviews.get(unit, {})}.items()
        }
        rows.append({"unit": d.names.unit(unit), "rates": rates})
    rows.sort(key=lambda r: -(r["rates"].get("good_review_rate", {}).get("value") or -1))
    return rows


def review_trend(d: Dashboard, months: list[str]) -> list[dict[str, Any]]:
    """好评率 and 差评率 of all ratings, month by month."""
    trend = []
    for month in months:
        rates = review_rates(d.facts, Period.parse(month), d.ctx)
        trend.append(
            {
                "month": month,
                "good": rates["good_review_rate"].value,
                "bad": rates["bad_review_rate"].value,
                "counted": rates["good_review_rate"].denominator,
            }
        )
    return trend


def lists(d: Dashboard, period: Period) -> dict[str, Lists]:
    return {
        dim: red_black_lists(dim, d.facts, period, d.ctx) for dim in ("unit", "window", "staff")
    }


def member_name(d: Dashboard, dimension: str, member: str) -> str:
    if dimension == "unit":
        return d.names.unit(member)
    if dimension == "window":
        return d.names.window(member)
    return d.names.person(member)


def leader_coverage(d: Dashboard, month: Period) -> tuple[Coverage, list[Quota]]:
    return coverage(d.facts), monthly_quota(d.facts, month, d.ctx)


def visits_per_month(d: Dashboard, months: list[str]) -> list[tuple[str, int]]:
    tz = d.ctx.policy.tz
    return [
        (m, sum(1 for v in d.facts.visits if Period.parse(m).contains(v["started_at"], tz)))
        for m in months
    ]


def ranking(d: Dashboard, year: Period) -> list[Ranked]:
    return annual_ranking(d.facts, year, d.ctx)


def last_months(today: date, count: int = 12) -> list[str]:
    index = today.year * 12 + today.month - 1
    return [f"{i // 12}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


def quarters(today: date, count: int = 8) -> list[str]:
    index = today.year * 4 + (today.month - 1) // 3
    return [f"{i // 4}-Q{i % 4 + 1}" for i in range(index, index - count, -1)]


def years(today: date, count: int = 3) -> list[str]:
    return [str(today.year - i) for i in range(count)]


def chosen(value: str, options: list[str], default: int = 0) -> str:
    """The period asked for when it is one offered, else ``options[default]``."""
    return value if value in options else options[default]


LAST_COMPLETE = 1
"""Quarterly and monthly figures open on the last complete period (the current one is still
running)."""
