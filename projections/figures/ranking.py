"""The annual unit ranking (考核): a policy-weighted composite of each unit's rates.

composite = Σ weight_k × rate_k over the policy's ``assessment_weights`` (a negative weight for
a rate where lower is better). A unit without enough handled cases for the period (policy
``lists.min_sample``) is listed unranked. A rate a unit has no data for is replaced by the
average of the ranked units, so missing data neither rewards nor punishes it. Equal composites
share a rank (``domain.list_rules``); the first definitions (metrics-2026.1) split them by id.
The ranking that judges units (and feeds the 约谈 rule) is the one *published* once the period
is over (``domain.publication``).
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.list_rules import Measured, ranked
from projections.figures.context import Context
from projections.figures.facts import Facts
from projections.figures.handling import handling_rates
from projections.figures.periods import Period
from projections.figures.quarterly import SCORE, unit_scores
from projections.figures.reviews import placed_services, review_rates


@dataclass(frozen=True)
class Ranked:
    unit_id: str
    rank: int | None
    composite: float | None
    sample: int
    rates: dict[str, float | None]


def unit_rates(
    facts: Facts, unit_id: str, period: Period, ctx: Context
) -> tuple[int, dict[str, float | None]]:
    cases = [c for c in facts.cases if c["lead_unit_id"] == unit_id]
    routed = [d for d in facts.case_units if d["unit_id"] == unit_id]
    handling = handling_rates(cases, period, ctx, routed)
    reviews = review_rates(
        facts.only(
            cases=cases,
            evaluations=[e for e in facts.evaluations if e["unit_id"] == unit_id],
            services=[s for s in placed_services(facts) if s["unit_id"] == unit_id],
        ),
        period,
        ctx,
    )
    rates = {k: r.value for k, r in {**handling, **reviews}.items()}
    return handling["on_time_rate"].denominator, rates


def weights_of(ctx: Context) -> dict[str, float]:
    """The composite's weights: the policy's ``assessment_weights`` and, since the quarterly
    evaluation (not under metrics-2026.1 and 2026.2), its ``quarterly_evaluation`` weight."""
    weights = dict(ctx.policy.assessment_weights)
    weight = ctx.policy.quarterly_evaluation.ranking_weight
    if weight and not ctx.first_review_formulas:
        weights[SCORE] = weight
    return weights


def annual_ranking(facts: Facts, period: Period, ctx: Context) -> list[Ranked]:
    measured = {str(u["id"]): unit_rates(facts, str(u["id"]), period, ctx) for u in facts.units}
    if SCORE in weights_of(ctx):
        with_scores(measured, unit_scores(facts.quarterly_totals, period, ctx))
    return rank_units(measured, ctx)


def with_scores(
    measured: dict[str, tuple[int, dict[str, float | None]]], scores: dict[str, float | None]
) -> None:
    """Add each unit's quarterly evaluation score to the rates the composite weighs."""
    for unit_id, (_, rates) in measured.items():
        rates[SCORE] = scores.get(unit_id)


def rank_units(
    measured: dict[str, tuple[int, dict[str, float | None]]], ctx: Context
) -> list[Ranked]:
    """The ranking of units measured as ``unit_rates`` measures them (sample, rates, and the
    evaluation score when the definitions weigh it), in the order of the directory's units."""
    weights = weights_of(ctx)
    eligible = {u: m for u, m in measured.items() if m[0] >= ctx.policy.lists.min_sample}
    averages = {k: _mean([m[1].get(k) for m in eligible.values()]) for k in weights}
    scored = []
    for unit_id, (sample, rates) in measured.items():
        composite = None
        if unit_id in eligible:
            composite = round(
                sum(w * _or(rates.get(k), averages[k]) for k, w in weights.items()), 6
            )
        scored.append((unit_id, sample, composite, {k: rates.get(k) for k in weights}))
    ordered = sorted(scored, key=lambda s: (s[2] is None, -(s[2] or 0.0), s[0]))
    ranks: dict[str, int] = {}
    if ctx.first_review_formulas:
        rank = 0
        for unit_id, _, composite, _ in ordered:
            if composite is not None:
                rank += 1
                ranks[unit_id] = rank
    else:
        units = [Measured(u, composite, sample) for u, sample, composite, _ in ordered]
        ranks = {m.member: r for r, m in ranked(units, 0) if r is not None}
    return [
        Ranked(unit_id, ranks.get(unit_id), composite, sample, rates)
        for unit_id, sample, composite, rates in ordered
    ]


def _or(value: float | None, fallback: float | None) -> float:
    if value is not None:
        return value
    return fallback if fallback is not None else 0.0


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None
