"""The vocabulary and the rules of a case: types, channels, statuses, who may take which step.

Beyond role and status, the decisions that move a published figure follow separation of duties
(``check_*`` below): whoever asks for an extension, a return or a termination never decides it;
an extension is decided by the head of the unit that leads the case; a return by the dispatching
side, never by the unit that asked; a unit head terminates only its own unit's cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from domain.actors import Actor, Role
from domain.errors import IllegalStepError, InvalidInputError, NotPermittedError

CASE_TYPES = {
    "consultation": "咨询",
    "help": "求助",
    "complaint": "投诉",
    "report": "举报",
    "suggestion": "建议",
}
CHANNELS = {
    "window": "窗口",
    "hotline_12345": "12345热线",
    "web": "网站",
    "mobile": "移动端",
    "letter": "信件",
    "visit_finding": "走访发现",
    "party_building": "智慧党建",
    "stationed_staff": "驻企服务",
}
PAUSE_KINDS = {
    "supplement": "补正",
    "hearing": "听证",
    "testing": "检验检测",
    "expert_review": "专家评审",
}
OUTCOMES = {
    "solved": "已解决",
    "partly_solved": "部分解决",
    "explained": "已解释说明/于法无据",
    "not_in_remit": "非本单位职责",
}


class CaseStatus(StrEnum):
    RECEIVED = "received"
    DISPATCHED = "dispatched"
    RETURN_REQUESTED = "return_requested"
    IN_PROGRESS = "in_progress"
    PAUSED = "paused"
    REPLIED = "replied"
    CLOSED = "closed"
    TERMINATED = "terminated"


OPEN_STATUSES = frozenset(CaseStatus) - {CaseStatus.CLOSED, CaseStatus.TERMINATED}
_HANDLING = frozenset({CaseStatus.IN_PROGRESS})
_STAFF = frozenset({Role.WINDOW_STAFF, Role.UNIT_HEAD})
STAFF_ROLE_VALUES = frozenset(r.value for r in _STAFF)
FILER_ROLE_VALUES = STAFF_ROLE_VALUES | {
    Role.ENTERPRISE.value,
    Role.LEADER.value,
    Role.SUPERVISOR.value,
}
_HEADS = frozenset({Role.UNIT_HEAD, Role.SUPERVISOR})

# step -> (statuses in which it is allowed, roles that may take it)
STEPS: dict[str, tuple[frozenset[CaseStatus], frozenset[Role]]] = {
    "receive": (frozenset({CaseStatus.RECEIVED}), _STAFF),
    "hand_over": (OPEN_STATUSES - {CaseStatus.REPLIED}, _STAFF),
    "answer_directly": (frozenset({CaseStatus.RECEIVED}), _STAFF),
    "dispatch": (frozenset({CaseStatus.RECEIVED}), _STAFF | {Role.SUPERVISOR}),
    "request_return": (frozenset({CaseStatus.DISPATCHED, CaseStatus.IN_PROGRESS}), _STAFF),
    # The dispatching side decides: the staff member who dispatched, or a supervisor.
    "decide_return": (frozenset({CaseStatus.RETURN_REQUESTED}), _STAFF | {Role.SUPERVISOR}),
    "sign_for": (frozenset({CaseStatus.DISPATCHED}), _STAFF),
    "record_contact": (_HANDLING, _STAFF),
    "record_site_visit": (_HANDLING, _STAFF),
    "request_supplement": (_HANDLING, _STAFF),
    "receive_supplement": (frozenset({CaseStatus.PAUSED}), _STAFF),
    "pause": (_HANDLING, _STAFF),
    "resume": (frozenset({CaseStatus.PAUSED}), _STAFF),
    # An extension moves a running deadline: asked and decided while the clock runs.
    "request_extension": (_HANDLING, _STAFF),
    "decide_extension": (_HANDLING, frozenset({Role.UNIT_HEAD})),
    "reply": (_HANDLING, _STAFF),
    "record_callback": (frozenset({CaseStatus.REPLIED}), _STAFF),
    "close": (frozenset({CaseStatus.REPLIED}), _STAFF),
    "reopen": (frozenset({CaseStatus.CLOSED}), _STAFF | {Role.SUPERVISOR}),
    "terminate": (OPEN_STATUSES, _HEADS),
    "request_termination": (_HANDLING | {CaseStatus.PAUSED}, _STAFF),
    "refuse_termination": (OPEN_STATUSES, _HEADS),
    "alert": (OPEN_STATUSES, frozenset({Role.SYSTEM})),
    "recompute_deadline": (OPEN_STATUSES, frozenset({Role.SYSTEM, Role.ADMIN})),
}


def allowed_steps(status: CaseStatus, role: Role | None = None) -> list[str]:
    """The steps a case in ``status`` allows (for ``role``, when given), in a stable order."""
    return [
        step
        for step, (statuses, roles) in STEPS.items()
        if status in statuses and (role is None or role in roles)
    ]


def check_step(step: str, status: CaseStatus, actor: Actor) -> None:
    statuses, roles = STEPS[step]
    if actor.role not in roles:
        who = ", ".join(sorted(r.value for r in roles))
        raise NotPermittedError(
            f"a {actor.role} may not {step.replace('_', ' ')} (only: {who})",
            code="role-may-not-take-step", params={"role": actor.role, "step": step},
        )
    if status not in statuses:
        raise IllegalStepError(
            step.replace("_", " "),
            status.value,
            [s.replace("_", " ") for s in allowed_steps(status, actor.role)],
        )


def check_choice(value: str, choices: dict[str, str], label: str) -> None:
    if value not in choices:
        listed = ", ".join(f"{k} ({v})" for k, v in choices.items())
        raise InvalidInputError(
            f"{label} {value!r} is unknown; choose one of: {listed}",
            code="unknown-choice", params={"field": label, "value": value},
        )


# The step each phrase of ``require_reason`` names, so an edge can word it in its own language.
REASON_STEPS = {
    "a hand-over": "hand_over",
    "a direct answer": "answer_directly",
    "a return request": "request_return",
    "a return decision": "decide_return",
    "a contact record": "record_contact",
    "a site visit record": "record_site_visit",
    "stopping the clock": "pause",
    "restarting the clock": "resume",
    "an extension request": "request_extension",
    "a decision": "decide_extension",
    "a reply": "reply",
    "closing": "close",
    "reopening": "reopen",
    "terminating": "terminate",
    "a termination request": "request_termination",
    "a termination decision": "refuse_termination",
}


def require_reason(reason: str | None, step: str) -> str:
    if reason is None or not reason.strip():
        raise InvalidInputError(
            f"{step} needs a reason",
            code="reason-required",
            params={"step": REASON_STEPS.get(step, step)},
        )
    return reason.strip()


@dataclass(frozen=True)
class Standing:
    """What the directory says about a step's actor and the case, which a case cannot know."""

    actor_unit: UUID | None
    """The unit the actor works in (None: no unit, e.g. a supervisor)."""
    owner_unit: UUID | None = None
    """The unit of the case's owner: the responsible unit while no lead unit is named."""
    dispatcher_unit: UUID | None = None
    """The unit of whoever dispatched the case (looked up only while a return is pending)."""
    desk: UUID | None = None
    """The unit that receives confidential demands (policy ``privacy.confidential_desk``)."""


def check_not_requester(actor: Actor, requester: str | None, what: str) -> None:
    """Separation of duties: who asked for ``what`` may not decide it."""
    if requester is not None and actor.id == requester:
        raise NotPermittedError(
            f"{actor.id} asked for this {what} and may not also decide it; someone else with"
            " the right to decide it does",
            code="requester-may-not-decide",
            params={"what": what, "requester": requester},
        )


def check_extension_decider(actor: Actor, standing: Standing, lead_unit: UUID | None) -> None:
    """An extension is decided by the head of the unit responsible for the case."""
    responsible = lead_unit or standing.owner_unit
    if responsible is None or standing.actor_unit != responsible:
        raise NotPermittedError(
            f"{actor.id} is not the head of the unit leading this case; an extension is decided"
            " by the head of the lead unit",
            code="extension-decided-by-lead-unit-head",
            params={"decider": actor.id},
        )


def check_return_requester(actor: Actor, standing: Standing, lead_unit: UUID | None) -> None:
    """A return (退单) is asked by the lead unit, and is counted against it."""
    if lead_unit is None or standing.actor_unit != lead_unit:
        raise NotPermittedError(
            f"{actor.id} does not work in the unit this case was dispatched to; only that unit"
            " may ask to return it",
            code="return-requested-by-lead-unit",
            params={"requester": actor.id},
        )


def check_return_decider(
    actor: Actor, standing: Standing, *, dispatcher: str | None, returning_unit: UUID | None
) -> None:
    """A return is decided by the dispatching side (the dispatcher, the head of the
    dispatcher's unit, or a supervisor), never by anyone of the unit that asked for it."""
    if returning_unit is not None and standing.actor_unit == returning_unit:
        raise NotPermittedError(
            f"{actor.id} works in the unit that asked for the return and may not decide it;"
            " the dispatcher or a supervisor decides",
            code="return-decided-by-returning-unit",
            params={"decider": actor.id},
        )
    dispatching_head = (
        actor.role is Role.UNIT_HEAD
        and standing.dispatcher_unit is not None
        and standing.actor_unit == standing.dispatcher_unit
    )
    if actor.role is not Role.SUPERVISOR and actor.id != dispatcher and not dispatching_head:
        raise NotPermittedError(
            f"a return is decided by the dispatching side: {dispatcher or 'the dispatcher'}, the"
            f" head of their unit, or a supervisor; not {actor.id}",
            code="return-decided-by-dispatching-side",
            params={"decider": actor.id, "dispatcher": dispatcher},
        )


def check_terminator(actor: Actor, standing: Standing, lead_unit: UUID | None) -> None:
    """A unit head terminates only a case its own unit is responsible for."""
    if actor.role is not Role.UNIT_HEAD:
        return
    responsible = lead_unit or standing.owner_unit
    if responsible is None or standing.actor_unit != responsible:
        raise NotPermittedError(
            f"{actor.id} heads another unit than the one responsible for this case; its own"
            " head or a supervisor may terminate it",
            code="termination-by-another-unit",
            params={"decider": actor.id},
        )


def check_confidential_receiver(actor: Actor, standing: Standing, *, confidential: bool) -> None:
    """A confidential demand (every 举报) is taken on at the receiving desk only: nobody else
    becomes its first asker, least of all the unit it reports on."""
    if confidential and (standing.desk is None or standing.actor_unit != standing.desk):
        raise NotPermittedError(
            f"{actor.id} does not work at the receiving desk for confidential demands",
            code="confidential-received-at-desk",
            params={"receiver": actor.id},
        )


def check_not_to_reported_unit(
    reported: UUID | None, units: tuple[UUID, ...], *, confidential: bool
) -> None:
    """A confidential report is never routed to the unit it reports on (纪检监察 rules art. 47:
    reporting materials are not forwarded to the reported)."""
    if confidential and reported is not None and reported in units:
        raise NotPermittedError(
            "a confidential report is never routed to the unit it reports on",
            code="confidential-to-reported-unit",
        )


@dataclass(frozen=True)
class HandOverTarget:
    """Whom a case is handed to, as the directory knows them."""

    login: str
    role: Role
    unit: UUID | None


def check_hand_over_target(
    target: HandOverTarget,
    standing: Standing,
    *,
    confidential: bool,
    units: tuple[UUID | None, ...],
) -> None:
    """A case is handed to someone who can take its steps (window staff or a unit head), and a
    confidential case only within the desk and the units it was routed to (``units``)."""
    if target.role.value not in STAFF_ROLE_VALUES:
        raise InvalidInputError(
            f"{target.login} is a {target.role.value}, who takes no step on a case; hand it to"
            " window staff or a unit head",
            code="hand-over-to-non-handler",
            params={"to": target.login, "role": target.role.value},
        )
    allowed = {u for u in (standing.desk, *units) if u is not None}
    if confidential and target.unit not in allowed:
        raise NotPermittedError(
            f"a confidential case stays with the receiving desk and the units it was routed to;"
            f" {target.login} works elsewhere",
            code="confidential-hand-over-outside",
            params={"to": target.login},
        )
