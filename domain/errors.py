"""Domain errors. Each message says what was wrong and, where useful, what is allowed."""

from __future__ import annotations


class DomainError(Exception):
    """A command broke a rule of the domain; nothing was recorded."""


class IllegalStepError(DomainError):
    """The step is not allowed in the aggregate's current state."""

    def __init__(self, step: str, state: str, allowed: list[str]) -> None:
        self.step, self.state, self.allowed = step, state, sorted(allowed)
        listed = ", ".join(self.allowed) if self.allowed else "nothing"
        super().__init__(f"cannot {step} while the case is {state}; allowed now: {listed}")


class NotPermittedError(DomainError):
    """The actor's role may not take this step."""


class InvalidInputError(DomainError):
    """A value given with the command is missing or out of range."""


class NotFoundError(DomainError):
    """No aggregate exists with that id."""


class AlreadyExistsError(DomainError):
    """An aggregate with that identity was created before."""


class ConflictError(DomainError):
    """Someone else changed the aggregate since it was read; the step was not recorded."""

    def __init__(self, aggregate_id: object, expected: int | None, current: int) -> None:
        self.aggregate_id, self.expected, self.current = aggregate_id, expected, current
        seen = f"version {expected}" if expected is not None else "an older version"
        super().__init__(
            f"{aggregate_id} changed since {seen} was read (it is now at version {current});"
            " reload it and try again"
        )
