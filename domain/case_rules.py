"""The vocabulary and the rules of a case: types, channels, statuses, who may take which step."""

from __future__ import annotations

from enum import StrEnum

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
    "decide_return": (frozenset({CaseStatus.RETURN_REQUESTED}), _HEADS),
    "sign_for": (frozenset({CaseStatus.DISPATCHED}), _STAFF),
    "record_contact": (_HANDLING, _STAFF),
    "record_site_visit": (_HANDLING, _STAFF),
    "request_supplement": (_HANDLING, _STAFF),
    "receive_supplement": (frozenset({CaseStatus.PAUSED}), _STAFF),
    "pause": (_HANDLING, _STAFF),
    "resume": (frozenset({CaseStatus.PAUSED}), _STAFF),
    "request_extension": (frozenset({CaseStatus.IN_PROGRESS, CaseStatus.PAUSED}), _STAFF),
    "decide_extension": (frozenset({CaseStatus.IN_PROGRESS, CaseStatus.PAUSED}), _HEADS),
    "reply": (_HANDLING, _STAFF),
    "record_callback": (frozenset({CaseStatus.REPLIED}), _STAFF),
    "close": (frozenset({CaseStatus.REPLIED}), _STAFF),
    "reopen": (frozenset({CaseStatus.CLOSED}), _STAFF | {Role.SUPERVISOR}),
    "terminate": (OPEN_STATUSES, _HEADS),
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
        raise NotPermittedError(f"a {actor.role} may not {step.replace('_', ' ')} (only: {who})")
    if status not in statuses:
        raise IllegalStepError(
            step.replace("_", " "),
            status.value,
            [s.replace("_", " ") for s in allowed_steps(status, actor.role)],
        )


def check_choice(value: str, choices: dict[str, str], label: str) -> None:
    if value not in choices:
        listed = ", ".join(f"{k} ({v})" for k, v in choices.items())
        raise InvalidInputError(f"{label} {value!r} is unknown; choose one of: {listed}")


def require_reason(reason: str | None, step: str) -> str:
    if reason is None or not reason.strip():
        raise InvalidInputError(f"{step} needs a reason")
    return reason.strip()
