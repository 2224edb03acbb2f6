"""Log checkpoints: the hash of the whole event log at a position, recorded in the log itself.

The store binds every event into a hash chain (see docs/integrity.md). A checkpoint states
"the log chain at position P has hash H"; because it is an event like any other, it is chained
too, exported with dossiers and replicated to every reader of the stream. Anyone who kept a copy
of a checkpoint can later prove that nothing up to P was rewritten.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Self
from uuid import UUID

from domain.actors import Actor, Role
from domain.base import Tracked, named_id
from domain.errors import InvalidInputError, NotPermittedError

HASH_HEX_LENGTH = 64
REASONS = ("periodic", "on demand", "chain adopted")


class LogCheckpoint(Tracked):
    """One checkpoint; its id follows from the position, so a position is checkpointed once."""

    kind: ClassVar[str] = "log_checkpoint"

    class Recorded(Tracked.Created):
        position: int
        global_hash: str
        reason: str

    def __init__(self, position: int, global_hash: str, reason: str) -> None:
        self.position, self.global_hash, self.reason = position, global_hash, reason

    @staticmethod
    def id_for(position: int) -> UUID:
        return named_id("log_checkpoint", str(position))

    @classmethod
    def record(
        cls, position: int, global_hash: str, reason: str, *, actor: Actor, at: datetime
    ) -> Self:
        if actor.role not in (Role.SYSTEM, Role.INSPECTOR, Role.ADMIN):
            raise NotPermittedError(
                f"a {actor.role} does not record log checkpoints",
                code="checkpoint-by-role", params={"role": actor.role},
            )
        if position < 1:
            raise InvalidInputError(
                f"a checkpoint needs a log position, not {position}",
                code="checkpoint-position", params={"position": position},
            )
        if len(global_hash) != HASH_HEX_LENGTH or not _is_lower_hex(global_hash):
            raise InvalidInputError(
                "a checkpoint hash is 64 lower-case hexadecimal digits",
                code="checkpoint-hash-format",
            )
        if reason not in REASONS:
            raise InvalidInputError(
                f"checkpoint reason must be one of {', '.join(REASONS)}",
                code="checkpoint-reason", params={"reasons": list(REASONS)},
            )
        return cls._create_by(
            cls.Recorded,
            id=cls.id_for(position),
            actor=actor,
            at=at,
            position=position,
            global_hash=global_hash,
            reason=reason,
        )

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "position": self.position,
            "global_hash": self.global_hash,
            "reason": self.reason,
        }


def _is_lower_hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)
