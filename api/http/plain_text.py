"""Refuse control characters in the path and the query string of every request, before any
route reads them (domain/text.py says which characters and why).

A body is checked by its schema (``schemas.common.Body``) and every event by the domain; a
query filter reached the database as it came, and ``?owner=%00`` was a 500 from PostgreSQL.
Checking here covers every route's parameters, the web pages' and Open311's included.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from api.http.problems import problem_response
from api.http.schemas.common import CONTROL_CHARACTER
from domain.text import forbidden_character


def _faults(scope: Scope) -> list[dict[str, Any]]:
    faults = []
    path = str(scope.get("path", ""))
    found = forbidden_character(path)
    if found:
        faults.append(_fault("path", found))
    query = bytes(scope.get("query_string", b"")).decode("utf-8", "replace")
    for name, value in parse_qsl(query, keep_blank_values=True):
        found = forbidden_character(name) or forbidden_character(value)
        if found:
            faults.append(_fault(f"query.{name}", found))
    return faults


def _fault(field: str, character: str) -> dict[str, Any]:
    return {
        "field": field,
        "message": f"contains a control character ({character}); only tab and line breaks"
        " are allowed",
        "type": CONTROL_CHARACTER,
        "character": character,
    }


class PlainTextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        faults = _faults(scope) if scope["type"] == "http" else []
        if not faults:
            await self.app(scope, receive, send)
            return
        first = faults[0]
        response = problem_response(
            Request(scope),
            422,
            "invalid-request",
            "The request does not match the schema",
            f"{len(faults)} field(s) invalid",
            errors=[{k: f[k] for k in ("field", "message", "type")} for f in faults],
            code="control-character",
            params={"field": first["field"], "character": first["character"]},
        )
        await response(scope, receive, send)
