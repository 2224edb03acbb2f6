"""Quarterly evaluation commands: an enterprise answers the quarter's form about a department."""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from domain.actors import Actor
from domain.directory import Enterprise, Unit
from domain.errors import ConflictError, InvalidInputError
from domain.quarterly import AlreadyAnsweredError, QuarterlyEvaluation, quarter_of
from domain.services.base import Saved, ServiceBase
from domain.services.staffing import directory_id


class QuarterlyEvaluationService(ServiceBase):
    def answer_quarterly_evaluation(
        self,
        enterprise: str | UUID,
        unit: str | UUID,
        quarter: str,
        scores: Mapping[str, object],
        *,
        comment: str = "",
        actor: Actor,
    ) -> Saved:
        """Record the enterprise's answer about ``unit`` for ``quarter``; a second is refused."""
        firm = self.load(Enterprise, directory_id(Enterprise.id_for, enterprise))
        department = self.load(Unit, directory_id(Unit.id_for, unit))
        if not department.active:
            raise InvalidInputError(
                "this department is no longer active; it is not evaluated",
                code="evaluation-unit-inactive",
            )
        name = quarter_of(quarter).name
        answer_id = QuarterlyEvaluation.id_for(firm.id, department.id, name)
        if self.exists(answer_id):
            answered = self.load(QuarterlyEvaluation, answer_id).created_on
            raise AlreadyAnsweredError(name, answered.astimezone(self.policy.tz).date())
        answer = QuarterlyEvaluation.answer(
            enterprise_id=firm.id,
            unit_id=department.id,
            quarter=name,
            scores=scores,
            comment=comment,
            policy=self.policy,
            actor=actor,
            at=self.now(),
        )
        return self.save_quarterly_answer(answer)

    def save_quarterly_answer(self, answer: QuarterlyEvaluation) -> Saved:
        """Save a new answer. Two answers checked at once both find none; the store's unique
        (id, version) key takes the first, and the second is refused like any second answer."""
        try:
            return self.commit(answer)[0]
        except ConflictError:
            raise AlreadyAnsweredError(answer.quarter) from None

    def quarterly_evaluation(
        self, enterprise: str | UUID, unit: str | UUID, quarter: str
    ) -> QuarterlyEvaluation | None:
        """The enterprise's answer about ``unit`` for ``quarter``, if it gave one."""
        answer_id = QuarterlyEvaluation.id_for(
            directory_id(Enterprise.id_for, enterprise),
            directory_id(Unit.id_for, unit),
            quarter_of(quarter).name,
        )
        return self.load(QuarterlyEvaluation, answer_id) if self.exists(answer_id) else None
