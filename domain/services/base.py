"""What every application service shares: the clock, the policy, loading and saving.

There is one eventsourcing ``Application`` for the whole of Casetrail so that every event lands
in one notification log, in commit order: projections, the relay and inspectors follow one
sequence. Each area adds its commands as a mixin over this base.
"""

from __future__ import annotations

import json
import threading
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import OriginatorIDError, OriginatorVersionError
from eventsourcing.persistence import RecordConflictError

from domain.base import Tracked
from domain.calendar import WorkCalendar
from domain.errors import (
    BrokenRecordError,
    ConflictError,
    DomainError,
    NotFoundError,
    StaleRecordError,
)
from domain.policy import Policy
from domain.privacy import Vault
from domain.services.recent import RecentAggregates

Clock = Callable[[], datetime]
T = TypeVar("T", bound=Tracked)
R = TypeVar("R")

APPLICATION_NAME = "casetrail"
KNOWN_IDS = 100_000
"""How many ids ``exists`` remembers (units, staff and calendars are asked about most)."""
KEPT_RECORDS = 10_000
"""How many directory entries ``reference`` keeps (a staff entry is a few hundred bytes)."""


@dataclass(frozen=True)
class Saved:
    """What a command leaves behind: the aggregate's new version and the log position."""

    id: UUID
    version: int
    position: int | None


class ServiceBase(Application[UUID]):
    name = APPLICATION_NAME

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        clock: Clock,
        policy: Policy,
        vault: Vault,
        jurisdiction: str = "national",
    ) -> None:
        super().__init__(env)
        self.clock = clock
        self.policy = policy
        self.vault = vault
        self.jurisdiction = jurisdiction
        self._calendar: WorkCalendar | None = None
        self._calendar_lock = threading.Lock()
        self._calendar_current_to = 0
        """A log position up to which the kept calendar is known to be the stored one."""
        self.recent = RecentAggregates()
        self._known: set[UUID] = set()  # ids seen to exist; nothing recorded is ever unrecorded
        self._records: dict[UUID, Tracked] = {}  # read-only entries commands decide on
        self._records_lock = threading.Lock()
        self._trust = threading.local()  # ``relied``: what the running command took on trust
        # Only a recorder that checks what a write relied on lets kept records go unread
        # (``infra.integrity.postgres``); elsewhere every command reads them as before.
        self._can_trust = bool(getattr(self.recorder, "asserts_relied_versions", False))

    def now(self) -> datetime:
        at = self.clock()
        if at.tzinfo is None:
            raise ValueError("the clock must give time-zone aware datetimes")
        return at

    # Loading and saving.

    def load(self, cls: type[T], aggregate_id: UUID, expected_version: int | None = None) -> T:
        """Load an aggregate of type ``cls``; a stale ``expected_version`` is a conflict."""
        try:
            with replaying(aggregate_id):
                aggregate: Any = self.repository.get(aggregate_id, projector_func=replayed)
        except AggregateNotFoundError:
            raise NotFoundError(f"no {cls.kind} with id {aggregate_id}") from None
        if not isinstance(aggregate, cls):
            raise NotFoundError(f"{aggregate_id} is a {_kind_of(aggregate)}, not a {cls.kind}")
        if expected_version is not None and aggregate.version != expected_version:
            raise ConflictError(aggregate_id, expected_version, aggregate.version)
        return aggregate

    def step(
        self,
        cls: type[T],
        aggregate_id: UUID,
        expected_version: int | None,
        act: Callable[[T, datetime], None],
    ) -> Saved:
        """Load the aggregate at the version the caller saw, take one step now, save it: the
        shape of nearly every command.

        The aggregate comes from ``recent`` when this process saved it last, so the common
        command is one write and no read. A kept copy may be stale (another process wrote
        since): the store's unique (id, version) key refuses the write, and the step is taken
        again, once, on the aggregate reloaded from the store. A refusal decided on a kept copy
        is checked the same way, so nobody is refused on a state the store has left.

        On a kept aggregate, the kept calendar and directory entries are taken on trust too
        (``trusting``): when one turns out stale, the step is taken again the same way.
        """
        kept = self._kept(cls, aggregate_id, expected_version)
        if kept is None:
            aggregate = self.load(cls, aggregate_id, expected_version)
            act(aggregate, self.now())
            return self.commit(aggregate, owned=True)[0]
        try:
            with self._trusted():
                act(kept, self.now())
                return self._save(kept, owned=True)[0]
        except (RecordConflictError, StaleRecordError, DomainError):
            self.recent.forget(aggregate_id)
        aggregate = self.load(cls, aggregate_id, expected_version)
        act(aggregate, self.now())
        return self.commit(aggregate, owned=True)[0]

    def _kept(self, cls: type[T], aggregate_id: UUID, expected_version: int | None) -> T | None:
        """The kept copy when it can stand for the stored aggregate, else None (load it)."""
        kept = self.recent.take(aggregate_id)
        if kept is None:
            return None
        if not isinstance(kept, cls) or (
            expected_version is not None and kept.version != expected_version
        ):
            # Not for this command (the caller saw another version: only the store can say who
            # is right); unchanged, so it stays kept for the next one.
            self.recent.put(kept, owned=True)
            return None
        return kept

    def trusting(self, command: Callable[[], R]) -> R:
        """Run ``command`` with the kept calendar and directory entries taken on trust: none is
        read, and the write asserts the versions the command saw (in the insert's transaction,
        under its lock). When one has moved on, or the command is refused after relying on one,
        the command runs once more reading them all, so a change made by another process is
        honoured at once. ``command`` must build what it saves afresh each time it runs."""
        if not self._can_trust or getattr(self._trust, "relied", None) is not None:
            return command()
        try:
            with self._trusted():
                return command()
        except StaleRecordError:
            pass
        except DomainError:
            if not self._trust.failed:
                raise
        return command()

    @contextmanager
    def _trusted(self) -> Iterator[None]:
        """The block's reads of kept records go unread and are asserted by its write; stale
        records are forgotten when the block fails. Inside another such block: that one's."""
        if not self._can_trust or getattr(self._trust, "relied", None) is not None:
            yield
            return
        relied: dict[UUID, int] = {}
        self._trust.relied = relied
        self._trust.failed = False
        try:
            yield
        except (StaleRecordError, DomainError):
            self._trust.failed = bool(relied)
            self._forget_records(relied)
            raise
        finally:
            self._trust.relied = None

    def _rely(self, record: Tracked) -> None:
        """Note that the running command decides on ``record`` at its version."""
        relied: dict[UUID, int] | None = getattr(self._trust, "relied", None)
        if relied is not None:
            relied[record.id] = record.version

    def _forget_records(self, ids: Collection[UUID]) -> None:
        with self._records_lock:
            for record_id in ids:
                self._records.pop(record_id, None)
            if self._calendar is not None and self._calendar.id in ids:
                self._calendar = None

    def reference(self, cls: type[T], aggregate_id: UUID) -> T:
        """A record read to decide on and never changed by the caller (a directory entry).
        Kept between commands; a trusting command takes the kept one unread and its write
        asserts its version, any other command reads it from the store."""
        trusted = getattr(self._trust, "relied", None) is not None
        kept = self._records.get(aggregate_id) if trusted else None
        if isinstance(kept, cls):
            record = kept
        else:
            record = self.load(cls, aggregate_id)
            with self._records_lock:
                if len(self._records) >= KEPT_RECORDS:
                    self._records.clear()
                self._records[aggregate_id] = record
        self._rely(record)
        return record

    def exists(self, aggregate_id: UUID) -> bool:
        if aggregate_id in self._known:
            return True
        found = aggregate_id in self.repository
        if found and len(self._known) < KNOWN_IDS:
            self._known.add(aggregate_id)
        return found

    def commit(self, *aggregates: Tracked, owned: bool = False) -> list[Saved]:
        """Save pending events atomically; a concurrent writer's events win, ours are refused.

        ``owned``: the caller drops the aggregates after this, so they are kept uncopied."""
        seen = {a.id: a.version - len(a.pending_events) for a in aggregates}
        try:
            return self._save(*aggregates, owned=owned)
        except RecordConflictError:
            for aggregate in aggregates:
                self.recent.forget(aggregate.id)
            current = {a.id: self._stored_version(a.id) for a in aggregates}
            stale = next((i for i in seen if current[i] != seen[i]), aggregates[0].id)
            raise ConflictError(stale, seen[stale], current[stale]) from None

    def _save(self, *aggregates: Tracked, owned: bool = False) -> list[Saved]:
        """Save, keep the saved aggregates for the next command; conflicts raise as the
        library's ``RecordConflictError``."""
        relied: dict[UUID, int] | None = getattr(self._trust, "relied", None)
        recordings = self._save_now(aggregates, {"relied_on": dict(relied)} if relied else {})
        positions: dict[UUID, int] = {}
        for recording in recordings:
            positions[recording.domain_event.originator_id] = recording.notification.id
        for aggregate in aggregates:
            self.recent.put(aggregate, owned=owned)
        return [Saved(a.id, a.version, positions.get(a.id)) for a in aggregates]

    def _save_now(self, aggregates: Sequence[Tracked], kwargs: dict[str, Any]) -> list[Any]:
        """The library's ``save`` for aggregates alone: its event collection asks, per object,
        whether it is an event or an aggregate with isinstance checks on runtime-checkable
        protocols, which cost a tenth of a command's own work on Python 3.11."""
        processing: ProcessingEvent[UUID] = ProcessingEvent()
        for aggregate in aggregates:
            processing.events.extend(aggregate.collect_events())
            processing.aggregates[aggregate.id] = aggregate
        processing.saved_kwargs.update(kwargs)
        recordings = self._record(processing)
        self._take_snapshots(processing)
        self._notify(recordings)
        self.notify(processing.events)
        return recordings

    def _stored_version(self, aggregate_id: UUID) -> int:
        try:
            return int(self.repository.get(aggregate_id).version)
        except AggregateNotFoundError:
            return 0

    # Reading histories, for replays and inspectors.

    def history(self, aggregate_id: UUID) -> Sequence[Tracked.Event]:
        with replaying(aggregate_id):
            events = [e for e in self.events.get(aggregate_id) if isinstance(e, Tracked.Event)]
        if not events:
            raise NotFoundError(f"nothing is recorded under id {aggregate_id}")
        return events

    def as_of_version(self, aggregate_id: UUID, version: int) -> Tracked:
        try:
            with replaying(aggregate_id):
                aggregate: Any = self.repository.get(
                    aggregate_id, version=version, projector_func=replayed
                )
        except AggregateNotFoundError:
            raise NotFoundError(f"nothing is recorded under id {aggregate_id}") from None
        assert isinstance(aggregate, Tracked)
        return aggregate

    def version_at(self, aggregate_id: UUID, at: datetime) -> int:
        """The last version recorded at or before ``at`` (0: the aggregate did not exist yet)."""
        version = 0
        for event in self.history(aggregate_id):
            if event.timestamp <= at:
                version = event.originator_version
        return version

    def iter_ids(self, topics: Sequence[str], batch: int = 500) -> Iterator[UUID]:
        """Ids of aggregates whose creation event has one of ``topics``, in log order."""
        start: int | None = 1
        while True:
            page = self.recorder.select_notifications(start, batch, topics=topics)
            for notification in page:
                yield UUID(str(notification.originator_id))
            if len(page) < batch:
                return
            start = page[-1].id + 1

    # The working calendar, which every clock counts with.

    def work_calendar(self) -> WorkCalendar:
        """The working calendar as it stands, for counting. Every deadline reads it, so it is
        kept between commands and reloaded only when a newer version is stored (one indexed
        look; none in a trusting command, whose write asserts the version). Never change the
        object returned: ``CalendarService`` loads its own to publish."""
        calendar_id = WorkCalendar.calendar_id(self.jurisdiction)
        trusted = getattr(self._trust, "relied", None) is not None
        with self._calendar_lock:
            cached = self._calendar
            if cached is None or (
                not trusted and self.recorder.select_events(calendar_id, gt=cached.version, limit=1)
            ):
                cached = self._calendar = self.load(WorkCalendar, calendar_id)
                self._calendar_current_to = 0
        self._rely(cached)
        return cached

    def work_calendar_at(self, position: int) -> WorkCalendar:
        """The working calendar for figures read from views at log ``position``: the kept one,
        unread, while it is known to be the stored calendar up to that position; else as
        ``work_calendar``, after which it is known to be so (a view at ``position`` was read
        first, so any change of the calendar at or before it was in the store to be seen).

        A list or board read many times while the log stands still asks the store nothing;
        once the views move past the last position checked, the next read checks again.
        ``work_calendar_at(0)`` is the kept calendar, to build a query with before its
        position is known (and to check afterwards)."""
        if getattr(self._trust, "relied", None) is not None:
            return self.work_calendar()  # a command's: taken on trust, asserted by its write
        with self._calendar_lock:
            cached = self._calendar
            if cached is not None and position <= self._calendar_current_to:
                return cached
        checked = self.work_calendar()
        with self._calendar_lock:
            # Unless another thread loaded a newer one meanwhile (it starts again from 0).
            if self._calendar is checked:
                self._calendar_current_to = max(self._calendar_current_to, position)
        return checked


def replayed(aggregate: Any, events: Iterable[Any]) -> Any:
    """An aggregate from its events: the library's projector without its check, per event, that
    the event conforms to a runtime-checkable protocol. On Python 3.11 that check costs more
    than applying the event, and every event stored here is a ``Tracked`` event, which does."""
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


@contextmanager
def replaying(aggregate_id: UUID) -> Iterator[None]:
    """Turn a history that cannot be replayed into a ``BrokenRecordError`` naming the record,
    so callers are told the record is damaged rather than meeting a bare failure."""
    try:
        yield
    except (OriginatorVersionError, OriginatorIDError) as error:
        raise BrokenRecordError(aggregate_id, f"versions out of sequence: {error}") from error
    except (json.JSONDecodeError, UnicodeDecodeError, zlib.error) as error:
        raise BrokenRecordError(aggregate_id, "a stored event cannot be read") from error


def _kind_of(aggregate: Any) -> str:
    return str(getattr(aggregate, "kind", type(aggregate).__name__))
