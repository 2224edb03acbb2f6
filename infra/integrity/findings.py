"""What a verification finds: the first break, precisely located, and the counts of a clean run."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from infra.integrity.chain import ChainRow, EventRow
from infra.integrity.standalone import GENESIS, hash_event

Kind = Literal["altered", "removed", "reordered", "inserted", "checkpoint"]

ClaimReader = Callable[[EventRow], "tuple[int, str] | None"]
"""Reads the (position, log hash) a checkpoint event declares; None when it cannot be read."""


@dataclass(frozen=True)
class Break:
    """The first place where the stored rows and the chain disagree."""

    kind: Kind
    detail: str
    position: int | None = None
    originator_id: str | None = None
    version: int | None = None

    def describe(self) -> str:
        where = [
            f"record {self.originator_id}" if self.originator_id else "",
            f"version {self.version}" if self.version is not None else "",
            f"position {self.position}" if self.position is not None else "",
        ]
        located = ", ".join(part for part in where if part)
        return f"{self.kind}: {self.detail}" + (f" [{located}]" if located else "")


def swapped_from(event: EventRow, links: Sequence[ChainRow]) -> int | None:
    """The version whose content ``event`` holds, when it is another version's of the same record.

    ``links`` are the record's chain rows: a version's stored hash is recomputed from the bytes
    found here and its predecessor's stored hash.
    """
    by_version = {link.version: link for link in links}
    for link in links:
        if link.version == event.version:
            continue
        before = by_version.get(link.version - 1)
        previous = before.aggregate_hash if before is not None else GENESIS
        digest = hash_event(event.originator_id, link.version, event.topic, event.state, previous)
        if digest == link.aggregate_hash:
            return link.version
    return None


def altered_or_swapped(event: EventRow, links: Sequence[ChainRow], is_checkpoint: bool) -> Break:
    """Name a content mismatch: another version's content moved here, or changed bytes."""
    source = swapped_from(event, links)
    if source is not None:
        return Break(
            "reordered",
            f"the content stored as version {event.version} is version {source}'s",
            event.position,
            event.originator_id,
            event.version,
        )
    what = "the checkpoint's stored bytes were changed" if is_checkpoint else "stored bytes changed"
    return Break(
        "checkpoint" if is_checkpoint else "altered",
        f"{what}; they no longer match the chain",
        event.position,
        event.originator_id,
        event.version,
    )


def broken_link(link: ChainRow, previous_position: int) -> Break:
    """The log chain does not continue into ``link`` from the entry before it."""
    gap = link.position > previous_position + 1
    return Break(
        "removed" if gap else "altered",
        f"the log chain does not continue from position {previous_position} to {link.position}:"
        " an entry between them was removed, or this entry's chain hash was altered",
        link.position,
        link.originator_id,
        link.version,
    )


def removed_before(link: ChainRow, previous_position: int) -> Break:
    """The log chain's entry before ``link`` is gone: name the record and version it held."""
    assert link.previous_id is not None
    assert link.previous_version is not None
    return Break(
        "removed",
        f"version {link.previous_version} of this record was chained just before position"
        f" {link.position}; neither the store nor the chain has it any more (it lay after"
        f" position {previous_position})",
        None,
        link.previous_id,
        link.previous_version,
    )


def checkpoint_mismatch(
    event: EventRow, claim: tuple[int, str] | None, actual: bytes | None
) -> Break | None:
    """Compare a checkpoint's declared log hash with the chain's; None when they agree."""
    if claim is None:
        detail = "the checkpoint's content cannot be read"
    elif actual is None:
        detail = f"the checkpoint covers position {claim[0]}, which is not in the chain"
    elif actual.hex() != claim[1]:
        detail = (
            f"the checkpoint says the log hash at position {claim[0]} is {claim[1][:16]}…,"
            f" the chain gives {actual.hex()[:16]}… (history before it was rewritten)"
        )
    else:
        return None
    return Break("checkpoint", detail, event.position, event.originator_id, event.version)
