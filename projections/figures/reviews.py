"""Review scores per group and period: 好评率, 差评率, 差评整改率 (and the other outcomes of a
差评 beside it), 实名差评回访率, 主动评价率.

Ratings excluded by an upheld appeal never count. 好评率 and 差评率 use the level that counts
now (a re-rating after rectification replaces the first); 差评整改率 and 实名差评回访率 are
about the original 差评s, which stay 差评s for those rates even if later re-rated. The first
published definitions (metrics-2026.1) stay computable beside the current ones.
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
OUTCOMES = {
    "rectified": "rectification_rate",
    "partly_rectified": "rectification_partly_rate",
    "explained": "rectification_explained_rate",
    "not_substantiated": "rectification_not_substantiated_rate",
    "late": "rectification_late_rate",
    "open": "rectification_open_rate",
}
"""A 差评's rectification ends in exactly one of these (completed on time with its outcome,
completed late whatever the outcome, or not completed yet); only the first is 差评整改率."""

Key = Callable[[Row], Any]
# How a group is read from a rating row, a service row and a case row (metrics-2026.1's
# 主动评价率 counted closed cases).
GROUPS: dict[str, tuple[Key, Key, Key]] = {
    "unit": (lambda e: e["unit_id"], lambda s: s["unit_id"], lambda c: c["lead_unit_id"]),
    "window": (lambda e: e["window_id"], lambda s: s["window_id"], lambda c: None),
    "staff": (lambda e: e["staff"], lambda s: s["staff"], lambda c: c["owner"]),
    "service_item": (
        lambda e: e["service_item"],
        lambda s: s["service_item"],
        lambda c: c["service_item"],
    ),
    "all": (lambda e: "all", lambda s: "all", lambda c: "all"),
}


def review_rates(facts: Facts, period: Period, ctx: Context) -> dict[str, Rate]:
    tz = ctx.policy.tz
    counted = [
        e for e in facts.evaluations if not e["excluded"] and period.contains(e["rated_at"], tz)
    ]
    first_bad = [e for e in counted if e["first_level"] in BAD]
    rounds = {r["evaluation_id"]: r for r in facts.rectifications if r["round"] == 1}
    real_bad = [e for e in first_bad if e["real_name"]]
    called = [e for e in real_bad if (rounds.get(e["id"]) or {}).get("reached")]
    if ctx.first_review_formulas:
        completed = [e for e in first_bad if (rounds.get(e["id"]) or {}).get("completed_at")]
        outcomes = {"rectification_rate": rate(len(completed), len(first_bad))}
        active = _active_v1(facts, period, ctx)
    else:
        outcomes = _outcomes(first_bad, rounds)
        active = _active(facts, period, ctx)
    return {
        "good_review_rate": rate(sum(1 for e in counted if e["level"] in GOOD), len(counted)),
        "bad_review_rate": rate(sum(1 for e in counted if e["level"] in BAD), len(counted)),
        "rectification_rate": outcomes.pop("rectification_rate"),
        "real_name_callback_rate": rate(len(called), len(real_bad)),
        "active_rating_rate": active,
        **outcomes,
    }


def _outcomes(first_bad: list[Row], rounds: dict[str, Row]) -> dict[str, Rate]:
    """How each original 差评's first rectification ended, each as a share of them."""
    ended = dict.fromkeys(OUTCOMES, 0)
    for evaluation in first_bad:
        ended[_ending(rounds.get(evaluation["id"]) or {})] += 1
    return {name: rate(ended[how], len(first_bad)) for how, name in OUTCOMES.items()}


def _ending(rectification: Row) -> str:
    if not rectification.get("completed_at"):
        return "open"
    if not rectification.get("completed_on_time"):
        return "late"
    return str(rectification["outcome"])


def _active(facts: Facts, period: Period, ctx: Context) -> Rate:
    """Services delivered in the period (case answers, window services) that were rated."""
    delivered = [s for s in facts.services if period.contains(s["delivered_at"], ctx.policy.tz)]
    rated = {e["service_ref"] for e in facts.evaluations if not e["excluded"]}
    return rate(sum(1 for s in delivered if s["service_ref"] in rated), len(delivered))


def _active_v1(facts: Facts, period: Period, ctx: Context) -> Rate:
    """metrics-2026.1: closed cases whose current cycle has a counted rating."""
    tz = ctx.policy.tz
    closed = [
        c for c in facts.cases if c["status"] == "closed" and period.contains(c["closed_at"], tz)
    ]
    rated_cycles = {
        (e["case_id"], e["cycle"]) for e in facts.evaluations if e["case_id"] and not e["excluded"]
    }
    return rate(sum(1 for c in closed if (c["id"], c["cycle"]) in rated_cycles), len(closed))


def review_rates_by(
    group: str, facts: Facts, period: Period, ctx: Context
) -> dict[str, dict[str, Rate]]:
    of_rating, of_service, of_case = GROUPS[group]
    services = placed_services(facts)
    served = (
        {str(of_case(c) or "-") for c in facts.cases if c["status"] == "closed"}
        if ctx.first_review_formulas
        else {str(of_service(s) or "-") for s in services}
    )
    names = {str(of_rating(e) or "-") for e in facts.evaluations} | served
    return {
        name: review_rates(
            facts.only(
                evaluations=[e for e in facts.evaluations if str(of_rating(e) or "-") == name],
                services=[s for s in services if str(of_service(s) or "-") == name],
                cases=[c for c in facts.cases if str(of_case(c) or "-") == name],
            ),
            period,
            ctx,
        )
        for name in sorted(names)
    }


def placed_services(facts: Facts) -> list[Row]:
    """Service rows with the unit and window of the staff who gave them filled in where the
    service itself does not say (a case answered before it was dispatched)."""
    staff = {str(s["login"]): s for s in facts.staff}
    filled = []
    for service in facts.services:
        member = staff.get(str(service["staff"])) or {}
        filled.append(
            {
                **service,
                "unit_id": service["unit_id"] or member.get("unit_id"),
                "window_id": service["window_id"] or member.get("window_id"),
            }
        )
    return filled
