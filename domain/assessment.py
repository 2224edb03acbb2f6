"""The consecutive-bottom rule: bottom of the ranking N periods running leads to a formal talk.

One decision aggregate per unit and period kind (year, quarter, month) takes the ranking result
of each period, fed by the rankings. When the unit has been bottom in the policy's number of
consecutive periods, it records ``FormalTalkTriggered`` with the policy's action and version.
A period in between that was not bottom (or never ranked) breaks the run. The periods of a run
that triggered a talk are spent: a later trigger needs a fresh run. Recording the same result
for the same period again changes nothing.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, ClassVar, Self
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actors import Actor, Role
from domain.base import Tracked, named_id
from domain.errors import InvalidInputError
from domain.policy import Policy
from domain.refusals import require_role

FEEDERS = (Role.SYSTEM, Role.SUPERVISOR, Role.ADMIN)
PERIOD_FORMATS = {
    "year": re.compile(r"^(\d{4})$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "month": re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
}
PER_YEAR = {"year": 1, "quarter": 4, "month": 12}
EXAMPLES = {"year": "2026", "quarter": "2026-Q1", "month": "2026-03"}


def check_period_kind(period_kind: str) -> None:
    if period_kind not in PERIOD_FORMATS:
        raise InvalidInputError(
            f"period kind {period_kind!r} is unknown (kinds: {', '.join(PERIOD_FORMATS)})"
        )


def period_index(period_kind: str, period: str) -> int:
    """A period as a number, so that consecutive periods differ by one."""
    check_period_kind(period_kind)
    match = PERIOD_FORMATS[period_kind].match(period)
    if match is None:
        raise InvalidInputError(
            f"{period!r} is not a {period_kind} (write it like {EXAMPLES[period_kind]})"
        )
    part = int(match.group(2)) - 1 if match.lastindex == 2 else 0
    return int(match.group(1)) * PER_YEAR[period_kind] + part


class AssessmentTrigger(Tracked):
    """A unit's ranking results per period and the formal talks they triggered."""

    kind: ClassVar[str] = "assessment_trigger"

    class Started(Tracked.Created):
        unit_id: UUID
        period_kind: str

    class RankingRecorded(Tracked.Event):
        period: str
        bottom: bool
        source: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, AssessmentTrigger)
            aggregate.results[self.period] = self.bottom

    class FormalTalkTriggered(Tracked.Event):
        periods: list[str]
        action: str
        consecutive_required: int
        policy_version: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, AssessmentTrigger)
            aggregate.spent.update(self.periods)
            aggregate.triggers.append(
                {
                    "at": self.timestamp.isoformat(),
                    "periods": list(self.periods),
                    "action": self.action,
                    "policy_version": self.policy_version,
                }
            )

    def __init__(self, *, unit_id: UUID, period_kind: str) -> None:
        self.unit_id, self.period_kind = unit_id, period_kind
        self.results: dict[str, bool] = {}
        self.spent: set[str] = set()
        self.triggers: list[dict[str, Any]] = []

    @staticmethod
    def id_for(unit_id: UUID, period_kind: str) -> UUID:
        return named_id("assessment_trigger", f"{unit_id}:{period_kind}")

    @classmethod
    def start(cls, unit_id: UUID, period_kind: str, *, actor: Actor, at: datetime) -> Self:
        require_role(actor, FEEDERS, "record ranking results")
        check_period_kind(period_kind)
        return cls._create_by(
            cls.Started,
            id=cls.id_for(unit_id, period_kind),
            actor=actor,
            at=at,
            unit_id=unit_id,
            period_kind=period_kind,
        )

    def record_ranking(
        self,
        period: str,
        *,
        bottom: bool,
        source: str,
        actor: Actor,
        at: datetime,
        policy: Policy,
    ) -> bool:
        """Take one period's result; True when it triggered a formal talk."""
        require_role(actor, FEEDERS, "record ranking results")
        index = period_index(self.period_kind, period)
        if period in self.results:
            if self.results[period] == bottom:
                return False
            was = "bottom" if self.results[period] else "not bottom"
            raise InvalidInputError(
                f"unit {self.unit_id} is already recorded as {was} in {period}; a ranking"
                " result is not changed afterwards"
            )
        self._record(
            self.RankingRecorded,
            actor=actor,
            at=at,
            period=period,
            bottom=bottom,
            source=source.strip() or "ranking",
        )
        if not bottom:
            return False
        run = self._run_through(index)
        needed = policy.triggers.consecutive_bottom_periods
        if len(run) < needed:
            return False
        self._record(
            self.FormalTalkTriggered,
            actor=actor,
            at=at,
            periods=run,
            action=policy.triggers.action,
            consecutive_required=needed,
            policy_version=policy.version,
        )
        return True

    def _run_through(self, index: int) -> list[str]:
        """The unspent bottom periods consecutive with the one at ``index``, in order."""
        by_index = {
            period_index(self.period_kind, p): p
            for p, bottom in self.results.items()
            if bottom and p not in self.spent
        }
        first = last = index
        while first - 1 in by_index:
            first -= 1
        while last + 1 in by_index:
            last += 1
        return [by_index[i] for i in range(first, last + 1)]

    @property
    def current_streak(self) -> int:
        """Unspent bottom periods running up to the latest period recorded."""
        if not self.results:
            return 0
        latest = max(self.results, key=lambda p: period_index(self.period_kind, p))
        if not self.results[latest] or latest in self.spent:
            return 0
        return len(self._run_through(period_index(self.period_kind, latest)))

    def state(self) -> dict[str, Any]:
        order = sorted(self.results, key=lambda p: period_index(self.period_kind, p))
        return {
            **super().state(),
            "unit_id": str(self.unit_id),
            "period_kind": self.period_kind,
            "results": {p: "bottom" if self.results[p] else "not bottom" for p in order},
            "current_streak": self.current_streak,
            "formal_talks": self.triggers,
        }
