"""Red and black lists (红黑榜) per quarter for staff, windows and units.

Staff and windows are ordered by their 好评率 (ties: lower 差评率, then more ratings, then id);
units by the annual-assessment composite for the same period. Only members with at least the
policy's ``lists.min_sample`` counted ratings (units: handled cases) are listed. The red list is
the top ``red_size``, the black list the bottom ``black_size``; no member is on both.
"""

from __future__ import annotations

from dataclasses import dataclass

from projections.figures.context import Context
from projections.figures.facts import Facts
from projections.figures.periods import Period
from projections.figures.ranking import annual_ranking
from projections.figures.reviews import review_rates_by


@dataclass(frozen=True)
class Listed:
    member: str
    score: float
    sample: int


@dataclass(frozen=True)
class Lists:
    dimension: str
    period: str
    red: list[Listed]
    black: list[Listed]
    eligible: int


def red_black_lists(dimension: str, facts: Facts, period: Period, ctx: Context) -> Lists:
    sizes = ctx.policy.lists
    if dimension == "unit":
        ordered = [
            Listed(r.unit_id, r.composite, r.sample)
            for r in annual_ranking(facts, period, ctx)
            if r.composite is not None
        ]
    elif dimension in ("staff", "window"):
        ordered = _by_reviews(dimension, facts, period, ctx, sizes.min_sample)
    else:
        raise ValueError(f"lists are kept for staff, window and unit, not {dimension!r}")
    red = ordered[: sizes.red_size]
    rest = ordered[len(red) :]
    black = list(reversed(rest[-sizes.black_size :])) if sizes.black_size else []
    return Lists(dimension, period.name, red, black, len(ordered))


def _by_reviews(
    dimension: str, facts: Facts, period: Period, ctx: Context, min_sample: int
) -> list[Listed]:
    scored = []
    for member, rates in review_rates_by(dimension, facts, period, ctx).items():
        good, bad = rates["good_review_rate"], rates["bad_review_rate"]
        if member == "-" or good.denominator < min_sample or good.value is None:
            continue
        scored.append((member, good.value, bad.value or 0.0, good.denominator))
    scored.sort(key=lambda s: (-s[1], s[2], -s[3], s[0]))
    return [Listed(member, round(good, 6), n) for member, good, _bad, n in scored]
