"""Good/bad reviews (好差评): one rating per service received, by the party that was served.

A service is a case's answer in one handling cycle, or a window service its staff recorded as
delivered; its reference gives the evaluation its id, so the store itself refuses a second
rating of the same service. Who may rate is decided by ``domain.rating_rules``. The rating
window is counted in natural days from delivery (policy); silence is "not rated" and no rating
is ever recorded by default. A re-rating after a rectification is a later event on the same
evaluation, and an upheld appeal excludes the rating from scores by an event: nothing is
deleted or overwritten. An anonymous rating names no rater: its account is sealed apart
(``domain.rater``), for inspectors only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Self
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actors import Actor, Role
from domain.base import Tracked, named_id, require_aware
from domain.clock import WorkingCalendar, natural_day_deadline
from domain.errors import InvalidInputError
from domain.policy import Policy
from domain.rater import ANONYMOUS
from domain.rating_rules import (
    VISITOR,
    PartyServed,
    require_original_rater,
    require_party_served,
    require_rater_role,
)
from domain.refusals import (
    StepRefusedError,
    WindowClosedError,
    iso,
    optional_text,
    require_role,
    uid,
)
from domain.window_service import WindowService


class Level(StrEnum):
    VERY_SATISFIED = "very_satisfied"
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    DISSATISFIED = "dissatisfied"
    VERY_DISSATISFIED = "very_dissatisfied"

    @property
    def is_bad(self) -> bool:
        """不满意 and 非常不满意 are 差评."""
        return self in (Level.DISSATISFIED, Level.VERY_DISSATISFIED)


ANONYMOUS_RATER = ANONYMOUS
"""Who an anonymous rating is recorded as: the rater's identity never enters its events."""


@dataclass(frozen=True)
class ServiceReceived:
    """The service being rated, as Casetrail recorded it: who gave it, where, when, for whom."""

    service_ref: str
    unit_id: UUID
    delivered_at: datetime
    staff: str | None = None
    window_id: UUID | None = None
    service_item: str | None = None
    case_id: UUID | None = None
    cycle: int | None = None
    party: PartyServed = field(default_factory=PartyServed)

    @classmethod
    def case_cycle(
        cls,
        case_id: UUID,
        cycle: int,
        *,
        unit_id: UUID,
        delivered_at: datetime,
        party: PartyServed,
        staff: str | None = None,
        window_id: UUID | None = None,
        service_item: str | None = None,
    ) -> Self:
        """The answer of one handling cycle of a case (a reopened case is a new service)."""
        if cycle < 1:
            raise InvalidInputError(
                f"a case's handling cycles count from 1, not {cycle}",
                code="cycle-from-one", params={"cycle": cycle},
            )
        return cls(
            f"case:{case_id}:{cycle}",
            unit_id,
            delivered_at,
            staff,
            window_id,
            service_item,
            case_id,
            cycle,
            party,
        )

    @classmethod
    def at_window(cls, service: WindowService) -> Self:
        """A window service as its staff recorded it (the receipt's code, by its digest)."""
        return cls(
            service.service_ref,
            service.unit_id,
            service.delivered_at,
            service.staff,
            service.window_id,
            service.service_item,
            party=PartyServed(enterprise_id=service.enterprise_id, code_digest=service.code_digest),
        )


class Evaluation(Tracked):
    """The rating of one service, its possible re-rating, and whether it counts in scores."""

    kind: ClassVar[str] = "evaluation"

    class Rated(Tracked.Created):
        service_ref: str
        case_id: UUID | None
        cycle: int | None
        unit_id: UUID
        window_id: UUID | None
        staff: str | None
        service_item: str | None
        delivered_at: datetime
        level: str
        reason: str | None
        real_name: bool
        window_ends: datetime
        policy_version: str
        rater_account: UUID | None = None
        """An anonymous rater's sealed account (``domain.rater``); None for real names."""
        by_code: bool = False
        """Rated with the receipt's one-time code rather than signed in as the party."""

    class ReRated(Tracked.Event):
        level: str
        reason: str | None
        previous_level: str
        rectification_id: UUID
        policy_version: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Evaluation)
            aggregate.level = Level(self.level)
            aggregate.reason = self.reason
            aggregate.rerated_at = self.timestamp
            aggregate.rerated_after = self.rectification_id

    class Excluded(Tracked.Event):
        appeal_id: UUID
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Evaluation)
            aggregate.excluded_by = self.appeal_id

    def __init__(
        self,
        *,
        service_ref: str,
        case_id: UUID | None,
        cycle: int | None,
        unit_id: UUID,
        window_id: UUID | None,
        staff: str | None,
        service_item: str | None,
        delivered_at: datetime,
        level: str,
        reason: str | None,
        real_name: bool,
        window_ends: datetime,
        policy_version: str,
        actor_id: str,
        rater_account: UUID | None = None,
        by_code: bool = False,
    ) -> None:
        self.service_ref, self.case_id, self.cycle = service_ref, case_id, cycle
        self.unit_id, self.window_id, self.staff = unit_id, window_id, staff
        self.service_item, self.delivered_at = service_item, delivered_at
        self.first_level = self.level = Level(level)
        self.first_reason = self.reason = reason
        self.real_name, self.window_ends = real_name, window_ends
        self.policy_version = policy_version
        self.rater = actor_id if real_name else None
        self.rater_account, self.by_code = rater_account, by_code
        self.rerated_at: datetime | None = None
        self.rerated_after: UUID | None = None
        self.excluded_by: UUID | None = None

    @staticmethod
    def id_for(service_ref: str) -> UUID:
        return named_id("evaluation", service_ref)

    @classmethod
    def rate(
        cls,
        service: ServiceReceived,
        level: Level,
        *,
        reason: str | None,
        real_name: bool,
        actor: Actor,
        at: datetime,
        policy: Policy,
        calendar: WorkingCalendar,
        code: str | None = None,
        rater_account: UUID | None = None,
    ) -> Self:
        """Record the served party's rating, within the window that follows the service.

        ``code``: the receipt's rating code, when the rater proves with it whom the service
        was for. ``rater_account``: for an anonymous rater who signed in, their sealed account.
        """
        require_party_served(actor, service.party, service.service_ref, code=code)
        if actor == VISITOR and real_name:
            raise InvalidInputError(
                "a rating made with a receipt's code and no sign-in names nobody; rate"
                " anonymously, or sign in to rate under your name",
                code="real-name-needs-sign-in",
            )
        if not real_name and actor != VISITOR and rater_account is None:
            raise InvalidInputError(
                "an anonymous rating by a signed-in rater seals the rater's account",
                code="anonymous-rater-sealed",
            )
        require_aware(service.delivered_at)
        if at < service.delivered_at:
            raise InvalidInputError(
                f"the service {service.service_ref} is delivered at"
                f" {service.delivered_at.isoformat()}; it cannot be rated before that",
                code="rated-before-delivery",
                params={"delivered_at": service.delivered_at.isoformat()},
            )
        days = policy.evaluation.rating_window_days
        ends = natural_day_deadline(service.delivered_at, days, calendar, tz=policy.tz)
        if at >= ends:
            raise WindowClosedError(
                "rate the service",
                f"rating {service.service_ref}",
                ends,
                f"policy {policy.version}: {days} natural days after the service;"
                " an unrated service stays not rated",
            )
        return cls._create_by(
            cls.Rated,
            id=cls.id_for(service.service_ref),
            actor=actor if real_name else ANONYMOUS_RATER,
            at=at,
            service_ref=service.service_ref,
            case_id=service.case_id,
            cycle=service.cycle,
            unit_id=service.unit_id,
            window_id=service.window_id,
            staff=service.staff,
            service_item=service.service_item,
            delivered_at=service.delivered_at,
            level=level.value,
            reason=_reason_for(level, reason),
            real_name=real_name,
            window_ends=ends,
            policy_version=policy.version,
            rater_account=None if real_name else rater_account,
            by_code=code is not None,
        )

    def rerate(
        self,
        level: Level,
        *,
        reason: str | None,
        rectification_id: UUID,
        rerate_window_ends: datetime | None,
        by_original_rater: bool,
        actor: Actor,
        at: datetime,
        policy: Policy,
    ) -> None:
        """Rate again once the rectification of this 差评 is completed and the rater invited.

        ``by_original_rater``: whether ``actor`` is the one who rated (the same party signed
        in, or the same receipt code), as the service established it."""
        require_rater_role(actor)
        if self.rerated_at is not None:
            raise StepRefusedError(
                "re-rate",
                "re-rated",
                f"evaluation {self.id} was re-rated at {self.rerated_at.isoformat()};"
                " a service is re-rated once",
                code="rerated-once",
            )
        if rerate_window_ends is None:
            raise StepRefusedError(
                "re-rate",
                "rectifying",
                f"evaluation {self.id} can be re-rated only after its rectification"
                f" {rectification_id} is completed and the rater invited",
                code="rerate-after-rectification",
            )
        require_original_rater(self.id, by_original_rater)
        if at >= rerate_window_ends:
            raise WindowClosedError(
                "re-rate",
                f"re-rating evaluation {self.id}",
                rerate_window_ends,
                f"policy {policy.version}: {policy.evaluation.rating_window_days} natural days"
                " after the invitation",
            )
        self._record(
            self.ReRated,
            actor=actor if self.real_name else ANONYMOUS_RATER,
            at=at,
            level=level.value,
            reason=_reason_for(level, reason),
            previous_level=self.level.value,
            rectification_id=rectification_id,
            policy_version=policy.version,
        )

    def exclude(self, appeal_id: UUID, reason: str, *, actor: Actor, at: datetime) -> None:
        """Take the rating out of scores because an appeal against it was upheld."""
        require_role(actor, (Role.SUPERVISOR,), "exclude a rating from scores")
        if self.excluded_by is not None:
            raise StepRefusedError(
                "exclude",
                "excluded",
                f"evaluation {self.id} is already excluded by appeal {self.excluded_by}",
                code="already-excluded",
            )
        self._record(self.Excluded, actor=actor, at=at, appeal_id=appeal_id, reason=reason)

    @property
    def rated_at(self) -> datetime:
        return self.created_on

    @property
    def is_bad(self) -> bool:
        return self.level.is_bad

    @property
    def counted(self) -> bool:
        return self.excluded_by is None

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "service_ref": self.service_ref,
            "case_id": uid(self.case_id),
            "cycle": self.cycle,
            "unit_id": str(self.unit_id),
            "window_id": uid(self.window_id),
            "staff": self.staff,
            "service_item": self.service_item,
            "delivered_at": iso(self.delivered_at),
            "rated_at": iso(self.rated_at),
            "real_name": self.real_name,
            "rater": self.rater,
            "rated_with_code": self.by_code,
            "first_level": self.first_level.value,
            "first_reason": self.first_reason,
            "level": self.level.value,
            "reason": self.reason,
            "bad": self.is_bad,
            "rerated_at": iso(self.rerated_at),
            "rerated_after": uid(self.rerated_after),
            "excluded_by_appeal": uid(self.excluded_by),
            "counted": self.counted,
            "policy_version": self.policy_version,
        }


def _reason_for(level: Level, reason: str | None) -> str | None:
    reason = optional_text(reason)
    if level.is_bad and reason is None:
        raise InvalidInputError(
            f"a {level.value} rating is a 差评 and needs a reason",
            code="bad-review-needs-reason", params={"level": level.value},
        )
    return reason
