"""Build the dossier of one record: its stored events and the stretches of the log chain that
tie each of them to a checkpoint (or, after the last checkpoint, to the head of the log).

The layout is specified in docs/integrity.md and checked by ``standalone.py``.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from infra.integrity.chain import ChainRow, EventRow
from infra.integrity.findings import ClaimReader
from infra.integrity.standalone import CHECKPOINT_TOPIC, FORMAT, GENESIS
from infra.integrity.tables import ChainTables

Checkpoint = tuple[EventRow, int]
"""A checkpoint event and the position it covers."""


def build_dossier(
    chain: ChainTables, claim: ClaimReader, originator_id: str, exported_at: datetime
) -> dict[str, Any]:
    """The dossier of a record that verifies (check it with ``verify_record`` first)."""
    events = chain.aggregate_event_rows(originator_id)
    links = {link.version: link for link in chain.aggregate_chain_rows(originator_id)}
    checkpoints = _checkpoints(chain, claim)
    head = chain.head()
    ranges, covering, reaches_head = [], set(), False
    for event in events:
        anchor = max((p for _, p in checkpoints if p < event.position), default=0)
        cover = next(((row, p) for row, p in checkpoints if p >= event.position), None)
        if cover is None:
            assert head is not None
            ranges.append((anchor, head.position))
            reaches_head = True
        else:
            ranges.append((anchor, cover[0].position))
            covering.add(cover[0].position)
    dossier: dict[str, Any] = {
        "format": FORMAT,
        "algorithm": "SHA-256 hash chains, casetrail/event-chain/v1 and casetrail/log-chain/v1",
        "aggregate_id": originator_id,
        "exported_at": exported_at.isoformat(),
        "events": [_event(event, links[event.version]) for event in events],
        "checkpoints": [_checkpoint(row) for row, _ in checkpoints if row.position in covering],
        "log": [_segment(chain, start, end) for start, end in _merge(ranges)],
    }
    if reaches_head and head is not None:
        dossier["head"] = {"position": head.position, "global_hash": head.global_hash.hex()}
    return dossier


def _checkpoints(chain: ChainTables, claim: ClaimReader) -> list[Checkpoint]:
    found = []
    for row in chain.event_rows_of_topic(CHECKPOINT_TOPIC):
        claimed = claim(row)
        if claimed is not None and claimed[0] < row.position:
            found.append((row, claimed[0]))
    return sorted(found, key=lambda item: item[1])


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join overlapping or touching ranges (start, end] into as few stretches as possible."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _segment(chain: ChainTables, start: int, end: int) -> dict[str, Any]:
    anchor = chain.chain_row_at(start) if start else None
    return {
        "after": {
            "position": start,
            "global_hash": (anchor.global_hash if anchor else GENESIS).hex(),
        },
        "entries": [
            [r.position, r.originator_id, r.version, r.aggregate_hash.hex(), r.global_hash.hex()]
            for r in chain.chain_rows(start, end)
        ],
    }


def _event(event: EventRow, link: ChainRow) -> dict[str, Any]:
    return {
        "version": event.version,
        "position": event.position,
        "topic": event.topic,
        "state": base64.b64encode(event.state).decode("ascii"),
        "aggregate_hash": link.aggregate_hash.hex(),
        "global_hash": link.global_hash.hex(),
    }


def _checkpoint(row: EventRow) -> dict[str, Any]:
    return {
        "id": row.originator_id,
        "position": row.position,
        "topic": row.topic,
        "state": base64.b64encode(row.state).decode("ascii"),
    }
