"""Review scores per group and period: 好评率, 差评率, 差评整改率, 实名差评回访率, 主动评价率.

Ratings excluded by an upheld appeal never count. 好评率 and 差评率 use the level that counts
now (a re-rating after rectification replaces the first); 差评整改率 and 实名差评回访率 are
about the original 差评s, which stay 差评s for those rates even if later re-rated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from projections.figures.context import Context
from projections.figures.facts import Facts
from projections.figures.periods import Period
from projections.figures.rates import Rate, rate

Row = dict[str, Any]
GOOD = ("very_satisfied", "satisfied")
BAD = ("dissatisfied", "very_dissatisfied")

# How a group is read from a rating row and from a case row (for 主动评价率).
GROUPS: dict[str, tuple[Callable[[Row], Any], Callable[[Row], Any]]] = {
    "unit": (lambda e: e["unit_id"], lambda c: c["lead_unit_id"]),
    "window": (lambda e: e["window_id"], lambda c: None),
    "staff": (lambda e: e["staff"], lambda c: c["owner"]),
    "service_item": (lambda e: e["service_item"], lambda c: c["service_item"]),
    "all": (lambda e: "all", lambda c: "all"),
}


def review_rates(facts: Facts, period: Period, ctx: Context) -> dict[str, Rate]:
    tz = ctx.policy.tz
    counted = [
        e for e in facts.evaluations if not e["excluded"] and period.contains(e["rated_at"], tz)
    ]
    first_bad = [e for e in counted if e["first_level"] in BAD]
    rounds = {r["evaluation_id"]: r for r in facts.rectifications if r["round"] == 1}
    completed = [e for e in first_bad if (rounds.get(e["id"]) or {}).get("completed_at")]
    real_bad = [e for e in first_bad if e["real_name"]]
    called = [e for e in real_bad if (rounds.get(e["id"]) or {}).get("reached")]
    closed = [
        c for c in facts.cases if c["status"] == "closed" and period.contains(c["closed_at"], tz)
    ]
    rated_cycles = {
        (e["case_id"], e["cycle"]) for e in facts.evaluations if e["case_id"] and not e["excluded"]
    }
    rated = [c for c in closed if (c["id"], c["cycle"]) in rated_cycles]
    return {
        "good_review_rate": rate(sum(1 for e in counted if e["level"] in GOOD), len(counted)),
        "bad_review_rate": rate(sum(1 for e in counted if e["level"] in BAD), len(counted)),
        "rectification_rate": rate(len(completed), len(first_bad)),
        "real_name_callback_rate": rate(len(called), len(real_bad)),
        "active_rating_rate": rate(len(rated), len(closed)),
    }


def review_rates_by(
    group: str, facts: Facts, period: Period, ctx: Context
) -> dict[str, dict[str, Rate]]:
    of_rating, of_case = GROUPS[group]
    names = {str(of_rating(e) or "-") for e in facts.evaluations} | {
        str(of_case(c) or "-") for c in facts.cases if c["status"] == "closed"
    }
    return {
        name: review_rates(
            facts.only(
                evaluations=[e for e in facts.evaluations if str(of_rating(e) or "-") == name],
                cases=[c for c in facts.cases if str(of_case(c) or "-") == name],
            ),
            period,
            ctx,
        )
        for name in sorted(names)
    }
