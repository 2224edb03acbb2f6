"""Verify one record: its own chain, and each of its events' links into the log chain."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import NotFoundError
from infra.integrity.chain import ChainRow, EventRow
from infra.integrity.findings import (
    Break,
    ClaimReader,
    altered_or_swapped,
    broken_link,
    checkpoint_mismatch,
    removed_before,
)
from infra.integrity.standalone import CHECKPOINT_TOPIC, GENESIS, hash_event, hash_position
from infra.integrity.tables import ChainTables


@dataclass(frozen=True)
class RecordReport:
    originator_id: str
    events: int
    positions: tuple[int, ...]
    first_break: Break | None

    def summary(self) -> str:
        if self.first_break is not None:
            return f"BROKEN: {self.first_break.describe()}"
        span = f"positions {self.positions[0]}-{self.positions[-1]}" if self.positions else ""
        return (
            f"intact: record {self.originator_id}, versions 1-{self.events}, {span},"
            " each linked into the log chain"
        )


def verify_record(chain: ChainTables, claim: ClaimReader, originator_id: str) -> RecordReport:
    events = {e.version: e for e in chain.aggregate_event_rows(originator_id)}
    links = chain.aggregate_chain_rows(originator_id)
    if not events and not links:
        raise NotFoundError(f"nothing is recorded under id {originator_id}")
    check = _RecordCheck(chain, claim, links)
    previous, checked = GENESIS, 0
    for version in sorted(events.keys() | {link.version for link in links}):
        if version != checked + 1:
            detail = f"version {checked + 1} is missing from both the store and the chain"
            found: bytes | Break = Break("removed", detail, None, originator_id, version)
        else:
            found = check(events.get(version), check.by_version.get(version), previous)
        if isinstance(found, Break):
            return RecordReport(originator_id, checked, (), found)
        previous, checked = found, version
    # The record's own chain cannot show that its newest event went, with its chain row: the
    # log chain's next entry still names it as the one before (``ChainRow.previous_id``).
    follower = chain.chain_row_naming(originator_id, checked)
    if follower is not None:
        before = chain.chain_row_before(follower.position)
        return RecordReport(
            originator_id, checked, (), removed_before(follower, before.position if before else 0)
        )
    positions = tuple(sorted(link.position for link in links))
    return RecordReport(originator_id, checked, positions, None)


class _RecordCheck:
    def __init__(self, chain: ChainTables, claim: ClaimReader, links: list[ChainRow]) -> None:
        self.chain, self.claim, self.links = chain, claim, links
        self.by_version = {link.version: link for link in links}

    def __call__(
        self, event: EventRow | None, link: ChainRow | None, previous: bytes
    ) -> bytes | Break:
        """The event's recomputed hash, or the break that stops the check at it."""
        if link is None:
            assert event is not None
            detail = "an event with no chain entry: it was written outside the application"
            return Break("inserted", detail, event.position, event.originator_id, event.version)
        if event is None:
            detail = "the chain records an event here; the store no longer has it"
            return Break("removed", detail, link.position, link.originator_id, link.version)
        if event.position != link.position:
            detail = f"stored at position {event.position}, the chain records it at {link.position}"
            return Break("reordered", detail, event.position, event.originator_id, event.version)
        is_checkpoint = event.topic == CHECKPOINT_TOPIC
        digest = hash_event(event.originator_id, event.version, event.topic, event.state, previous)
        if digest != link.aggregate_hash:
            return altered_or_swapped(event, self.links, is_checkpoint)
        before = self.chain.chain_row_before(link.position)
        previous_global = before.global_hash if before else GENESIS
        chained = hash_position(
            link.position, link.originator_id, link.version, digest, previous_global
        )
        if chained != link.global_hash:
            return broken_link(link, before.position if before else 0)
        if is_checkpoint:
            claimed = self.claim(event)
            covered = self.chain.chain_row_at(claimed[0]) if claimed else None
            actual = covered.global_hash if covered else None
            mismatch = checkpoint_mismatch(event, claimed, actual)
            if mismatch is not None:
                return mismatch
        return digest
