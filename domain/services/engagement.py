"""Engagement commands: link leaders to enterprises, station staff, record visits, and open a
case from a problem a visit found.

This service builds on case handling (a finding opens a case), so it subclasses ``CaseService``
and comes before it in the application's bases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID, uuid4

from domain.actors import Actor, Role
from domain.case import Intake
from domain.directory import Enterprise, Leader, Staff
from domain.engagement import Engagement
from domain.refusals import choice, require_role
from domain.services.base import Saved
from domain.services.cases import CaseService
from domain.services.staffing import directory_id
from domain.visit import Visit, VisitKind


@dataclass(frozen=True)
class FindingAdded:
    visit: Saved
    finding_id: int


class EngagementService(CaseService):
    # Links between leaders, stationed staff and enterprises.

    def link_leader(
        self, leader: str | UUID, enterprise: str | UUID, *, actor: Actor, note: str | None = None
    ) -> Saved:
        leader_id = self.load(Leader, directory_id(Leader.id_for, leader)).id
        engagement = self._engagement_for(enterprise, actor)
        engagement.link_leader(leader_id, note=note, actor=actor, at=self.now())
        return self.commit(engagement)[0]

    def unlink_leader(
        self, leader: str | UUID, enterprise: str | UUID, reason: str, *, actor: Actor
    ) -> Saved:
        engagement = self.engagement(enterprise)
        engagement.unlink_leader(
            directory_id(Leader.id_for, leader), reason, actor=actor, at=self.now()
        )
        return self.commit(engagement)[0]

    def station_staff(self, login: str, enterprise: str | UUID, *, actor: Actor) -> Saved:
        """Assign an enterprise-stationed staff member (驻企服务员) to a key enterprise."""
        staff = self.load(Staff, Staff.id_for(login))
        engagement = self._engagement_for(enterprise, actor)
        key = self.load(Enterprise, engagement.enterprise_id).key_enterprise
        engagement.station_staff(staff.id, login, key_enterprise=key, actor=actor, at=self.now())
        return self.commit(engagement)[0]

    def withdraw_staff(
        self, login: str, enterprise: str | UUID, reason: str, *, actor: Actor
    ) -> Saved:
        engagement = self.engagement(enterprise)
        engagement.withdraw_staff(login, reason, actor=actor, at=self.now())
        return self.commit(engagement)[0]

    def engagement(self, enterprise: str | UUID) -> Engagement:
        enterprise_id = directory_id(Enterprise.id_for, enterprise)
        return self.load(Engagement, Engagement.id_for(enterprise_id))

    def _engagement_for(self, enterprise: str | UUID, actor: Actor) -> Engagement:
        enterprise_id = self.load(Enterprise, directory_id(Enterprise.id_for, enterprise)).id
        engagement_id = Engagement.id_for(enterprise_id)
        if self.exists(engagement_id):
            return self.load(Engagement, engagement_id)
        return Engagement.open(enterprise_id, actor=actor, at=self.now())

    # Visits.

    def record_visit(
        self,
        *,
        kind: VisitKind | str,
        place: str,
        started_at: datetime,
        duration: float,
        actor: Actor,
        duration_unit: str = "hours",
        enterprise: str | UUID | None = None,
        findings: Sequence[str] = (),
        ended_on: date | None = None,
    ) -> Saved:
        """A leader records their visit or on-site office day, with the problems found; later
        than the policy's working days after it took place, it is kept, marked late. A
        front-line week given with ``ended_on`` lasts its range's working days."""
        require_role(actor, (Role.LEADER,), "record a visit")
        leader = self.load(Leader, Leader.id_for(actor.id))
        enterprise_id = (
            self.load(Enterprise, directory_id(Enterprise.id_for, enterprise)).id
            if enterprise is not None
            else None
        )
        visit = Visit.record(
            uuid4(),
            leader_id=leader.id,
            visit_kind=choice(VisitKind, kind, "visit kind"),
            enterprise_id=enterprise_id,
            place=place,
            started_at=started_at,
            duration=duration,
            duration_unit=duration_unit,
            findings=list(findings),
            actor=actor,
            at=self.now(),
            policy=self.policy,
            calendar=self.work_calendar(),
            ended_on=ended_on,
        )
        return self.commit(visit)[0]

    def answer_visit(
        self, visit_id: UUID, *, confirmed: bool, note: str = "", actor: Actor
    ) -> Saved:
        """The enterprise visited confirms the visit took place, or disputes it."""
        return self.step(
            Visit,
            visit_id,
            None,
            lambda visit, at: visit.answer_for_enterprise(confirmed, note, actor=actor, at=at),
        )

    def add_visit_finding(self, visit_id: UUID, description: str, *, actor: Actor) -> FindingAdded:
        visit = self.visit(visit_id)
        finding_id = visit.add_finding(description, actor=actor, at=self.now())
        return FindingAdded(self.commit(visit)[0], finding_id)

    def resolve_finding_on_site(
        self, visit_id: UUID, finding_id: int, note: str, *, actor: Actor
    ) -> Saved:
        visit = self.visit(visit_id)
        visit.resolve_on_site(finding_id, note, actor=actor, at=self.now())
        return self.commit(visit)[0]

    def open_case_from_finding(
        self,
        visit_id: UUID,
        finding_id: int,
        case_type: str,
        *,
        actor: Actor,
        summary: str | None = None,
        emergency: bool = False,
        service_item: str | None = None,
    ) -> Saved:
        """File a case for a problem the visit found; the case names the visit as its source
        and the visit records the case, in one commit. Returns the case's ``Saved``."""
        visit = self.visit(visit_id)
        finding = visit.finding(finding_id)
        intake = Intake(
            case_type=case_type,
            channel="visit_finding",
            summary=summary or str(finding["description"]),
            enterprise_id=visit.enterprise_id,
            filer_name=self.load(Leader, visit.leader_id).name,
            real_name=True,
            emergency=emergency,
            source_visit_id=visit.id,
            service_item=service_item,
        )
        new = self.new_case(intake, actor=actor)
        visit.note_case_opened(
            finding_id,
            new.case.id,
            actor=actor,
            at=new.case.created_on,
            confidential=new.case.confidential,
        )
        return self.commit(*new.aggregates, visit)[0]

    def visit(self, visit_id: UUID) -> Visit:
        return self.load(Visit, visit_id)
