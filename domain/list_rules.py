"""The rules that place members on the red and black lists (红黑榜) and rank units: fair by
construction.

People are praised and criticised by name on these lists, so the rules leave nothing to
chance or to order of entry. Only members with the policy's minimum sample are placed. Members
are ranked by their figure (and, where the figures are equal, by a second figure where lower is
better); equal figures share a rank (1, 2, 2, 4), never split by id. The red list is the members
ranked within the policy's red size whose figure reaches the red floor; the black list the
members ranked within the black size from the bottom whose figure falls below the black
ceiling. The floor is above the ceiling, so nobody is on both lists, and a member who does well
is never black-listed for being last of a good field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from domain.errors import InvalidInputError

DIGITS = 6
"""Figures are compared at six decimals, as they are published: 0.1 + 0.2 equals 0.3 here."""


class Side(StrEnum):
    RED = "red"
    BLACK = "black"


@dataclass(frozen=True)
class Measured:
    """One member's figures for a period, as computed from the record."""

    member: str
    score: float | None
    """The figure the list or ranking is by (higher is better); None: not measurable."""
    sample: int
    """How many ratings (or handled cases) the figure rests on."""
    second: float = 0.0
    """Decides between equal scores; lower is better (差评率 for staff and windows)."""
    figures: Mapping[str, float | None] = field(default_factory=dict)
    """The rates behind the score, published with it."""


@dataclass(frozen=True)
class Floors:
    """A list's sizes, minimum sample and the floor and ceiling its members must meet."""

    red_size: int
    black_size: int
    min_sample: int
    red_floor: float
    black_ceiling: float

    def __post_init__(self) -> None:
        if self.red_floor <= self.black_ceiling:
            raise InvalidInputError(
                f"the red floor ({self.red_floor:g}) must be above the black ceiling"
                f" ({self.black_ceiling:g}), so that nobody can be on both lists",
                code="list-floor-above-ceiling",
                params={"red_floor": self.red_floor, "black_ceiling": self.black_ceiling},
            )


def _key(measured: Measured) -> tuple[float, float]:
    assert measured.score is not None
    return (-round(measured.score, DIGITS), round(measured.second, DIGITS))


def ranked(members: Iterable[Measured], min_sample: int) -> list[tuple[int | None, Measured]]:
    """Every member with its rank (None: below the minimum sample or not measurable), best
    first; equal figures share a rank and the next rank skips (1, 2, 2, 4)."""
    eligible = sorted(
        (m for m in members if m.score is not None and m.sample >= min_sample), key=_key
    )
    out: list[tuple[int | None, Measured]] = []
    for position, member in enumerate(eligible):
        tied = position > 0 and _key(eligible[position - 1]) == _key(member)
        rank = out[-1][0] if tied else position + 1
        out.append((rank, member))
    rest = sorted(
        (m for m in members if m.score is None or m.sample < min_sample), key=lambda m: m.member
    )
    return out + [(None, m) for m in rest]


def bottom(ranks: dict[str, int | None]) -> list[str]:
    """The members at the worst rank: more than one only when their figures are equal, and
    none when nobody ranks above them (one member alone, or everyone equal, is not last)."""
    placed = [rank for rank in ranks.values() if rank is not None]
    if not placed or max(placed) == 1:
        return []
    return sorted(m for m, rank in ranks.items() if rank == max(placed))


def sides(members: Iterable[Measured], floors: Floors) -> dict[str, Side]:
    """Who is on which list. A member is within the red size when fewer than ``red_size``
    members are better, within the black size when fewer than ``black_size`` are worse."""
    placed = [(r, m) for r, m in ranked(members, floors.min_sample) if r is not None]
    on: dict[str, Side] = {}
    for rank, member in placed:
        assert rank is not None
        assert member.score is not None
        worse = sum(1 for _, other in placed if _key(other) > _key(member))
        score = round(member.score, DIGITS)
        if rank <= floors.red_size and score >= floors.red_floor:
            on[member.member] = Side.RED
        elif worse < floors.black_size and score < floors.black_ceiling:
            on[member.member] = Side.BLACK
    return on


def entry(rank: int | None, member: Measured, side: Side | None = None) -> dict[str, Any]:
    """One published line: what is frozen of a member in a list or a ranking."""
    return {
        "member": member.member,
        "rank": rank,
        "score": None if member.score is None else round(member.score, DIGITS),
        "second": round(member.second, DIGITS),
        "sample": member.sample,
        "side": side.value if side else None,
        "figures": {
            k: (None if v is None else round(v, DIGITS)) for k, v in member.figures.items()
        },
    }
