"""Malformed, oversized and hostile bodies, headers and query strings against the API.

On PostgreSQL, the production store. Every refused request gets a 4xx answer as problem
details (never a 5xx) and writes nothing: the log's head is the same before and after. Text that
looks hostile but is valid (SQL, markup, bidirectional controls) is stored exactly as sent.
"""

from __future__ import annotations

import base64
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.actors import Actor, Role
from domain.directory import Unit
from tests.e2e.api_world import World, open_world, settings_for
from tests.support.clock import FakeClock
from tests.support.postgres import create_database, drop_database

pytestmark = [pytest.mark.fault, pytest.mark.postgres]

CLERK = Actor("li.na", Role.WINDOW_STAFF)
FILING = {
    "case_type": "complaint", "channel": "window", "summary": "审批超时", "filer_name": "张伟"
}
PROBLEM_TYPES = ("application/problem+json", "application/problem+xml")


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def _chunks(size: int) -> Iterator[bytes]:
    sent = 0
    while sent < size:
        yield b" " * 4096
        sent += 4096


@pytest.fixture(scope="module")
def world(postgres_server: str) -> Iterator[World]:
    url = create_database(postgres_server)
    opened = open_world(settings_for(Path(tempfile.mkdtemp()), "postgres", url), FakeClock())
    try:
        yield opened
    finally:
        opened.container.close()
        drop_database(postgres_server, url)


@pytest.fixture(scope="module")
def case_id(world: World) -> UUID:
    app = world.container.app
    found = app.file_demand(
        case_type="complaint", channel="window", summary="在办", actor=CLERK, filer_name="张伟"
    ).id
    app.dispatch(found, "AMR", actor=CLERK)
    app.sign_for(found, actor=CLERK)
    return found


def _head(world: World) -> int:
    return world.container.app.recorder.max_notification_id() or 0


def _send(world: World, request: dict[str, Any], case: UUID) -> Any:
    login = request.get("login", "li.na")
    headers = dict(world.auth(login)) if login else {}
    headers.update(request.get("headers", {}))
    body = request.get("body")
    content = _json(body) if body is not None else request.get("content")
    if content is not None and not callable(content):
        headers.setdefault("Content-Type", "application/json")
    if callable(content):
        content = content()
    path = request["path"].replace("{case}", str(case))
    return world.client.request(
        request.get("method", "POST"), path, content=content, headers=headers,
        params=request.get("params"),
    )


REFUSED: list[Any] = [
    pytest.param({"path": "/api/v1/cases", "content": b"{not json"}, id="not-json"),
    pytest.param({"path": "/api/v1/cases", "content": b""}, id="empty-body"),
    pytest.param({"path": "/api/v1/cases", "content": b"[]"}, id="array-body"),
    pytest.param({"path": "/api/v1/cases", "content": b"null"}, id="null-body"),
    pytest.param({"path": "/api/v1/cases", "content": b'"complaint"'}, id="string-body"),
    pytest.param(
        {"path": "/api/v1/cases", "content": b'{"a":' * 5000 + b"1" + b"}" * 5000},
        id="nested-5000-deep",
    ),
    pytest.param(
        {"path": "/api/v1/cases", "content": _json({**FILING, "summary": "长" * 40_000})},
        id="oversized-announced",
    ),
    pytest.param(
        {"path": "/api/v1/cases", "content": lambda: _chunks(80_000)}, id="oversized-chunked"
    ),
    pytest.param({"path": "/api/v1/cases", "body": {**FILING, "summary": "x" * 4001}},
                 id="summary-too-long"),
    pytest.param({"path": "/api/v1/cases", "body": {**FILING, "summary": "   "}},
                 id="summary-blank"),
    pytest.param({"path": "/api/v1/cases", "body": {**FILING, "admin": True}},
                 id="unknown-field"),
    pytest.param({"path": "/api/v1/cases", "body": {**FILING, "case_type": "bribe"}},
                 id="unknown-type"),
    pytest.param({"path": "/api/v1/cases", "body": {**FILING, "case_type": ["complaint"]}},
                 id="type-as-list"),
    pytest.param({"path": "/api/v1/cases", "content": _json(FILING)[:-1] + b',"emergency":1e999}'},
                 id="infinite-number"),
    pytest.param({"path": "/api/v1/cases", "content": _json(FILING)[:-1] + b',"real_name":NaN}'},
                 id="nan-literal"),
    pytest.param({"path": "/api/v1/cases",
                  "content": b'{"case_type":"complaint","summary":"\\ud800","filer_name":"x"}'},
                 id="lone-surrogate"),
    pytest.param({"path": "/api/v1/cases", "body": {**FILING, "filer_name": None}},
                 id="real-name-without-name"),
    pytest.param({"path": "/api/v1/cases", "body": {**FILING, "enterprise": "NO-SUCH-CODE"}},
                 id="unknown-enterprise"),
    pytest.param({"path": "/api/v1/cases", "login": "example-co",
                  "body": {**FILING, "enterprise": "91440300MA5OTHER01"}},
                 id="enterprise-files-for-another"),
    pytest.param({"path": "/api/v1/cases/{case}/dispatch", "body": {"lead_unit": "NOPE"}},
                 id="dispatch-to-unknown-unit"),
    pytest.param({"path": "/api/v1/cases/{case}/dispatch",
                  "body": {"lead_unit": "AMR", "co_units": ["HRS"] * 21}},
                 id="too-many-co-units"),
    pytest.param({"path": "/api/v1/cases/{case}/contacts", "body": {"note": "x"},
                  "headers": {"If-Match": 'W/"abc"'}}, id="if-match-not-a-version"),
    pytest.param({"path": "/api/v1/cases/{case}/contacts", "body": {"note": "x"},
                  "headers": {"If-Match": '"9999999999"'}}, id="if-match-huge"),
    pytest.param({"path": "/api/v1/cases/{case}/contacts", "body": {"note": "x"},
                  "headers": {"If-Match": 'W/"1"'}}, id="if-match-stale"),
    pytest.param({"path": "/api/v1/cases", "body": FILING,
                  "headers": {"Idempotency-Key": "k" * 201}}, id="idempotency-key-too-long"),
    pytest.param({"path": "/api/v1/cases", "body": FILING,
                  "headers": {"Idempotency-Key": "has space"}}, id="idempotency-key-space"),
    pytest.param({"path": "/api/v1/cases", "body": FILING, "login": None,
                  "headers": {"Authorization": "Bearer ' OR '1'='1"}}, id="token-injection"),
    pytest.param({"path": "/api/v1/cases", "body": FILING, "login": None,
                  "headers": {"Authorization": "Bearer " + "A" * 5000}}, id="token-huge"),
    pytest.param({"path": "/api/v1/cases", "body": FILING, "login": None,
                  "headers": {"Authorization": "Basic YWRtaW46YWRtaW4="}}, id="basic-auth"),
    pytest.param({"path": "/api/v1/cases", "body": FILING, "login": None}, id="no-auth"),
    pytest.param({"path": "/api/v1/cases/{case}/extension-decisions", "login": "li.na",
                  "body": {"approved": True, "reason": "x"}}, id="role-not-allowed"),
    pytest.param({"path": "/open311/v2/requests.json", "login": None,
                  "content": b"api_key=nope&service_code=complaint&description=x",
                  "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
                 id="open311-bad-key"),
]

QUERIES: list[Any] = [
    pytest.param({"limit": "abc"}, id="limit-not-a-number"),
    pytest.param({"limit": "0"}, id="limit-zero"),
    pytest.param({"limit": str(10**30)}, id="limit-huge"),
    pytest.param({"min_position": "-1"}, id="position-negative"),
    pytest.param({"min_position": str(10**30)}, id="position-huge"),
    pytest.param({"min_position": str(2**40)}, id="position-past-the-log"),
    pytest.param({"cursor": "!!!"}, id="cursor-garbage"),
    pytest.param({"cursor": "x" * 401}, id="cursor-too-long"),
    pytest.param({"cursor": base64.urlsafe_b64encode(b"[1, 2]").decode()}, id="cursor-array"),
    pytest.param([("status", "open")] * 11, id="status-repeated"),
    pytest.param({"sort": "id; DROP TABLE view_cases"}, id="sort-injection"),
    pytest.param({"unit": "A" * 65}, id="unit-too-long"),
]


def _is_problem(response: Any) -> bool:
    """A problem document, or on the Open311 routes an error in GeoReport v2's own format."""
    if response.request.url.path.startswith("/open311/"):
        return _is_open311_error(response)
    media = response.headers.get("content-type", "").split(";")[0]
    if media not in PROBLEM_TYPES:
        return False
    if media.endswith("xml"):
        return b"<status>" in response.content
    body = response.json()
    return body.get("status") == response.status_code and bool(body.get("type"))


def _is_open311_error(response: Any) -> bool:
    if "xml" in response.headers.get("content-type", ""):
        return f"<code>{response.status_code}</code>".encode() in response.content
    errors = response.json()
    return isinstance(errors, list) and errors[0].get("code") == response.status_code


@pytest.mark.parametrize("request_", REFUSED)
def test_a_hostile_command_is_refused_with_a_problem_and_writes_nothing(
    world: World, case_id: UUID, request_: dict[str, Any]
) -> None:
    before = _head(world)
    response = _send(world, request_, case_id)
    assert 400 <= response.status_code < 500, response.text[:300]
    assert _is_problem(response), response.text[:300]
    assert _head(world) == before


@pytest.mark.parametrize("params", QUERIES)
def test_a_hostile_query_string_is_refused_with_a_problem(world: World, params: Any) -> None:
    response = world.client.get("/api/v1/cases", params=params, headers=world.auth("chen.jie"))
    assert 400 <= response.status_code < 500, response.text[:300]
    assert _is_problem(response), response.text[:300]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cases/not-a-uuid",
        f"/api/v1/cases/{Unit.id_for('AMR')}",
        f"/api/v1/cases/{uuid4()}",
        "/api/v1/cases/..%2F..%2Fetc%2Fpasswd",
        "/api/v1/cases?unit=%ff%fe%00",
        "/open311/v2/requests.xml?api_key=nope",
        "/open311/v2/requests/%27%20OR%201=1.json?api_key=nope",
    ],
)
def test_a_hostile_path_is_answered_without_a_server_error(world: World, path: str) -> None:
    response = world.client.get(path, headers=world.auth("chen.jie"))
    assert response.status_code < 500, response.text[:300]
    if response.status_code >= 400:
        assert _is_problem(response), response.text[:300]


@pytest.mark.parametrize(
    "summary",
    [
        "'); DROP TABLE casetrail_events; --",
        "<script>alert('x')</script>",
        "测" * 4000,
        "\u202eevil\u202c 😀 \t tab",
        "%s %(x)s {0} ${x} \\u0000",
    ],
)
def test_hostile_looking_text_is_stored_exactly_as_sent(world: World, summary: str) -> None:
    before = _head(world)
    response = world.post("li.na", "/api/v1/cases", {**FILING, "summary": summary})
    assert response.status_code == 201, response.text[:300]
    assert _head(world) == before + 2  # the case and its filer's data subject, together
    shown = world.client.get(f"/api/v1/cases/{response.json()['id']}", headers=world.auth("li.na"))
    assert shown.json()["summary"] == summary
    listed = world.get("chen.jie", "/api/v1/cases", min_position=response.json()["position"])
    assert listed.status_code == 200


def test_duplicate_keys_in_a_body_take_the_last_value_as_json_parsers_do(world: World) -> None:
    raw = b'{"case_type":"help","case_type":"complaint","summary":"dup","filer_name":"x"}'
    response = world.client.post(
        "/api/v1/cases", content=raw,
        headers={**world.auth("li.na"), "Content-Type": "application/json"},
    )
    assert response.status_code == 201
    shown = world.client.get(f"/api/v1/cases/{response.json()['id']}", headers=world.auth("li.na"))
    assert shown.json()["case_type"] == "complaint"


@pytest.fixture
def own_world(postgres_server: str) -> Iterator[World]:
    """A world of its own: the request under test may leave its read model stuck."""
    url = create_database(postgres_server)
    opened = open_world(settings_for(Path(tempfile.mkdtemp()), "postgres", url), FakeClock())
    try:
        yield opened
    finally:
        opened.container.close()
        drop_database(postgres_server, url)


@pytest.mark.parametrize("field", ["summary", "filer_name"])
def test_a_nul_character_in_text_is_refused_and_the_read_model_keeps_going(
    own_world: World, field: str
) -> None:
    before = _head(own_world)
    response = own_world.post("li.na", "/api/v1/cases", {**FILING, field: "a\u0000b"})
    after = own_world.get("chen.jie", "/api/v1/cases", min_position=_head(own_world))
    assert response.status_code == 422
    assert _head(own_world) == before
    assert after.status_code == 200
