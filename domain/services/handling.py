"""Handling steps on a case: ownership, routing and returns, contact, reply, closure, reopening."""

from __future__ import annotations

from uuid import UUID

from domain.actors import Actor
from domain.case_rules import HandOverTarget
from domain.directory import Staff
from domain.errors import NotFoundError
from domain.services.base import Saved
from domain.services.cases import CaseService


class HandlingService(CaseService):
    def receive(self, case_id: UUID, *, actor: Actor, expected_version: int | None = None) -> Saved:
        return self._step(
            case_id,
            expected_version,
            lambda case, at: case.receive(actor=actor, at=at, standing=self.standing(case, actor)),
        )

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
            raise NotFoundError(
                f"no staff member with login {to_login!r} to hand over to",
                code="handover-target-not-found", params={"login": to_login},
            )
        staff = self.load(Staff, Staff.id_for(to_login))
        target = HandOverTarget(to_login, staff.role, staff.unit_id)
        return self._step(
            case_id,
            expected_version,
            lambda case, at: case.hand_over(
                target, reason, actor=actor, at=at, standing=self.standing(case, actor)
            ),
        )

    def answer_directly(
        self, case_id: UUID, answer: str, *, actor: Actor, expected_version: int | None = None
    ) -> Saved:
        return self._step(
            case_id,
            expected_version,
            lambda case, at: case.answer_directly(answer, actor=actor, at=at),
        )

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
        return self._step(
            case_id,
            expected_version,
            lambda case, at: case.dispatch(
                lead, co, actor=actor, at=at, time=self.timekeeping(), note=note
            ),
        )

    def request_return(
        self, case_id: UUID, reason: str, *, actor: Actor, expected_version: int | None = None
    ) -> Saved:
        return self._step(
            case_id,
            expected_version,
            lambda case, at: case.request_return(
                reason, actor=actor, at=at, standing=self.standing(case, actor)
            ),
        )

    def decide_return(
        self,
        case_id: UUID,
        approved: bool,
        reason: str,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        return self._step(
            case_id,
            expected_version,
            lambda case, at: case.decide_return(
                approved, reason, actor=actor, at=at, standing=self.standing(case, actor)
            ),
        )

    def sign_for(
        self, case_id: UUID, *, actor: Actor, expected_version: int | None = None
    ) -> Saved:
        return self._step(
            case_id, expected_version, lambda case, at: case.sign_for(actor=actor, at=at)
        )

    def record_contact(
        self, case_id: UUID, note: str, *, actor: Actor, expected_version: int | None = None
    ) -> Saved:
        return self._step(
            case_id,
            expected_version,
            lambda case, at: case.record_contact(note, actor=actor, at=at),
        )

    def record_site_visit(
        self, case_id: UUID, note: str, *, actor: Actor, expected_version: int | None = None
    ) -> Saved:
        return self._step(
            case_id,
            expected_version,
            lambda case, at: case.record_site_visit(note, actor=actor, at=at),
        )

    def reply(
        self, case_id: UUID, text: str, *, actor: Actor, expected_version: int | None = None
    ) -> Saved:
        return self._step(
            case_id, expected_version, lambda case, at: case.reply(text, actor=actor, at=at)
        )

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
        return self._step(
            case_id,
            expected_version,
            lambda case, at: case.record_callback(resolved, satisfied, note, actor=actor, at=at),
        )

    def close_case(
        self,
        case_id: UUID,
        outcome: str,
        reason: str,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        return self._step(
            case_id,
            expected_version,
            lambda case, at: case.close(outcome, reason, actor=actor, at=at),
        )

    def reopen(
        self, case_id: UUID, reason: str, *, actor: Actor, expected_version: int | None = None
    ) -> Saved:
        return self._step(
            case_id,
            expected_version,
            lambda case, at: case.reopen(reason, actor=actor, at=at, time=self.timekeeping()),
        )

    def request_termination(
        self, case_id: UUID, reason: str, *, actor: Actor, expected_version: int | None = None
    ) -> Saved:
        return self._step(
            case_id,
            expected_version,
            lambda case, at: case.request_termination(reason, actor=actor, at=at),
        )

    def refuse_termination(
        self, case_id: UUID, reason: str, *, actor: Actor, expected_version: int | None = None
    ) -> Saved:
        return self._step(
            case_id,
            expected_version,
            lambda case, at: case.refuse_termination(
                reason, actor=actor, at=at, standing=self.standing(case, actor)
            ),
        )

    def terminate(
        self,
        case_id: UUID,
        reason: str,
        requested_by: str,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        return self._step(
            case_id,
            expected_version,
            lambda case, at: case.terminate(
                reason, requested_by, actor=actor, at=at, standing=self.standing(case, actor)
            ),
        )
