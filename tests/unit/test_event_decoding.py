"""A replay decodes stored events into exactly what the library's mapper gives.

``infra.projections.decode.EventDecoder`` skips the mapper's generic path; projections must not
be able to tell: every kind of event the demo writes (directory, cases, reviews, visits,
oversight, calendars) decodes to the same class with the same attributes, and what the mapper
refuses is refused the same way.
"""

from __future__ import annotations

from uuid import uuid4

import pytest
from eventsourcing.persistence import MapperDeserialisationError, StoredEvent

from domain.application import Casetrail
from infra.projections.decode import EventDecoder
from infra.projections.log import EventLog
from tests.support.kafka_world import demo_app


@pytest.fixture(scope="module")
def app() -> Casetrail:
    return demo_app(cases=12)


def _stored(app: Casetrail) -> list[StoredEvent]:
    head = app.recorder.max_notification_id() or 0
    return list(app.recorder.select_notifications(1, head))


def test_every_demo_event_decodes_as_the_mapper_decodes_it(app: Casetrail) -> None:
    stored = _stored(app)
    decode = EventDecoder(app.mapper).decode
    topics = set()
    for event in stored:
        expected, found = app.mapper.to_domain_event(event), decode(event)
        assert type(found) is type(expected)
        assert found.__dict__ == expected.__dict__
        assert [type(v) for v in found.__dict__.values()] == [
            type(v) for v in expected.__dict__.values()
        ]
        topics.add(event.topic)
    assert len(topics) > 30, "the demo must exercise most kinds of event for this to mean much"


def test_the_log_hands_projections_the_decoded_events_in_order(app: Casetrail) -> None:
    stored = _stored(app)
    read = EventLog.of(app).read(0, len(stored), len(stored), ())
    assert [position for position, _ in read] == list(range(1, len(stored) + 1))
    assert [e.__dict__ for _, e in read] == [
        app.mapper.to_domain_event(s).__dict__ for s in stored
    ]


def test_a_value_of_an_unknown_encoded_type_is_refused_as_the_mapper_refuses_it(
    app: Casetrail,
) -> None:
    template = _stored(app)[0]
    stored = StoredEvent(
        uuid4(), 1, template.topic, b'{"timestamp":{"_type_":"no_such_type","_data_":"x"}}'
    )
    with pytest.raises(MapperDeserialisationError) as expected:
        app.mapper.to_domain_event(stored)
    with pytest.raises(MapperDeserialisationError) as found:
        EventDecoder(app.mapper).decode(stored)
    assert str(found.value) == str(expected.value)


def test_an_encrypted_store_is_decoded_by_the_mapper_itself(app: Casetrail) -> None:
    class Cipher:
        def decrypt(self, data: bytes) -> bytes:
            return data

    mapper = type(app.mapper)(app.mapper.transcoder, cipher=Cipher())  # type: ignore[arg-type]
    assert EventDecoder(mapper).decode == mapper.to_domain_event


@pytest.mark.parametrize("state", [
    # Encoded values inside lists and objects, at several depths, beside plain ones.
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-01-05T09:00:00+08:00"},'
    b'"ids":[{"_type_":"uuid_hex","_data_":"cbeb58855c655983a47abe3ddbc24133"},'
    b'[{"_type_":"uuid_hex","_data_":"368fa12ca082481286ddf44f30a485d3"}],null,1.5],'
    b'"deadline":{"due_at":{"_type_":"datetime_iso","_data_":"2026-01-09T00:00:00+08:00"},'
    b'"nested":{"_type_":"decimal_str","_data_":"1.10"},"extra":{"_type_":"x"}},'
    b'"big":123456789012345678901234567890,"text":"\\u4f01\\u4e1a \\ud83d\\ude00"}',
    # Encoded values at the top alone, plain data below: nothing below is walked.
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-01-05T09:00:00+08:00"},'
    b'"id":{"_type_":"uuid_hex","_data_":"cbeb58855c655983a47abe3ddbc24133"},'
    b'"derivation":{"days":[{"date":"2026-01-10","reason":"Saturday"}],"unit":"days"}}',
    # Text that reads like a marker (a string ending in a quote and _type_): walked.
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-01-05T09:00:00+08:00"},'
    b'"note":"a quote, then \\"_type_"}',
    # An object with a ``_type_`` key that is no encoded value: walked, and left as data.
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-01-05T09:00:00+08:00"},'
    b'"odd":{"_type_":"x"},"plain":{"a":[1,2]}}',
    # A lone surrogate, which the standard library reads and pydantic-core refuses.
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-01-05T09:00:00+08:00"},'
    b'"summary":"\\ud800"}',
])
def test_any_state_decodes_as_the_mapper_decodes_it(app: Casetrail, state: bytes) -> None:
    template = _stored(app)[0]
    stored = StoredEvent(uuid4(), 2, template.topic, state)
    expected, found = app.mapper.to_domain_event(stored), EventDecoder(app.mapper).decode(stored)
    assert type(found) is type(expected)
    assert found.__dict__ == expected.__dict__
    assert _types(found.__dict__) == _types(expected.__dict__)


def _types(value: object) -> object:
    """The value's shape: the type of everything in it."""
    if isinstance(value, dict):
        return {k: _types(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_types(v) for v in value]
    return type(value)
