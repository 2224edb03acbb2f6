"""Check a Casetrail dossier offline: ``python standalone.py DOSSIER.json [--expect P:HASH]``.

This file needs only the Python standard library (3.9 or later) and may be copied alone to
the machine of whoever checks a dossier. It is also the reference implementation of the hash
chain the store writes; docs/integrity.md specifies the same algorithm byte by byte.

Exit status: 0 when the dossier is intact, 1 when it is not (the reason is printed), 2 when
the file cannot be read as a dossier.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import zlib
from typing import Any

FORMAT = "casetrail-dossier/1"
EVENT_TAG = b"casetrail/event-chain/v1"
LOG_TAG = b"casetrail/log-chain/v1"
GENESIS = bytes(32)
CHECKPOINT_TOPIC = "domain.integrity:LogCheckpoint.Recorded"


def hash_event(
    originator_id: str, version: int, topic: str, state: bytes, previous: bytes
) -> bytes:
    """Link one stored event to the hash of its aggregate's previous event (GENESIS for v1)."""
    identity, name = originator_id.encode("utf-8"), topic.encode("utf-8")
    return hashlib.sha256(
        EVENT_TAG
        + len(identity).to_bytes(4, "big")
        + identity
        + version.to_bytes(8, "big")
        + len(name).to_bytes(4, "big")
        + name
        + len(state).to_bytes(8, "big")
        + state
        + previous
    ).digest()


def hash_position(
    position: int, originator_id: str, version: int, aggregate_hash: bytes, previous: bytes
) -> bytes:
    """Link the event at a log position to the log hash of the position before it.

    The position's owner (aggregate id and version) is hashed in as well as its event hash, so
    the log chain alone says which record sits at each position.
    """
    identity = originator_id.encode("utf-8")
    return hashlib.sha256(
        LOG_TAG
        + position.to_bytes(8, "big")
        + len(identity).to_bytes(4, "big")
        + identity
        + version.to_bytes(8, "big")
        + aggregate_hash
        + previous
    ).digest()


class DossierError(Exception):
    """The dossier does not prove what it claims; the message says where and why."""


def checkpoint_claim(state: bytes) -> tuple[int, str]:
    """The (position, log hash) a checkpoint event's stored state declares."""
    for decode in (lambda raw: raw, zlib.decompress):
        try:
            fields = json.loads(decode(state).decode("utf-8"))
            return int(fields["position"]), str(fields["global_hash"])
        except (ValueError, KeyError, TypeError, zlib.error):
            continue
    raise DossierError("a checkpoint's stored state cannot be read (encrypted or altered)")


Entry = tuple[str, int, str, str]
"""One position of the log chain: aggregate id, version, event hash and log hash (hex)."""


def verify(dossier: dict[str, Any], expected: dict[int, str] | None = None) -> list[str]:
    """Check every hash in the dossier; returns the lines of a summary or raises DossierError."""
    if dossier.get("format") != FORMAT:
        raise DossierError(f"not a {FORMAT} file (format is {dossier.get('format')!r})")
    aggregate_id = str(dossier["aggregate_id"])
    log = _verify_log(dossier["log"])
    _verify_events(aggregate_id, dossier["events"], log)
    anchors = _verify_checkpoints(dossier["checkpoints"], log)
    head = dossier.get("head")
    if head is not None and _log_hash(log, int(head["position"])) != head["global_hash"]:
        raise DossierError(f"the head (position {head['position']}) is not in the log chain")
    last_anchor = max(
        [p for p, _ in anchors] + ([int(head["position"])] if head else []), default=0
    )
    for event in dossier["events"]:
        if int(event["position"]) > last_anchor:
            raise DossierError(
                f"version {event['version']} (position {event['position']}) is covered by no"
                " checkpoint and lies after the head"
            )
    for position, digest in (expected or {}).items():
        found = _log_hash(log, position)
        if found is None:
            raise DossierError(f"position {position} is not in this dossier's log chain")
        if found != digest:
            raise DossierError(
                f"the log hash at position {position} is {found}, not the expected {digest}"
            )
    return _summary(aggregate_id, dossier["events"], anchors, head, expected or {})


def _log_hash(log: dict[int, Entry], position: int) -> str | None:
    entry = log.get(position)
    return None if entry is None else entry[3]


def _verify_log(segments: list[dict[str, Any]]) -> dict[int, Entry]:
    """Recompute each exported stretch of the log chain; returns position -> entry."""
    log: dict[int, Entry] = {}
    for segment in segments:
        start, previous_hex = int(segment["after"]["position"]), segment["after"]["global_hash"]
        if start == 0 and previous_hex != GENESIS.hex():
            raise DossierError("the log chain must start from 64 zeros")
        previous, last = bytes.fromhex(previous_hex), start
        for position, originator_id, version, aggregate_hex, global_hex in segment["entries"]:
            if position <= last:
                raise DossierError(f"log positions are out of order at {position}")
            recomputed = hash_position(
                position, originator_id, version, bytes.fromhex(aggregate_hex), previous
            )
            if recomputed.hex() != global_hex:
                raise DossierError(
                    f"the log chain breaks at position {position}: an entry between"
                    f" {last} and {position} was altered, removed or inserted"
                )
            log[position] = (originator_id, version, aggregate_hex, global_hex)
            previous, last = recomputed, position
    return log


def _verify_events(aggregate_id: str, events: list[dict[str, Any]], log: dict[int, Entry]) -> None:
    previous, last_position = GENESIS, 0
    for expected_version, event in enumerate(events, start=1):
        version, position = int(event["version"]), int(event["position"])
        where = f"version {version} (position {position})"
        if version != expected_version:
            kind = "removed" if version > expected_version else "reordered"
            raise DossierError(f"{kind}: expected version {expected_version}, found {where}")
        if position <= last_position:
            raise DossierError(f"reordered: {where} comes before the version it follows")
        state = base64.b64decode(event["state"], validate=True)
        recomputed = hash_event(aggregate_id, version, event["topic"], state, previous)
        if recomputed.hex() != event["aggregate_hash"]:
            raise DossierError(f"altered: the stored bytes of {where} do not match the chain")
        entry = (aggregate_id, version, event["aggregate_hash"], event["global_hash"])
        if log.get(position) != entry:
            raise DossierError(f"{where} is not at that position in the exported log chain")
        previous, last_position = recomputed, position
    listed = {int(event["position"]) for event in events}
    for position, (owner, version, _, _) in sorted(log.items()):
        if owner == aggregate_id and position not in listed:
            raise DossierError(
                f"removed: the log chain records version {version} at position {position},"
                " the dossier leaves it out"
            )


def _verify_checkpoints(
    checkpoints: list[dict[str, Any]], log: dict[int, Entry]
) -> list[tuple[int, str]]:
    anchors = []
    for checkpoint in checkpoints:
        position = int(checkpoint["position"])
        state = base64.b64decode(checkpoint["state"], validate=True)
        if checkpoint["topic"] != CHECKPOINT_TOPIC:
            raise DossierError(f"the entry at position {position} is not a checkpoint")
        recomputed = hash_event(checkpoint["id"], 1, checkpoint["topic"], state, GENESIS)
        entry = log.get(position)
        if entry is None or entry[:3] != (checkpoint["id"], 1, recomputed.hex()):
            raise DossierError(f"checkpoint altered: the checkpoint at position {position}")
        covered, claimed = checkpoint_claim(state)
        if _log_hash(log, covered) != claimed:
            raise DossierError(
                f"checkpoint not matching: the checkpoint at position {position} says the log"
                f" hash at {covered} is {claimed}, the exported chain disagrees"
            )
        anchors.append((covered, claimed))
    return anchors


def _summary(
    aggregate_id: str,
    events: list[dict[str, Any]],
    anchors: list[tuple[int, str]],
    head: dict[str, Any] | None,
    expected: dict[int, str],
) -> list[str]:
    sealed_to = max((position for position, _ in anchors), default=0)
    sealed = sum(1 for e in events if int(e["position"]) <= sealed_to)
    lines = [
        f"intact: {aggregate_id}, {len(events)} events (versions 1-{len(events)}),"
        f" {sealed} of them sealed by checkpoints",
    ]
    lines += [f"  checkpoint: log hash at position {p} is {h}" for p, h in sorted(anchors)]
    if head is not None:
        lines.append(
            f"  head at export: log hash at position {head['position']} is {head['global_hash']}"
        )
    if expected:
        lines.append(f"  matches the {len(expected)} expected hash(es) given on the command line")
    lines.append(
        "  compare these hashes with copies kept outside the database to rule out a rewrite"
    )
    return lines


def _expectation(value: str) -> tuple[int, str]:
    position, _, digest = value.partition(":")
    if not position.isdigit() or len(digest) != 64:
        raise argparse.ArgumentTypeError(f"expected POSITION:HASH (64 hex digits), not {value!r}")
    return int(position), digest.lower()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Check a Casetrail dossier offline (exit 0 intact, 1 not intact)."
    )
    parser.add_argument("dossier", help="the JSON file written by `casetrail export`")
    parser.add_argument(
        "--expect",
        type=_expectation,
        action="append",
        default=[],
        metavar="POSITION:HASH",
        help="a log hash you hold from elsewhere (a checkpoint, an earlier verify); repeatable",
    )
    args = parser.parse_args(argv)
    try:
        with open(args.dossier, encoding="utf-8") as file:
            dossier = json.load(file)
    except (OSError, ValueError) as error:
        print(f"cannot read {args.dossier}: {error}", file=sys.stderr)
        return 2
    try:
        lines = verify(dossier, dict(args.expect))
    except DossierError as error:
        print(f"NOT INTACT: {error}")
        return 1
    except (KeyError, TypeError, ValueError) as error:
        print(f"NOT INTACT: the dossier is malformed ({type(error).__name__}: {error})")
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
