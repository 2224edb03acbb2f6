"""The case (工单): one enterprise demand from intake to closure, every step an event.

A case keeps its time limit as a ``Deadline`` with its derivation. The limit restarts for each
handling cycle (a reopening, 重办, starts a new cycle); pauses and extensions belong to a cycle.

A cycle is handled on time when its first answer (答复: a reply, or a direct answer) reaches the
filer before the deadline; the callback and the closure come after it and change nothing. Once
the running clock of a cycle has reached its deadline with no answer given, the cycle is overdue
for good (``cycle_overdue``): no later pause, extension or answer makes it on time again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar, Self
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, TAggregate

from domain import case_rules as rules
from domain import disclosure
from domain.actors import SYSTEM, Actor
from domain.base import Tracked
from domain.case_rules import CaseStatus, Standing
from domain.clock import Deadline, Extension, Pause, add_working_days, end_of_day, ran_out
from domain.errors import InvalidInputError, NotPermittedError
from domain.location import Location
from domain.policy import Policy
from domain.privacy import PROTECTED
from domain.time_limits import (
    Timekeeping,
    decision_closes,
    measure_extension,
    new_deadline,
    recount,
)

__all__ = ["Case", "Intake", "Timekeeping"]


@dataclass(frozen=True)
class Intake:
    """What is recorded when a demand comes in."""

    case_type: str
    channel: str
    summary: str
    enterprise_id: UUID | None = None
    filer_name: str | None = None
    filer_contact: str | None = None
    real_name: bool = True
    confidential: bool = False
    emergency: bool = False
    source_visit_id: UUID | None = None
    service_item: str | None = None
    filer_subject: UUID | None = None
    """The data subject whose key seals ``filer_name`` and ``filer_contact``."""
    location: Location | None = None
    """Where the demand is about (Open311's point, address and photo), when given."""
    reported_unit_id: UUID | None = None
    """The unit a report of misconduct (举报) names: a confidential case is never routed to it."""


class Case(Tracked):
    kind: ClassVar[str] = "case"

    class Event(Tracked.Event):
        def mutate(self, aggregate: TAggregate | None) -> TAggregate | None:
            # A recount after a calendar is published replaces a provisional deadline as if it
            # had always been the law's; every other step is judged by the deadline in force.
            if isinstance(aggregate, Case) and not isinstance(self, Case.DeadlineRecomputed):
                aggregate.note_clock(self.timestamp)
            result = super().mutate(aggregate)
            if isinstance(result, Case) and self.actor_role in rules.STAFF_ROLE_VALUES:
                result.note_handler(self.actor_id)
            return result

    class Filed(Tracked.Created):
        case_type: str
        channel: str
        summary: str
        enterprise_id: UUID | None
        filer_name: str | None
        filer_contact: str | None
        filer_subject: UUID | None
        real_name: bool
        confidential: bool
        emergency: bool
        source_visit_id: UUID | None
        service_item: str | None
        owner: str | None
        deadline: dict[str, Any]
        policy_version: str
        location: dict[str, Any] | None = None
        """Added later: events filed before it replay without one."""
        reported_unit_id: UUID | None = None  # cases filed before it was asked have none

    class Received(Tracked.Event):
        def apply(self, aggregate: Aggregate) -> None:
            case = _case(aggregate)
            case.owner = self.actor_id
            case.first_asker = case.first_asker or self.actor_id

    class HandedOver(Tracked.Event):
        from_owner: str | None
        to_owner: str
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            _case(aggregate).owner = self.to_owner

    class AnsweredDirectly(Tracked.Event):
        answer: str

        def apply(self, aggregate: Aggregate) -> None:
            _case(aggregate).record_answer(self.timestamp, self.answer)

    class Dispatched(Tracked.Event):
        lead_unit_id: UUID
        co_unit_ids: list[UUID]
        note: str | None
        return_due: str
        policy_version: str

        def apply(self, aggregate: Aggregate) -> None:
            case = _case(aggregate)
            case.status, case.lead_unit_id = CaseStatus.DISPATCHED, self.lead_unit_id
            case.co_unit_ids = list(self.co_unit_ids)
            case.return_due = date.fromisoformat(self.return_due)
            case.dispatch_count += 1
            case.dispatched_by = self.actor_id
            case.first_dispatched_at = case.first_dispatched_at or self.timestamp

    class ReturnRequested(Tracked.Event):
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            case = _case(aggregate)
            case.status_before_return, case.status = case.status, CaseStatus.RETURN_REQUESTED
            # The lead unit asks; the return is counted against it, whoever handles the case next.
            case.return_requested_by, case.returning_unit = self.actor_id, case.lead_unit_id

    class ReturnDecided(Tracked.Event):
        approved: bool
        reason: str
        unit_id: UUID | None

        def apply(self, aggregate: Aggregate) -> None:
            case = _case(aggregate)
            if self.approved:
                case.status, case.lead_unit_id, case.co_unit_ids = CaseStatus.RECEIVED, None, []
                case.returns += 1
            else:
                case.status = case.status_before_return or CaseStatus.DISPATCHED
                case.improper_returns += 1

    class SignedFor(Tracked.Event):
        def apply(self, aggregate: Aggregate) -> None:
            _case(aggregate).status = CaseStatus.IN_PROGRESS

    class EnterpriseContacted(Tracked.Event):
        note: str

    class SiteVisited(Tracked.Event):
        note: str

    class Paused(Tracked.Event):
        pause_kind: str
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            case = _case(aggregate)
            case.status = CaseStatus.PAUSED
            case.pauses.append(
                Pause(self.pause_kind, case.local_date(self.timestamp), started_at=self.timestamp)
            )

    class Resumed(Tracked.Event):
        note: str
        deadline: dict[str, Any]

        def apply(self, aggregate: Aggregate) -> None:
            case = _case(aggregate)
            case.pauses[-1] = case.pauses[-1].ended(case.local_date(self.timestamp), self.timestamp)
            case.status, case.deadline = CaseStatus.IN_PROGRESS, Deadline.from_data(self.deadline)

    class ExtensionRequested(Tracked.Event):
        working_days: int
        new_due: str
        reason: str
        policy_version: str
        hours: int = 0
        """For an hours limit (an emergency): the hours asked for; ``working_days`` is 0."""

        def apply(self, aggregate: Aggregate) -> None:
            case = _case(aggregate)
            case.pending_extension = self.hours or self.working_days
            case.pending_extension_by = self.actor_id

    class ExtensionDecided(Tracked.Event):
        approved: bool
        working_days: int
        reason: str
        enterprise_notice: str
        deadline: dict[str, Any] | None
        hours: int = 0

        def apply(self, aggregate: Aggregate) -> None:
            case = _case(aggregate)
            case.pending_extension = case.pending_extension_by = None
            case.extension_requests += 1
            if self.approved and self.deadline is not None:
                case.extensions.append(
                    Extension(
                        self.working_days,
                        case.local_date(self.timestamp),
                        self.reason,
                        hours=self.hours,
                    )
                )
                case.deadline = Deadline.from_data(self.deadline)

    class Replied(Tracked.Event):
        reply: str

        def apply(self, aggregate: Aggregate) -> None:
            _case(aggregate).record_answer(self.timestamp, self.reply)

    class CallbackRecorded(Tracked.Event):
        resolved: bool
        satisfied: bool
        note: str

        def apply(self, aggregate: Aggregate) -> None:
            _case(aggregate).callback = {"resolved": self.resolved, "satisfied": self.satisfied}

    class Closed(Tracked.Event):
        outcome: str
        reason: str
        on_time: bool

        def apply(self, aggregate: Aggregate) -> None:
            case = _case(aggregate)
            case.status, case.outcome, case.closed_at = (
                CaseStatus.CLOSED,
                self.outcome,
                self.timestamp,
            )
            case.closed_on_time = self.on_time

    class Reopened(Tracked.Event):
        reason: str
        deadline: dict[str, Any]

        def apply(self, aggregate: Aggregate) -> None:
            case = _case(aggregate)
            case.start_cycle(self.timestamp, Deadline.from_data(self.deadline))
            case.status = CaseStatus.IN_PROGRESS

    class TerminationRequested(Tracked.Event):
        """The handler asks the head to end handling (终止办理); the head decides."""

        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            case = _case(aggregate)
            case.pending_termination_by, case.pending_termination_reason = (
                self.actor_id,
                self.reason,
            )

    class TerminationRefused(Tracked.Event):
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            case = _case(aggregate)
            case.pending_termination_by = case.pending_termination_reason = None

    class Terminated(Tracked.Event):
        reason: str
        requested_by: str

        def apply(self, aggregate: Aggregate) -> None:
            case = _case(aggregate)
            case.status, case.closed_at, case.outcome = CaseStatus.TERMINATED, self.timestamp, None
            case.pending_termination_by = case.pending_termination_reason = None

    class DeadlineRecomputed(Tracked.Event):
        reason: str
        deadline: dict[str, Any]

        def apply(self, aggregate: Aggregate) -> None:
            _case(aggregate).deadline = Deadline.from_data(self.deadline)

    class TimeLimitAlerted(Tracked.Event):
        level: str
        due: str
        cycle: int
        policy_version: str

        def apply(self, aggregate: Aggregate) -> None:
            _case(aggregate).alerts.add((self.cycle, self.level))

    class DispatchLimitAlerted(Tracked.Event):
        """An emergency was not dispatched within the policy's hours of its intake."""

        due_at: datetime
        hours: int
        policy_version: str

        def apply(self, aggregate: Aggregate) -> None:
            _case(aggregate).dispatch_alerted = True

    def __init__(
        self,
        *,
        case_type: str,
        channel: str,
        summary: str,
        enterprise_id: UUID | None,
        filer_name: str | None,
        filer_contact: str | None,
        real_name: bool,
        confidential: bool,
        emergency: bool,
        source_visit_id: UUID | None,
        service_item: str | None,
        owner: str | None,
        deadline: dict[str, Any],
        policy_version: str,
        filer_subject: UUID | None = None,
        location: dict[str, Any] | None = None,
        reported_unit_id: UUID | None = None,
    ) -> None:
        self.case_type, self.channel, self.summary = case_type, channel, summary
        self.location = Location.from_data(location)
        self.reported_unit_id = reported_unit_id
        self.enterprise_id, self.service_item = enterprise_id, service_item
        # Sealed under ``filer_subject``'s key: only ``PrivacyService`` opens them.
        self.filer_name, self.filer_contact = filer_name, filer_contact
        self.filer_subject = filer_subject
        self.real_name, self.confidential, self.emergency = real_name, confidential, emergency
        self.source_visit_id, self.owner = source_visit_id, owner
        self.first_asker = owner
        """首问负责: the first staff member to take the demand; follows it after a hand-over."""
        self.status = CaseStatus.RECEIVED
        self.lead_unit_id: UUID | None = None
        self.co_unit_ids: list[UUID] = []
        self.return_due: date | None = None
        self.status_before_return: CaseStatus | None = None
        self.dispatch_count = self.returns = self.improper_returns = 0
        self.dispatched_by: str | None = None
        self.first_dispatched_at: datetime | None = None
        self.dispatch_alerted = False
        self.return_requested_by: str | None = None
        self.returning_unit: UUID | None = None
        self.pending_extension: int | None = None
        self.pending_extension_by: str | None = None
        self.pending_termination_by: str | None = None
        self.pending_termination_reason: str | None = None
        self.extension_requests = 0
        self.reply_text: str | None = None
        self.replied_at: datetime | None = None
        self.callback: dict[str, bool] | None = None
        self.outcome: str | None = None
        self.closed_at: datetime | None = None
        self.closed_on_time: bool | None = None
        self.alerts: set[tuple[int, str]] = set()
        self.handlers: list[str] = [owner] if owner else []
        self.cycle = 0
        self.start_cycle(self.created_on, Deadline.from_data(deadline))

    def start_cycle(self, started: datetime, deadline: Deadline) -> None:
        self.cycle += 1
        self.cycle_started = started
        self.deadline = deadline
        self.pauses: list[Pause] = []
        self.extensions: list[Extension] = []
        self.extension_requests = 0
        self.pending_extension = self.pending_extension_by = None
        self.closed_at = self.outcome = self.closed_on_time = self.callback = None
        self.reply_text, self.replied_at = None, None
        self.answered_on_time: bool | None = None
        self.cycle_overdue = False

    def note_clock(self, at: datetime) -> None:
        """Before each step: a running, unanswered cycle whose deadline has passed is overdue,
        and stays so for the rest of the cycle."""
        running = self.status not in (CaseStatus.PAUSED, CaseStatus.CLOSED, CaseStatus.TERMINATED)
        if running and self.replied_at is None and ran_out(self.deadline, at):
            self.cycle_overdue = True

    def record_answer(self, at: datetime, text: str) -> None:
        """The first answer of the cycle: it decides whether the cycle was handled on time."""
        self.status, self.replied_at, self.reply_text = CaseStatus.REPLIED, at, text
        self.answered_on_time = not self.cycle_overdue and not ran_out(self.deadline, at)

    @property
    def hours_limit(self) -> bool:
        return self.deadline.derivation.get("unit") == "hours"

    def local_date(self, at: datetime) -> date:
        return at.astimezone(self.deadline.due_at.tzinfo).date()

    def note_handler(self, login: str) -> None:
        if login not in self.handlers:
            self.handlers.append(login)

    @property
    def is_open(self) -> bool:
        return self.status in rules.OPEN_STATUSES

    def allowed_steps(self, actor: Actor | None = None) -> list[str]:
        return rules.allowed_steps(self.status, actor.role if actor else None)

    # Commands. Each checks the step against the status and the actor's role, then records it.

    @classmethod
    def file(
        cls,
        intake: Intake,
        *,
        actor: Actor,
        at: datetime,
        time: Timekeeping,
        at_desk: bool = False,
    ) -> Self:
        """Intake. A staff member who records a demand owns it (首问负责制); a demand filed by an
        enterprise online waits for the first staff member to receive it. A confidential one
        (every 举报) is owned only by staff of the receiving desk (``at_desk``): recorded
        anywhere else, it waits for the desk, outside the common intake queue."""
        rules.check_choice(intake.case_type, rules.CASE_TYPES, "case type")
        rules.check_choice(intake.channel, rules.CHANNELS, "channel")
        if actor.role.value not in rules.FILER_ROLE_VALUES:
            raise NotPermittedError(
                f"a {actor.role} may not file a demand",
                code="role-may-not-file", params={"role": actor.role},
            )
        if not intake.summary.strip():
            raise InvalidInputError(
                "a demand needs a summary of what is asked",
                code="summary-required",
            )
        if intake.real_name and not (intake.filer_name and intake.filer_name.strip()):
            raise InvalidInputError(
                "a real-name demand needs the filer's name",
                code="filer-name-required",
            )
        policy = time.policy
        deadline = new_deadline(
            intake.case_type, intake.service_item, emergency=intake.emergency, at=at, time=time
        )
        confidential = intake.confidential or intake.case_type == "report"
        staff = actor.role.value in rules.STAFF_ROLE_VALUES
        owner = actor.id if staff and (at_desk or not confidential) else None
        return cls._create_by(
            cls.Filed,
            id=uuid4(),
            actor=actor,
            at=at,
            case_type=intake.case_type,
            channel=intake.channel,
            summary=intake.summary.strip(),
            enterprise_id=intake.enterprise_id,
            filer_name=intake.filer_name if intake.real_name else None,
            filer_contact=intake.filer_contact,
            filer_subject=intake.filer_subject,
            real_name=intake.real_name,
            # A report of misconduct (举报) always protects the filer's identity.
            confidential=confidential,
            emergency=intake.emergency,
            source_visit_id=intake.source_visit_id,
            service_item=intake.service_item,
            owner=owner,
            deadline=deadline.to_data(),
            policy_version=policy.version,
            location=intake.location.to_data()
            if intake.location and not intake.location.empty
            else None,
            reported_unit_id=intake.reported_unit_id,
        )

    def receive(self, *, actor: Actor, at: datetime, standing: Standing | None = None) -> None:
        rules.check_step("receive", self.status, actor)
        rules.check_confidential_receiver(
            actor, standing or Standing(None), confidential=self.confidential
        )
        if self.owner is not None:
            raise InvalidInputError(
                f"this case is already owned by {self.owner}",
                code="case-already-owned", params={"owner": self.owner},
            )
        self._record(self.Received, actor=actor, at=at)

    def hand_over(
        self,
        to: rules.HandOverTarget,
        reason: str,
        *,
        actor: Actor,
        at: datetime,
        standing: Standing,
    ) -> None:
        """Transfer first-asker ownership; "not my department" must end here, with a reason.
        Only to someone who can take the case's steps; a confidential case stays with the desk
        and the units it was routed to."""
        rules.check_step("hand_over", self.status, actor)
        units = (self.lead_unit_id, *self.co_unit_ids)
        rules.check_hand_over_target(to, standing, confidential=self.confidential, units=units)
        to_owner = to.login
        reason = rules.require_reason(reason, "a hand-over")
        if to_owner == self.owner:
            raise InvalidInputError(
                f"{to_owner} already owns this case",
                code="already-owner", params={"owner": to_owner},
            )
        self._record(
            self.HandedOver,
            actor=actor,
            at=at,
            from_owner=self.owner,
            to_owner=to_owner,
            reason=reason,
        )

    def answer_directly(self, answer: str, *, actor: Actor, at: datetime) -> None:
        rules.check_step("answer_directly", self.status, actor)
        self._record(
            self.AnsweredDirectly,
            actor=actor,
            at=at,
            answer=rules.require_reason(answer, "a direct answer"),
        )

    def dispatch(
        self,
        lead_unit_id: UUID,
        co_unit_ids: list[UUID],
        *,
        actor: Actor,
        at: datetime,
        time: Timekeeping,
        note: str | None = None,
    ) -> None:
        rules.check_step("dispatch", self.status, actor)
        rules.check_not_to_reported_unit(
            self.reported_unit_id, (lead_unit_id, *co_unit_ids), confidential=self.confidential
        )
        if lead_unit_id in co_unit_ids:
            raise InvalidInputError(
                "the lead unit cannot also be a co-handling unit", code="lead-unit-also-co-unit"
            )
        if self.dispatch_limit_missed(at, time.policy):
            # The warning the watcher would have given: recorded before the late dispatch.
            self.alert_dispatch(actor=SYSTEM, at=at, policy=time.policy)
        return_due = add_working_days(
            time.calendar, self.local_date(at), time.policy.return_window_working_days
        )
        self._record(
            self.Dispatched,
            actor=actor,
            at=at,
            lead_unit_id=lead_unit_id,
            co_unit_ids=list(dict.fromkeys(co_unit_ids)),
            note=note,
            return_due=return_due.isoformat(),
            policy_version=time.policy.version,
        )

    def request_return(
        self, reason: str, *, actor: Actor, at: datetime, standing: Standing
    ) -> None:
        """退单: the lead unit says it was misrouted, within the policy's return window."""
        rules.check_step("request_return", self.status, actor)
        rules.check_return_requester(actor, standing, self.lead_unit_id)
        reason = rules.require_reason(reason, "a return request")
        assert self.return_due is not None
        if at >= end_of_day(self.return_due, _tz(self.deadline)):
            raise InvalidInputError(
                f"a return had to be requested by {self.return_due.isoformat()};"
                " handle the case or ask the dispatcher to re-route it",
                code="return-requested-after-window",
                params={"due": self.return_due.isoformat()},
            )
        self._record(self.ReturnRequested, actor=actor, at=at, reason=reason)

    def decide_return(
        self, approved: bool, reason: str, *, actor: Actor, at: datetime, standing: Standing
    ) -> None:
        """Decided by the dispatching side; the return counts against the unit that asked."""
        rules.check_step("decide_return", self.status, actor)
        rules.check_not_requester(actor, self.return_requested_by, "return")
        rules.check_return_decider(
            actor, standing, dispatcher=self.dispatched_by, returning_unit=self.returning_unit
        )
        self._record(
            self.ReturnDecided,
            actor=actor,
            at=at,
            approved=approved,
            reason=rules.require_reason(reason, "a return decision"),
            unit_id=self.lead_unit_id,
        )

    def sign_for(self, *, actor: Actor, at: datetime) -> None:
        rules.check_step("sign_for", self.status, actor)
        self._record(self.SignedFor, actor=actor, at=at)

    def record_contact(self, note: str, *, actor: Actor, at: datetime) -> None:
        rules.check_step("record_contact", self.status, actor)
        self._record(
            self.EnterpriseContacted,
            actor=actor,
            at=at,
            note=rules.require_reason(note, "a contact record"),
        )

    def record_site_visit(self, note: str, *, actor: Actor, at: datetime) -> None:
        rules.check_step("record_site_visit", self.status, actor)
        self._record(
            self.SiteVisited,
            actor=actor,
            at=at,
            note=rules.require_reason(note, "a site visit record"),
        )

    def pause(self, pause_kind: str, reason: str, *, actor: Actor, at: datetime) -> None:
        """Stop the clock for 补正 (supplement), a hearing, testing or expert review; only
        before the deadline, since an overdue cycle stays overdue."""
        step = "request_supplement" if pause_kind == "supplement" else "pause"
        rules.check_step(step, self.status, actor)
        rules.check_choice(pause_kind, rules.PAUSE_KINDS, "pause kind")
        if ran_out(self.deadline, at):
            raise InvalidInputError(
                f"the deadline passed at {self.deadline.due_at.isoformat()}; the clock can be"
                " stopped only before it, and this handling cycle counts as overdue: reply, or"
                " record the step without stopping the clock",
                code="pause-after-deadline",
                params={"due_at": self.deadline.due_at.isoformat()},
            )
        self._record(
            self.Paused,
            actor=actor,
            at=at,
            pause_kind=pause_kind,
            reason=rules.require_reason(reason, "stopping the clock"),
        )

    def resume(self, note: str, *, actor: Actor, at: datetime, time: Timekeeping) -> None:
        step = (
            "receive_supplement"
            if self.pauses[-1:] and self.pauses[-1].kind == "supplement"
            else "resume"
        )
        rules.check_step(step, self.status, actor)
        pauses = [*self.pauses[:-1], self.pauses[-1].ended(self.local_date(at), at)]
        deadline = recount(self.deadline, pauses, self.extensions, time)
        self._record(
            self.Resumed,
            actor=actor,
            at=at,
            note=rules.require_reason(note, "restarting the clock"),
            deadline=deadline.to_data(),
        )

    def request_extension(
        self, new_due: date, reason: str, *, actor: Actor, at: datetime, time: Timekeeping
    ) -> None:
        """延期: only before the deadline, at most the policy's count and length (working days;
        hours for an emergency, whose ``new_due`` is then a time)."""
        rules.check_step("request_extension", self.status, actor)
        reason = rules.require_reason(reason, "an extension request")
        limits = time.policy.extension
        if ran_out(self.deadline, at):
            raise InvalidInputError(
                f"the deadline passed at {self.deadline.due_at.isoformat()}; an extension can"
                " only be asked before it, and the case counts as overdue",
                code="extension-requested-after-deadline",
                params={"due_at": self.deadline.due_at.isoformat()},
            )
        if self.pending_extension is not None:
            raise InvalidInputError(
                "an extension request is already waiting for a decision",
                code="extension-already-pending",
            )
        if self.extension_requests >= limits.max_count:
            raise InvalidInputError(
                f"policy {time.policy.version} allows {limits.max_count} extension(s) per case",
                code="extension-count-exhausted",
                params={"most": limits.max_count},
            )
        asked = measure_extension(self.deadline, new_due, time)
        self._record(
            self.ExtensionRequested,
            actor=actor,
            at=at,
            working_days=asked.working_days,
            new_due=asked.new_due.isoformat(),
            reason=reason,
            policy_version=time.policy.version,
            hours=asked.hours,
        )

    def decide_extension(
        self,
        approved: bool,
        reason: str,
        *,
        actor: Actor,
        at: datetime,
        time: Timekeeping,
        standing: Standing,
    ) -> None:
        """The lead unit's head decides, never the one who asked; an approval comes by the
        deadline it extends (or within the policy's grace, which leaves the cycle overdue)."""
        rules.check_step("decide_extension", self.status, actor)
        if self.pending_extension is None:
            raise InvalidInputError(
                "no extension request is waiting for a decision", code="no-extension-pending"
            )
        rules.check_not_requester(actor, self.pending_extension_by, "extension")
        rules.check_extension_decider(actor, standing, self.lead_unit_id)
        closes = decision_closes(self.deadline, time)
        if approved and at >= closes:
            raise InvalidInputError(
                f"an extension had to be decided by {closes.isoformat()} (the deadline it"
                f" extends, plus policy {time.policy.version}'s grace); it can only be refused"
                " now, and the case counts as overdue",
                code="extension-decided-after-deadline",
                params={"due": self.deadline.due.isoformat(), "closed_at": closes.isoformat()},
            )
        hours = self.pending_extension if self.hours_limit else 0
        days = 0 if self.hours_limit else self.pending_extension
        deadline = None
        if approved:
            extension = Extension(days, self.local_date(at), reason, hours=hours)
            deadline = recount(self.deadline, self.pauses, [*self.extensions, extension], time)
        verdict = "approved" if approved else "refused"
        notice = f"延期申请{('已批准' if approved else '未批准')} / extension {verdict}" + (
            f": new due date {deadline.due.isoformat()}" if deadline else ""
        )
        self._record(
            self.ExtensionDecided,
            actor=actor,
            at=at,
            approved=approved,
            working_days=days,
            reason=rules.require_reason(reason, "a decision"),
            enterprise_notice=notice,
            deadline=deadline.to_data() if deadline else None,
            hours=hours,
        )

    def reply(self, text: str, *, actor: Actor, at: datetime) -> None:
        rules.check_step("reply", self.status, actor)
        self._record(self.Replied, actor=actor, at=at, reply=rules.require_reason(text, "a reply"))

    def record_callback(
        self, resolved: bool, satisfied: bool, note: str, *, actor: Actor, at: datetime
    ) -> None:
        """回访: did the reply solve it, and is the enterprise satisfied?"""
        rules.check_step("record_callback", self.status, actor)
        self._record(
            self.CallbackRecorded,
            actor=actor,
            at=at,
            resolved=resolved,
            satisfied=satisfied,
            note=note.strip(),
        )

    def close(self, outcome: str, reason: str, *, actor: Actor, at: datetime) -> None:
        """Closing is not solving: the outcome is recorded separately from the closure."""
        rules.check_step("close", self.status, actor)
        rules.check_choice(outcome, rules.OUTCOMES, "outcome")
        self._record(
            self.Closed,
            actor=actor,
            at=at,
            outcome=outcome,
            reason=rules.require_reason(reason, "closing"),
            # The answer decided it; the callback and the closure come after and change nothing.
            on_time=bool(self.answered_on_time),
        )

    def reopen(self, reason: str, *, actor: Actor, at: datetime, time: Timekeeping) -> None:
        """重办: a new handling cycle with a fresh time limit from the reopening."""
        rules.check_step("reopen", self.status, actor)
        deadline = new_deadline(
            self.case_type, self.service_item, emergency=self.emergency, at=at, time=time
        )
        self._record(
            self.Reopened,
            actor=actor,
            at=at,
            reason=rules.require_reason(reason, "reopening"),
            deadline=deadline.to_data(),
        )

    def request_termination(self, reason: str, *, actor: Actor, at: datetime) -> None:
        """Ask the head to end handling (终止办理): one request waits at a time."""
        rules.check_step("request_termination", self.status, actor)
        reason = rules.require_reason(reason, "a termination request")
        if self.pending_termination_by is not None:
            raise InvalidInputError(
                "a termination request is already waiting for a decision",
                code="termination-already-pending",
            )
        self._record(self.TerminationRequested, actor=actor, at=at, reason=reason)

    def refuse_termination(
        self, reason: str, *, actor: Actor, at: datetime, standing: Standing
    ) -> None:
        """The head (or a supervisor) refuses a termination request: handling goes on."""
        rules.check_step("refuse_termination", self.status, actor)
        if self.pending_termination_by is None:
            raise InvalidInputError(
                "no termination request is waiting for a decision",
                code="no-termination-pending",
            )
        rules.check_not_requester(actor, self.pending_termination_by, "termination")
        rules.check_terminator(actor, standing, self.lead_unit_id)
        self._record(
            self.TerminationRefused,
            actor=actor,
            at=at,
            reason=rules.require_reason(reason, "a termination decision"),
        )

    def terminate(
        self, reason: str, requested_by: str, *, actor: Actor, at: datetime, standing: Standing
    ) -> None:
        """终止办理, approved by the head or supervisor who takes this step: never the one who
        asked for it, and a unit head only for a case of their own unit."""
        rules.check_step("terminate", self.status, actor)
        rules.check_not_requester(actor, requested_by.strip(), "termination")
        rules.check_terminator(actor, standing, self.lead_unit_id)
        self._record(
            self.Terminated,
            actor=actor,
            at=at,
            reason=rules.require_reason(reason, "terminating"),
            requested_by=requested_by,
        )

    def recompute_deadline(
        self, reason: str, *, actor: Actor, at: datetime, time: Timekeeping
    ) -> bool:
        """Recount with the calendar in force; records an event only if the result changed."""
        rules.check_step("recompute_deadline", self.status, actor)
        if self.emergency or self.status == CaseStatus.PAUSED:
            return False
        deadline = recount(self.deadline, self.pauses, self.extensions, time)
        if deadline.to_data() == self.deadline.to_data():
            return False
        self._record(
            self.DeadlineRecomputed, actor=actor, at=at, reason=reason, deadline=deadline.to_data()
        )
        return True

    def alert(self, level: str, *, actor: Actor, at: datetime, policy: Policy) -> None:
        """Record a yellow/red card, reminder (催办) or criticism (通报批评), once per cycle."""
        rules.check_step("alert", self.status, actor)
        if (self.cycle, level) in self.alerts:
            raise InvalidInputError(
                f"{level} was already issued for cycle {self.cycle}",
                code="alert-already-issued",
                params={"level": level, "cycle": self.cycle},
            )
        self._record(
            self.TimeLimitAlerted,
            actor=actor,
            at=at,
            level=level,
            due=self.deadline.due.isoformat(),
            cycle=self.cycle,
            policy_version=policy.version,
        )

    def dispatch_due_at(self, policy: Policy) -> datetime | None:
        """When an emergency must be dispatched by (None: not an emergency)."""
        if not self.emergency:
            return None
        return self.created_on + timedelta(hours=policy.emergency_dispatch_hours)

    def dispatch_limit_missed(self, at: datetime, policy: Policy) -> bool:
        """An emergency still waiting for its first dispatch (or a direct answer) at ``at``,
        past the policy's dispatch hours, and not yet warned about it."""
        due = self.dispatch_due_at(policy)
        waiting = self.first_dispatched_at is None and self.replied_at is None and self.is_open
        return due is not None and waiting and not self.dispatch_alerted and at >= due

    def alert_dispatch(self, *, actor: Actor, at: datetime, policy: Policy) -> None:
        """Record that an emergency missed its dispatch limit (once per case)."""
        due = self.dispatch_due_at(policy)
        if due is None or self.dispatch_alerted:
            raise InvalidInputError(
                "only an emergency not yet warned can miss its dispatch limit",
                code="dispatch-alert-not-due",
            )
        self._record(
            self.DispatchLimitAlerted,
            actor=actor,
            at=at,
            due_at=due,
            hours=policy.emergency_dispatch_hours,
            policy_version=policy.version,
        )

    def state(self) -> dict[str, Any]:
        protected = "[confidential]" if self.confidential else PROTECTED
        # Every read of a case starts here: what names a confidential filer never leaves it.
        return disclosure.row({
            **super().state(),
            "case_type": self.case_type,
            "channel": self.channel,
            "status": self.status.value,
            "summary": self.summary,
            "emergency": self.emergency,
            "enterprise_id": str(self.enterprise_id) if self.enterprise_id else None,
            "real_name": self.real_name,
            "confidential": self.confidential,
            "filer_name": protected if self.filer_name else None,
            "filer_contact": protected if self.filer_contact else None,
            "filer_subject": str(self.filer_subject) if self.filer_subject else None,
            "reported_unit_id": str(self.reported_unit_id) if self.reported_unit_id else None,
            "owner": self.owner,
            "first_asker": self.first_asker,
            "handlers": list(self.handlers),
            "lead_unit_id": str(self.lead_unit_id) if self.lead_unit_id else None,
            "co_unit_ids": [str(u) for u in self.co_unit_ids],
            "cycle": self.cycle,
            "due": self.deadline.due.isoformat(),
            "due_at": self.deadline.due_at.isoformat(),
            "provisional": self.deadline.provisional,
            "paused_since": self.pauses[-1].start.isoformat()
            if self.status == CaseStatus.PAUSED
            else None,
            "pending_extension_days": None if self.hours_limit else self.pending_extension,
            "pending_extension_hours": self.pending_extension if self.hours_limit else None,
            "returns": self.returns,
            "improper_returns": self.improper_returns,
            "reply": self.reply_text,
            "answered_on_time": self.answered_on_time,
            "cycle_overdue": self.cycle_overdue,
            "callback": self.callback,
            "outcome": self.outcome,
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
            "closed_on_time": self.closed_on_time,
            "alerts": sorted(f"{cycle}:{level}" for cycle, level in self.alerts),
            "allowed_steps": self.allowed_steps(),
        })


def _case(aggregate: Aggregate) -> Case:
    assert isinstance(aggregate, Case)
    return aggregate


def _tz(deadline: Deadline) -> Any:
    return deadline.due_at.tzinfo
