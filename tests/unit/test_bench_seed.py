"""The seeder's clones: interleaved as their templates happened, chained as the recorder chains."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.persistence import StoredEvent

from infra.bench.seed import ChainedBlock, Template, interleave
from infra.integrity.chain import link

A = UUID("00000000-0000-4000-8000-00000000000a")
B = UUID("00000000-0000-4000-8000-00000000000b")
C = UUID("00000000-0000-4000-8000-00000000000c")
FILED, CLOSED = "domain.case:Case.Filed", "domain.case:Case.Closed"
# A case filed at log position 1 and closed at 4; another filed at 2 and closed at 3.
LONG = Template(((1, 1, FILED, b'{"n":1}'), (4, 2, CLOSED, b'{"n":4}')))
SHORT = Template(((2, 1, FILED, b'{"n":2}'), (3, 2, CLOSED, b'{"n":3}')))


def test_clones_follow_the_order_their_templates_happened_in() -> None:
    order = [(owner, version) for owner, version, _, _ in interleave([(A, LONG), (B, SHORT),
                                                                      (C, LONG)])]
    assert order == [(A, 1), (C, 1), (B, 1), (B, 2), (A, 2), (C, 2)]


def test_a_clone_keeps_its_templates_topics_and_bytes() -> None:
    events = interleave([(B, SHORT)])
    assert events == [(B, 1, FILED, b'{"n":2}'), (B, 2, CLOSED, b'{"n":3}')]


def test_a_block_chains_its_events_exactly_as_the_recorder_links_a_commit() -> None:
    previous_global = bytes(range(32))
    block = ChainedBlock(10, previous_global)
    events = interleave([(A, LONG), (B, SHORT), (C, LONG)])
    for owner, version, topic, state in events:
        block.append(owner, version, topic, state)

    expected = link(
        [StoredEvent(owner, version, topic, state) for owner, version, topic, state in events],
        list(range(11, 17)),
        lambda _record: None,  # every clone is a new record
        previous_global,
    )
    assert block.chain == [
        (r.position, r.originator_id, r.version, r.aggregate_hash, r.global_hash)
        for r in expected
    ]
    assert block.events[0] == (A, 1, FILED, b'{"n":1}', 11)
    assert (block.position, block.global_hash) == (16, expected[-1].global_hash)
