"""Red and black lists (红黑榜) per period for staff, windows and units.

Members are measured here, from the read models: staff and windows by their 好评率 (差评率
deciding between equal rates) over their counted ratings, units by the annual-assessment
composite over their handled cases. Who goes on which list is the domain's rule
(``domain.list_rules``): the policy's floors decide eligibility, equal figures share a rank
and a list, nobody is on both. Lists that judge people are *published* (``domain.publication``)
from these measurements; ``red_black_lists`` shows what publishing now would give.
The first definitions (metrics-2026.1) are kept: the top and bottom by position, ties split by
id, with no floor.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.list_rules import DIGITS, Floors, Measured, Side, ranked, sides
from projections.figures.context import Context
from projections.figures.facts import Facts
from projections.figures.periods import Period
from projections.figures.ranking import Ranked, annual_ranking
from projections.figures.rates import Rate
from projections.figures.reviews import review_rates_by

DIMENSIONS = ("unit", "window", "staff")


@dataclass(frozen=True)
class Listed:
    member: str
    score: float
    sample: int
    rank: int | None = None


@dataclass(frozen=True)
class Lists:
    dimension: str
    period: str
    red: list[Listed]
    black: list[Listed]
    eligible: int


def measured_members(dimension: str, facts: Facts, period: Period, ctx: Context) -> list[Measured]:
    """Every member of ``dimension`` with the figures the lists (and the ranking) go by."""
    if dimension == "unit":
        return unit_members(annual_ranking(facts, period, ctx))
    if dimension not in ("staff", "window"):
        raise ValueError(f"lists are kept for staff, window and unit, not {dimension!r}")
    return review_members(review_rates_by(dimension, facts, period, ctx))


def unit_members(ranking: list[Ranked]) -> list[Measured]:
    """Units go by the ranking's composite."""
    return [Measured(r.unit_id, r.composite, r.sample, figures=r.rates) for r in ranking]


def review_members(rates_by: dict[str, dict[str, Rate]]) -> list[Measured]:
    """Staff and windows go by their 好评率 (差评率 deciding between equals), in member order."""
    members = []
    for member, rates in rates_by.items():
        good, bad = rates["good_review_rate"], rates["bad_review_rate"]
        if member == "-":
            continue
        members.append(
            Measured(
                member,
                good.value,
                good.denominator,
                bad.value or 0.0,
                {"good_review_rate": good.value, "bad_review_rate": bad.value},
            )
        )
    return members


def floors(dimension: str, ctx: Context) -> Floors:
    lists = ctx.policy.lists
    if dimension == "unit":
        red, black = lists.red_min_composite, lists.black_max_composite
    else:
        red, black = lists.red_min_good_review_rate, lists.black_max_good_review_rate
    return Floors(lists.red_size, lists.black_size, lists.min_sample, red, black)


def red_black_lists(dimension: str, facts: Facts, period: Period, ctx: Context) -> Lists:
    return lists_of(dimension, measured_members(dimension, facts, period, ctx), period, ctx)


def lists_of(dimension: str, members: list[Measured], period: Period, ctx: Context) -> Lists:
    """Who of the measured ``members`` goes on the red and the black list."""
    if ctx.first_review_formulas:
        return _by_position(dimension, members, period, ctx)
    rules = floors(dimension, ctx)
    on = sides(members, rules)
    placed = [(rank, m) for rank, m in ranked(members, rules.min_sample) if rank is not None]
    red, black = [], []
    for rank, member in placed:
        assert member.score is not None
        listed = Listed(member.member, round(member.score, DIGITS), member.sample, rank)
        if on.get(member.member) is Side.RED:
            red.append(listed)
        elif on.get(member.member) is Side.BLACK:
            black.append(listed)
    return Lists(dimension, period.name, red, list(reversed(black)), len(placed))


def _by_position(dimension: str, members: list[Measured], period: Period, ctx: Context) -> Lists:
    """metrics-2026.1: the first ``red_size`` and the last ``black_size`` of the rest."""
    sizes = ctx.policy.lists
    if dimension == "unit":
        scored = [m for m in members if m.score is not None]
        scored.sort(key=lambda m: (-(m.score or 0.0), m.member))
    else:
        scored = [m for m in members if m.score is not None and m.sample >= sizes.min_sample]
        scored.sort(key=lambda m: (-(m.score or 0.0), m.second, -m.sample, m.member))
    ordered = [Listed(m.member, round(m.score or 0.0, DIGITS), m.sample) for m in scored]
    red = ordered[: sizes.red_size]
    rest = ordered[len(red) :]
    black = list(reversed(rest[-sizes.black_size :])) if sizes.black_size else []
    return Lists(dimension, period.name, red, black, len(ordered))
