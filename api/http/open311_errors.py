"""Errors on the Open311 routes, in GeoReport v2's own format rather than RFC 9457.

The spec answers an error with a list of ``{"code", "description"}`` (JSON) or
``<errors><error><code/><description/></error></errors>`` (XML), with the HTTP status as the
code; that is what GeoReport clients parse. Each invalid field is an error of its own; the
description carries Casetrail's stable problem code in brackets, so a client can still tell
refusals apart without parsing the English.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

from fastapi.responses import JSONResponse, Response

from domain.text import xml_safe

PREFIX = "/open311/"


def speaks_open311(path: str) -> bool:
    return path.startswith(PREFIX)


def errors_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The spec's error list for a problem ``body`` (type, title, detail, errors, code)."""
    status = int(body["status"])
    kind = str(body.get("code") or str(body.get("type", "")).rpartition(":")[2])
    title = str(body.get("title", ""))
    fields = body.get("errors") or []
    if fields:
        return [
            {
                "code": status,
                "description": f"{entry['field']}: {entry['message']} [{entry['type']}]",
            }
            for entry in fields
        ]
    detail = body.get("detail")
    described = f"{title}: {detail}" if detail else title
    return [{"code": status, "description": f"{described} [{kind}]" if kind else described}]


def response(
    path: str, body: dict[str, Any], status: int, headers: dict[str, str] | None
) -> Response:
    errors = errors_of(body)
    if path.endswith(".xml"):
        return Response(
            xml_errors(errors), status, headers=headers, media_type="application/xml; charset=utf-8"
        )
    return JSONResponse(errors, status, headers=headers)


def xml_errors(errors: list[dict[str, Any]]) -> bytes:
    root = ET.Element("errors")
    for entry in errors:
        error = ET.SubElement(root, "error")
        ET.SubElement(error, "code").text = str(entry["code"])
        ET.SubElement(error, "description").text = xml_safe(str(entry["description"]))
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
