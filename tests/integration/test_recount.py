"""A recount of the demo by hand: 好评率 and 差评整改率 per unit, from the raw stored events alone
(no read model, nothing of ``projections.figures``), equal to the figures Casetrail reports and
to the lines it froze when it published the period's lists.

The recount follows docs/metrics.md (metrics-2026.2) literally: a rating counts in the period it
was made, unless an upheld appeal excluded it; its counting level is the latest (a re-rating
replaces the first); 差评整改率 is the original 差评s whose first rectification was completed as
rectified before its deadline, over the original 差评s.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import cache
from typing import Any

import pytest

from domain.application import Casetrail
from domain.evaluation import Evaluation
from domain.rectification import Rectification
from infra.figures import Figures
from tests.support.kafka_world import demo_app
from tests.support.views import all_views

CHINA = timezone(timedelta(hours=8))
GOOD = {"very_satisfied", "satisfied"}
BAD = {"dissatisfied", "very_dissatisfied"}
QUARTERS = {
    "2025-Q3": (date(2025, 7, 1), date(2025, 10, 1)),
    "2025-Q4": (date(2025, 10, 1), date(2026, 1, 1)),
    "2026-Q1": (date(2026, 1, 1), date(2026, 4, 1)),
}


@dataclass
class Rating:
    unit: str
    rated_on: date
    first: str
    level: str
    excluded: bool = False
    first_rectification: str | None = None
    outcome: str | None = None
    on_time: bool | None = None


@dataclass
class Recount:
    ratings: dict[str, Rating] = field(default_factory=dict)

    def rates(self, first: date, after: date) -> dict[str, dict[str, tuple[int, int]]]:
        counts: dict[str, dict[str, list[int]]] = defaultdict(
            lambda: {"good_review_rate": [0, 0], "rectification_rate": [0, 0]}
        )
        for rating in self.ratings.values():
            if rating.excluded or not first <= rating.rated_on < after:
                continue
            good, rectified = counts[rating.unit].values()
            good[0] += rating.level in GOOD
            good[1] += 1
            if rating.first in BAD:
                rectified[0] += rating.outcome == "rectified" and rating.on_time is True
                rectified[1] += 1
        return {u: {k: (n, d) for k, (n, d) in c.items()} for u, c in counts.items()}


@cache
def demo() -> tuple[Casetrail, Recount]:
    app = demo_app(cases=150)
    recount = Recount()
    by_rectification: dict[str, str] = {}
    notifications = app.recorder.select_notifications(1, 10**7)
    for notification in notifications:
        event: Any = app.mapper.to_domain_event(notification)
        key = str(event.originator_id)
        if isinstance(event, Evaluation.Rated):
            recount.ratings[key] = Rating(
                str(event.unit_id), event.timestamp.astimezone(CHINA).date(), event.level,
                event.level,
            )
        elif isinstance(event, Evaluation.ReRated):
            recount.ratings[key].level = event.level
        elif isinstance(event, Evaluation.Excluded):
            recount.ratings[key].excluded = True
        elif isinstance(event, Rectification.Opened) and event.round == 1:
            by_rectification[key] = str(event.evaluation_id)
        elif isinstance(event, Rectification.Completed) and key in by_rectification:
            rating = recount.ratings[by_rectification[key]]
            rating.outcome, rating.on_time = event.outcome, event.on_time
    return app, recount


@pytest.mark.parametrize("period", sorted(QUARTERS))
def test_good_review_and_rectification_rates_per_unit_recount_from_the_raw_events(
    period: str,
) -> None:
    app, recount = demo()
    by_hand = recount.rates(*QUARTERS[period])
    assert by_hand, f"the demo rated nothing in {period}"
    published = Figures(app, all_views(app)).rates("unit", period, _end(app))["rates"]
    for unit, rates in by_hand.items():
        for name, (numerator, denominator) in rates.items():
            figure = published[unit][name]
            assert (figure["numerator"], figure["denominator"]) == (numerator, denominator), (
                unit,
                name,
            )
    reported = {
        unit
        for unit, rates in published.items()
        if rates.get("good_review_rate", {}).get("denominator")
    }
    assert reported == set(by_hand)


@pytest.mark.parametrize("period", sorted(QUARTERS))
def test_the_published_lists_froze_the_recounted_unit_figures(period: str) -> None:
    app, recount = demo()
    by_hand = recount.rates(*QUARTERS[period])
    units = app.publication("lists", period).editions[0]["entries"]["unit"]
    for line in units:
        figures = line["figures"]
        for name in ("good_review_rate", "rectification_rate"):
            numerator, denominator = by_hand.get(line["member"], {}).get(name, (0, 0))
            expected = round(numerator / denominator, 6) if denominator else None
            if figures[name] is not None and expected is not None:
                assert figures[name] == expected, (line["member"], name)
            else:  # no data of its own: the ranking's mean stands in (docs/metrics.md)
                assert denominator == 0 or figures[name] == expected


def _end(app: Casetrail) -> datetime:
    clock = app.clock()
    assert isinstance(clock, datetime)
    return clock
