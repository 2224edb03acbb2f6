"""Review commands: rate a service, rectify a 差评, re-rate, appeal and decide appeals.

A 差评 and the rectification it opens are saved in one commit, as are an upheld appeal and the
exclusion of its rating: either both are on the record or neither is.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.actors import Actor
from domain.appeal import Appeal, Grounds
from domain.case import Case
from domain.case_rules import CaseStatus
from domain.directory import Enterprise, Staff
from domain.errors import AlreadyExistsError, ConflictError, NotPermittedError
from domain.evaluation import Evaluation, Level, ServiceReceived
from domain.rectification import Outcome, Rectification
from domain.refusals import StepRefusedError, choice
from domain.services.base import Saved, ServiceBase
from domain.services.staffing import unit_of_staff


@dataclass(frozen=True)
class RatingSaved:
    """A rating and, for a 差评, the rectification it opened."""

    evaluation: Saved
    rectification: Saved | None


class ReviewService(ServiceBase):
    def rate_service(
        self,
        service: ServiceReceived,
        level: Level | str,
        *,
        actor: Actor,
        reason: str | None = None,
        real_name: bool = True,
    ) -> RatingSaved:
        """Rate one service received; a 差评 opens its rectification in the same commit."""
        evaluation_id = Evaluation.id_for(service.service_ref)
        if self.exists(evaluation_id):
            raise _already_rated(service.service_ref, evaluation_id)
        evaluation = Evaluation.rate(
            service,
            choice(Level, level, "level"),
            reason=reason,
            real_name=real_name,
            actor=actor,
            at=self.now(),
            policy=self.policy,
            calendar=self.work_calendar(),
        )
        try:
            return self._save_rating(evaluation, 1)
        except ConflictError:
            if self.exists(evaluation_id):  # another rating of the same service won the race
                raise _already_rated(service.service_ref, evaluation_id) from None
            raise

    def rate_case(
        self,
        case_id: UUID,
        level: Level | str,
        *,
        actor: Actor,
        reason: str | None = None,
        real_name: bool = True,
    ) -> RatingSaved:
        """Rate the current handling cycle of a replied or closed case."""
        return self.rate_service(
            self.service_of_case(case_id, actor),
            level,
            actor=actor,
            reason=reason,
            real_name=real_name,
        )

    def service_of_case(self, case_id: UUID, rater: Actor | None = None) -> ServiceReceived:
        """The service a case's current cycle delivered: by whom, for which unit, and when."""
        case = self.load(Case, case_id)
        if case.status not in (CaseStatus.REPLIED, CaseStatus.CLOSED):
            raise StepRefusedError(
                "rate the case",
                case.status.value,
                f"case {case_id} is {case.status.value}; its service is rated once it is"
                " replied to or closed",
            )
        if (
            rater is not None
            and case.enterprise_id is not None
            and (Enterprise.id_for(rater.id) != case.enterprise_id)
        ):
            raise NotPermittedError(f"only the enterprise served by case {case_id} may rate it")
        replier = next(
            (
                e.actor_id
                for e in reversed(self.history(case_id))
                if isinstance(e, Case.Replied | Case.AnsweredDirectly)
            ),
            None,
        )
        unit_id = case.lead_unit_id or unit_of_staff(self, replier)
        delivered = case.closed_at or case.replied_at
        if unit_id is None or delivered is None:
            raise StepRefusedError(
                "rate the case", case.status.value, f"case {case_id} names no unit that served it"
            )
        return ServiceReceived.case_cycle(
            case_id,
            case.cycle,
            unit_id=unit_id,
            delivered_at=delivered,
            staff=replier,
            # The window the replier serves at, so window scores and lists count the case.
            window_id=self.load(Staff, Staff.id_for(replier)).window_id
            if replier and self.exists(Staff.id_for(replier))
            else None,
            service_item=case.service_item,
        )

    def rerate_service(
        self,
        evaluation_id: UUID,
        level: Level | str,
        *,
        actor: Actor,
        reason: str | None = None,
    ) -> RatingSaved:
        """The rater's second word, once the rectification is completed; a 差评 again opens
        a second rectification."""
        evaluation = self.evaluation(evaluation_id)
        rectification_id = Rectification.id_for(evaluation_id, 1)
        window = (
            self.rectification(rectification_id).rerate_window_ends
            if self.exists(rectification_id)
            else None
        )
        evaluation.rerate(
            choice(Level, level, "level"),
            reason=reason,
            rectification_id=rectification_id,
            rerate_window_ends=window,
            actor=actor,
            at=self.now(),
            policy=self.policy,
        )
        return self._save_rating(evaluation, 2)

    def _save_rating(self, evaluation: Evaluation, rectification_round: int) -> RatingSaved:
        if not evaluation.is_bad:
            return RatingSaved(self.commit(evaluation)[0], None)
        rectification = Rectification.open_for(
            evaluation,
            round=rectification_round,
            at=evaluation.modified_on,
            policy=self.policy,
            calendar=self.work_calendar(),
        )
        saved = self.commit(evaluation, rectification)
        return RatingSaved(saved[0], saved[1])

    # Rectification steps, taken by the rated unit.

    def record_rectification_callback(
        self,
        rectification_id: UUID,
        *,
        reached: bool,
        actor: Actor,
        complaint_verified: bool | None = None,
        note: str = "",
        expected_version: int | None = None,
    ) -> Saved:
        return self.step(
            Rectification,
            rectification_id,
            expected_version,
            lambda rectification, at: rectification.record_callback(
                reached=reached,
                complaint_verified=complaint_verified,
                note=note,
                actor=actor,
                actor_unit=unit_of_staff(self, actor.id),
                at=at,
            ),
        )

    def record_rectification_verification(
        self,
        rectification_id: UUID,
        *,
        complaint_verified: bool,
        note: str,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        """For an anonymous 差评, which cannot be called back."""
        return self.step(
            Rectification,
            rectification_id,
            expected_version,
            lambda rectification, at: rectification.record_verification_without_callback(
                complaint_verified=complaint_verified,
                note=note,
                actor=actor,
                actor_unit=unit_of_staff(self, actor.id),
                at=at,
            ),
        )

    def record_rectification_measures(
        self,
        rectification_id: UUID,
        measures: list[str],
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        return self.step(
            Rectification,
            rectification_id,
            expected_version,
            lambda rectification, at: rectification.record_measures(
                measures, actor=actor, actor_unit=unit_of_staff(self, actor.id), at=at
            ),
        )

    def extend_rectification(
        self,
        rectification_id: UUID,
        working_days: int,
        reason: str,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        return self.step(
            Rectification,
            rectification_id,
            expected_version,
            lambda rectification, at: rectification.extend(
                working_days,
                reason,
                actor=actor,
                actor_unit=unit_of_staff(self, actor.id),
                at=at,
                policy=self.policy,
                calendar=self.work_calendar(),
            ),
        )

    def complete_rectification(
        self,
        rectification_id: UUID,
        outcome: Outcome | str,
        summary: str,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        """Record the outcome; the rater of a first 差评 is invited to re-rate."""
        rectification = self.rectification(rectification_id, expected_version)
        at = self.now()
        rectification.complete(
            choice(Outcome, outcome, "outcome"),
            summary,
            actor=actor,
            actor_unit=unit_of_staff(self, actor.id),
            at=at,
        )
        if self.evaluation(rectification.evaluation_id).rerated_at is None:
            rectification.invite_rerating(at=at, policy=self.policy, calendar=self.work_calendar())
        return self.commit(rectification)[0]

    # Appeals: filed by the rated unit's head, decided by a supervisor.

    def appeal_rating(
        self, evaluation_id: UUID, grounds: Grounds | str, reason: str, *, actor: Actor
    ) -> Saved:
        evaluation = self.evaluation(evaluation_id)
        appeal_id = Appeal.id_for(evaluation_id)
        if self.exists(appeal_id):
            raise AlreadyExistsError(
                f"evaluation {evaluation_id} was already appealed (appeal {appeal_id});"
                " a rating is appealed once"
            )
        appeal = Appeal.file(
            evaluation,
            choice(Grounds, grounds, "grounds"),
            reason,
            actor=actor,
            actor_unit=unit_of_staff(self, actor.id),
            at=self.now(),
            policy=self.policy,
            calendar=self.work_calendar(),
        )
        return self.commit(appeal)[0]

    def decide_appeal(
        self,
        appeal_id: UUID,
        *,
        upheld: bool,
        reason: str,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        """Decide an appeal; an upheld one excludes its rating from scores, in one commit."""
        appeal = self.appeal(appeal_id, expected_version)
        at = self.now()
        appeal.decide(upheld, reason, actor=actor, at=at)
        if not upheld:
            return self.commit(appeal)[0]
        evaluation = self.evaluation(appeal.evaluation_id)
        evaluation.exclude(appeal.id, reason, actor=actor, at=at)
        return self.commit(appeal, evaluation)[0]

    # Queries.

    def evaluation(self, evaluation_id: UUID, expected_version: int | None = None) -> Evaluation:
        return self.load(Evaluation, evaluation_id, expected_version)

    def rectification(
        self, rectification_id: UUID, expected_version: int | None = None
    ) -> Rectification:
        return self.load(Rectification, rectification_id, expected_version)

    def appeal(self, appeal_id: UUID, expected_version: int | None = None) -> Appeal:
        return self.load(Appeal, appeal_id, expected_version)


def _already_rated(service_ref: str, evaluation_id: UUID) -> AlreadyExistsError:
    return AlreadyExistsError(
        f"the service {service_ref} is already rated (evaluation {evaluation_id});"
        " each service is rated once"
    )
