"""A stationed staff member's work with an enterprise (驻企服务员: 点对点帮助企业落实政策、
提供服务、解决问题), one record per activity.

Only a staff member stationed with the enterprise records its activities (as the enterprise's
engagement says at the time): the work is theirs and point to point. A problem taken up can
open a case on the enterprise's behalf; the case is saved with the activity's note of it in one
commit, like a visit's finding. The enterprise served confirms the activity, or disputes it
with why, once.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar, Self
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actors import Actor, Role
from domain.base import Tracked
from domain.clock import WorkingCalendar, add_working_days
from domain.directory import Enterprise
from domain.errors import AlreadyExistsError, InvalidInputError, NotPermittedError
from domain.policy import Policy
from domain.refusals import StepRefusedError, require_role, require_text

STATIONED_ROLES = (Role.WINDOW_STAFF, Role.UNIT_HEAD)


class ActivityKind(StrEnum):
    POLICY_EXPLAINED = "policy_explained"
    SERVICE_PROVIDED = "service_provided"
    PROBLEM_TAKEN_UP = "problem_taken_up"


class StationedActivity(Tracked):
    """What a stationed staff member did for the enterprise they are stationed with."""

    kind: ClassVar[str] = "stationed_activity"

    class Recorded(Tracked.Created):
        staff_id: UUID
        login: str
        enterprise_id: UUID
        activity_kind: str
        description: str
        happened_on: str
        """The day it happened (ISO date, the jurisdiction's calendar)."""
        late: bool
        """Recorded after ``record_by``: kept, but counts for no coverage."""
        record_by: str
        policy_version: str

    class ConfirmedByEnterprise(Tracked.Event):
        note: str

        def apply(self, aggregate: Aggregate) -> None:
            _activity(aggregate).answer = {"confirmed": True, "at": self.timestamp}

    class DisputedByEnterprise(Tracked.Event):
        note: str

        def apply(self, aggregate: Aggregate) -> None:
            _activity(aggregate).answer = {"confirmed": False, "at": self.timestamp}

    class CaseOpened(Tracked.Event):
        case_id: UUID
        confidential: bool = False

        def apply(self, aggregate: Aggregate) -> None:
            _activity(aggregate).case_id = self.case_id

    def __init__(
        self,
        *,
        staff_id: UUID,
        login: str,
        enterprise_id: UUID,
        activity_kind: str,
        description: str,
        happened_on: str,
        late: bool = False,
        record_by: str | None = None,
        policy_version: str | None = None,
    ) -> None:
        self.late, self.record_by = late, record_by
        self.staff_id, self.login, self.enterprise_id = staff_id, login, enterprise_id
        self.activity_kind = ActivityKind(activity_kind)
        self.description, self.happened_on = description, date.fromisoformat(happened_on)
        self.answer: dict[str, Any] | None = None
        self.case_id: UUID | None = None

    @classmethod
    def record(
        cls,
        activity_id: UUID,
        *,
        staff_id: UUID,
        enterprise_id: UUID,
        stationed_logins: frozenset[str],
        activity_kind: ActivityKind,
        description: str,
        happened_on: date,
        actor: Actor,
        at: datetime,
        policy: Policy,
        calendar: WorkingCalendar,
    ) -> Self:
        """The staff member records their own activity, for an enterprise they are stationed
        with (``stationed_logins``: who the enterprise's engagement names now), once it has
        happened. Like a visit, it is recorded within ``visits.record_within_working_days``
        working days of its day; one entered later is kept, marked late, and counts for no
        month's coverage (nobody fills an empty month after the fact)."""
        today = at.astimezone(policy.tz).date()
        require_role(actor, STATIONED_ROLES, "record a stationed staff activity")
        if actor.id not in stationed_logins:
            raise StepRefusedError(
                "record a stationed staff activity",
                "not stationed",
                f"{actor.id} is not stationed with enterprise {enterprise_id}; activities are"
                " recorded for the enterprises one is stationed with",
                code="activity-needs-stationing",
                params={"login": actor.id},
            )
        if happened_on > today:
            raise InvalidInputError(
                f"the activity is dated {happened_on.isoformat()}, after today; record it once"
                " it has happened",
                code="activity-in-future",
                params={"on": happened_on.isoformat()},
            )
        record_by = add_working_days(
            calendar, happened_on, policy.visits.record_within_working_days
        )
        return cls._create_by(
            cls.Recorded,
            id=activity_id,
            actor=actor,
            at=at,
            staff_id=staff_id,
            login=actor.id,
            enterprise_id=enterprise_id,
            activity_kind=activity_kind.value,
            description=require_text("what was done", description),
            happened_on=happened_on.isoformat(),
            late=today > record_by,
            record_by=record_by.isoformat(),
            policy_version=policy.version,
        )

    def answer_for_enterprise(
        self, confirmed: bool, note: str, *, actor: Actor, at: datetime
    ) -> None:
        """The enterprise served confirms the activity, or disputes it (saying why), once."""
        if actor.role is not Role.ENTERPRISE or Enterprise.id_for(actor.id) != self.enterprise_id:
            raise NotPermittedError(
                f"only the enterprise served may confirm or dispute activity {self.id}",
                code="activity-confirmed-by-the-enterprise-served",
            )
        if self.answer is not None:
            said = "confirmed" if self.answer["confirmed"] else "disputed"
            raise StepRefusedError(
                "confirm the activity",
                said,
                f"activity {self.id} was {said} already; an enterprise answers once",
                code="activity-answered-once",
            )
        if confirmed:
            self._record(self.ConfirmedByEnterprise, actor=actor, at=at, note=note.strip())
        else:
            why = require_text("what the enterprise disputes", note)
            self._record(self.DisputedByEnterprise, actor=actor, at=at, note=why)

    def note_case_opened(
        self, case_id: UUID, *, actor: Actor, at: datetime, confidential: bool = False
    ) -> None:
        """Record that the problem taken up opened ``case_id`` (saved with the case)."""
        self.require_case_may_open(actor)
        self._record(
            self.CaseOpened, actor=actor, at=at, case_id=case_id, confidential=confidential
        )

    def require_case_may_open(self, actor: Actor) -> None:
        """Refuse, before any case is filed, a case this activity may not open."""
        if actor.id != self.login:
            raise NotPermittedError(
                f"only {self.login}, who took the problem up, may open a case for it",
                code="activity-by-its-staff",
            )
        if self.activity_kind is not ActivityKind.PROBLEM_TAKEN_UP:
            raise StepRefusedError(
                "open a case",
                self.activity_kind.value,
                f"activity {self.id} is not a problem taken up; only a problem opens a case",
                code="activity-opens-case-for-problems",
            )
        if self.case_id is not None:
            raise AlreadyExistsError(
                f"activity {self.id} already opened case {self.case_id}",
                code="activity-already-opened-case",
            )

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "login": self.login,
            "enterprise_id": str(self.enterprise_id),
            "activity_kind": self.activity_kind.value,
            "description": self.description,
            "happened_on": self.happened_on.isoformat(),
            "recorded_at": self.created_on.isoformat(),
            "late": self.late,
            "record_by": self.record_by,
            "case_id": str(self.case_id) if self.case_id else None,
            "enterprise_answer": None
            if self.answer is None
            else {"confirmed": self.answer["confirmed"], "at": self.answer["at"].isoformat()},
        }


def _activity(aggregate: Aggregate) -> StationedActivity:
    assert isinstance(aggregate, StationedActivity)
    return aggregate
