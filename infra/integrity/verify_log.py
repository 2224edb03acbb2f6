"""Verify the whole store: every event against its record's chain and the log chain, in order.

The walk merges the events table and ``event_hashes`` by position, page by page, and stops at
the first break. Rows written after the walk started are left for the next run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from infra.integrity.chain import ChainRow, EventRow
from infra.integrity.findings import (
    Break,
    ClaimReader,
    Kind,
    altered_or_swapped,
    broken_link,
    checkpoint_mismatch,
    removed_before,
)
from infra.integrity.standalone import CHECKPOINT_TOPIC, GENESIS, hash_event, hash_position
from infra.integrity.tables import ChainTables

PAGE = 1000


class _Positioned(Protocol):
    @property
    def position(self) -> int: ...


Row = TypeVar("Row", bound=_Positioned)


@dataclass(frozen=True)
class LogReport:
    events: int
    records: int
    checkpoints: int
    last: ChainRow | None
    first_break: Break | None

    def summary(self) -> str:
        if self.first_break is not None:
            return f"BROKEN after {self.events} intact events: {self.first_break.describe()}"
        end = (
            f"log chain through position {self.last.position} (hash {self.last.global_hash.hex()})"
            if self.last
            else "empty log"
        )
        return (
            f"intact: {self.events} events in {self.records} records, {end},"
            f" {self.checkpoints} checkpoints match"
        )


def verify_log(chain: ChainTables, claim: ClaimReader, page: int = PAGE) -> LogReport:
    last_event, last_chained = chain.bounds()
    if last_event and not last_chained:
        detail = "the store holds events but no hash chain (the chain table was emptied)"
        return LogReport(0, 0, 0, None, Break("removed", detail))
    covered = {c[0] for c in map(claim, chain.event_rows_of_topic(CHECKPOINT_TOPIC)) if c}
    walk = _Walk(chain, claim, covered)
    for position, event, link in _merged(chain, max(last_event, last_chained), page):
        found = walk.step(position, event, link)
        if found is not None:
            return walk.report(found)
    return walk.report(None)


class _Walk:
    def __init__(self, chain: ChainTables, claim: ClaimReader, covered: set[int]) -> None:
        self.chain, self.claim, self.covered = chain, claim, covered
        self.latest: dict[str, tuple[int, bytes]] = {}
        self.global_at: dict[int, bytes] = {}
        self.previous_global, self.previous_position = GENESIS, 0
        self.events = self.checkpoints = 0
        self.last: ChainRow | None = None

    def report(self, found: Break | None) -> LogReport:
        records = len(self.latest)
        return LogReport(self.events, records, self.checkpoints, self.last, found)

    def step(self, position: int, event: EventRow | None, link: ChainRow | None) -> Break | None:
        if link is None:
            assert event is not None
            return self._unchained(event)
        if event is None:
            return self._missing(link)
        if (event.originator_id, event.version) != (link.originator_id, link.version):
            return Break(
                "reordered",
                f"this position holds record {event.originator_id} version {event.version};"
                f" the chain records version {link.version} of {link.originator_id} here",
                position,
                link.originator_id,
                link.version,
            )
        version, previous = self.latest.get(event.originator_id, (0, GENESIS))
        if event.version != version + 1:
            kind: Kind = "removed" if event.version > version + 1 else "reordered"
            detail = f"the version before this one in the store is {version}"
            return Break(kind, detail, position, event.originator_id, event.version)
        is_checkpoint = event.topic == CHECKPOINT_TOPIC
        digest = hash_event(event.originator_id, event.version, event.topic, event.state, previous)
        if digest != link.aggregate_hash:
            links = self.chain.aggregate_chain_rows(event.originator_id)
            return altered_or_swapped(event, links, is_checkpoint)
        chained = hash_position(
            position, link.originator_id, link.version, digest, self.previous_global
        )
        if chained != link.global_hash:
            return self._lost_before(link) or broken_link(link, self.previous_position)
        if position in self.covered:
            self.global_at[position] = chained
        if is_checkpoint:
            claimed = self.claim(event)
            actual = self.global_at.get(claimed[0]) if claimed and claimed[0] < position else None
            mismatch = checkpoint_mismatch(event, claimed, actual)
            if mismatch is not None:
                return mismatch
            self.checkpoints += 1
        self.latest[event.originator_id] = (event.version, digest)
        self.previous_global, self.previous_position = chained, position
        self.events += 1
        self.last = link
        return None

    def _lost_before(self, link: ChainRow) -> Break | None:
        """When the entry the chain says came before ``link`` is not the one before it in the
        store, that entry was removed: name its record (see ``ChainRow.previous_id``)."""
        if link.previous_id is None or link.previous_version is None:
            return None
        walked = (self.last.originator_id, self.last.version) if self.last else None
        if walked == (link.previous_id, link.previous_version):
            return None
        return removed_before(link, self.previous_position)

    def _unchained(self, event: EventRow) -> Break:
        links = self.chain.aggregate_chain_rows(event.originator_id)
        moved = next((link for link in links if link.version == event.version), None)
        if moved is not None:
            detail = f"the chain records this version at position {moved.position}"
            return Break("reordered", detail, event.position, event.originator_id, event.version)
        detail = "an event with no chain entry: it was written outside the application"
        return Break("inserted", detail, event.position, event.originator_id, event.version)

    def _missing(self, link: ChainRow) -> Break:
        events = self.chain.aggregate_event_rows(link.originator_id)
        moved = next((e for e in events if e.version == link.version), None)
        if moved is not None:
            detail = f"the chain records this version here; the store has it at {moved.position}"
            return Break("reordered", detail, link.position, link.originator_id, link.version)
        detail = "the chain records an event here; the store no longer has it"
        return Break("removed", detail, link.position, link.originator_id, link.version)


def _merged(
    chain: ChainTables, upto: int, page: int
) -> Iterator[tuple[int, EventRow | None, ChainRow | None]]:
    events = _paged(lambda after: chain.event_rows(after, upto, page), page)
    links = _paged(lambda after: chain.chain_rows(after, upto, page), page)
    event, link = next(events, None), next(links, None)
    while event is not None or link is not None:
        position = min(r.position for r in (event, link) if r is not None)
        here_event = event if event is not None and event.position == position else None
        here_link = link if link is not None and link.position == position else None
        yield position, here_event, here_link
        if here_event is not None:
            event = next(events, None)
        if here_link is not None:
            link = next(links, None)


def _paged(read: Callable[[int], Sequence[Row]], page: int) -> Iterator[Row]:
    after = 0
    while True:
        rows = read(after)
        yield from rows
        if len(rows) < page:
            return
        after = rows[-1].position
