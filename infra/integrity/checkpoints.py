"""Checkpoints: record the log hash at a position as an event, periodically or on demand.

Periodic checkpoints follow commits: when a commit's positions cross a multiple of the interval
(``INTEGRITY_CHECKPOINT_EVERY``, default 1000), the log hash at the commit's last position is
recorded. It is a separate transaction after the commit; if the process stops in between, that
checkpoint is missing (``casetrail verify --checkpoint`` records one at any time).
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent

from domain.actors import SYSTEM, Actor
from domain.errors import ConflictError, NotFoundError
from domain.integrity import LogCheckpoint
from domain.services.base import ServiceBase
from infra.integrity.chain import EventRow
from infra.integrity.findings import ClaimReader
from infra.integrity.standalone import CHECKPOINT_TOPIC
from infra.integrity.tables import chain_of

EVERY_KEY = "INTEGRITY_CHECKPOINT_EVERY"
DEFAULT_EVERY = 1000


def record_checkpoint(
    app: ServiceBase, reason: str, *, position: int | None = None, actor: Actor = SYSTEM
) -> LogCheckpoint | None:
    """Record the log hash at ``position`` (default: the end of the log).

    Returns None when that position was checkpointed already (by another process, say).
    """
    chain = chain_of(app.recorder)
    row = chain.head() if position is None else chain.chain_row_at(position)
    if row is None:
        raise NotFoundError(
            "the log is empty" if position is None else f"position {position} is not chained"
        )
    checkpoint = LogCheckpoint.record(
        row.position, row.global_hash.hex(), reason, actor=actor, at=app.now()
    )
    try:
        app.commit(checkpoint)
    except ConflictError:
        return None
    return checkpoint


class Checkpointer:
    """The commit listener that records a checkpoint every ``every`` positions."""

    def __init__(self, app: ServiceBase, every: int = DEFAULT_EVERY) -> None:
        if every < 2:
            raise ValueError(f"{EVERY_KEY} must be at least 2, not {every}")
        self.app, self.every = app, every

    def __call__(self, stored_events: Sequence[StoredEvent], positions: Sequence[int]) -> None:
        if all(event.topic == CHECKPOINT_TOPIC for event in stored_events):
            return
        low, high = min(positions), max(positions)
        if high // self.every > (low - 1) // self.every:
            record_checkpoint(self.app, "periodic", position=high)


def checkpoint_interval(app: ServiceBase) -> int:
    """The interval the application's environment asks for (``CASETRAIL_`` prefix allowed)."""
    text = (app.env.get(EVERY_KEY) or "").strip()
    try:
        return int(text) if text else DEFAULT_EVERY
    except ValueError:
        raise ValueError(f"{EVERY_KEY} must be a whole number, not {text!r}") from None


def claim_reader(mapper: Mapper[UUID]) -> ClaimReader:
    """Read checkpoints with the application's own mapper (which knows any cipher in use)."""

    def claim(row: EventRow) -> tuple[int, str] | None:
        stored = StoredEvent(UUID(row.originator_id), row.version, row.topic, row.state)
        try:
            event = mapper.to_domain_event(stored)
        except Exception:  # altered bytes can fail in any way; the caller reports them
            return None
        if not isinstance(event, LogCheckpoint.Recorded):
            return None
        return event.position, event.global_hash

    return claim
