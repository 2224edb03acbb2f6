"""The reviews dashboard's figures per unit, counted by the view store.

The same numbers as ``handling_rates_by`` and ``review_rates_by`` grouped by unit (the current
definitions, docs/metrics.md), each population and each numerator one ``COUNT … GROUP BY`` on
the period's index range, instead of every row worked out in Python:

- handling: the cases filed in the period by lead unit (the first cycle's verdict, with now a
  parameter; a response by the N-th working day after intake, as one bound per day of filing;
  reopenings; callbacks) and the units' dispatches of the period (回退率);
- reviews: the ratings of the period by unit, with the round-1 rectification of each original
  差评 matched by ``InSelect`` (its outcome, its callback), and the services delivered in the
  period by the unit that gave them (a service with no unit: its staff's unit) and whether a
  counted rating names them (主动评价率).

The units listed are those the Python figures list: every unit any case, dispatch, rating or
service ever named.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from api.web.names import DIRECTORY_PAGE, Names
from domain.clock import add_working_days
from infra.readside import ReadSide
from projections.figures import DEFINITIONS
from projections.figures.context import Context
from projections.figures.periods import Period
from projections.figures.quarterly import SCORE, quarters_in, unit_scores
from projections.figures.ranking import weights_of, with_scores
from projections.figures.rates import Rate, rate
from projections.figures.reviews import BAD, GOOD, OUTCOMES
from projections.query import AnyOf, Compare, Filter, In, InSelect, Not, all_of
from projections.reviews import ReviewProjection
from projections.store import PageQuery

Rates = dict[str, Rate]
CASES = ("cases", "cases")
DISPATCHES = ("cases", "case_units")
RATINGS = ("reviews", "evaluations")
SERVICES = ("reviews", "services")
UNRATED = "-"


def counted_here(ctx: Context) -> bool:
    """Whether these counts reproduce the figures of ``ctx``'s definitions (the current ones;
    a figure asked under an earlier definition is worked out from the rows)."""
    return ctx.definitions == DEFINITIONS


def rates_by_unit(read: ReadSide, names: Names, period: Period, ctx: Context) -> dict[str, Rates]:
    """Every unit's handling and review rates for ``period``, as ``{**handling, **reviews}``
    (a unit only one side names has only that side's rates, as in the Python figures)."""
    handling = _handling(read, period, ctx)
    reviews = _reviews(read, names, period, ctx)
    return {
        unit: {**handling.get(unit, {}), **reviews.get(unit, {})}
        for unit in sorted(set(handling) | set(reviews))
    }


def review_trend(read: ReadSide, ctx: Context, months: list[str]) -> list[dict[str, Any]]:
    """好评率 and 差评率 of every counted rating, month by month (one grouped count each)."""
    trend = []
    for month in months:
        by_level = read.counts(*RATINGS, ("level",), _counted(Period.parse(month), ctx))
        counted = sum(by_level.values())
        good = sum(n for (level,), n in by_level.items() if level in GOOD)
        bad = sum(n for (level,), n in by_level.items() if level in BAD)
        trend.append({
            "month": month,
            "good": rate(good, counted).value,
            "bad": rate(bad, counted).value,
            "counted": counted,
        })  # fmt: skip
    return trend


def _handling(read: ReadSide, period: Period, ctx: Context) -> dict[str, Rates]:
    filed = _within("filed_at", period, ctx)

    def by_unit(where: Filter | None = None) -> dict[str, int]:
        return _grouped(read.counts(*CASES, ("lead_unit_id",), all_of(filed, where)))

    on_time = by_unit(Compare("first_answer_on_time", "=", True))
    late = by_unit(_late(ctx))
    cases = by_unit()
    reopened = by_unit(Compare("reopen_count", ">", 0))
    once_closed = by_unit(
        AnyOf((Compare("status", "=", "closed"), Compare("reopen_count", ">", 0)))
    )
    responded = by_unit(_responded(period, ctx))
    called_back = by_unit(Compare("callback_resolved", "!=", None))
    resolved = by_unit(Compare("callback_resolved", "=", True))
    satisfied = by_unit(all_of(Compare("callback_resolved", "!=", None),
                               Compare("callback_satisfied", "=", True)))
    routed_filed = _within("filed_at", period, ctx)
    routed = _grouped(read.counts(*DISPATCHES, ("unit_id",), routed_filed))
    returned = _grouped(read.counts(
        *DISPATCHES, ("unit_id",), all_of(routed_filed, Compare("returns_requested", ">", 0))
    ))
    units = set(_grouped(read.counts(*CASES, ("lead_unit_id",))))
    units |= set(_grouped(read.counts(*DISPATCHES, ("unit_id",))))
    found: dict[str, Rates] = {}
    for unit in units:
        judged = on_time.get(unit, 0) + late.get(unit, 0)
        found[unit] = {
            "on_time_rate": rate(on_time.get(unit, 0), judged),
            "overdue_rate": rate(late.get(unit, 0), judged),
            "return_rate": rate(returned.get(unit, 0), routed.get(unit, 0)),
            "reopen_rate": rate(reopened.get(unit, 0), once_closed.get(unit, 0)),
            "response_rate": rate(responded.get(unit, 0), cases.get(unit, 0)),
            "resolution_rate": rate(resolved.get(unit, 0), called_back.get(unit, 0)),
            "satisfaction_rate": rate(satisfied.get(unit, 0), called_back.get(unit, 0)),
        }
    return found


def _late(ctx: Context) -> Filter:
    """``first_cycle_verdict`` is "late": the first answer came late; or, unanswered, a
    termination after the clock ran out, or a cycle that ran out (or runs out now, unpaused)."""
    unanswered = Compare("first_answer_on_time", "=", None)
    return AnyOf((
        Compare("first_answer_on_time", "=", False),
        all_of(unanswered, Compare("status", "=", "terminated"),
               Compare("terminated_overdue", "=", True)),
        all_of(
            unanswered,
            Compare("status", "!=", "terminated"),
            AnyOf((
                Compare("cycle_overdue", "=", True),
                all_of(Compare("status", "!=", "paused"), Compare("due_at", "<=", ctx.now)),
            )),
        ),
    ))  # fmt: skip


def _responded(period: Period, ctx: Context) -> Filter:
    """The first handling step came by the end of the N-th working day after the day of
    filing: for each day of the period, the cases filed that day and answered before the
    midnight that ends their last day."""
    days = ctx.policy.rates.response_working_days
    arms: list[Filter] = []
    day = period.first
    while day < period.after:
        limit = add_working_days(ctx.calendar, day, days)
        arms.append(all_of(
            Compare("filed_at", ">=", _midnight(day, ctx)),
            Compare("filed_at", "<", _midnight(day + timedelta(days=1), ctx)),
            Compare("first_response_at", "<", _midnight(limit + timedelta(days=1), ctx)),
        ))  # fmt: skip
        day += timedelta(days=1)
    return AnyOf(tuple(arms))


def _reviews(read: ReadSide, names: Names, period: Period, ctx: Context) -> dict[str, Rates]:
    counted = _counted(period, ctx)
    rectifications = ReviewProjection().table("rectifications")
    evaluations = ReviewProjection().table("evaluations")
    first_round = Compare("round", "=", 1)

    def by_unit(where: Filter | None = None) -> dict[str, int]:
        return _grouped(read.counts(*RATINGS, ("unit_id",), all_of(counted, where)))

    def round_one(where: Filter | None = None) -> Filter:
        """The rating's first rectification matches ``where``."""
        return InSelect("id", rectifications, "evaluation_id", all_of(first_round, where))

    first_bad = In("first_level", BAD)
    real_bad = all_of(first_bad, Compare("real_name", "=", True))
    completed = Compare("completed_at", "!=", None)
    on_time = all_of(completed, Compare("completed_on_time", "=", True))
    ratings = by_unit()
    good = by_unit(In("level", GOOD))
    bad = by_unit(In("level", BAD))
    bad_first = by_unit(first_bad)
    ended = {
        how: by_unit(all_of(first_bad, round_one(all_of(on_time, Compare("outcome", "=", how)))))
        for how in OUTCOMES
        if how not in ("late", "open")
    }
    ended["late"] = by_unit(all_of(
        first_bad, round_one(all_of(completed, Not(Compare("completed_on_time", "=", True))))
    ))
    done = by_unit(all_of(first_bad, round_one(completed)))
    real = by_unit(real_bad)
    called = by_unit(all_of(real_bad, round_one(Compare("reached", "=", True))))
    rated = InSelect("service_ref", evaluations, "service_ref", _not_excluded())
    delivered = _placed(read, names, _within("delivered_at", period, ctx))
    answered = _placed(read, names, all_of(_within("delivered_at", period, ctx), rated))
    units = set(_grouped(read.counts(*RATINGS, ("unit_id",)))) | set(_placed(read, names, None))
    found: dict[str, Rates] = {}
    for unit in units:
        first = bad_first.get(unit, 0)
        outcomes = {
            name: rate(ended[how].get(unit, 0), first)
            for how, name in OUTCOMES.items()
            if how != "open"
        }
        outcomes["rectification_open_rate"] = rate(first - done.get(unit, 0), first)
        found[unit] = {
            "good_review_rate": rate(good.get(unit, 0), ratings.get(unit, 0)),
            "bad_review_rate": rate(bad.get(unit, 0), ratings.get(unit, 0)),
            "real_name_callback_rate": rate(called.get(unit, 0), real.get(unit, 0)),
            "active_rating_rate": rate(answered.get(unit, 0), delivered.get(unit, 0)),
            **outcomes,
        }
    return found


def _placed(read: ReadSide, names: Names, where: Filter | None) -> dict[str, int]:
    """Services counted by the unit that gave them: theirs, or their staff's (``placed_services``
    fills the unit of a case answered before it was dispatched)."""
    found: dict[str, int] = {}
    for (unit, staff), n in read.counts(*SERVICES, ("unit_id", "staff"), where).items():
        member = names.staff.get(str(staff)) or {}
        key = str(unit or member.get("unit_id") or UNRATED)
        found[key] = found.get(key, 0) + n
    return found


def _counted(period: Period, ctx: Context) -> Filter:
    """Ratings of the period no upheld appeal excluded."""
    return all_of(_not_excluded(), _within("rated_at", period, ctx))


def _not_excluded() -> Filter:
    return Not(Compare("excluded", "=", True))


def _within(column: str, period: Period, ctx: Context) -> Filter:
    """``column`` falls in the period (its days in the jurisdiction's time)."""
    return all_of(
        Compare(column, ">=", _midnight(period.first, ctx)),
        Compare(column, "<", _midnight(period.after, ctx)),
    )


def _midnight(day: date, ctx: Context) -> datetime:
    return datetime.combine(day, time(), tzinfo=ctx.policy.tz)


def _grouped(counts: Mapping[tuple[Any, ...], int]) -> dict[str, int]:
    """Counts by group (a missing unit: "-"), as the Python figures name them."""
    found: dict[str, int] = {}
    for (key, *_), n in counts.items():
        name = str(key or UNRATED)
        found[name] = found.get(name, 0) + n
    return found


def unit_measures(
    read: ReadSide, names: Names, period: Period, ctx: Context
) -> dict[str, tuple[int, dict[str, float | None]]]:
    """Each unit of the directory (in key order) measured as ``ranking.unit_rates`` measures
    it: its handled cases' sample (按时办结率's population) and every rate's value."""
    merged = rates_by_unit(read, names, period, ctx)
    units = read.page("directory", "units", PageQuery("id", False, DIRECTORY_PAGE))
    measured = {}
    for unit in units:
        rates = merged.get(str(unit["id"]), {})
        sample = rates.get("on_time_rate", Rate(0, 0)).denominator
        measured[str(unit["id"])] = (sample, {k: r.value for k, r in rates.items()})
    if SCORE in weights_of(ctx):
        # One row per unit and quarter: the period's quarters are a bounded read.
        quarters = tuple(quarters_in(period))
        totals = read.page(
            "quarterly",
            "quarterly_totals",
            PageQuery("unit_id", False, DIRECTORY_PAGE, any_of={"quarter": quarters}),
        )
        with_scores(measured, unit_scores(totals, period, ctx))
    return measured


def review_rates_of(
    read: ReadSide, names: Names, dimension: str, period: Period, ctx: Context
) -> dict[str, Rates]:
    """好评率 and 差评率 per staff member or window (``review_rates_by``'s members: whoever a
    rating or a service ever named), in member order."""
    column = {"staff": "staff", "window": "window_id"}[dimension]
    counted = _counted(period, ctx)

    def by_member(where: Filter | None = None) -> dict[str, int]:
        return _grouped(read.counts(*RATINGS, (column,), all_of(counted, where)))

    ratings, good, bad = by_member(), by_member(In("level", GOOD)), by_member(In("level", BAD))
    members = set(_grouped(read.counts(*RATINGS, (column,))))
    for (window, staff), _ in read.counts(*SERVICES, ("window_id", "staff")).items():
        if dimension == "staff":
            members.add(str(staff or UNRATED))
        else:
            member = names.staff.get(str(staff)) or {}
            members.add(str(window or member.get("window_id") or UNRATED))
    return {
        m: {
            "good_review_rate": rate(good.get(m, 0), ratings.get(m, 0)),
            "bad_review_rate": rate(bad.get(m, 0), ratings.get(m, 0)),
        }
        for m in sorted(members)
    }
