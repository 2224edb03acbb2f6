"""The log hands a replay exactly the events the library's own read gives, on every durable store.

On PostgreSQL ``EventLog.read`` selects the rows itself (the columns a replay needs, as plain
tuples) instead of through ``select_notifications``; a projection must not be able to tell:
the same positions, in the same order, each decoded as the mapper decodes the stored event,
whatever the window (after, stop, limit) and the choice of topics.
"""

from __future__ import annotations

from infra.bootstrap import bootstrap
from infra.demo.run import SimClock
from infra.demo.seed import seed_demo
from infra.projections.log import EventLog
from projections.cases import CaseProjection
from tests.support.kafka_world import END
from tests.support.stores import StoreUnderTest


def test_the_log_reads_the_events_the_library_reads_in_every_window(
    durable_store: StoreUnderTest,
) -> None:
    clock = SimClock(END)
    app = bootstrap(durable_store.settings, clock=clock)
    try:
        seed_demo(app, clock, cases=4, end=END)
        log = EventLog.of(app)
        head = log.head()
        assert head > 100
        case_topics = CaseProjection().topics
        windows = [
            (0, head, head, ()),
            (0, 7, head, ()),
            (head // 3, 50, head - 10, ()),
            (0, head, head, case_topics),
            (head // 2, 9, head, case_topics),
            (head, 10, head, ()),
        ]
        for after, limit, stop, topics in windows:
            found = log.read(after, limit, stop, topics)
            expected = app.recorder.select_notifications(after + 1, limit, stop=stop,
                                                         topics=topics)
            assert [n for n, _ in found] == [e.id for e in expected]
            for (_, event), stored in zip(found, expected, strict=True):
                wanted = app.mapper.to_domain_event(stored)
                assert type(event) is type(wanted)
                assert event.__dict__ == wanted.__dict__
                assert [type(v) for v in event.__dict__.values()] == [
                    type(v) for v in wanted.__dict__.values()
                ]
        assert len(log.read(0, head, head, case_topics)) < head  # the topics did choose
    finally:
        app.close()


def test_the_share_of_topics_follows_the_log_once_analysed(
    durable_store: StoreUnderTest,
) -> None:
    """What a parallel rebuild orders its read models by: on PostgreSQL the share of the log
    each replays, from the statistics; elsewhere none."""
    clock = SimClock(END)
    app = bootstrap(durable_store.settings, clock=clock)
    try:
        seed_demo(app, clock, cases=4, end=END)
        log = EventLog.of(app)
        case_topics = CaseProjection().topics
        assert log.share_of(()) == 1.0
        if durable_store.name != "postgres":
            assert log.share_of(case_topics) == 0.0
            return
        head = log.head()
        counted = len(log.read(0, head, head, case_topics))
        with app.recorder.datastore.get_connection() as connection:  # type: ignore[attr-defined]
            connection.execute(f"ANALYZE {app.recorder.events_table_name}")  # type: ignore[attr-defined]
        # A demo log is small enough for the statistics to see every row and topic.
        assert abs(log.share_of(case_topics) - counted / head) < 0.01
        assert log.share_of(case_topics) > log.share_of(case_topics[:1]) > 0
        assert log.share_of(("no.such:Topic",)) == 0.0
    finally:
        app.close()
