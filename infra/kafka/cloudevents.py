"""CloudEvents 1.0 over Kafka, binary content mode: attributes in ``ce_`` headers, data as value.

One message per published event:

- key: the aggregate id (all events of one case land in one partition, in order);
- headers: ``ce_specversion``, ``ce_id`` (``<aggregate id>:<version>``), ``ce_source``
  (``/casetrail/<jurisdiction>``), ``ce_type`` (``cn.casetrail.case.dispatched.v1``),
  ``ce_subject`` (``case/<aggregate id>``), ``ce_time`` (business time, UTC), ``ce_dataschema``,
  ``ce_casetrailposition`` (the event's position in the store's log) and ``content-type``;
- value: the ``data`` as UTF-8 JSON, valid against the type's schema in ``docs/events/``.

See docs/adr for why binary mode.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from infra.kafka.public.spec import Publication, plain

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
HEADER_PREFIX = "ce_"
POSITION = "casetrailposition"

_UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
ENVELOPE_ATTRIBUTES: dict[str, dict[str, Any]] = {
    "specversion": {"required": True, "schema": {"const": SPEC_VERSION}},
    "id": {
        "required": True,
        "schema": {
            "type": "string", "pattern": f"^{_UUID}:[1-9][0-9]*$",
            "description": "<aggregate id>:<aggregate version>; unique per source",
        },
    },
    "source": {
        "required": True,
        "schema": {"type": "string", "minLength": 1, "description": "/casetrail/<jurisdiction>"},
    },
    "type": {
        "required": True,
        "schema": {"type": "string", "pattern": r"^cn\.casetrail\.[a-z_]+\.[a-z_]+\.v[1-9][0-9]*$"},
    },
    "subject": {
        "required": True,
        "schema": {"type": "string", "pattern": f"^[a-z_]+/{_UUID}$"},
    },
    "time": {"required": True, "schema": {"type": "string", "format": "date-time"}},
    "datacontenttype": {"required": True, "schema": {"const": CONTENT_TYPE}},
    "dataschema": {"required": True, "schema": {"type": "string", "format": "uri"}},
    POSITION: {
        "required": True,
        "schema": {
            "type": "string", "pattern": "^[1-9][0-9]*$",
            "description": "position in the source's event log: grows with every event",
        },
    },
}


class NotACloudEventError(ValueError):
    """A message on the topic lacks the attributes every Casetrail event carries."""


@dataclass(frozen=True)
class Message:
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


@dataclass(frozen=True)
class Received:
    """A consumed event: its attributes, where it came from, and its (undecoded) data."""

    id: str
    type: str
    source: str
    subject: str
    time: str
    position: int
    aggregate_id: UUID
    version: int
    value: bytes

    def data(self) -> Any:
        return json.loads(self.value)


def schema_uri(event_type: str) -> str:
    return f"urn:casetrail:schema:{event_type}"


def event_id(aggregate_id: UUID, version: int) -> str:
    return f"{aggregate_id}:{version}"


def encode(event: Any, position: int, publication: Publication, source: str) -> Message:
    """The Kafka message of an internal event, in its public form."""
    aggregate_id = UUID(str(event.originator_id))
    attributes = {
        "specversion": SPEC_VERSION,
        "id": event_id(aggregate_id, int(event.originator_version)),
        "source": source,
        "type": publication.type,
        "subject": f"{publication.kind}/{aggregate_id}",
        "time": plain("datetime", event.timestamp),
        "dataschema": schema_uri(publication.type),
        POSITION: str(position),
    }
    headers = [(HEADER_PREFIX + name, value.encode()) for name, value in attributes.items()]
    headers.append(("content-type", CONTENT_TYPE.encode()))
    value = json.dumps(publication.data(event), ensure_ascii=False, separators=(",", ":"))
    return Message(str(aggregate_id).encode(), value.encode("utf-8"), headers)


def attributes(headers: Iterable[tuple[str, bytes | None]]) -> dict[str, str]:
    """The CloudEvents attributes of a message (``content-type`` as ``datacontenttype``)."""
    found: dict[str, str] = {}
    for name, raw in headers:
        value = (raw or b"").decode("utf-8", errors="replace")
        if name.startswith(HEADER_PREFIX):
            found[name[len(HEADER_PREFIX):]] = value
        elif name.lower() == "content-type":
            found["datacontenttype"] = value
    return found


def decode(headers: Sequence[tuple[str, bytes | None]], value: bytes | None) -> Received:
    found = attributes(headers)
    try:
        aggregate, version = found["id"].rsplit(":", 1)
        return Received(
            id=found["id"], type=found["type"], source=found["source"],
            subject=found["subject"], time=found["time"], position=int(found[POSITION]),
            aggregate_id=UUID(aggregate), version=int(version), value=value or b"",
        )
    except (KeyError, ValueError) as error:
        raise NotACloudEventError(f"not a Casetrail CloudEvent ({error!r}): {found}") from None
