"""Open311 GeoReport v2 shapes: services from demand types, requests from case rows, and the
spec's JSON and XML renderings (root elements ``<services>``, ``<service_definition>``,
``<service_requests>``).

A service is a demand type (咨询, 求助, 投诉, 举报, 建议); the service item, the enterprise and
the real-name, confidentiality and emergency flags are its attributes. A request is a case:
``expected_datetime`` is its deadline, ``agency_responsible`` its lead unit, ``status`` open or
closed with the handling status in ``status_notes``; the point, address and photo given with
the request come back as ``lat``, ``long``, ``address``, ``address_id`` and ``media_url``.
Confidential cases are never listed.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any
from xml.etree import ElementTree as ET

from pydantic_core import to_json

from domain.case_rules import CASE_TYPES, OPEN_STATUSES, OUTCOMES
from domain.text import xml_safe
from projections.values import Stored

OPEN_VALUES = frozenset(s.value for s in OPEN_STATUSES)
ENGLISH = {
    "consultation": "Consultation",
    "help": "Request for help",
    "complaint": "Complaint",
    "report": "Report of misconduct",
    "suggestion": "Suggestion",
}
FLAG_VALUES = [{"key": "true", "name": "yes"}, {"key": "false", "name": "no"}]
ATTRIBUTES: list[dict[str, Any]] = [
    {
        "variable": True,
        "code": "enterprise",
        "datatype": "string",
        "required": False,
        "datatype_description": "unified social credit code (18 characters)",
        "order": 1,
        "description": "The enterprise the demand concerns (staff filing on its behalf).",
    },
    {
        "variable": True,
        "code": "service_item",
        "datatype": "string",
        "required": False,
        "datatype_description": None,
        "order": 2,
        "description": "The service item (办事事项) concerned, if any.",
    },
    {
        "variable": True,
        "code": "real_name",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": None,
        "order": 3,
        "description": "Filed in the filer's real name (default yes).",
        "values": FLAG_VALUES,
    },
    {
        "variable": True,
        "code": "confidential",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": None,
        "order": 4,
        "description": "Keep the filer's identity confidential (a report always is).",
        "values": FLAG_VALUES,
    },
    {
        "variable": True,
        "code": "emergency",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": None,
        "order": 5,
        "description": "An emergency, handled within hours.",
        "values": FLAG_VALUES,
    },
]


SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-30T00:00:00Z"
"""When this endpoint's interface last changed (discovery's ``changeset``): public reads,
discovery, the spec's errors and the location fields."""


def discovery(base_url: str) -> dict[str, Any]:
    """The discovery document: where the endpoint is, what it speaks, how to get a key."""
    root = base_url.rstrip("/")
    return {
        "changeset": CHANGESET,
        "contact": f"The operator of this Casetrail service; the API is described at {root}/docs",
        "key_service": f"{root}/api/v1/session (sign in; the token is your api_key)",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": f"{root}/open311/v2",
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def services() -> list[dict[str, Any]]:
    return [
        {
            "service_code": code,
            "service_name": f"{chinese} {ENGLISH[code]}",
            "description": f"{ENGLISH[code]} (诉求类型: {chinese})",
            "metadata": True,
            "type": "realtime",
            "keywords": f"{code}, {chinese}",
            "group": "demand",
        }
        for code, chinese in CASE_TYPES.items()
    ]


def definition(code: str) -> dict[str, Any]:
    return {"service_code": code, "attributes": ATTRIBUTES}


REQUEST_COLUMNS = (
    "id", "case_type", "status", "lead_unit_id", "summary", "filed_at", "due_at", "outcome",
    "updated_at", "location",
)
"""The columns of the case view a request is written from (``request_of`` takes their stored
values in this order): a list of a thousand reads only those. They are in the view's own
order, the order a page reads them in, so its rows come as they are."""
LEAD = REQUEST_COLUMNS.index("lead_unit_id")
WRITTEN_REQUESTS = 5000
"""Requests a server process keeps written as JSON (``request_json``), by what each was written
from: five lists of a thousand. About a kilobyte each, key included."""


def request_of(
    stored: tuple[Stored, ...], agency: str | None, tz: timezone, *, description: bool = True
) -> dict[str, Any]:
    """A case row (the stored values of ``REQUEST_COLUMNS``) as a GeoReport service request;
    ``agency`` is its lead unit's name; ``description`` False leaves the demand's own words out
    (a public read, when policy says so)."""
    case_id, case_type, handling, _, summary, filed, due, outcome, updated, place = stored
    location: dict[str, Any] = _NOWHERE if place is None else json.loads(str(place))
    status, notes, service_name, code = _labels(handling, outcome, case_type)
    return {
        "service_request_id": str(case_id),
        "status": status,
        "status_notes": notes,
        "service_name": service_name,
        "service_code": code,
        "description": summary if description else None,
        "agency_responsible": agency,
        "service_notice": None,
        "requested_datetime": _w3(filed, tz),
        "updated_datetime": _w3(updated, tz),
        "expected_datetime": _w3(due, tz),
        "address": location.get("address_string"),
        "address_id": location.get("address_id"),
        "zipcode": None,
        "lat": location.get("lat"),
        "long": location.get("long"),
        "media_url": location.get("media_url"),
    }


_NOWHERE: dict[str, Any] = {}
"""The place of a request given none (only read)."""


@lru_cache(maxsize=256)
def _labels(status: Any, outcome: Any, case_type: Any) -> tuple[str, str, str, str]:
    """A request's status, status notes, service name and service code (a list holds a few
    statuses, outcomes and demand types, and every row writes them)."""
    handling = str(status)
    notes = handling.replace("_", " ")
    if outcome:
        said = str(outcome)
        notes += f": {said.replace('_', ' ')} ({OUTCOMES.get(said, said)})"
    code = str(case_type)
    return (
        "open" if handling in OPEN_VALUES else "closed",
        notes,
        f"{CASE_TYPES.get(code, code)} {ENGLISH.get(code, code)}",
        code,
    )


def requests_json(
    rows: list[tuple[Stored, ...]], agencies: dict[str, str], tz: timezone, *,
    description: bool = True,
) -> bytes:
    """The requests of ``rows`` as ``JSONResponse`` writes a list of ``request_of``'s dicts
    (``json.dumps``: compact, UTF-8, no NaN); ``agencies``: the lead units' names by id."""
    written = [
        request_json(row, agencies.get(str(row[LEAD])), tz, description) for row in rows
    ]
    return b"[" + b",".join(written) + b"]"


@lru_cache(maxsize=WRITTEN_REQUESTS)
def request_json(
    stored: tuple[Stored, ...], agency: str | None, tz: timezone, description: bool
) -> bytes:
    """``request_of`` as JSON, kept by what it was written from: the lists a server answers
    again and again (the open requests of the last days) write each request once, and a row
    that changed (its values, or its unit's name) is another key. Written by pydantic-core,
    several times faster than ``json.dumps``. The two write strings, null, booleans, integers
    and most floats alike; a float below 1e-4 Python writes with an exponent and pydantic-core
    without, so a request holding one (or anything but those types) is written by
    ``json.dumps`` itself. ``tests/unit/test_georeport_json.py`` holds the two to the same
    bytes."""
    request = request_of(stored, agency, tz, description=description)
    if all(_alike(value) for value in request.values()):
        return to_json(request)
    return json.dumps(
        request, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8")


def _alike(value: Any) -> bool:
    """Whether pydantic-core writes ``value`` as ``json.dumps`` does (NaN and infinity too are
    left to ``json.dumps``, which refuses them)."""
    if value is None or type(value) in (str, int, bool):
        return True
    return type(value) is float and (value == 0 or 1e-4 <= abs(value) < 1e16)


@lru_cache(maxsize=4096)
def _w3(stored: Stored, tz: timezone) -> str | None:
    """A stored moment as a local W3C time: deadlines fall at a few ends of working days, and
    cases filed or updated together share their moments, so a list writes few of its own."""
    if not isinstance(stored, str):
        return None
    return datetime.fromisoformat(stored).astimezone(tz).isoformat(timespec="seconds")


# XML, element by element as the spec lists them.


def xml_document(root: str, item: str | None, data: Any) -> bytes:
    """``data`` (a list of dicts, or one dict when ``item`` is None) under ``<root>``."""
    element = ET.Element(root)
    if item is None:
        _fill(element, data)
    else:
        for entry in data:
            _fill(ET.SubElement(element, item), entry)
    return bytes(ET.tostring(element, encoding="utf-8", xml_declaration=True))


ITEM_NAMES = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
"""A list under one of these keys holds elements of the given name, as the spec writes them."""


def _fill(parent: ET.Element, data: dict[str, Any]) -> None:
    for key, value in data.items():
        child = ET.SubElement(parent, key)
        if isinstance(value, list):
            for entry in value:
                item = ET.SubElement(child, ITEM_NAMES[key])
                if isinstance(entry, dict):
                    _fill(item, entry)
                else:
                    item.text = _text(entry)
        else:
            child.text = _text(value)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    # Text stored before control characters were refused must not make the document unreadable.
    return xml_safe(str(value))
