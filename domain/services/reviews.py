"""Review commands: record a window service, rate a service, rectify a 差评, re-rate, appeal
and decide appeals.

A 差评 and the rectification it opens are saved in one commit, as are an anonymous rating and
its rater's sealed account, and an upheld appeal and the exclusion of its rating: either all
are on the record or none is. Who may rate what is ``domain.rating_rules``.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from uuid import UUID, uuid4

from domain.actors import Actor
from domain.appeal import Appeal, Grounds
from domain.base import Tracked
from domain.case import Case
from domain.case_rules import CaseStatus
from domain.directory import Enterprise, Staff
from domain.errors import AlreadyExistsError, ConflictError
from domain.evaluation import Evaluation, Level, ServiceReceived
from domain.privacy import ERASED
from domain.rater import RaterAccount
from domain.rating_rules import (
    VISITOR,
    PartyServed,
    code_digest,
    new_rating_code,
    service_not_recorded,
)
from domain.rectification import Outcome, Rectification
from domain.refusals import StepRefusedError, choice
from domain.services.base import Saved, ServiceBase
from domain.services.staffing import directory_id, unit_of_staff
from domain.window_service import WindowService


@dataclass(frozen=True)
class RatingSaved:
    """A rating and, for a 差评, the rectification it opened."""

    evaluation: Saved
    rectification: Saved | None


@dataclass(frozen=True)
class ServiceRecorded:
    """A window service on the record, and the one-time rating code for its receipt (given
    once, here: only its digest is kept)."""

    service: Saved
    rating_code: str


@dataclass(frozen=True)
class RaterIdentity:
    """Who gave an anonymous rating, as opened for an inspector (``ERASED`` once erased)."""

    evaluation_id: UUID
    subject: UUID
    rater: str
    erased: bool


class ReviewService(ServiceBase):
    # Window services (一次一评): recorded by the staff who gave them.

    def record_window_service(
        self, *, service_item: str, actor: Actor, enterprise: str | UUID | None = None
    ) -> ServiceRecorded:
        """Record a service just given at the window; returns the code for its receipt."""
        staff = (
            self.load(Staff, Staff.id_for(actor.id))
            if self.exists(Staff.id_for(actor.id))
            else None
        )
        enterprise_id = (
            self.load(Enterprise, directory_id(Enterprise.id_for, enterprise)).id
            if enterprise is not None
            else None
        )
        code = new_rating_code()
        service = WindowService.deliver(
            uuid4(),
            unit_id=staff.unit_id if staff else None,
            window_id=staff.window_id if staff else None,
            service_item=service_item,
            enterprise_id=enterprise_id,
            code_digest=code_digest(code),
            actor=actor,
            at=self.now(),
        )
        return ServiceRecorded(self.commit(service)[0], code)

    def window_service(self, service_id: UUID) -> WindowService:
        if not self.exists(service_id):
            raise service_not_recorded(service_id)
        return self.load(WindowService, service_id)

    # Ratings.

    def rate_service(
        self,
        service_id: UUID,
        level: Level | str,
        *,
        actor: Actor,
        reason: str | None = None,
        real_name: bool = True,
        code: str | None = None,
    ) -> RatingSaved:
        """Rate a recorded window service: signed in as the enterprise it named, or with the
        code on its receipt (``actor`` ``VISITOR`` when the holder did not sign in)."""
        service = ServiceReceived.at_window(self.window_service(service_id))
        return self._rate(
            service, level, actor=actor, reason=reason, real_name=real_name, code=code
        )

    def rate_case(
        self,
        case_id: UUID,
        level: Level | str,
        *,
        actor: Actor,
        reason: str | None = None,
        real_name: bool = True,
    ) -> RatingSaved:
        """Rate the answer of a case's current handling cycle, as the party it served."""
        return self._rate(
            self.service_of_case(case_id), level, actor=actor, reason=reason, real_name=real_name
        )

    def service_of_case(self, case_id: UUID) -> ServiceReceived:
        """The service a case's current cycle delivered: its answer, by whom, for which unit,
        for whom, and when."""
        case = self.load(Case, case_id)
        if case.status not in (CaseStatus.REPLIED, CaseStatus.CLOSED) or case.replied_at is None:
            raise StepRefusedError(
                "rate the case",
                case.status.value,
                f"case {case_id} is {case.status.value}; its service is rated once it is answered",
                code="rating-after-answer",
            )
        history = self.history(case_id)
        filed = history[0]
        replier = next(
            (
                e.actor_id
                for e in reversed(history)
                if isinstance(e, Case.Replied | Case.AnsweredDirectly)
            ),
            None,
        )
        unit_id = case.lead_unit_id or unit_of_staff(self, replier)
        if unit_id is None:
            raise StepRefusedError(
                "rate the case", case.status.value, f"case {case_id} names no unit that served it",
                code="rating-needs-serving-unit",
            )
        return ServiceReceived.case_cycle(
            case_id,
            case.cycle,
            unit_id=unit_id,
            delivered_at=case.replied_at,
            party=PartyServed(
                enterprise_id=case.enterprise_id,
                filer=filed.actor_id if filed.actor_role == "enterprise" else None,
            ),
            staff=replier,
            # The window the replier serves at, so window scores and lists count the case.
            window_id=self.load(Staff, Staff.id_for(replier)).window_id
            if replier and self.exists(Staff.id_for(replier))
            else None,
            service_item=case.service_item,
        )

    def _rate(
        self,
        service: ServiceReceived,
        level: Level | str,
        *,
        actor: Actor,
        reason: str | None,
        real_name: bool,
        code: str | None = None,
    ) -> RatingSaved:
        """Rate one recorded service; a 差评 opens its rectification in the same commit, and an
        anonymous rater who signed in leaves their account sealed beside it."""
        evaluation_id = Evaluation.id_for(service.service_ref)
        if self.exists(evaluation_id):
            raise _already_rated(service.service_ref, evaluation_id)
        at = self.now()
        account = None
        if not real_name and actor != VISITOR:
            subject = uuid4()
            sealed = self.vault.seal(subject, actor.id)
            account = RaterAccount.seal(subject, evaluation_id, sealed, at=at)
        evaluation = Evaluation.rate(
            service,
            choice(Level, level, "level"),
            reason=reason,
            real_name=real_name,
            actor=actor,
            at=at,
            policy=self.policy,
            calendar=self.work_calendar(),
            code=code,
            rater_account=account.id if account else None,
        )
        try:
            return self._save_rating(evaluation, 1, *([account] if account else []))
        except ConflictError:
            if self.exists(evaluation_id):  # another rating of the same service won the race
                raise _already_rated(service.service_ref, evaluation_id) from None
            raise

    def rerate_service(
        self,
        evaluation_id: UUID,
        level: Level | str,
        *,
        actor: Actor,
        reason: str | None = None,
        code: str | None = None,
    ) -> RatingSaved:
        """The rater's second word, once the rectification is completed; a 差评 again opens
        a second rectification. ``code``: the receipt code the service was rated with."""
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
            by_original_rater=self.is_rater(evaluation, actor, code),
            actor=actor,
            at=self.now(),
            policy=self.policy,
        )
        return self._save_rating(evaluation, 2)

    def is_rater(self, evaluation: Evaluation, actor: Actor, code: str | None = None) -> bool:
        """Whether ``actor`` (or the holder of ``code``) gave this rating. An anonymous
        rater's sealed account is compared here, never shown."""
        if code is not None and evaluation.by_code:
            service_id = UUID(evaluation.service_ref.removeprefix("window:"))
            digest = self.load(WindowService, service_id).code_digest
            return hmac.compare_digest(code_digest(code), digest)
        if evaluation.real_name:
            return actor.id == evaluation.rater
        if evaluation.rater_account is None or actor == VISITOR:
            return False
        account = self.load(RaterAccount, evaluation.rater_account)
        return self.vault.open(account.account) == actor.id

    def rater_identity(self, evaluation_id: UUID, purpose: str, *, actor: Actor) -> RaterIdentity:
        """Open who gave an anonymous rating, for an inspector; the read is recorded."""
        evaluation = self.evaluation(evaluation_id)
        if evaluation.rater_account is None:
            raise StepRefusedError(
                "read the rater",
                "real name" if evaluation.real_name else "rated with a receipt code",
                f"evaluation {evaluation_id} has no sealed rater: "
                + (
                    f"it names its rater ({evaluation.rater})"
                    if evaluation.real_name
                    else "it was rated with its receipt's code, by whoever held the receipt"
                ),
                code="no-sealed-rater",
            )
        account = self.load(RaterAccount, evaluation.rater_account)
        account.reveal(purpose, actor=actor, at=self.now())
        self.commit(account)
        opened = None if account.erased_at else self.vault.open(account.account)
        return RaterIdentity(evaluation_id, account.id, opened or ERASED, opened is None)

    def _save_rating(
        self, evaluation: Evaluation, rectification_round: int, *beside: Tracked
    ) -> RatingSaved:
        if not evaluation.is_bad:
            return RatingSaved(self.commit(evaluation, *beside)[0], None)
        rectification = Rectification.open_for(
            evaluation,
            round=rectification_round,
            at=evaluation.modified_on,
            policy=self.policy,
            calendar=self.work_calendar(),
        )
        saved = self.commit(evaluation, rectification, *beside)
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

    def request_rectification_extension(
        self,
        rectification_id: UUID,
        working_days: int,
        reason: str,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        """The rated unit's head asks for more working days; a supervisor decides."""
        return self.step(
            Rectification,
            rectification_id,
            expected_version,
            lambda rectification, at: rectification.request_extension(
                working_days,
                reason,
                actor=actor,
                actor_unit=unit_of_staff(self, actor.id),
                at=at,
                policy=self.policy,
            ),
        )

    def decide_rectification_extension(
        self,
        rectification_id: UUID,
        *,
        approved: bool,
        reason: str,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        return self.step(
            Rectification,
            rectification_id,
            expected_version,
            lambda rectification, at: rectification.decide_extension(
                approved,
                reason,
                actor=actor,
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
                " a rating is appealed once",
                code="appealed-once",
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
        " each service is rated once",
        code="service-rated-once",
        params={"service": service_ref},
    )
