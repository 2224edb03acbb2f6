"""A secondment (选派干部服务锻炼): a cadre sent to serve in an enterprise, or an enterprise's
staff member sent to an approval department, for at least the policy's months (每批不少于6个月).

The planned dates are fixed when it is arranged; one shorter than the policy's minimum is
refused. A secondment that ends before its planned end records why. The roster (who is where
now) is read from the secondments' dates, so a secondment that ran its course needs no step.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar, Self
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actors import Actor, Role
from domain.base import Tracked
from domain.errors import InvalidInputError
from domain.policy import Policy
from domain.refusals import StepRefusedError, require_role, require_text

ARRANGERS = (Role.ADMIN, Role.SUPERVISOR)


class SecondmentDirection(StrEnum):
    CADRE_TO_ENTERPRISE = "cadre_to_enterprise"
    """A department's cadre serves in an enterprise: home is a unit, host an enterprise."""
    ENTERPRISE_TO_DEPARTMENT = "enterprise_to_department"
    """An enterprise's staff member serves in an approval department: the other way round."""


class Secondment(Tracked):
    """Who is seconded, from where to where, from when until when."""

    kind: ClassVar[str] = "secondment"

    class Arranged(Tracked.Created):
        person: str
        direction: str
        home_id: UUID
        host_id: UUID
        starts_on: str
        ends_on: str
        minimum_months: int
        policy_version: str

    class EndedEarly(Tracked.Event):
        ended_on: str
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Secondment)
            aggregate.ended_on = date.fromisoformat(self.ended_on)
            aggregate.end_reason = self.reason

    def __init__(
        self,
        *,
        person: str,
        direction: str,
        home_id: UUID,
        host_id: UUID,
        starts_on: str,
        ends_on: str,
        minimum_months: int,
        policy_version: str,
    ) -> None:
        self.person, self.direction = person, SecondmentDirection(direction)
        self.home_id, self.host_id = home_id, host_id
        self.starts_on, self.ends_on = date.fromisoformat(starts_on), date.fromisoformat(ends_on)
        self.ended_on: date | None = None
        self.end_reason: str | None = None

    @classmethod
    def arrange(
        cls,
        secondment_id: UUID,
        *,
        person: str,
        direction: SecondmentDirection,
        home_id: UUID,
        host_id: UUID,
        starts_on: date,
        ends_on: date,
        policy: Policy,
        actor: Actor,
        at: datetime,
    ) -> Self:
        """Arrange a secondment of at least ``policy.secondments.minimum_months`` months."""
        require_role(actor, ARRANGERS, "arrange a secondment")
        months = policy.secondments.minimum_months
        earliest_end = add_months(starts_on, months)
        if ends_on < earliest_end:
            raise InvalidInputError(
                f"a secondment lasts at least {months} months: one starting on"
                f" {starts_on.isoformat()} ends on {earliest_end.isoformat()} or later, not"
                f" {ends_on.isoformat()}",
                code="secondment-too-short",
                params={
                    "months": months,
                    "starts_on": starts_on.isoformat(),
                    "earliest_end": earliest_end.isoformat(),
                    "ends_on": ends_on.isoformat(),
                },
            )
        return cls._create_by(
            cls.Arranged,
            id=secondment_id,
            actor=actor,
            at=at,
            person=require_text("the person seconded", person),
            direction=direction.value,
            home_id=home_id,
            host_id=host_id,
            starts_on=starts_on.isoformat(),
            ends_on=ends_on.isoformat(),
            minimum_months=months,
            policy_version=policy.version,
        )

    def end_early(self, on: date, reason: str, *, actor: Actor, at: datetime) -> None:
        """End the secondment before its planned end, saying why; ``on`` is its last day."""
        require_role(actor, ARRANGERS, "end a secondment early")
        if self.ended_on is not None:
            raise StepRefusedError(
                "end the secondment early",
                "ended",
                f"secondment {self.id} already ended on {self.ended_on.isoformat()}",
                code="secondment-already-ended",
                params={"on": self.ended_on.isoformat()},
            )
        if not self.starts_on <= on < self.ends_on:
            raise InvalidInputError(
                f"an early end falls on or after the start ({self.starts_on.isoformat()}) and"
                f" before the planned end ({self.ends_on.isoformat()}), not on {on.isoformat()}",
                code="secondment-early-end-range",
                params={
                    "starts_on": self.starts_on.isoformat(),
                    "ends_on": self.ends_on.isoformat(),
                    "on": on.isoformat(),
                },
            )
        self._record(
            self.EndedEarly,
            actor=actor,
            at=at,
            ended_on=on.isoformat(),
            reason=require_text("the reason for ending early", reason),
        )

    @property
    def last_day(self) -> date:
        return self.ended_on or self.ends_on

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "person": self.person,
            "direction": self.direction.value,
            "home_id": str(self.home_id),
            "host_id": str(self.host_id),
            "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat(),
            "ended_on": self.ended_on.isoformat() if self.ended_on else None,
            "end_reason": self.end_reason,
        }


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (the month's last day when it is shorter):
    six months from 31 August is 28 (or 29) February."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
