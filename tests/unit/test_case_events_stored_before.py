"""Events stored before a field was added still load and replay: the new fields have defaults,
so a log written by an earlier release keeps its meaning (issue 12's new rules add fields to
``ExtensionRequested`` and ``ExtensionDecided``, and read pause times from the events)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from eventsourcing.persistence import StoredEvent

from domain.case import Case
from tests.support.city import city, clerk, handled_by, head
from tests.support.clock import CHINA, FakeClock


def as_stored_before(stored: StoredEvent, *dropped: str) -> StoredEvent:
    """The stored event as the earlier release wrote it: without ``dropped`` fields."""
    state = json.loads(stored.state)
    for name in dropped:
        state.pop(name, None)
    return StoredEvent(
        stored.originator_id,
        stored.originator_version,
        stored.topic,
        json.dumps(state).encode(),
    )


def test_a_case_whose_extension_events_lack_the_hours_field_replays() -> None:
    clock = FakeClock(datetime(2026, 6, 1, 9, 0, tzinfo=CHINA))
    app = city(clock)
    case_id = handled_by(app, "TAX")
    clock.set(datetime(2026, 6, 3, 10, 0, tzinfo=CHINA))
    app.pause(case_id, "supplement", "补正", actor=clerk("TAX"))
    clock.set(datetime(2026, 6, 5, 10, 0, tzinfo=CHINA))
    app.resume(case_id, "材料已补齐", actor=clerk("TAX"))
    app.request_extension(case_id, date(2026, 7, 2), "需会商", actor=clerk("TAX"))
    app.decide_extension(case_id, True, "同意", actor=head("TAX"))
    stored = [as_stored_before(s, "hours") for s in app.recorder.select_events(case_id)]
    replayed: Any = None
    for event in (app.mapper.to_domain_event(s) for s in stored):
        assert isinstance(event, Case.Event | Case.Filed)
        replayed = event.mutate(replayed)
    assert isinstance(replayed, Case)
    current = app.case(case_id)
    assert replayed.deadline.due == current.deadline.due == date(2026, 7, 2)
    assert [e.hours for e in replayed.extensions] == [0]
    assert replayed.pauses[0].started_at == datetime(2026, 6, 3, 10, 0, tzinfo=CHINA)
    assert replayed.state() == current.state()
