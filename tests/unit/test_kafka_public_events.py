"""The public event catalogue: complete, private where it must be, and true to its schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID

import jsonschema
import pytest

from domain.case import Case
from domain.evaluation import Evaluation
from domain.privacy import DataSubject
from infra.kafka.cloudevents import attributes, decode, encode
from infra.kafka.public import by_type, publication_of, publications, withheld
from infra.kafka.schemas import documents, envelope_schema, event_schemas
from projections.registry import all_projections
from tests.support.event_samples import domain_event_classes, sample_event

DOCS = Path(__file__).resolve().parents[2] / "docs" / "events"
CLASSES = domain_event_classes()
NEVER_PUBLISHED = {
    "filer_name", "filer_contact", "password_hash", "secret_digest", "summary", "note", "reason",
    "reply", "answer", "allegation", "findings", "statement", "measures", "description",
    "instruction", "response", "conclusion", "enterprise_notice", "name_of_filer", "notes",
}


def _validate(instance: Any, schema: dict[str, Any]) -> None:
    jsonschema.validate(instance, schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("event_class", CLASSES, ids=lambda c: c.__qualname__)
def test_every_internal_event_class_is_published_or_deliberately_withheld(
    event_class: type[Any],
) -> None:
    publication_of(sample_event(event_class))  # raises UnmappedEventError if neither


@pytest.mark.parametrize(
    "publication", publications(), ids=lambda p: p.type,
)
def test_each_public_payload_satisfies_its_published_schema(publication: Any) -> None:
    data = publication.data(sample_event(publication.event_class))
    schema = event_schemas()[publication.type]
    _validate(data, schema)
    assert sorted(data) == sorted(schema["properties"])


def test_no_public_type_carries_free_text_credentials_or_a_filers_identity() -> None:
    published = {f.name for p in publications() for f in p.fields}
    assert published & NEVER_PUBLISHED == set()


def test_a_confidential_case_is_published_without_its_enterprise_or_source_visit() -> None:
    filed = sample_event(Case.Filed, role="enterprise", confidential=True, case_type="report")
    data = publication_of(filed).data(filed)  # type: ignore[union-attr]
    assert data["enterprise_id"] is None
    assert data["source_visit_id"] is None
    assert data["confidential"] is True
    assert "filer_name" not in data
    assert "filer_contact" not in data
    assert data["actor"] == {"role": "enterprise", "id": None}


def test_an_open_case_names_its_enterprise_and_its_staff_actor() -> None:
    filed = sample_event(Case.Filed, role="window_staff", confidential=False)
    data = publication_of(filed).data(filed)  # type: ignore[union-attr]
    assert data["enterprise_id"] == str(filed.enterprise_id)
    assert data["actor"] == {"role": "window_staff", "id": "li.na"}


def test_a_rating_never_names_its_rater_nor_quotes_their_reason() -> None:
    rated = sample_event(Evaluation.Rated, role="enterprise", reason="the clerk was rude")
    data = publication_of(rated).data(rated)  # type: ignore[union-attr]
    assert data["actor"]["id"] is None
    assert "the clerk was rude" not in json.dumps(data, ensure_ascii=False)


def test_credentials_never_reach_the_stream() -> None:
    withheld_names = {w.event_class.__qualname__ for w in withheld()}
    assert {"User.Added", "User.PasswordSet", "ApiToken.Issued"} <= withheld_names


def test_every_read_model_can_be_fed_from_the_stream() -> None:
    """A Kafka worker sees only published events: no read model may need a withheld one."""
    held = {w.event_class for w in withheld()}
    for projection in all_projections():
        needs = set(projection._handlers)
        assert needs & held == set(), projection.name


def test_public_types_are_versioned_and_named_after_their_aggregate() -> None:
    for event_type, publication in by_type().items():
        assert event_type == f"cn.casetrail.{publication.name}.v{publication.version}"


def test_a_message_carries_cloudevents_headers_and_reads_back() -> None:
    dispatched = sample_event(Case.Dispatched, originator_version=4)
    publication = publication_of(dispatched)
    assert publication is not None
    message = encode(dispatched, 812, publication, "/casetrail/national")
    found = attributes(message.headers)
    assert found["id"] == f"{dispatched.originator_id}:4"
    assert found["type"] == "cn.casetrail.case.dispatched.v1"
    assert found["subject"] == f"case/{dispatched.originator_id}"
    assert found["time"] == "2026-03-02T01:30:00Z"  # 09:30 in China
    assert found["casetrailposition"] == "812"
    assert message.key == str(dispatched.originator_id).encode()
    _validate(found, envelope_schema())
    received = decode(message.headers, message.value)
    assert (received.aggregate_id, received.version, received.position) == (
        UUID(str(dispatched.originator_id)), 4, 812,
    )
    assert received.data()["lead_unit_id"] == str(dispatched.lead_unit_id)


def test_the_schemas_in_docs_events_are_the_generated_ones() -> None:
    expected = documents()
    on_disk = {p.name for p in DOCS.iterdir() if p.name != "README.md"}
    assert on_disk == set(expected), "run: python -m infra.kafka.schemas docs/events"
    for name, content in expected.items():
        assert (DOCS / name).read_text(encoding="utf-8") == content, name


def test_an_erasure_tells_consumers_which_case_to_forget_and_names_no_one() -> None:
    erased = sample_event(DataSubject.Erased)
    publication = publication_of(erased)
    assert publication is not None
    assert publication.type == "cn.casetrail.data_subject.erased.v1"
    data = publication.data(erased)
    assert set(data) == {"actor", "case_id"}
    assert data["case_id"] == str(erased.case_id)
    assert publication_of(sample_event(DataSubject.Revealed)) is None
