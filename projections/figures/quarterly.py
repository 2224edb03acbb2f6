"""The quarterly evaluation by market entities as figures (docs/metrics.md, "Quarterly
evaluation"): per department and quarter, the mean score of each question and overall, the
number of answers and the response rate; and the evaluation score the annual ranking weighs.

The response rate's denominator is the enterprises that could answer: those in the directory
registered before the quarter's form closed and not deactivated before it opened. Every such
enterprise may answer about every department, so the rate is a department's answers over them.
A department with fewer answers than the policy's ``quarterly_evaluation.min_answers`` in a
period is shown, but not ranked on the evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from projections.figures.context import Context
from projections.figures.facts import Row
from projections.figures.periods import Period
from projections.figures.rates import Rate

SCORE = "quarterly_evaluation"
"""The evaluation's name among the ranking's rates (its weight is the policy's
``quarterly_evaluation.ranking_weight``)."""


@dataclass(frozen=True)
class UnitResult:
    unit_id: str
    answers: int
    response_rate: Rate
    overall: float | None
    """The mean of the answers' overall scores, on the policy's scale."""
    score: float | None
    """The same mean on 0..1 (scale minimum 0, maximum 1): what the ranking weighs."""
    questions: dict[str, float | None] = field(default_factory=dict)
    ranked: bool = False
    """Whether the department has the answers the policy asks before it is ranked on them."""


def results(
    totals: list[Row], eligible: int, questions: list[str], ctx: Context
) -> list[UnitResult]:
    """One quarter's results per department, from its rows of ``quarterly_totals``: most
    answers first, then by unit id."""
    minimum = ctx.policy.quarterly_evaluation.min_answers
    out = []
    for row in totals:
        answers = int(row.get("answers") or 0)
        sums, counts = row.get("question_sums") or {}, row.get("question_counts") or {}
        out.append(
            UnitResult(
                str(row["unit_id"]),
                answers,
                Rate(answers, eligible),
                _mean(_units(row.get("overall_micros")), answers),
                _mean(_units(row.get("score_micros")), answers),
                {q: _mean(sums.get(q), int(counts.get(q) or 0)) for q in questions},
                answers >= minimum,
            )
        )
    return sorted(out, key=lambda r: (-r.answers, r.unit_id))


def quarters_in(period: Period) -> list[str]:
    """The quarters wholly inside ``period`` (a month holds none: the evaluation is quarterly)."""
    names, first = [], period.first
    while first < period.after:
        quarter = Period.parse(f"{first.year}-Q{(first.month - 1) // 3 + 1}")
        if quarter.first >= period.first and quarter.after <= period.after:
            names.append(quarter.name)
        first = quarter.after
    return names


def unit_scores(totals: list[Row], period: Period, ctx: Context) -> dict[str, float | None]:
    """Each department's evaluation score over the quarters of ``period`` (the mean of every
    answer's score on 0..1), None for a department below the policy's minimum of answers."""
    quarters = set(quarters_in(period))
    answers: dict[str, int] = {}
    sums: dict[str, float] = {}
    for row in totals:
        if row["quarter"] not in quarters:
            continue
        unit = str(row["unit_id"])
        answers[unit] = answers.get(unit, 0) + int(row.get("answers") or 0)
        sums[unit] = sums.get(unit, 0.0) + (_units(row.get("score_micros")) or 0.0)
    minimum = ctx.policy.quarterly_evaluation.min_answers
    return {
        unit: (sums[unit] / n if n >= minimum else None) for unit, n in answers.items()
    }


def _units(micros: int | None) -> float | None:
    """A sum kept in millionths (``projections.quarterly``) as a number."""
    return None if micros is None else micros / 1_000_000


def _mean(total: float | int | None, count: int) -> float | None:
    if not count or total is None:
        return None
    return round(float(total) / count, 6)
