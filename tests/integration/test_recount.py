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
from domain.directory import Enterprise
from domain.evaluation import Evaluation
from domain.quarterly import QuarterlyEvaluation
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
    answers: list[QuarterlyEvaluation.Answered] = field(default_factory=list)
    enterprises: dict[str, list[tuple[str, datetime]]] = field(default_factory=dict)
    """Each enterprise's directory events: (registered | deactivated | reactivated, when)."""

    def quarterly(self, quarter: str) -> dict[str, dict[str, float | int]]:
        """The quarter's answers per unit, by hand: count, the mean of the overall scores (each
        recomputed from its scores and weights), the mean per question, on 0..1 the mean score."""
        by_unit: dict[str, list[QuarterlyEvaluation.Answered]] = defaultdict(list)
        for answer in self.answers:
            if answer.quarter == quarter:
                by_unit[str(answer.unit_id)].append(answer)
        out: dict[str, dict[str, float | int]] = {}
        for unit, answers in by_unit.items():
            overall = [
                sum(a.weights[q] * s for q, s in a.scores.items()) / sum(a.weights.values())
                for a in answers
            ]
            line: dict[str, float | int] = {
                "answers": len(answers),
                "overall": sum(overall) / len(answers),
                "score": sum((o - 1) / 4 for o in overall) / len(answers),
            }
            for question in answers[0].scores:
                line[question] = sum(a.scores[question] for a in answers) / len(answers)
            out[unit] = line
        return out

    def could_answer(self, opens: datetime, closes: datetime) -> int:
        """Enterprises registered before the form closed and not inactive since before it
        opened (docs/metrics.md)."""
        count = 0
        for steps in self.enterprises.values():
            registered = steps[0][1]
            inactive_since = None
            for what, at in steps[1:]:
                inactive_since = at if what == "deactivated" else None
            count += registered < closes and (inactive_since is None or inactive_since >= opens)
        return count

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
        elif isinstance(event, QuarterlyEvaluation.Answered):
            recount.answers.append(event)
        elif isinstance(event, Enterprise.Registered):
            recount.enterprises[key] = [("registered", event.timestamp)]
        elif isinstance(event, Enterprise.Deactivated | Enterprise.Reactivated):
            what = "deactivated" if isinstance(event, Enterprise.Deactivated) else "reactivated"
            recount.enterprises[key].append((what, event.timestamp))
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


def test_the_quarterly_evaluation_per_unit_recounts_from_the_raw_events() -> None:
    app, recount = demo()
    quarter = "2026-Q1"  # the demo's last quarter whose form closed (forms: 2 March - 1 April)
    by_hand = recount.quarterly(quarter)
    assert by_hand, f"the demo's enterprises answered nothing for {quarter}"
    found = Figures(app, all_views(app)).quarterly_evaluation(quarter, _end(app))
    eligible = recount.could_answer(
        datetime(2026, 3, 2, tzinfo=CHINA), datetime(2026, 4, 1, tzinfo=CHINA)
    )
    assert found["eligible_enterprises"] == eligible
    assert {u["unit_id"] for u in found["units"]} == set(by_hand)
    for unit in found["units"]:
        hand = by_hand[unit["unit_id"]]
        assert unit["answers"] == hand["answers"]
        assert unit["response_rate"]["numerator"] == hand["answers"]
        assert unit["response_rate"]["denominator"] == eligible
        assert unit["overall"] == pytest.approx(hand["overall"], abs=1e-6)
        assert unit["score"] == pytest.approx(hand["score"], abs=1e-6)
        for question, mean in unit["questions"].items():
            assert mean == pytest.approx(hand[question], abs=1e-6), (unit["unit_id"], question)
    # The quarter's published unit list weighed the same evaluation score, for units with the
    # minimum of answers; a unit without it had the ranking's mean stand in.
    minimum = app.policy.quarterly_evaluation.min_answers
    lines = app.publication("lists", quarter).editions[0]["entries"]["unit"]
    assert lines, "the demo published no unit list for the quarter"
    for line in lines:
        counted = by_hand.get(line["member"])
        published = line["figures"]["quarterly_evaluation"]
        if counted is not None and counted["answers"] >= minimum:
            assert published == pytest.approx(counted["score"], abs=1e-6), line["member"]
        else:
            assert published is None


def _end(app: Casetrail) -> datetime:
    clock = app.clock()
    assert isinstance(clock, datetime)
    return clock
