"""Domain errors. Each message says what was wrong and, where useful, what is allowed.

Every error also carries a ``code`` naming the rule it enforces and the ``params`` its message
quotes. The English message serves logs and the command line; an edge that speaks another
language renders the code and params from its catalogue, and the API's problem documents carry
both so clients can do the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar


class DomainError(Exception):
    """A command broke a rule of the domain; nothing was recorded."""

    default_code: ClassVar[str] = "refused"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code or self.default_code
        self.params: dict[str, object] = dict(params or {})


class IllegalStepError(DomainError):
    """The step is not allowed in the aggregate's current state."""

    default_code = "step-not-allowed"

    def __init__(self, step: str, state: str, allowed: list[str]) -> None:
        self.step, self.state, self.allowed = step, state, sorted(allowed)
        listed = ", ".join(self.allowed) if self.allowed else "nothing"
        super().__init__(
            f"cannot {step} while the case is {state}; allowed now: {listed}",
            params={"step": step, "state": state, "allowed": self.allowed},
        )


class NotPermittedError(DomainError):
    """The actor's role may not take this step."""

    default_code = "not-permitted"


class InvalidInputError(DomainError):
    """A value given with the command is missing or out of range."""

    default_code = "invalid-input"


class NotFoundError(DomainError):
    """No aggregate exists with that id."""

    default_code = "not-found"


class AlreadyExistsError(DomainError):
    """An aggregate with that identity was created before."""

    default_code = "already-exists"


class BrokenRecordError(DomainError):
    """A record's stored events no longer replay (one is missing, out of order or unreadable):
    its history was changed outside the application. ``casetrail verify ID`` says where."""

    default_code = "record-broken"

    def __init__(self, aggregate_id: object, reason: str) -> None:
        self.aggregate_id = aggregate_id
        super().__init__(
            f"the stored history of record {aggregate_id} does not hold together ({reason});"
            f" nothing was changed: run `casetrail verify {aggregate_id}` to see where it breaks",
            params={"id": str(aggregate_id), "reason": reason},
        )


class ConflictError(DomainError):
    """Someone else changed the aggregate since it was read; the step was not recorded."""

    default_code = "version-conflict"

    def __init__(self, aggregate_id: object, expected: int | None, current: int) -> None:
        self.aggregate_id, self.expected, self.current = aggregate_id, expected, current
        seen = f"version {expected}" if expected is not None else "an older version"
        super().__init__(
            f"{aggregate_id} changed since {seen} was read (it is now at version {current});"
            " reload it and try again",
            params={"expected": expected, "current": current},
        )


class TooManyAttemptsError(DomainError):
    """Too many failed sign-ins for a login or from an address: refused until the lock ends."""

    default_code = "sign-in-locked"

    def __init__(self, retry_after_seconds: int, until: str) -> None:
        self.retry_after_seconds = max(1, retry_after_seconds)
        super().__init__(
            f"too many failed sign-ins; try again after {until} (in {self.retry_after_seconds} s)",
            params={"until": until, "retry_after_seconds": self.retry_after_seconds},
        )


class BusyError(DomainError):
    """The server is at its limit for an expensive step (password hashing); retry shortly."""

    default_code = "busy"

    def __init__(self, what: str, retry_after_seconds: int = 1) -> None:
        self.retry_after_seconds = retry_after_seconds
        super().__init__(
            f"too many {what} at once; try again in {retry_after_seconds} s",
            params={"what": what, "retry_after_seconds": retry_after_seconds},
        )


class StaleRecordError(Exception):
    """A write was refused because a record the command decided on, kept in memory, has a newer
    version in the store. Not a refusal: the command reads the record and decides again, so
    this never reaches a caller (``ServiceBase.trusting``)."""

    def __init__(self, message: str = "a record the command relied on has a newer version"):
        super().__init__(message)
