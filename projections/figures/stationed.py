"""Stationed staff's coverage (驻企服务员, stationed-2026.1), and the secondments roster.

Key enterprises are those the directory marks key now. One has stationed staff when a staff
member is stationed with it now (not withdrawn). It had stationed activity in a month when an
activity dated in that month (the day it happened, in civil time) was recorded for it on time
(within ``visits.record_within_working_days`` working days of its day) and the enterprise did
not dispute it: a late or disputed activity counts for nothing, as a late or disputed visit
meets no quota. Activities are counted per kind beside, with those confirmed, disputed and the
cases problems opened.

The roster on a day lists the secondments under way: started on or before the day, and whose
last day (the planned end, or the early end when one was recorded) is on or after it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from projections.figures.facts import Row

STATIONED_DEFINITIONS = "stationed-2026.1"
KINDS = ("policy_explained", "service_provided", "problem_taken_up")


@dataclass(frozen=True)
class StationedCoverage:
    month: str
    key_enterprises: int
    without_staff: list[str]
    """Key enterprises with nobody stationed with them now."""
    without_activity: list[str]
    """Key enterprises with no undisputed stationed activity in the month."""
    activities: dict[str, int] = field(default_factory=dict)
    """The month's activities per kind (disputed ones included, and counted beside)."""
    confirmed: int = 0
    disputed: int = 0
    late: int = 0
    """The month's activities recorded too late to count."""
    cases_opened: int = 0
    definitions: str = STATIONED_DEFINITIONS


def stationed_coverage(
    month: str,
    enterprises: Iterable[Row],
    stationed: Iterable[Row],
    counts: Mapping[tuple[Any, ...], int],
    cases_opened: int,
) -> StationedCoverage:
    """``enterprises``: directory rows; ``stationed``: engagement ``stationed_staff`` rows;
    ``counts``: the month's activities counted per (enterprise_id, activity_kind, confirmed,
    late) by the view store; ``cases_opened``: the month's activities that opened a case."""
    key = sorted(str(e["id"]) for e in enterprises if e.get("key_enterprise"))
    staffed = {str(r["enterprise_id"]) for r in stationed if r.get("stationed")}
    active = {
        str(e)
        for (e, _, confirmed, late), n in counts.items()
        if n and confirmed is not False and not late
    }
    return StationedCoverage(
        month=month,
        key_enterprises=len(key),
        without_staff=[e for e in key if e not in staffed],
        without_activity=[e for e in key if e not in active],
        activities={k: sum(n for (_, kind, *_), n in counts.items() if kind == k) for k in KINDS},
        confirmed=sum(n for (_, _, c, _), n in counts.items() if c is True),
        disputed=sum(n for (_, _, c, _), n in counts.items() if c is False),
        late=sum(n for (*_, late), n in counts.items() if late),
        cases_opened=cases_opened,
    )


def under_way(secondment: Row, day: date) -> bool:
    """Whether the secondment is under way on ``day`` (the roster's rule)."""
    return str(secondment["starts_on"]) <= day.isoformat() <= str(secondment["last_day"])
