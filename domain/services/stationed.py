"""Stationed staff's work (驻企服务员) and secondments (选派干部服务锻炼).

A stationed staff member's activity is checked against the enterprise's engagement (who is
stationed there now); a problem taken up opens a case the way a visit's finding does: the case
and the activity's note of it are saved in one commit.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from domain.actors import Actor
from domain.case import Intake
from domain.directory import Enterprise, Staff, Unit
from domain.engagement import Engagement
from domain.refusals import choice
from domain.secondment import Secondment, SecondmentDirection
from domain.services.base import Saved
from domain.services.engagement import EngagementService
from domain.services.staffing import directory_id
from domain.stationed import ActivityKind, StationedActivity


class StationedService(EngagementService):
    def record_stationed_activity(
        self,
        enterprise: str | UUID,
        *,
        kind: ActivityKind | str,
        description: str,
        happened_on: date | None = None,
        actor: Actor,
    ) -> Saved:
        """The signed-in staff member records a policy explained, a service provided or a
        problem taken up for an enterprise they are stationed with."""
        enterprise_id = self.load(Enterprise, directory_id(Enterprise.id_for, enterprise)).id
        engagement_id = Engagement.id_for(enterprise_id)
        stationed = (
            frozenset(self.load(Engagement, engagement_id).stationed)
            if self.exists(engagement_id)
            else frozenset()
        )
        at = self.now()
        today = at.astimezone(self.policy.tz).date()
        staff_id = Staff.id_for(actor.id)
        activity = StationedActivity.record(
            uuid4(),
            staff_id=staff_id,
            enterprise_id=enterprise_id,
            stationed_logins=stationed,
            activity_kind=choice(ActivityKind, kind, "activity kind"),
            description=description,
            happened_on=happened_on or today,
            actor=actor,
            at=at,
            policy=self.policy,
            calendar=self.work_calendar(),
        )
        return self.commit(activity)[0]

    def answer_stationed_activity(
        self, activity_id: UUID, *, confirmed: bool, note: str = "", actor: Actor
    ) -> Saved:
        """The enterprise served confirms the activity, or disputes it."""
        return self.step(
            StationedActivity,
            activity_id,
            None,
            lambda activity, at: activity.answer_for_enterprise(
                confirmed, note, actor=actor, at=at
            ),
        )

    def open_case_from_activity(
        self,
        activity_id: UUID,
        case_type: str,
        *,
        actor: Actor,
        summary: str | None = None,
    ) -> Saved:
        """File a case on the enterprise's behalf for a problem taken up; the activity records
        the case, in one commit. Returns the case's ``Saved``."""
        activity = self.stationed_activity(activity_id)
        intake = Intake(
            case_type=case_type,
            channel="stationed_staff",
            summary=summary or activity.description,
            enterprise_id=activity.enterprise_id,
            filer_name=self.load(Enterprise, activity.enterprise_id).name,
            real_name=True,
        )
        activity.require_case_may_open(actor)
        new = self.new_case(intake, actor=actor)
        activity.note_case_opened(
            new.case.id, actor=actor, at=new.case.created_on, confidential=new.case.confidential
        )
        return self.commit(*new.aggregates, activity)[0]

    def stationed_activity(self, activity_id: UUID) -> StationedActivity:
        return self.load(StationedActivity, activity_id)

    # Secondments.

    def arrange_secondment(
        self,
        *,
        person: str,
        direction: SecondmentDirection | str,
        home: str | UUID,
        host: str | UUID,
        starts_on: date,
        ends_on: date,
        actor: Actor,
    ) -> Saved:
        """A cadre to an enterprise (home a unit code, host a credit code), or an enterprise's
        staff member to a department (the other way round), for at least the policy's months."""
        way = choice(SecondmentDirection, direction, "secondment direction")
        if way is SecondmentDirection.CADRE_TO_ENTERPRISE:
            home_id = self.load(Unit, directory_id(Unit.id_for, home)).id
            host_id = self.load(Enterprise, directory_id(Enterprise.id_for, host)).id
        else:
            home_id = self.load(Enterprise, directory_id(Enterprise.id_for, home)).id
            host_id = self.load(Unit, directory_id(Unit.id_for, host)).id
        secondment = Secondment.arrange(
            uuid4(),
            person=person,
            direction=way,
            home_id=home_id,
            host_id=host_id,
            starts_on=starts_on,
            ends_on=ends_on,
            policy=self.policy,
            actor=actor,
            at=self.now(),
        )
        return self.commit(secondment)[0]

    def end_secondment_early(
        self, secondment_id: UUID, on: date, reason: str, *, actor: Actor
    ) -> Saved:
        return self.step(
            Secondment,
            secondment_id,
            None,
            lambda secondment, at: secondment.end_early(on, reason, actor=actor, at=at),
        )

    def secondment(self, secondment_id: UUID) -> Secondment:
        return self.load(Secondment, secondment_id)
