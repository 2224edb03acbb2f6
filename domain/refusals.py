"""Refusals shared by reviews, visits, supervision and accountability.

``IllegalStepError`` words its message for cases; these subclasses keep its meaning (the step is
not allowed in the current state, so the API answers alike) with messages that name the
aggregate they are about.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import TypeVar
from uuid import UUID

from domain.actors import Actor, Role
from domain.errors import DomainError, IllegalStepError, InvalidInputError, NotPermittedError


class StepRefusedError(IllegalStepError):
    """A step is not allowed now; the message says why in the aggregate's own words."""

    def __init__(
        self,
        step: str,
        state: str,
        message: str,
        allowed: Iterable[str] = (),
        *,
        code: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        self.step, self.state, self.allowed = step, state, sorted(allowed)
        DomainError.__init__(
            self,
            message,
            code=code,
            params={"step": step, "state": state, "allowed": self.allowed, **(params or {})},
        )


class ConcludedError(StepRefusedError):
    """The aggregate reached its end; it stays as it is, for the record."""

    def __init__(self, kind: str, aggregate_id: UUID, state: str, step: str) -> None:
        super().__init__(
            step,
            state,
            f"{kind} {aggregate_id} is {state}; nothing more can be recorded",
            code="concluded",
            params={"kind": kind},
        )


class WindowClosedError(StepRefusedError):
    """A step that must be taken within a period came after the period ran out."""

    def __init__(self, step: str, what: str, ended: datetime, rule: str) -> None:
        super().__init__(
            step,
            "window closed",
            f"cannot {step}: the window for {what} closed at {ended.isoformat()} ({rule})",
            code="window-closed",
            params={"what": what, "ended": ended.isoformat(), "rule": rule},
        )


E = TypeVar("E", bound=StrEnum)


def choice(kind: type[E], value: E | str, label: str) -> E:
    """``value`` as a member of ``kind``; an unknown value is an input error naming the options."""
    try:
        return kind(value)
    except ValueError:
        options = ", ".join(member.value for member in kind)
        raise InvalidInputError(
            f"{label} {value!r} is unknown (choose: {options})",
            code="unknown-choice",
            params={"field": label, "value": str(value), "options": [m.value for m in kind]},
        ) from None


def require_role(actor: Actor, roles: Collection[Role], doing: str) -> None:
    if actor.role not in roles:
        who = " or ".join(sorted(r.value for r in roles))
        article = "an" if who[0] in "aeio" else "a"  # "a unit_head", "an inspector"
        raise NotPermittedError(
            f"only {article} {who} may {doing}, not {actor.role.value}",
            code="role-may-not", params={"role": actor.role.value, "who": who, "doing": doing},
        )


def require_text(label: str, value: str | None) -> str:
    if value is None or not value.strip():
        raise InvalidInputError(
            f"{label} must not be empty",
            code="required", params={"field": label},
        )
    return value.strip()


def optional_text(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    return value.strip()


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def uid(value: UUID | None) -> str | None:
    return str(value) if value is not None else None
