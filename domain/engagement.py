"""Who looks after an enterprise (挂钩联系, 驻企服务): linked leaders and stationed staff.

One aggregate per enterprise, so "which key enterprises have no linked leader" and "who is
stationed where" are read from one history per enterprise, and a link is never lost by two
people editing different enterprises at once. Links end by an event with a reason; the past
links stay in the record.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Self
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actors import Actor, Role
from domain.base import Tracked, named_id
from domain.errors import InvalidInputError
from domain.refusals import StepRefusedError, require_role, require_text

STEWARDS = (Role.ADMIN, Role.SUPERVISOR)


class Engagement(Tracked):
    """The leaders linked to one enterprise and the staff stationed with it."""

    kind: ClassVar[str] = "engagement"

    class Opened(Tracked.Created):
        enterprise_id: UUID

    class LeaderLinked(Tracked.Event):
        leader_id: UUID
        note: str | None

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Engagement)
            aggregate.leaders[self.leader_id] = self.timestamp

    class LeaderUnlinked(Tracked.Event):
        leader_id: UUID
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Engagement)
            del aggregate.leaders[self.leader_id]
            aggregate.past_leaders += 1

    class StaffStationed(Tracked.Event):
        staff_id: UUID
        login: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Engagement)
            aggregate.stationed[self.login] = self.staff_id

    class StaffWithdrawn(Tracked.Event):
        staff_id: UUID
        login: str
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Engagement)
            del aggregate.stationed[self.login]

    def __init__(self, *, enterprise_id: UUID) -> None:
        self.enterprise_id = enterprise_id
        self.leaders: dict[UUID, datetime] = {}
        self.past_leaders = 0
        self.stationed: dict[str, UUID] = {}

    @staticmethod
    def id_for(enterprise_id: UUID) -> UUID:
        return named_id("engagement", str(enterprise_id))

    @classmethod
    def open(cls, enterprise_id: UUID, *, actor: Actor, at: datetime) -> Self:
        require_role(actor, STEWARDS, "link people to an enterprise")
        return cls._create_by(
            cls.Opened,
            id=cls.id_for(enterprise_id),
            actor=actor,
            at=at,
            enterprise_id=enterprise_id,
        )

    def link_leader(self, leader_id: UUID, *, note: str | None, actor: Actor, at: datetime) -> None:
        require_role(actor, STEWARDS, "link a leader to an enterprise")
        if leader_id in self.leaders:
            raise InvalidInputError(
                f"leader {leader_id} is already linked to enterprise {self.enterprise_id}",
                code="leader-already-linked",
            )
        self._record(
            self.LeaderLinked,
            actor=actor,
            at=at,
            leader_id=leader_id,
            note=note.strip() if note and note.strip() else None,
        )

    def unlink_leader(self, leader_id: UUID, reason: str, *, actor: Actor, at: datetime) -> None:
        require_role(actor, STEWARDS, "unlink a leader from an enterprise")
        if leader_id not in self.leaders:
            raise StepRefusedError(
                "unlink a leader",
                "not linked",
                f"leader {leader_id} is not linked to enterprise {self.enterprise_id}",
                code="leader-not-linked",
            )
        self._record(
            self.LeaderUnlinked,
            actor=actor,
            at=at,
            leader_id=leader_id,
            reason=require_text("the reason for unlinking", reason),
        )

    def station_staff(
        self, staff_id: UUID, login: str, *, key_enterprise: bool, actor: Actor, at: datetime
    ) -> None:
        """Assign a 驻企服务员; only key enterprises (as the directory says now) get one."""
        require_role(actor, STEWARDS, "station staff with an enterprise")
        if not key_enterprise:
            raise StepRefusedError(
                "station staff",
                "not a key enterprise",
                f"enterprise {self.enterprise_id} is not a key enterprise; staff are stationed"
                " with key enterprises only",
                code="stationing-needs-key-enterprise",
            )
        if login in self.stationed:
            raise InvalidInputError(
                f"{login} is already stationed with enterprise {self.enterprise_id}",
                code="already-stationed", params={"login": login},
            )
        self._record(self.StaffStationed, actor=actor, at=at, staff_id=staff_id, login=login)

    def withdraw_staff(self, login: str, reason: str, *, actor: Actor, at: datetime) -> None:
        require_role(actor, STEWARDS, "withdraw stationed staff")
        if login not in self.stationed:
            raise StepRefusedError(
                "withdraw staff",
                "not stationed",
                f"{login} is not stationed with enterprise {self.enterprise_id}",
                code="not-stationed", params={"login": login},
            )
        self._record(
            self.StaffWithdrawn,
            actor=actor,
            at=at,
            staff_id=self.stationed[login],
            login=login,
            reason=require_text("the reason for the withdrawal", reason),
        )

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "enterprise_id": str(self.enterprise_id),
            "leaders": {str(k): v.isoformat() for k, v in self.leaders.items()},
            "past_leader_links": self.past_leaders,
            "stationed_staff": sorted(self.stationed),
        }
