"""The projection runner: brings every registered view up to the head of the log and keeps it there.

Each projection moves on from its own stored position, a batch at a time, each batch applied
with its new position in one transaction (see ``projections.store``). Stopping (``stop()``, or
SIGTERM/SIGINT through the CLI) takes effect between batches, so a clean stop never leaves a
batch half done; a crash leaves it undone, and the next run reads it again.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Sequence

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError

from infra.projections.follow import Backoff, Follower, ListenFollower, PollingFollower
from infra.projections.log import EventLog
from infra.views.store import SqlViewStore
from projections.base import Projection
from projections.store import Part, PositionMovedError, ViewStore

logger = logging.getLogger("casetrail.projections")

BATCH_SIZE = 200
REBUILD_SLICE = 25
"""Batches of a changed view's rebuild before the other views have their turn again: a server
started with a changed read model rebuilds it beside the old view while the others keep
following the log. (The old view itself waits for the switch: the new definition's code
cannot keep a view of the old one.)"""
# The database went away or is busy: worth retrying. Anything else (a projection's bug) is not.
TRANSIENT_ERRORS = (
    OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError,
    sqlite3.OperationalError,
)
IDLE_BATCHES = 50
"""Batches of a group's rebuild a read model with none of their events lets go by before its
position is written with nothing applied (``rebuild_together``)."""
Progress = Callable[[Projection, int, int], None]
"""Called after each batch with the projection, its new position and the head."""


class ProjectionRunner:
    def __init__(
        self,
        log: EventLog,
        store: ViewStore,
        projections: Sequence[Projection],
        *,
        batch_size: int = BATCH_SIZE,
        progress: Progress | None = None,
        follower_factory: Callable[[], Follower] | None = None,
        rebuild_slice: int = REBUILD_SLICE,
    ) -> None:
        if batch_size < 1 or rebuild_slice < 1:
            raise ValueError("the batch size and the rebuild's slice must be at least 1")
        self.log, self.store, self.projections = log, store, list(projections)
        self.batch_size, self.progress = batch_size, progress
        self.rebuild_slice = rebuild_slice
        self._follower_factory = follower_factory or self._default_follower
        self.follower: Follower | None = None
        self._stopping = threading.Event()
        self._prepared = False
        self._changed: set[str] = set()
        """Projections whose definition changed: rebuilt beside the view they replace."""

    def prepare(self) -> None:
        """Create missing tables; rebuild beside the serving view any view whose definition
        changed (the old rows keep answering until the new ones have caught up)."""
        for projection in self.projections:
            stored = self.store.ensure(projection)
            if stored.definition_version != projection.version:
                logger.warning(
                    "projection %s changed (definition %s, the view holds %s): rebuilding"
                    " beside it", projection.name, projection.version, stored.definition_version,
                )
                self._changed.add(projection.name)
        self._prepared = True

    def catch_up(self) -> int:
        """Bring every projection to the head as it is now, a changed one rebuilt and switched
        in; return the events applied."""
        applied = self._round()
        while self._changed and not self._stopping.is_set():
            applied += self._round()
        return applied

    def _round(self) -> int:
        """Each projection once to the head as it is now, except that a changed one's rebuild
        takes a slice of batches (``rebuild_slice``) and carries on in the next round."""
        if not self._prepared:
            self.prepare()
        head = self.log.head()
        return sum(self.advance(projection, head) for projection in self.projections)

    def advance(self, projection: Projection, head: int) -> int:
        if projection.name in self._changed:
            applied, switched = self._rebuild(projection, batches=self.rebuild_slice)
            if switched:
                self._changed.discard(projection.name)
            return applied
        return self._advance(projection, head, rebuilding=False)

    def rebuild(self, projection: Projection) -> int:
        """Build the projection's view afresh beside the serving one, from where an earlier
        rebuild under this definition stopped, and switch to it once caught up; returns the
        events applied. Stopping leaves the rebuild to be carried on later."""
        return self._rebuild(projection, batches=None)[0]

    def _rebuild(self, projection: Projection, *, batches: int | None) -> tuple[int, bool]:
        """``rebuild``, returning after about ``batches`` batches when given (a later call
        carries on); the events applied, and whether the rebuilt view now serves."""
        self.store.begin_rebuild(projection)
        applied = 0
        while not self._stopping.is_set():
            head = self.log.head()
            applied += self._advance(projection, head, rebuilding=True, batches=batches)
            found = self.store.rebuilding(projection)
            if self._stopping.is_set():
                break
            if found is None:
                return applied, True  # another process switched to it meanwhile
            if found.position < head:
                break  # the slice is used up
            # Caught up with the head as it was: the events since then (few) are applied in
            # the switch's own transaction, so the view that starts serving misses none.
            head = self.log.head()
            tail = self.log.read(found.position, self.batch_size, head, projection.topics)
            if len(tail) == self.batch_size:
                if batches is not None:
                    break  # the log ran ahead again: more batches, in the next slice
                continue
            try:
                self.store.switch(projection, found.position, tail, head)
            except PositionMovedError as moved:
                logger.info("%s", moved)
                continue
            applied += len(tail)
            if self.progress is not None:
                self.progress(projection, head, head)
            return applied, True
        return applied, False

    def rebuild_together(self, projections: Sequence[Projection]) -> dict[str, int]:
        """``rebuild`` each of ``projections``, reading the log once for all of them: each
        event of their topics is read and decoded once and handed to every one that handles
        it, in batches of ``batch_size`` events, each read model's applied and positioned on
        its own as ``rebuild`` does it. Then each is carried to the head and switched in
        alone. Returns the events each applied.

        Read models that handle the same events (the case's steps feed the reviews and the
        notices alike) otherwise read and decoded them once each, and every small one read
        the whole log to find its few events."""
        for projection in projections:
            self.store.begin_rebuild(projection)
        applied = self._advance_together(projections, self.log.head())
        for projection in projections:
            if self._stopping.is_set():
                break
            applied[projection.name] += self.rebuild(projection)
        return applied

    def _advance_together(
        self, projections: Sequence[Projection], head: int
    ) -> dict[str, int]:
        stored = {p.name: self._position(p, rebuilding=True, part=None) for p in projections}
        applied = dict.fromkeys(stored, 0)
        topics: list[str] = []
        if all(p.topics for p in projections):  # else one reads every topic: so do all
            topics = sorted({topic for p in projections for topic in p.topics})
        position = min(stored.values(), default=head)
        while position < head and not self._stopping.is_set():
            page = self.log.read(position, self.batch_size, head, topics)
            new_position = page[-1][0] if len(page) == self.batch_size else head
            read_next = new_position
            for projection in projections:
                at = stored[projection.name]
                if at >= new_position:
                    continue
                mine = [e for e in page if e[0] > at and projection.handled(e[1])]
                if not mine and new_position < head and new_position - at < self._idle_span:
                    # Its position moves with its next events, or after ``IDLE_BATCHES``
                    # without any: a small read model's rebuild is then a transaction every
                    # few dozen batches, not one each, and one interrupted is read again
                    # from not far back.
                    continue
                try:
                    self.store.apply_batch(projection, at, mine, new_position, rebuilding=True)
                except PositionMovedError as moved:
                    logger.info("%s", moved)
                    stored[projection.name] = self._position(
                        projection, rebuilding=True, part=None
                    )
                    read_next = min(read_next, stored[projection.name])
                    continue
                stored[projection.name] = new_position
                applied[projection.name] += len(mine)
                if self.progress is not None:
                    self.progress(projection, new_position, head)
            position = read_next
        return applied

    @property
    def _idle_span(self) -> int:
        """Log positions a read model of a group may go without events before its position
        is written anyway (``_advance_together``)."""
        return self.batch_size * IDLE_BATCHES

    def advance_part(self, projection: Projection, part: Part, head: int) -> int:
        """Replay ``part``'s events up to ``head`` into a split rebuild begun beside the view
        (``SqlViewStore.begin_split``); returns the events applied."""
        return self._advance(projection, head, rebuilding=True, part=part)

    def _position(self, projection: Projection, rebuilding: bool, part: Part | None) -> int:
        if part is not None:
            found = _splitting(self.store).part_position(projection, part)
            if found is None:
                raise LookupError(f"no split rebuild of {projection.name} has {part}")
        elif rebuilding:
            found = self.store.rebuilding(projection)
        else:
            found = self.store.position(projection.name)
        return found.position if found else 0

    def _advance(
        self, projection: Projection, head: int, *, rebuilding: bool, part: Part | None = None,
        batches: int | None = None,
    ) -> int:
        position = self._position(projection, rebuilding, part)
        applied, taken = 0, 0
        while position < head and not self._stopping.is_set() and taken != batches:
            page = self.log.read(position, self.batch_size, head, projection.topics, part)
            # A short page means nothing more of interest up to the head: skip straight to it.
            new_position = page[-1][0] if len(page) == self.batch_size else head
            try:
                if part is None:
                    self.store.apply_batch(
                        projection, position, page, new_position, rebuilding=rebuilding
                    )
                else:
                    _splitting(self.store).apply_part(
                        projection, part, position, page, new_position
                    )
            except PositionMovedError as moved:
                logger.info("%s", moved)
                position = self._position(projection, rebuilding, part)
                continue
            applied += len(page)
            position, taken = new_position, taken + 1
            if self.progress is not None:
                self.progress(projection, position, head)
        return applied

    def run(self, *, until_caught_up: bool = False) -> None:
        """Catch up, then (unless ``until_caught_up``) follow the log until ``stop()``."""
        self.prepare()
        if until_caught_up:
            applied = self.catch_up()
            logger.info("caught up with the log at %d (%d events applied)", self.log.head(),
                        applied)
            return
        self.follower = self._follower_factory()
        retry = Backoff(0.5, 30.0)
        try:
            while not self._stopping.is_set():
                try:
                    applied = self._round()
                except TRANSIENT_ERRORS as error:
                    delay = retry.next()
                    logger.warning(
                        "cannot reach the log or the views (%s: %s); retrying in %.1fs",
                        type(error).__name__, error, delay,
                    )
                    self._stopping.wait(delay)
                    continue
                retry.reset()
                if applied or self._changed:  # a rebuild under way carries on at once
                    self.follower.worked()
                else:
                    self.follower.wait()
        finally:
            self.follower.close()

    def stop(self) -> None:
        """Finish the current batch, then return from ``run``. Safe from a signal handler."""
        self._stopping.set()
        if self.follower is not None:
            self.follower.interrupt()

    def resume(self) -> None:
        """Allow ``run`` again after ``stop`` (a server that takes the lead a second time)."""
        self._stopping.clear()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def _default_follower(self) -> Follower:
        if self.log.can_listen:
            return ListenFollower(self.log.recorder)
        return PollingFollower()


def _splitting(store: ViewStore) -> SqlViewStore:
    """The store of a split rebuild: only SQL stores that ``can_split`` begin one."""
    if not isinstance(store, SqlViewStore) or not store.can_split:
        raise TypeError(f"{type(store).__name__} cannot rebuild a view in parts")
    return store
