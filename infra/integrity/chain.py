"""The rows of the hash chain and how a batch of new events is linked onto it.

Each stored event gets one ``event_hashes`` row, written in the transaction that stores the
event: its aggregate hash (over its bytes and the previous version's hash) and its global hash
(over its position, owner, aggregate hash and the previous position's global hash).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from infra.integrity.standalone import GENESIS, hash_event, hash_position

HASHES_TABLE = "event_hashes"


@dataclass(frozen=True)
class EventRow:
    """A stored event as read back for checking, with its log position."""

    position: int
    originator_id: str
    version: int
    topic: str
    state: bytes


@dataclass(frozen=True)
class ChainRow:
    """One row of ``event_hashes``."""

    position: int
    originator_id: str
    version: int
    aggregate_hash: bytes
    global_hash: bytes
    previous_id: str | None = None
    """The record whose event is the log chain's entry before this one (None for the first,
    and for rows chained before this was kept). Not hashed: it names the record that lost an
    event when that entry is deleted, which the hashes alone cannot tell."""
    previous_version: int | None = None


def canonical_id(originator_id: UUID | str) -> str:
    """The text hashed for an aggregate id: the hyphenated lower-case UUID form.

    SQLite stores ids as 32 hex digits and PostgreSQL as a uuid; both read back as the same
    text here, so a chain written on one backend checks the same on the other.
    """
    if isinstance(originator_id, UUID):
        return str(originator_id)
    try:
        return str(UUID(originator_id))
    except ValueError:
        return originator_id


def link(
    stored_events: Sequence[StoredEvent],
    positions: Sequence[int],
    last_aggregate_hash: Callable[[str], bytes | None],
    last_global_hash: bytes | None,
    last_entry: tuple[str, int] | None = None,
) -> list[ChainRow]:
    """Chain rows for events just given ``positions``, continuing the chains already stored.

    ``last_aggregate_hash(id)`` returns the hash of that aggregate's latest stored event (None
    for a new aggregate); ``last_global_hash`` is the global hash at the end of the log and
    ``last_entry`` the (record, version) chained there.
    """
    if len(stored_events) != len(positions):
        raise ValueError(f"{len(stored_events)} events but {len(positions)} positions")
    latest: dict[str, bytes] = {}
    previous_global = last_global_hash or GENESIS
    rows = []
    for position, event in sorted(zip(positions, stored_events, strict=True), key=_first):
        owner = canonical_id(event.originator_id)
        if owner not in latest:
            latest[owner] = last_aggregate_hash(owner) or GENESIS
        aggregate = hash_event(
            owner, event.originator_version, event.topic, event.state, latest[owner]
        )
        previous_global = hash_position(
            position, owner, event.originator_version, aggregate, previous_global
        )
        latest[owner] = aggregate
        before = last_entry or (None, None)
        rows.append(
            ChainRow(
                position, owner, event.originator_version, aggregate, previous_global, *before
            )
        )
        last_entry = (owner, event.originator_version)
    return rows


def _first(pair: tuple[int, StoredEvent]) -> int:
    return pair[0]
