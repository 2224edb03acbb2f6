"""Case commands: each loads the case (at the version the caller saw), acts, and saves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID, uuid4

from eventsourcing.utils import get_topic

from domain.actors import Actor
from domain.base import Tracked
from domain.case import Case, Intake, Timekeeping
from domain.case_rules import CaseStatus, Standing
from domain.directory import Unit
from domain.errors import NotFoundError
from domain.location import Location
from domain.privacy import DataSubject
from domain.services.base import Saved, ServiceBase
from domain.services.staffing import unit_of_staff
from domain.text import refuse_control_characters


@dataclass(frozen=True)
class NewCase:
    """A case about to be filed, and the data subject its filer's data is sealed under."""

    case: Case
    subject: DataSubject | None

    @property
    def aggregates(self) -> list[Tracked]:
        return [self.case, *([self.subject] if self.subject else [])]


class CaseService(ServiceBase):
    def timekeeping(self) -> Timekeeping:
        return Timekeeping(self.work_calendar(), self.policy)

    def case(self, case_id: UUID, expected_version: int | None = None) -> Case:
        return self.load(Case, case_id, expected_version)

    def standing(self, case: Case, actor: Actor) -> Standing:
        """The directory's facts that separation of duties needs: the actor's unit, the
        owner's unit while the case has no lead unit, the dispatcher's while a return waits."""
        returning = case.status is CaseStatus.RETURN_REQUESTED
        return Standing(
            actor_unit=unit_of_staff(self, actor.id),
            owner_unit=unit_of_staff(self, case.owner) if case.lead_unit_id is None else None,
            dispatcher_unit=unit_of_staff(self, case.dispatched_by) if returning else None,
            desk=self.confidential_desk(),
        )

    def confidential_desk(self) -> UUID:
        """The unit that receives confidential demands (policy ``privacy.confidential_desk``)."""
        return Unit.id_for(self.policy.privacy.confidential_desk)

    def file_demand(
        self,
        *,
        case_type: str,
        channel: str,
        summary: str,
        actor: Actor,
        enterprise_id: UUID | None = None,
        filer_name: str | None = None,
        filer_contact: str | None = None,
        real_name: bool = True,
        confidential: bool = False,
        emergency: bool = False,
        source_visit_id: UUID | None = None,
        service_item: str | None = None,
        location: Location | None = None,
        reported_unit: str | UUID | None = None,
    ) -> Saved:
        intake = Intake(
            case_type=case_type,
            channel=channel,
            summary=summary,
            enterprise_id=enterprise_id,
            filer_name=filer_name,
            filer_contact=filer_contact,
            real_name=real_name,
            confidential=confidential,
            emergency=emergency,
            source_visit_id=source_visit_id,
            service_item=service_item,
            location=location,
            reported_unit_id=self._unit_id(reported_unit) if reported_unit else None,
        )
        return self.trusting(
            lambda: self.commit(*self.new_case(intake, actor=actor).aggregates, owned=True)[0]
        )

    def new_case(self, intake: Intake, *, actor: Actor) -> NewCase:
        """A filed case not yet saved (with its filer's data subject), for commands that save
        it together with another aggregate. The filer's name and contact are sealed here."""
        at, subject = self.now(), None
        refuse_control_characters(vars(intake))  # before sealing hides what the filer's fields hold
        if intake.filer_name or intake.filer_contact:
            subject_id = uuid4()
            intake = replace(
                intake,
                filer_name=self._seal(subject_id, intake.filer_name),
                filer_contact=self._seal(subject_id, intake.filer_contact),
                filer_subject=subject_id,
            )
        at_desk = unit_of_staff(self, actor.id) == self.confidential_desk()
        case = Case.file(intake, actor=actor, at=at, time=self.timekeeping(), at_desk=at_desk)
        if intake.filer_subject is not None:
            subject = DataSubject.register(
                intake.filer_subject, case.id, confidential=case.confidential, actor=actor, at=at
            )
        return NewCase(case, subject)

    def _seal(self, subject: UUID, value: str | None) -> str | None:
        return self.vault.seal(subject, value) if value and value.strip() else None

    def _step(
        self, case_id: UUID, expected_version: int | None, act: Callable[[Case, datetime], None]
    ) -> Saved:
        return self.step(Case, case_id, expected_version, act)

    def _unit_id(self, unit: str | UUID) -> UUID:
        unit_id = unit if isinstance(unit, UUID) else Unit.id_for(unit)
        if not self.exists(unit_id):
            raise NotFoundError(f"no unit {unit}", code="unit-not-found", params={"unit": unit})
        return unit_id


def filed_topic() -> str:
    return get_topic(Case.Filed)
