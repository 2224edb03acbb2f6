"""The window service competition (窗口服务竞赛) of a quarter: windows and staff standing as the
quarter's published lists froze them.

The competition computes nothing from live figures: its standings are the lines of the latest
edition of the quarter's published red and black lists (``domain.publication``), which were
measured at a recorded log position under named definitions and were open to objection. So
equal figures share a place exactly as they share a rank there (1, 2, 2, 4), and a corrected
edition changes the standings the moment it is published. Each board names its own definitions
version (``COMPETITION``), the figures' definitions and the policy the edition was placed under.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from domain.errors import InvalidInputError
from domain.periods import Period
from domain.publication import Kind, Publication

COMPETITION_2026_1 = "competition-2026.1"
COMPETITION = COMPETITION_2026_1
"""The version of the competition's definitions in docs/metrics.md."""
DIMENSIONS = ("window", "staff")


def standings(publication: Publication) -> dict[str, Any]:
    """The competition board of a quarter's published lists: per dimension (windows, staff) the
    ranked lines, best first, each with its place, whether it shares it, its figure and side."""
    if publication.what is not Kind.LISTS or Period.parse(publication.period).kind != "quarter":
        raise InvalidInputError(
            f"a competition is held per quarter from its published lists, not from the"
            f" {publication.what.value} of {publication.period}",
            code="competition-per-quarter",
            params={"period": publication.period},
        )
    edition = publication.latest
    board: dict[str, list[dict[str, Any]]] = {}
    for dimension in DIMENSIONS:
        lines = [e for e in edition["entries"].get(dimension, []) if e["rank"] is not None]
        lines.sort(key=lambda e: (int(e["rank"]), str(e["member"])))
        shared = Counter(int(e["rank"]) for e in lines)
        board[dimension] = [
            {
                "place": int(e["rank"]),
                "tied": shared[int(e["rank"])] > 1,
                "member": e["member"],
                "score": e["score"],
                "sample": e["sample"],
                "side": e.get("side"),
                "figures": e.get("figures", {}),
            }
            for e in lines
        ]
    return {
        "period": publication.period,
        "definitions": COMPETITION,
        "publication_id": str(publication.id),
        "edition": publication.edition,
        "figures_definitions": edition["stamp"]["definitions"],
        "figures_position": edition["stamp"]["position"],
        "policy_version": edition["policy_version"],
        "standings": board,
    }
