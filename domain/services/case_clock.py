"""A case's clock: stopping and restarting it, extensions, warnings, and recounting after a
calendar year is published."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.actors import Actor
from domain.case_rules import CaseStatus
from domain.services.base import Saved
from domain.services.cases import CaseService, filed_topic
from domain.watch import alerts_due


class CaseClockService(CaseService):
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
        return self._step(
            case_id,
            expected_version,
            lambda case, at: case.pause(pause_kind, reason, actor=actor, at=at),
        )

    def resume(
        self, case_id: UUID, note: str, *, actor: Actor, expected_version: int | None = None
    ) -> Saved:
        """Restart the clock; after a 补正 this records the supplementary materials received."""
        return self._step(
            case_id,
            expected_version,
            lambda case, at: case.resume(note, actor=actor, at=at, time=self.timekeeping()),
        )

    def request_extension(
        self,
        case_id: UUID,
        new_due: date,
        reason: str,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        return self._step(
            case_id,
            expected_version,
            lambda case, at: case.request_extension(
                new_due, reason, actor=actor, at=at, time=self.timekeeping()
            ),
        )

    def decide_extension(
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
            lambda case, at: case.decide_extension(
                approved,
                reason,
                actor=actor,
                at=at,
                time=self.timekeeping(),
                standing=self.standing(case, actor),
            ),
        )

    def issue_due_alerts(self, case_id: UUID, *, actor: Actor) -> list[str]:
        """Record every warning level the case has reached and not yet been given: an
        emergency's missed dispatch limit (``dispatch``), then the time-limit levels."""
        case, now = self.case(case_id), self.now()
        levels = []
        if case.dispatch_limit_missed(now, self.policy):
            case.alert_dispatch(actor=actor, at=now, policy=self.policy)
            levels.append("dispatch")
        for level in alerts_due(case, now, self.work_calendar(), self.policy):
            case.alert(level, actor=actor, at=now, policy=self.policy)
            levels.append(level)
        if levels:
            self.commit(case)
        return levels

    def recompute_provisional_deadlines(self, year: int, *, actor: Actor) -> list[Saved]:
        """After a year's arrangement is published, recount every open case whose deadline was
        provisional on that year; each change is a new event on the case."""
        time, saved = self.timekeeping(), []
        for case_id in self.iter_ids([filed_topic()]):
            case = self.case(case_id)
            if case.status in (CaseStatus.CLOSED, CaseStatus.TERMINATED):
                continue
            if year not in case.deadline.provisional_years:
                continue
            reason = f"official {year} working-day arrangement published"
            if case.recompute_deadline(reason, actor=actor, at=self.now(), time=time):
                saved.extend(self.commit(case))
        return saved
