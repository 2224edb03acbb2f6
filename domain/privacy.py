"""Personal data: sealed per data subject, revealed only on need, erasable by key destruction.

A filer's name and contact never enter an event in clear: the application seals them with a
key of the filer's own (a data subject), and the event keeps only the sealed text. Destroying
that key (crypto-shredding, for PIPL erasure) makes every copy unreadable while the history,
and its hash chain, stay intact. Who read a protected identity, when and why, is an event on
the subject; so is the erasure, which tells stream consumers to drop their copies.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Protocol, Self
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actors import Actor, Role
from domain.base import Tracked
from domain.errors import InvalidInputError, NotPermittedError

SEALED = "sealed:"
PROTECTED, ERASED = "[protected]", "[erased]"

# Whoever reads a confidential identity (举报 filers, or filers who asked for it) needs a
# reason the discipline rules accept; the unit or person reported is never among them.
CONFIDENTIAL_READERS = frozenset({Role.INSPECTOR, Role.SUPERVISOR})
HANDLING_READERS = frozenset({Role.WINDOW_STAFF, Role.UNIT_HEAD, *CONFIDENTIAL_READERS})


class Vault(Protocol):
    """Seals values under a subject's key; forgets the key on erasure."""

    def seal(self, subject: UUID, value: str) -> str:
        """The sealed form of ``value``, starting with ``SEALED``."""

    def open(self, sealed: str) -> str | None:
        """The value, or None when its subject was erased."""

    def erase(self, subject: UUID) -> bool:
        """Destroy the subject's key; False when there was none."""


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(SEALED)


class DataSubject(Tracked):
    """A person whose data Casetrail holds sealed: what it is for, who read it, its erasure."""

    kind: ClassVar[str] = "data_subject"

    class Registered(Tracked.Created):
        case_id: UUID
        confidential: bool

    class Revealed(Tracked.Event):
        case_id: UUID
        purpose: str

    class Erased(Tracked.Event):
        reason: str
        case_id: UUID

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, DataSubject)
            aggregate.erased_at = self.timestamp

    def __init__(self, case_id: UUID, confidential: bool) -> None:
        self.case_id, self.confidential = case_id, confidential
        self.erased_at: datetime | None = None

    @classmethod
    def register(
        cls, subject: UUID, case_id: UUID, *, confidential: bool, actor: Actor, at: datetime
    ) -> Self:
        return cls._create_by(
            cls.Registered,
            id=subject,
            actor=actor,
            at=at,
            case_id=case_id,
            confidential=confidential,
        )

    def require_reader(self, actor: Actor) -> None:
        """Refuse anyone without a need to know (for a confidential identity: inspectors and
        supervisors only, never the unit or person reported)."""
        readers = CONFIDENTIAL_READERS if self.confidential else HANDLING_READERS
        if actor.role not in readers:
            what = "a confidential identity" if self.confidential else "a filer's identity"
            raise NotPermittedError(f"a {actor.role} may not read {what}")

    def reveal(self, purpose: str, *, actor: Actor, at: datetime) -> None:
        """Record that ``actor`` read the identity; refused without need or a purpose."""
        self.require_reader(actor)
        if not purpose.strip():
            raise InvalidInputError("reading a protected identity needs a purpose")
        self._record(
            self.Revealed, actor=actor, at=at, case_id=self.case_id, purpose=purpose.strip()
        )

    def erase(self, reason: str, *, actor: Actor, at: datetime) -> None:
        if actor.role not in (Role.ADMIN, Role.SYSTEM):
            raise NotPermittedError(f"only an admin erases personal data, not a {actor.role}")
        if self.erased_at is not None:
            raise InvalidInputError(f"subject {self.id} was erased on {self.erased_at:%Y-%m-%d}")
        if not reason.strip():
            raise InvalidInputError("an erasure needs a reason (retention ended, request, …)")
        self._record(self.Erased, actor=actor, at=at, reason=reason.strip(), case_id=self.case_id)

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "case_id": str(self.case_id),
            "confidential": self.confidential,
            "erased_at": self.erased_at.isoformat() if self.erased_at else None,
        }
