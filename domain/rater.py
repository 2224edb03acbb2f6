"""Who gave an anonymous rating: hidden from units and staff, sealed as a data subject.

An anonymous rating names no rater in its own events, so the unit and the staff rated never
learn who it was. Yet abuse must be investigable: the rater's account is sealed under a key of
its own (the vault, as filers' identities are) in an aggregate whose id is that data subject.
Only an inspector opens it, for a stated purpose, and the read is recorded; destroying the key
erases it (crypto-shredding) and leaves the history intact.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Self
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actors import Actor, Role
from domain.base import Tracked
from domain.errors import InvalidInputError, NotPermittedError
from domain.privacy import is_sealed
from domain.refusals import iso, require_text

READERS = frozenset({Role.INSPECTOR})
ANONYMOUS = Actor("anonymous", Role.ENTERPRISE)
"""The actor an anonymous rater's steps are recorded as."""


class RaterAccount(Tracked):
    """The sealed account behind one anonymous rating, its reads and its erasure."""

    kind: ClassVar[str] = "rater_account"

    class Sealed(Tracked.Created):
        evaluation_id: UUID
        account: str

    class Revealed(Tracked.Event):
        purpose: str

    class Erased(Tracked.Event):
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, RaterAccount)
            aggregate.erased_at = self.timestamp

    def __init__(self, *, evaluation_id: UUID, account: str) -> None:
        self.evaluation_id, self.account = evaluation_id, account
        self.erased_at: datetime | None = None

    @classmethod
    def seal(cls, subject: UUID, evaluation_id: UUID, sealed: str, *, at: datetime) -> Self:
        """``sealed``: the rater's account, already sealed under ``subject``'s key."""
        if not is_sealed(sealed):
            raise InvalidInputError(
                "a rater's account is stored sealed, never in clear",
                code="rater-sealed",
            )
        return cls._create_by(
            cls.Sealed,
            id=subject,
            actor=ANONYMOUS,
            at=at,
            evaluation_id=evaluation_id,
            account=sealed,
        )

    def reveal(self, purpose: str, *, actor: Actor, at: datetime) -> None:
        """Record that an inspector read the account; nobody else may."""
        if actor.role not in READERS:
            raise NotPermittedError(
                f"a {actor.role.value} may not learn who gave an anonymous rating; only a"
                " discipline inspector may, for a recorded purpose",
                code="anonymous-rater-read-by-inspectors",
                params={"role": actor.role.value},
            )
        self._record(
            self.Revealed, actor=actor, at=at, purpose=require_text("the purpose", purpose)
        )

    def erase(self, reason: str, *, actor: Actor, at: datetime) -> None:
        if actor.role not in (Role.ADMIN, Role.SYSTEM):
            raise NotPermittedError(
                f"only an admin erases personal data, not a {actor.role}",
                code="erasure-by-admin", params={"role": actor.role},
            )
        if self.erased_at is not None:
            raise InvalidInputError(
                f"subject {self.id} was erased on {self.erased_at:%Y-%m-%d}",
                code="subject-erased", params={"erased_on": f"{self.erased_at:%Y-%m-%d}"},
            )
        self._record(self.Erased, actor=actor, at=at, reason=require_text("the reason", reason))

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "evaluation_id": str(self.evaluation_id),
            "erased_at": iso(self.erased_at),
        }
