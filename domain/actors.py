"""Who does things: every event names its actor and the role they acted in."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    WINDOW_STAFF = "window_staff"
    UNIT_HEAD = "unit_head"
    SUPERVISOR = "supervisor"
    INSPECTOR = "inspector"
    LEADER = "leader"
    ENTERPRISE = "enterprise"
    API_CONSUMER = "api_consumer"
    ADMIN = "admin"
    SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    """A person or the system, acting in one role."""

    id: str
    role: Role

    def __post_init__(self) -> None:
        if not self.id.strip():
            raise ValueError("an actor needs an id")


SYSTEM = Actor("system", Role.SYSTEM)
"""The actor for steps nobody took by hand: deadline warnings, recomputations."""
