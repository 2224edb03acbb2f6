"""The dashboards' figures: read once from the views, computed with the published formulas
(projections/figures, docs/metrics.md), stamped with their definition version and log position.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from api.web import unit_rates
from api.web.names import DIRECTORY_PAGE, Names, load_names
from domain.application import Casetrail
from infra.figures import Figures
from infra.readside import Counts, Page, ReadSide
from projections.engagement import EngagementProjection
from projections.figures import board_counts as board
from projections.figures.context import Context
from projections.figures.coverage import Coverage, Quota, monthly_quota
from projections.figures.facts import Facts, Row
from projections.figures.handling import handling_rates_by
from projections.figures.lists import (
    Lists,
    lists_of,
    red_black_lists,
    review_members,
    unit_members,
)
from projections.figures.periods import Period
from projections.figures.ranking import Ranked, annual_ranking, rank_units
from projections.figures.reviews import review_rates, review_rates_by
from projections.query import AnyOf, Compare, Filter, In, InSelect, Not, all_of
from projections.store import PageQuery
from projections.values import encode

VIEWS = ["cases", "reviews", "directory", "engagement", "quarterly"]
OPEN_STATES = ("overdue", "due_soon", "paused", "provisional", "on_time")
CLOSED_STATES = ("answered_on_time", "answered_late", "closed_on_time", "closed_late", "terminated")


@dataclass(frozen=True)
class Dashboard:
    facts: Facts
    ctx: Context
    names: Names
    read: ReadSide | None = None
    """Set (``open_counted``): the figures that can be are counted by the view store, and
    ``facts`` is empty."""

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
    """The settled states from the read model's counters, the open cases labelled with their
    state by the store (the moment a parameter): no closed case is read
    (``projections/figures/board_counts.py``).

    The view's position and the board's reads go together (``ReadSide.read_at``), the labels
    made with the kept calendar; in the rare case that the calendar at that position is
    another (``work_calendar_at``), they are read again with it."""
    read.refresh(["cases", "directory"])
    moment, kept = now or app.now(), app.work_calendar_at(0)
    position, current, made = _board_reads(read, Context(moment, kept, app.policy))
    calendar = app.work_calendar_at(position)
    if calendar is not kept:
        position, current, made = _board_reads(read, Context(moment, calendar, app.policy))
    ctx = Context(moment, calendar, app.policy, position)
    counts = board.board_counts(_Answered(read, made), ctx, current=current)
    return BoardFigure(ctx, counts, load_names(read))


BoardRead = Page | Counts
_NOT_MADE = object()


def _board_reads(
    read: ReadSide, ctx: Context
) -> tuple[int, bool, list[tuple[BoardRead, Any]]]:
    """The case view's position, whether it is current, and the reads the board's counts
    (``board.board_counts``) make first then, each with its result, from one round trip."""

    made: dict[bool, list[BoardRead]] = {}

    def reads(current: bool) -> list[BoardRead]:
        if current not in made:  # the labels walk the calendar: made once
            made[current] = [
                Counts(board.OPEN_TABLE, board.OPEN_BY, None, board.open_counted(ctx)),
                Page("case_counts", board.counters_page()),
            ] if current else [
                Counts("cases", ("lead_unit_id",), *board.open_cases(ctx)),
                Counts("cases", ("lead_unit_id",), *board.settled_cases(ctx)),
            ]
        return made[current]

    return read.read_at(board.VIEW, reads)


class _Answered:
    """The read side as the board's counts read it (``board.board_counts``): a read already
    made by ``_board_reads`` is answered with its result, any other by the read side."""

    def __init__(self, read: ReadSide, made: list[tuple[BoardRead, Any]]) -> None:
        self._read, self._made = read, made

    def _made_before(self, name: str, wanted: BoardRead) -> Any:
        for number, (made, result) in enumerate(self._made):
            if name == board.VIEW and made == wanted:
                del self._made[number]
                return result
        return _NOT_MADE

    def page(self, name: str, table: str, query: PageQuery) -> list[dict[str, Any]]:
        found = self._made_before(name, Page(table, query))
        return self._read.page(name, table, query) if found is _NOT_MADE else found

    def counts(
        self,
        name: str,
        table: str,
        by: tuple[str, ...],
        where: Filter | None = None,
        labels: Mapping[str, Filter] | None = None,
    ) -> dict[tuple[Any, ...], int]:
        found = self._made_before(name, Counts(table, by, where, labels))
        return self._read.counts(name, table, by, where, labels) if found is _NOT_MADE else found

    def is_current(self, name: str) -> bool:
        return self._read.is_current(name)


def board_by_unit(d: BoardFigure) -> list[tuple[str, dict[str, int]]]:
    """State counts per lead unit (unrouted cases last), from the time-limit board."""
    counts = d.counts
    d.names.know_units(unit for unit in counts if unit != "-")
    rows = [(d.names.unit(unit), c) for unit, c in counts.items() if unit != "-"]
    rows.sort(key=lambda r: (-r[1].get("overdue", 0), -r[1].get("due_soon", 0), r[0]))
    if "-" in counts:
        rows.append(("-", counts["-"]))
    return rows


def open_counted(app: Casetrail, read: ReadSide, now: datetime | None = None) -> Dashboard:
    """A dashboard whose figures the view store counts (``api/web/unit_rates.py``): no row
    is read to work them out."""
    return Dashboard(Facts(), figure_context(app, read, now), load_names(read), read)


def rates_by_unit(d: Dashboard, period: Period) -> list[dict[str, Any]]:
    if d.read is not None and unit_rates.counted_here(d.ctx):
        merged = unit_rates.rates_by_unit(d.read, d.names, period, d.ctx)
    else:
        reviews = review_rates_by("unit", d.facts, period, d.ctx)
        handling = handling_rates_by(d.facts, "unit", period, d.ctx)
        merged = {
            unit: {**handling.get(unit, {}), **reviews.get(unit, {})}
            for unit in set(reviews) | set(handling)
        }
    rows: list[dict[str, Any]] = []
    for unit in sorted(merged):
        if unit == "-":
            continue
        rates = {k: r.as_dict() for k, r in merged[unit].items()}
        rows.append({"unit": d.names.unit(unit), "rates": rates})
    rows.sort(key=lambda r: -(r["rates"].get("good_review_rate", {}).get("value") or -1))
    return rows


def review_trend(d: Dashboard, months: list[str]) -> list[dict[str, Any]]:
    """好评率 and 差评率 of all ratings, month by month."""
    if d.read is not None and unit_rates.counted_here(d.ctx):
        return unit_rates.review_trend(d.read, d.ctx, months)
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
    if d.read is not None and unit_rates.counted_here(d.ctx):
        read = d.read
        units = unit_members(rank_units(unit_rates.unit_measures(read, d.names, period, d.ctx),
                                        d.ctx))
        return {
            "unit": lists_of("unit", units, period, d.ctx),
            **{
                dim: lists_of(dim, review_members(
                    unit_rates.review_rates_of(read, d.names, dim, period, d.ctx)
                ), period, d.ctx)
                for dim in ("window", "staff")
            },
        }
    return {
        dim: red_black_lists(dim, d.facts, period, d.ctx) for dim in ("unit", "window", "staff")
    }


def member_name(d: Dashboard, dimension: str, member: str) -> str:
    if dimension == "unit":
        return d.names.unit(member)
    if dimension == "window":
        return d.names.window(member)
    return d.names.person(member)


def ranking(d: Dashboard, year: Period) -> list[Ranked]:
    if d.read is not None and unit_rates.counted_here(d.ctx):
        return rank_units(unit_rates.unit_measures(d.read, d.names, year, d.ctx), d.ctx)
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


MOST_VISITS_A_MONTH = 1000
"""More visits than one leader makes in a month (a page's bound, not a rule)."""
MOST_FINDINGS = 2000


def leader_quota(
    app: Casetrail, read: ReadSide, leader_id: str, now: datetime | None = None
) -> tuple[Quota | None, Period]:
    """One leader's quota for the current month, by the coverage figure's own formula over
    only the rows it counts: the leader, their visits of the month (an index range), those
    visits' findings and the cases the findings opened (fetched by id)."""
    read.refresh(VIEWS)
    ctx = Context(now or app.now(), app.work_calendar(), app.policy, read.position("engagement"))
    today = ctx.today
    month = Period.parse(f"{today.year}-{today.month:02d}")
    leader = read.lookup("directory", "leaders", "id", [leader_id]).get(leader_id)
    if leader is None:
        return None, month
    tz = ctx.policy.tz
    start = datetime.combine(month.first, time(), tzinfo=tz)
    end = datetime.combine(month.after, time(), tzinfo=tz)
    in_month = _visits_counting_in(month, start, end)
    visits = read.page(
        "engagement",
        "visits",
        PageQuery("started_at", False, MOST_VISITS_A_MONTH, equals={"leader_id": leader_id},
                  where=in_month),
    )
    ids = tuple(str(v["id"]) for v in visits)
    findings = read.page(
        "engagement",
        "visit_findings",
        PageQuery("visit_id", False, MOST_FINDINGS, where=In("visit_id", ids)),
    ) if ids else []
    cases = read.lookup("cases", "cases", "id", [f["case_id"] for f in findings])
    facts = Facts(
        leaders=[leader], visits=visits, visit_findings=findings, cases=list(cases.values())
    )
    mine = monthly_quota(facts, month, ctx)
    return (mine[0] if mine else None), month


def figure_context(app: Casetrail, read: ReadSide, now: datetime | None = None) -> Context:
    """The moment, calendar and policy of a figure, stamped with the position of the views it
    reads (the least of them, as ``Figures.context`` stamps it), without reading any row."""
    read.refresh(VIEWS)
    position = min(read.position(name) for name in VIEWS)
    return Context(now or app.now(), app.work_calendar(), app.policy, position)


MONTH_PAGE = 1000
"""Visits of a month read a page at a time (keyset, in start order)."""
IDS_AT_ONCE = 500
"""The most ids one ``IN`` names."""


def month_dashboard(read: ReadSide, month: Period, ctx: Context) -> Dashboard:
    """The coverage figure's facts for one month, and only those: the leaders, the month's
    visits (an index range on ``started_at``, a page at a time), their findings and the cases
    they opened (fetched by id). ``monthly_quota`` over them equals the quota over every row."""
    names = load_names(read)
    tz = ctx.policy.tz
    start = datetime.combine(month.first, time(), tzinfo=tz)
    end = datetime.combine(month.after, time(), tzinfo=tz)
    in_month = _visits_counting_in(month, start, end)
    visits: list[Row] = []
    after: tuple[Any, ...] | None = None
    while True:
        query = PageQuery("started_at", False, MONTH_PAGE, where=in_month, after=after)
        found = read.page("engagement", "visits", query)
        visits += found
        if len(found) < MONTH_PAGE:
            break
        after = _keyset(found[-1])
    ids = [str(v["id"]) for v in visits]
    findings: list[Row] = []
    for chunk in _chunks(ids):
        findings += _all_pages(read, "visit_findings", In("visit_id", chunk))
    opened = [str(f["case_id"]) for f in findings if f["case_id"]]
    cases: list[Row] = []
    for chunk in _chunks(opened):
        cases += read.lookup("cases", "cases", "id", chunk).values()
    facts = Facts(
        leaders=list(names.leaders.values()),
        visits=visits,
        visit_findings=findings,
        cases=cases,
    )
    return Dashboard(facts, ctx, names)


def coverage_counted(read: ReadSide) -> Coverage:
    """Who is linked to whom, counted by the store: the key enterprises (and those covered by a
    linked leader), and the leaders and key enterprises no link names (bounded lists)."""
    linked = Compare("linked", "=", True)
    links = EngagementProjection().table("leader_links")
    key = Compare("key_enterprise", "=", True)
    covered = InSelect("id", links, "enterprise_id", linked)
    unlinked = Not(InSelect("id", links, "leader_id", linked))
    lonely_leaders = read.page(
        "directory", "leaders", PageQuery("id", False, DIRECTORY_PAGE, where=unlinked)
    )
    uncovered = read.page(
        "directory", "enterprises",
        PageQuery("id", False, DIRECTORY_PAGE, where=all_of(key, Not(covered))),
    )
    return Coverage(
        leaders_without_enterprise=sorted(str(r["id"]) for r in lonely_leaders),
        key_enterprises_without_leader=sorted(str(r["id"]) for r in uncovered),
        key_enterprises=read.count("directory", "enterprises", key),
        covered_key_enterprises=read.count("directory", "enterprises", all_of(key, covered)),
    )


def visits_counted(read: ReadSide, ctx: Context, months: list[str]) -> list[tuple[str, int]]:
    """Visits begun in each month (in the jurisdiction's time), one count each."""
    tz = ctx.policy.tz
    counted = []
    for m in months:
        month = Period.parse(m)
        start = datetime.combine(month.first, time(), tzinfo=tz)
        end = datetime.combine(month.after, time(), tzinfo=tz)
        where = all_of(Compare("started_at", ">=", start), Compare("started_at", "<", end))
        counted.append((m, read.count("engagement", "visits", where)))
    return counted


def _visits_counting_in(month: Period, start: datetime, end: datetime) -> Filter:
    """Visits begun in the month, and front-line weeks given as a date range begun before it
    whose last day falls in it or later (a range spans at most 31 days): each counts its
    working days in the month (``monthly_quota``)."""
    began = all_of(Compare("started_at", ">=", start), Compare("started_at", "<", end))
    reaching = all_of(
        Compare("started_at", ">=", start - timedelta(days=31)),
        Compare("started_at", "<", start),
        Compare("ended_on", ">=", month.first.isoformat()),
    )
    return AnyOf((began, reaching))


def _keyset(row: Row) -> tuple[Any, ...]:
    """The stored (``started_at``, ``id``) of a visit: where the next page starts."""
    table = EngagementProjection().table("visits")
    return tuple(encode(table.column(c), row[c]) for c in ("started_at", "id"))


def _chunks(ids: list[str]) -> list[tuple[str, ...]]:
    unique = list(dict.fromkeys(ids))
    return [tuple(unique[i : i + IDS_AT_ONCE]) for i in range(0, len(unique), IDS_AT_ONCE)]


def _all_pages(read: ReadSide, table: str, where: Filter) -> list[Row]:
    """Every engagement row of ``table`` matching ``where`` (a bounded set: the findings of
    at most ``IDS_AT_ONCE`` visits), a page at a time."""
    rows: list[Row] = []
    offset = 0
    while True:
        found = read.page("engagement", table,
                          PageQuery("visit_id", False, MONTH_PAGE, where=where, offset=offset))
        rows += found
        if len(found) < MONTH_PAGE:
            return rows
        offset += MONTH_PAGE
