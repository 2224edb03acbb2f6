"""Published figures: read-model rows plus the moment, calendar and policy, stamped.

Every figure comes back with what it was computed under (definition version, policy version,
calendar version, log position, time), so a number on a dashboard can be reproduced.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from domain.application import Casetrail
from domain.quarterly import quarter_of, window
from infra.readside import ReadSide
from projections.base import Projection
from projections.cases import CaseProjection
from projections.directory import DirectoryProjection
from projections.engagement import EngagementProjection
from projections.figures import DEFINITIONS
from projections.figures.board import board, counts_by
from projections.figures.context import Context
from projections.figures.coverage import coverage, monthly_quota
from projections.figures.facts import Facts, Row
from projections.figures.handling import handling_rates_by
from projections.figures.lists import red_black_lists
from projections.figures.periods import Period
from projections.figures.quarterly import results as quarterly_results
from projections.figures.ranking import annual_ranking, weights_of
from projections.figures.rates import Rate
from projections.figures.reviews import review_rates_by
from projections.figures.stationed import StationedCoverage, stationed_coverage
from projections.quarterly import QuarterlyEvaluationProjection
from projections.query import AnyOf, Compare, all_of, equal
from projections.reviews import ReviewProjection
from projections.stationed import StationedProjection
from projections.store import PageQuery, ViewStore

SOURCES: dict[str, tuple[type[Projection], str]] = {
    "cases": (CaseProjection, "cases"),
    "case_units": (CaseProjection, "case_units"),
    "services": (ReviewProjection, "services"),
    "evaluations": (ReviewProjection, "evaluations"),
    "rectifications": (ReviewProjection, "rectifications"),
    "units": (DirectoryProjection, "units"),
    "windows": (DirectoryProjection, "windows"),
    "staff": (DirectoryProjection, "staff"),
    "leaders": (DirectoryProjection, "leaders"),
    "enterprises": (DirectoryProjection, "enterprises"),
    "leader_links": (EngagementProjection, "leader_links"),
    "visits": (EngagementProjection, "visits"),
    "visit_findings": (EngagementProjection, "visit_findings"),
    "quarterly_totals": (QuarterlyEvaluationProjection, "quarterly_totals"),
    "stationed_staff": (EngagementProjection, "stationed_staff"),
}


BOARD_GROUPS = {"unit": "lead_unit_id", "owner": "owner"}
MOST_UNITS = 2000
"""The most departments one quarter's evaluation results list (a bounded page)."""


class Figures:
    """Computes each published figure from the view store as it stands."""

    def __init__(self, app: Casetrail, store: ViewStore) -> None:
        self.app, self.store = app, store

    def context(
        self, now: datetime | None = None, definitions: str = DEFINITIONS
    ) -> tuple[Facts, Context]:
        positions = [self.store.position(p().name) for p, _ in SOURCES.values()]
        position = min((p.position for p in positions if p is not None), default=0)
        facts = Facts(
            **{
                field: self.store.rows(projection().table(table))
                for field, (projection, table) in SOURCES.items()
            }
        )
        ctx = Context(
            now or self.app.now(),
            self.app.work_calendar(),
            self.app.policy,
            position,
            definitions,
        )
        return facts, ctx

    def board(
        self,
        group: str | None = None,
        now: datetime | None = None,
        definitions: str = DEFINITIONS,
    ) -> dict[str, Any]:
        facts, ctx = self.context(now, definitions)
        entries = board(facts.cases, ctx)
        result: dict[str, Any] = {**ctx.stamp(), "cases": [asdict(e) for e in entries]}
        if group:
            result["counts"] = counts_by(entries, BOARD_GROUPS[group])
        return result

    def rates(
        self,
        group: str,
        period: str,
        now: datetime | None = None,
        definitions: str = DEFINITIONS,
    ) -> dict[str, Any]:
        facts, ctx = self.context(now, definitions)
        span = Period.parse(period)
        handling = handling_rates_by(facts, group, span, ctx)
        reviews = review_rates_by(group, facts, span, ctx)
        members = sorted(set(handling) | set(reviews))
        # Every member carries every rate, nothing counted where it had none (a group with cases
        # but no rating still shows 好评率 0/0), so a reader never meets a missing key.
        names = {k for found in (handling, reviews) for rates in found.values() for k in rates}
        nothing = Rate(0, 0)
        return {
            **ctx.stamp(),
            "period": period,
            "group": group,
            "rates": {
                m: {
                    k: {**handling.get(m, {}), **reviews.get(m, {})}.get(k, nothing).as_dict()
                    for k in sorted(names)
                }
                for m in members
            },
        }

    def lists(
        self,
        dimension: str,
        period: str,
        now: datetime | None = None,
        definitions: str = DEFINITIONS,
    ) -> dict[str, Any]:
        facts, ctx = self.context(now, definitions)
        return {
            **ctx.stamp(),
            **asdict(red_black_lists(dimension, facts, Period.parse(period), ctx)),
        }

    def ranking(
        self, period: str, now: datetime | None = None, definitions: str = DEFINITIONS
    ) -> dict[str, Any]:
        facts, ctx = self.context(now, definitions)
        ranked = annual_ranking(facts, Period.parse(period), ctx)
        return {
            **ctx.stamp(),
            "period": period,
            "weights": weights_of(ctx),
            "ranking": [asdict(r) for r in ranked],
        }

    def coverage(
        self, month: str, now: datetime | None = None, definitions: str = DEFINITIONS
    ) -> dict[str, Any]:
        facts, ctx = self.context(now, definitions)
        return {
            **ctx.stamp(),
            "month": month,
            **asdict(coverage(facts)),
            "quota": [asdict(q) for q in monthly_quota(facts, Period.parse(month), ctx)],
            "stationed": asdict(
                stationed_figure(self.store, month, facts.enterprises, facts.stationed_staff)
            ),
        }

    def quarterly_evaluation(
        self, quarter: str, now: datetime | None = None, definitions: str = DEFINITIONS
    ) -> dict[str, Any]:
        """One quarter's evaluation by market entities per department (docs/metrics.md): read
        as one page of per-department sums and one count of the enterprises that could answer,
        never the answers themselves."""
        name = quarter_of(quarter).name
        projection = QuarterlyEvaluationProjection()
        stored = self.store.position(projection.name)
        ctx = Context(
            now or self.app.now(),
            self.app.work_calendar(),
            self.app.policy,
            stored.position if stored else 0,
            definitions,
        )
        totals = self.store.page(
            projection.table("quarterly_totals"),
            PageQuery("unit_id", False, MOST_UNITS, equals={"quarter": name}),
        )
        span = window(name, ctx.policy)
        eligible = self.store.count(
            projection.table("quarterly_enterprises"),
            all_of(
                Compare("registered_at", "<", span.closes),
                AnyOf((equal(deactivated_at=None), Compare("deactivated_at", ">=", span.opens))),
            ),
        )
        rules = ctx.policy.quarterly_evaluation
        questions = list(rules.questions)
        found = quarterly_results(totals, eligible, questions, ctx)
        return {
            **ctx.stamp(),
            "quarter": name,
            "window": {"opens": span.opens.isoformat(), "closes": span.closes.isoformat()},
            "open": span.contains(ctx.now),
            "eligible_enterprises": eligible,
            "questions": questions,
            "scale": {"min": rules.scale_min, "max": rules.scale_max},
            "min_answers": rules.min_answers,
            "units": [
                {
                    "unit_id": r.unit_id,
                    "answers": r.answers,
                    "response_rate": r.response_rate.as_dict(),
                    "overall": r.overall,
                    "score": r.score,
                    "questions": r.questions,
                    "ranked": r.ranked,
                }
                for r in found
            ],
        }

    def roster(self, on: date) -> dict[str, Any]:
        """The secondments under way on ``on``: who is where (from the view, by its index)."""
        return {"on": on.isoformat(), "secondments": roster_rows(self.store, on)}


def stationed_figure(
    store: ViewStore, month: str, enterprises: list[Row], stationed: list[Row]
) -> StationedCoverage:
    """Stationed staff's coverage of key enterprises in ``month`` (``enterprises``: directory
    rows, ``stationed``: engagement ``stationed_staff`` rows), its activities counted by the
    store on the month's index."""
    activities = StationedProjection().table("activities")
    of_month = Compare("month", "=", month)
    by = ("enterprise_id", "activity_kind", "confirmed", "late")
    counts = store.counts(activities, by, of_month)
    cases = store.count(activities, all_of(of_month, Compare("case_id", "!=", None)))
    return stationed_coverage(month, enterprises, stationed, counts, cases)


def stationed_read(read: ReadSide, month: str) -> StationedCoverage:
    """The same figure read as bounded pages: the key enterprises and the staff stationed now
    (a jurisdiction's hundreds, ``STATIONED_MOST`` at most), never a whole view."""
    read.refresh(["directory", "engagement", "stationed"])
    key = read.page(
        "directory",
        "enterprises",
        PageQuery("id", False, STATIONED_MOST, where=Compare("key_enterprise", "=", True)),
    )
    stationed = read.page(
        "engagement",
        "stationed_staff",
        PageQuery("enterprise_id", False, STATIONED_MOST, equals={"stationed": True}),
    )
    return stationed_figure(read.store, month, key, stationed)


STATIONED_MOST = 2000
"""The most key enterprises, and stationed staff, the coverage page reads (one page each)."""


ROSTER_MOST = 2000
"""The most secondments a roster lists (a county's cadres seconded at once are far fewer)."""


def roster_rows(store: ViewStore, on: date) -> list[dict[str, Any]]:
    """Secondments started by ``on`` whose last day is ``on`` or later, earliest start first."""
    day = on.isoformat()
    query = PageQuery(
        "last_day",
        False,
        ROSTER_MOST,
        where=all_of(Compare("last_day", ">=", day), Compare("starts_on", "<=", day)),
    )
    return store.page(StationedProjection().table("secondments"), query)
