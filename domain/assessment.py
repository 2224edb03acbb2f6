"""The consecutive-bottom rule: bottom N published periods running leads to a formal talk.

One decision aggregate per unit and period kind (year, quarter, month) takes each period's
result from Casetrail's own published rankings (or, where the policy says so, its published
unit black lists), never from a hand-entered flag: a result names the publication and edition
it was read from. Two units are bottom of one period only when their figures are equal, and a
period still running is never published, so never read. When the unit has been bottom in the
policy's number of consecutive periods, it records ``FormalTalkTriggered`` with the policy's
action, its recommendation (the seed's 分管领导调整, the deputy in charge moved) and version.
A period in between that was not bottom (or never ranked) breaks the run; the periods of a run
that triggered a talk are spent. A corrected edition of a publication revises the period's
result; a talk that rested on a result so revised is withdrawn by an event, with the reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Self
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actors import Actor, Role
from domain.base import Tracked, named_id
from domain.periods import Period, check_kind
from domain.policy import Policy
from domain.refusals import require_role

FEEDERS = (Role.SYSTEM, Role.SUPERVISOR)


def period_index(period_kind: str, period: str) -> int:
    """A period as a number, so that consecutive periods differ by one."""
    return Period.parse(period, period_kind).index


class AssessmentTrigger(Tracked):
    """A unit's published results per period and the formal talks they triggered."""

    kind: ClassVar[str] = "assessment_trigger"

    class Started(Tracked.Created):
        unit_id: UUID
        period_kind: str

    class RankingRecorded(Tracked.Event):
        period: str
        bottom: bool
        source: str
        publication_id: UUID | None = None
        """The published ranking (or lists) read; None on results entered by hand before
        results were read from publications only: those are kept, and never counted."""
        edition: int | None = None

        def apply(self, aggregate: Aggregate) -> None:
            trigger = _trigger(aggregate)
            if self.publication_id is None:
                trigger.unpublished[self.period] = self.bottom
            else:
                trigger.results[self.period] = (self.bottom, self.edition or 1)

    class FormalTalkTriggered(Tracked.Event):
        periods: list[str]
        action: str
        consecutive_required: int
        policy_version: str
        recommendation: str | None = None
        sources: list[str] | None = None

        def apply(self, aggregate: Aggregate) -> None:
            trigger = _trigger(aggregate)
            trigger.spent.update(self.periods)
            trigger.triggers.append(
                {
                    "at": self.timestamp.isoformat(),
                    "periods": list(self.periods),
                    "action": self.action,
                    "recommendation": self.recommendation,
                    "sources": list(self.sources or []),
                    "policy_version": self.policy_version,
                    "withdrawn": None,
                }
            )

    class FormalTalkWithdrawn(Tracked.Event):
        periods: list[str]
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            trigger = _trigger(aggregate)
            trigger.spent.difference_update(self.periods)
            for talk in trigger.triggers:
                if talk["periods"] == list(self.periods) and talk["withdrawn"] is None:
                    talk["withdrawn"] = {"at": self.timestamp.isoformat(), "reason": self.reason}

    def __init__(self, *, unit_id: UUID, period_kind: str) -> None:
        self.unit_id, self.period_kind = unit_id, period_kind
        self.results: dict[str, tuple[bool, int]] = {}
        self.unpublished: dict[str, bool] = {}
        self.spent: set[str] = set()
        self.triggers: list[dict[str, Any]] = []

    @staticmethod
    def id_for(unit_id: UUID, period_kind: str) -> UUID:
        return named_id("assessment_trigger", f"{unit_id}:{period_kind}")

    @classmethod
    def start(cls, unit_id: UUID, period_kind: str, *, actor: Actor, at: datetime) -> Self:
        require_role(actor, FEEDERS, "record ranking results")
        check_kind(period_kind)
        return cls._create_by(
            cls.Started,
            id=cls.id_for(unit_id, period_kind),
            actor=actor,
            at=at,
            unit_id=unit_id,
            period_kind=period_kind,
        )

    def record_result(
        self,
        period: str,
        *,
        bottom: bool,
        publication_id: UUID,
        edition: int,
        source: str,
        actor: Actor,
        at: datetime,
        policy: Policy,
    ) -> bool:
        """Take one period's result from a published edition; True when it triggered a talk.
        An older edition than the one read before changes nothing."""
        require_role(actor, FEEDERS, "record ranking results")
        index = period_index(self.period_kind, period)
        known = self.results.get(period)
        if known is not None and (known[1] >= edition or known[0] == bottom):
            return False
        self._record(
            self.RankingRecorded,
            actor=actor,
            at=at,
            period=period,
            bottom=bottom,
            source=source,
            publication_id=publication_id,
            edition=edition,
        )
        if not bottom:
            self._withdraw_talks_resting_on(period, source, actor=actor, at=at)
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
            recommendation=policy.triggers.recommendation,
            sources=[f"{p} edition {self.results[p][1]}" for p in run],
        )
        return True

    def _withdraw_talks_resting_on(
        self, period: str, source: str, *, actor: Actor, at: datetime
    ) -> None:
        for talk in self.triggers:
            if period in talk["periods"] and talk["withdrawn"] is None:
                self._record(
                    self.FormalTalkWithdrawn,
                    actor=actor,
                    at=at,
                    periods=list(talk["periods"]),
                    reason=f"{source}: {period} is no longer bottom",
                )

    def _run_through(self, index: int) -> list[str]:
        """The unspent bottom periods consecutive with the one at ``index``, in order."""
        by_index = {
            period_index(self.period_kind, p): p
            for p, (bottom, _) in self.results.items()
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
        if not self.results[latest][0] or latest in self.spent:
            return 0
        return len(self._run_through(period_index(self.period_kind, latest)))

    def state(self) -> dict[str, Any]:
        order = sorted(self.results, key=lambda p: period_index(self.period_kind, p))
        return {
            **super().state(),
            "unit_id": str(self.unit_id),
            "period_kind": self.period_kind,
            "results": {
                p: {
                    "bottom": self.results[p][0],
                    "edition": self.results[p][1],
                }
                for p in order
            },
            "entered_by_hand": {p: b for p, b in sorted(self.unpublished.items())},
            "current_streak": self.current_streak,
            "formal_talks": self.triggers,
        }


def _trigger(aggregate: Aggregate) -> AssessmentTrigger:
    assert isinstance(aggregate, AssessmentTrigger)
    return aggregate
