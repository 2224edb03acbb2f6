"""The hash chain's byte layout, linking new events, and the checkpoint aggregate's rules."""

from __future__ import annotations

import hashlib
from datetime import datetime
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from api.cli.common import UsageError
from api.cli.verify import verify
from domain.actors import SYSTEM, Actor, Role
from domain.errors import InvalidInputError, NotPermittedError
from domain.integrity import LogCheckpoint
from infra.integrity.chain import ChainRow, EventRow, link
from infra.integrity.findings import swapped_from
from infra.integrity.standalone import GENESIS, hash_event, hash_position
from tests.support.app import memory_app
from tests.support.clock import CHINA, FakeClock

RECORD = "00000000-0000-0000-0000-000000000001"
A = UUID("00000000-0000-0000-0000-00000000000a")
B = UUID("00000000-0000-0000-0000-00000000000b")
AT = datetime(2026, 3, 2, 9, 0, tzinfo=CHINA)


def test_event_hash_is_sha256_over_the_documented_bytes() -> None:
    by_hand = (
        b"casetrail/event-chain/v1"
        + b"\x00\x00\x00\x24"  # 36 bytes of id follow
        + RECORD.encode()
        + b"\x00\x00\x00\x00\x00\x00\x00\x01"  # version 1
        + b"\x00\x00\x00\x01"  # 1 byte of topic follows
        + b"t"
        + b"\x00\x00\x00\x00\x00\x00\x00\x02"  # 2 bytes of state follow
        + b"{}"
        + bytes(32)  # no previous event
    )

    digest = hash_event(RECORD, 1, "t", b"{}", GENESIS)

    assert digest == hashlib.sha256(by_hand).digest()
    # The test vector printed in docs/integrity.md.
    assert digest.hex() == "eeefef6a80da636cc8ecc83dbb413afcc3623cea85dadb278d3bbc2988398802"


def test_log_hash_is_sha256_over_position_owner_event_hash_and_previous() -> None:
    event = hash_event(RECORD, 1, "t", b"{}", GENESIS)
    by_hand = (
        b"casetrail/log-chain/v1"
        + b"\x00\x00\x00\x00\x00\x00\x00\x01"  # position 1
        + b"\x00\x00\x00\x24"
        + RECORD.encode()
        + b"\x00\x00\x00\x00\x00\x00\x00\x01"  # version 1
        + event
        + bytes(32)
    )

    digest = hash_position(1, RECORD, 1, event, GENESIS)

    assert digest == hashlib.sha256(by_hand).digest()
    assert digest.hex() == "c075f89599490281987f2aba9d6be9cdd6cf8f8b83e41e05cd776c56598f51a8"


def test_a_batch_continues_each_records_chain_and_the_log_in_position_order() -> None:
    stored_a = b"\x01" * 32
    last_global = b"\x02" * 32
    batch = [
        StoredEvent(B, 1, "b.created", b"b1"),
        StoredEvent(A, 5, "a.changed", b"a5"),
        StoredEvent(A, 6, "a.changed", b"a6"),
    ]

    rows = link(batch, [12, 10, 11], {str(A): stored_a}.get, last_global, (str(B), 7))

    a5 = hash_event(str(A), 5, "a.changed", b"a5", stored_a)
    a6 = hash_event(str(A), 6, "a.changed", b"a6", a5)
    b1 = hash_event(str(B), 1, "b.created", b"b1", GENESIS)
    g10 = hash_position(10, str(A), 5, a5, last_global)
    g11 = hash_position(11, str(A), 6, a6, g10)
    g12 = hash_position(12, str(B), 1, b1, g11)
    assert rows == [
        ChainRow(10, str(A), 5, a5, g10, str(B), 7),
        ChainRow(11, str(A), 6, a6, g11, str(A), 5),
        ChainRow(12, str(B), 1, b1, g12, str(A), 6),
    ]


def test_content_moved_from_another_version_is_recognised_as_that_version() -> None:
    v1 = hash_event(str(A), 1, "t", b"one", GENESIS)
    v2 = hash_event(str(A), 2, "t", b"two", v1)
    v3 = hash_event(str(A), 3, "t", b"three", v2)
    links = [
        ChainRow(1, str(A), 1, v1, b""),
        ChainRow(2, str(A), 2, v2, b""),
        ChainRow(3, str(A), 3, v3, b""),
    ]

    assert swapped_from(EventRow(2, str(A), 2, "t", b"three"), links) == 3
    assert swapped_from(EventRow(2, str(A), 2, "t", b"thrEe"), links) is None


def test_a_checkpoint_records_position_hash_and_reason_under_an_id_from_the_position() -> None:
    checkpoint = LogCheckpoint.record(1000, "ab" * 32, "periodic", actor=SYSTEM, at=AT)

    assert checkpoint.id == LogCheckpoint.id_for(1000)
    assert checkpoint.state()["position"] == 1000
    assert checkpoint.state()["global_hash"] == "ab" * 32
    assert (checkpoint.reason, checkpoint.version) == ("periodic", 1)


@pytest.mark.parametrize(
    ("position", "digest", "reason", "problem"),
    [
        (0, "ab" * 32, "periodic", "needs a log position"),
        (5, "AB" * 32, "periodic", "64 lower-case hexadecimal"),
        (5, "ab" * 31, "periodic", "64 lower-case hexadecimal"),
        (5, "ab" * 32, "because", "reason must be one of"),
    ],
)
def test_a_checkpoint_refuses_a_malformed_position_hash_or_reason(
    position: int, digest: str, reason: str, problem: str
) -> None:
    with pytest.raises(InvalidInputError, match=problem):
        LogCheckpoint.record(position, digest, reason, actor=SYSTEM, at=AT)


def test_window_staff_do_not_record_checkpoints() -> None:
    with pytest.raises(NotPermittedError):
        LogCheckpoint.record(
            5, "ab" * 32, "on demand", actor=Actor("li.na", Role.WINDOW_STAFF), at=AT
        )


def test_verify_on_the_memory_store_says_it_keeps_no_chain(clock: FakeClock) -> None:
    app = memory_app(clock)

    with pytest.raises(UsageError, match="keeps no hash chain"):
        verify(app, None, [], checkpoint=False)
