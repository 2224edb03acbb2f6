"""What operators do with views: see how far behind they are, rebuild them, fingerprint them."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from infra.projections.log import EventLog
from infra.projections.runner import ProjectionRunner
from infra.views.store import SqlViewStore
from projections.base import Projection
from projections.checksum import digest
from projections.store import Part, PositionMovedError, ViewStore, split_in

logger = logging.getLogger("casetrail.projections")


@dataclass(frozen=True)
class Status:
    name: str
    definition_version: str
    stored_version: str | None
    position: int
    head: int
    lag_events: int
    """Log positions between the view's position and the head."""
    lag_seconds: float
    """Business time between the event at the view's position and the newest event."""

    @property
    def state(self) -> str:
        if self.stored_version is None:
            return "not started"
        if self.stored_version != self.definition_version:
            return "needs rebuild"
        return "caught up" if self.lag_events == 0 else "behind"


def status(log: EventLog, store: ViewStore, projections: Sequence[Projection]) -> list[Status]:
    head = log.head()
    head_time = log.timestamp_at(head) if head else None
    found: list[Status] = []
    for projection in projections:
        stored = store.position(projection.name)
        position = stored.position if stored else 0
        lag_seconds = 0.0
        if position < head and head_time is not None:
            at = log.timestamp_at(position)
            lag_seconds = max((head_time - at).total_seconds(), 0.0) if at else 0.0
        found.append(Status(
            projection.name, projection.version, stored.definition_version if stored else None,
            position, head, max(head - position, 0), lag_seconds,
        ))
    return found


REBUILD_BATCH_SIZE = 2000
"""Events per rebuild batch: a batch writes each row it touches once, so bigger batches write
less (a case's row once for its whole history) while staying a short transaction."""


def rebuild(
    log: EventLog,
    store: ViewStore,
    projection: Projection,
    *,
    batch_size: int = REBUILD_BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Replay the whole log into fresh tables beside the serving view and switch to them;
    returns the events applied.

    Readers see the old view until the switch, which is atomic. An interrupted rebuild is
    carried on by the next call. A runner working at the same time keeps the serving view
    current meanwhile; the switch moves its position, and its next batch re-reads from there.
    """
    runner = ProjectionRunner(
        log, store, [projection], batch_size=batch_size,
        progress=(lambda _p, position, head: progress(position, head)) if progress else None,
    )
    store.ensure(projection)
    return runner.rebuild(projection)


def rebuild_together(
    log: EventLog, store: ViewStore, projections: Sequence[Projection], *,
    batch_size: int = REBUILD_BATCH_SIZE,
) -> dict[str, int]:
    """``rebuild`` each of ``projections``, the log read once for all of them
    (``ProjectionRunner.rebuild_together``); the events each applied."""
    runner = ProjectionRunner(log, store, projections, batch_size=batch_size)
    for projection in projections:
        store.ensure(projection)
    return runner.rebuild_together(projections)


def begin_split(store: ViewStore, projection: Projection, of: int) -> list[Part]:
    """Begin (or carry on) a rebuild of ``projection`` in ``of`` parts, each to be replayed by
    ``rebuild_part``, then merged and finished by ``finish_split``; the parts, or none where
    the rebuild cannot be split (the store, the read model, one part) or an unsplit one
    under the same definition is to be carried on instead."""
    if of < 2 or not projection.split:
        return []
    if not isinstance(store, SqlViewStore) or not store.can_split:
        return []
    store.ensure(projection)
    split = split_in(of)
    return split if store.begin_split(projection, split) else []


def rebuild_part(
    log: EventLog, store: ViewStore, projection: Projection, part: Part, *,
    batch_size: int = REBUILD_BATCH_SIZE,
) -> int:
    """Replay ``part``'s share of the log up to its head, as it is now, into the split rebuild
    (``begin_split``); returns the events applied. Interrupted, it carries on from the part's
    position next time."""
    runner = ProjectionRunner(log, store, [projection], batch_size=batch_size)
    return runner.advance_part(projection, part, log.head())


def finish_split(
    log: EventLog, store: ViewStore, projection: Projection, *,
    batch_size: int = REBUILD_BATCH_SIZE,
) -> int:
    """Bring every part of the split rebuild of ``projection`` to one position, add up their
    sums there (``SqlViewStore.merge_split``), then carry the rebuild on unsplit to the head and
    switch to it; returns the events applied. With no parts under way (merged already), only
    the last."""
    runner = ProjectionRunner(log, store, [projection], batch_size=batch_size)
    applied = 0
    while isinstance(store, SqlViewStore) and (under_way := sorted(store.parts(projection))):
        head = log.head()
        for part in under_way:
            applied += runner.advance_part(projection, part, head)
        try:
            store.merge_split(projection, under_way, head)
        except PositionMovedError as moved:  # a part moved on meanwhile: to the new head
            logger.info("%s", moved)
    store.ensure(projection)
    return applied + runner.rebuild(projection)


def checksums(store: ViewStore, projections: Sequence[Projection]) -> list[tuple[str, str]]:
    """``(name, sha256)`` per projection, over its rows in canonical order."""
    for projection in projections:
        store.ensure(projection)  # a view never run is empty, not an error
    return [(p.name, digest(p, store.rows)) for p in projections]
