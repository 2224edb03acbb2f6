"""Case commands: each loads the case (at the version the caller saw), acts, and saves."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID, uuid4

from eventsourcing.utils import get_topic

from domain.actors import Actor
from domain.base import Tracked
from domain.case import Case, Intake, Timekeeping
from domain.case_rules import CaseStatus
from domain.directory import Staff, Unit
from domain.errors import NotFoundError
from domain.privacy import DataSubject
from domain.services.base import Saved, ServiceBase
from domain.watch import alerts_due


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
        )
        return self.commit(*self.new_case(intake, actor=actor).aggregates)[0]

    def new_case(self, intake: Intake, *, actor: Actor) -> NewCase:
        """A filed case not yet saved (with its filer's data subject), for commands that save
        it together with another aggregate. The filer's name and contact are sealed here."""
        at, subject = self.now(), None
        if intake.filer_name or intake.filer_contact:
            subject_id = uuid4()
            intake = replace(
                intake,
                filer_name=self._seal(subject_id, intake.filer_name),
                filer_contact=self._seal(subject_id, intake.filer_contact),
                filer_subject=subject_id,
            )
        case = Case.file(intake, actor=actor, at=at, time=self.timekeeping())
        if intake.filer_subject is not None:
            subject = DataSubject.register(
                intake.filer_subject, case.id, confidential=case.confidential, actor=actor, at=at
            )
        return NewCase(case, subject)

    def _seal(self, subject: UUID, value: str | None) -> str | None:
        return self.vault.seal(subject, value) if value and value.strip() else None

    def receive(self, case_id: UUID, *, actor: Actor, expected_version: int | None = None) -> Saved:
        case = self.case(case_id, expected_version)
        case.receive(actor=actor, at=self.now())
        return self.commit(case)[0]

    def hand_over(
        self,
        case_id: UUID,
        to_login: str,
        reason: str,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        if not self.exists(Staff.id_for(to_login)):
            raise NotFoundError(f"no staff member with login {to_login!r} to hand over to")
        case = self.case(case_id, expected_version)
        case.hand_over(to_login, reason, actor=actor, at=self.now())
        return self.commit(case)[0]

    def answer_directly(
        self, case_id: UUID, answer: str, *, actor: Actor, expected_version: int | None = None
    ) -> Saved:
        case = self.case(case_id, expected_version)
        case.answer_directly(answer, actor=actor, at=self.now())
        return self.commit(case)[0]

    def dispatch(
        self,
        case_id: UUID,
        lead_unit: str | UUID,
        co_units: list[str | UUID] | None = None,
        *,
        actor: Actor,
        note: str | None = None,
        expected_version: int | None = None,
    ) -> Saved:
        lead = self._unit_id(lead_unit)
        co = [self._unit_id(u) for u in co_units or []]
        case = self.case(case_id, expected_version)
        case.dispatch(lead, co, actor=actor, at=self.now(), time=self.timekeeping(), note=note)
        return self.commit(case)[0]

    def request_return(
        self, case_id: UUID, reason: str, *, actor: Actor, expected_version: int | None = None
    ) -> Saved:
        case = self.case(case_id, expected_version)
        case.request_return(reason, actor=actor, at=self.now())
        return self.commit(case)[0]

    def decide_return(
        self,
        case_id: UUID,
        approved: bool,
        reason: str,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        case = self.case(case_id, expected_version)
        case.decide_return(approved, reason, actor=actor, at=self.now())
        return self.commit(case)[0]

    def sign_for(
        self, case_id: UUID, *, actor: Actor, expected_version: int | None = None
    ) -> Saved:
        case = self.case(case_id, expected_version)
        case.sign_for(actor=actor, at=self.now())
        return self.commit(case)[0]

    def record_contact(
        self, case_id: UUID, note: str, *, actor: Actor, expected_version: int | None = None
    ) -> Saved:
        case = self.case(case_id, expected_version)
        case.record_contact(note, actor=actor, at=self.now())
        return self.commit(case)[0]

    def record_site_visit(
        self, case_id: UUID, note: str, *, actor: Actor, expected_version: int | None = None
    ) -> Saved:
        case = self.case(case_id, expected_version)
        case.record_site_visit(note, actor=actor, at=self.now())
        return self.commit(case)[0]

    def pause(
        self,
        case_id: UUID,
        pause_kind: str,
        reason: str,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        """Stop the clock; ``pause_kind`` "supplement" is a 补正 request."""
        case = self.case(case_id, expected_version)
        case.pause(pause_kind, reason, actor=actor, at=self.now())
        return self.commit(case)[0]

    def resume(
        self, case_id: UUID, note: str, *, actor: Actor, expected_version: int | None = None
    ) -> Saved:
        """Restart the clock; after a 补正 this records the supplementary materials received."""
        case = self.case(case_id, expected_version)
        case.resume(note, actor=actor, at=self.now(), time=self.timekeeping())
        return self.commit(case)[0]

    def request_extension(
        self,
        case_id: UUID,
        new_due: date,
        reason: str,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        case = self.case(case_id, expected_version)
        case.request_extension(new_due, reason, actor=actor, at=self.now(), time=self.timekeeping())
        return self.commit(case)[0]

    def decide_extension(
        self,
        case_id: UUID,
        approved: bool,
        reason: str,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        case = self.case(case_id, expected_version)
        case.decide_extension(approved, reason, actor=actor, at=self.now(), time=self.timekeeping())
        return self.commit(case)[0]

    def reply(
        self, case_id: UUID, text: str, *, actor: Actor, expected_version: int | None = None
    ) -> Saved:
        case = self.case(case_id, expected_version)
        case.reply(text, actor=actor, at=self.now())
        return self.commit(case)[0]

    def record_callback(
        self,
        case_id: UUID,
        resolved: bool,
        satisfied: bool,
        note: str = "",
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        case = self.case(case_id, expected_version)
        case.record_callback(resolved, satisfied, note, actor=actor, at=self.now())
        return self.commit(case)[0]

    def close_case(
        self,
        case_id: UUID,
        outcome: str,
        reason: str,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        case = self.case(case_id, expected_version)
        case.close(outcome, reason, actor=actor, at=self.now())
        return self.commit(case)[0]

    def reopen(
        self, case_id: UUID, reason: str, *, actor: Actor, expected_version: int | None = None
    ) -> Saved:
        case = self.case(case_id, expected_version)
        case.reopen(reason, actor=actor, at=self.now(), time=self.timekeeping())
        return self.commit(case)[0]

    def terminate(
        self,
        case_id: UUID,
        reason: str,
        requested_by: str,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        case = self.case(case_id, expected_version)
        case.terminate(reason, requested_by, actor=actor, at=self.now())
        return self.commit(case)[0]

    def issue_due_alerts(self, case_id: UUID, *, actor: Actor) -> list[str]:
        """Record every warning level the case has reached and not yet been given."""
        case, now = self.case(case_id), self.now()
        levels = alerts_due(case, now, self.work_calendar(), self.policy)
        for level in levels:
            case.alert(level, actor=actor, at=now, policy=self.policy)
        if levels:
            self.commit(case)
        return levels

    def recompute_provisional_deadlines(self, year: int, *, actor: Actor) -> list[Saved]:
        """After a year's arrangement is published, recount every open case whose deadline was
        provisional on that year; each change is a new event on the case."""
        time, saved = self.timekeeping(), []
        for case_id in self.iter_ids([_filed_topic()]):
            case = self.case(case_id)
            if case.status in (CaseStatus.CLOSED, CaseStatus.TERMINATED):
                continue
            if year not in case.deadline.provisional_years:
                continue
            reason = f"official {year} working-day arrangement published"
            if case.recompute_deadline(reason, actor=actor, at=self.now(), time=time):
                saved.extend(self.commit(case))
        return saved

    def _unit_id(self, unit: str | UUID) -> UUID:
        unit_id = unit if isinstance(unit, UUID) else Unit.id_for(unit)
        if not self.exists(unit_id):
            raise NotFoundError(f"no unit {unit}")
        return unit_id


def _filed_topic() -> str:
    return get_topic(Case.Filed)
