"""A bounded property-based run of the OpenAPI document (schemathesis): whatever the generated
request, no 5xx, and every answer matches the document (status, content type, body)."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.http.access import ACCESS, PUBLIC
from api.http.app import api_routes
from tests.e2e.api_world import BY_ROLE, World, world

__all__ = ["world"]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_generated_requests_get_documented_answers_and_never_a_server_error(world: World) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", world.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    roles = {r.operation_id: ACCESS[r.name] for r in api_routes()}
    failures: list[tuple[str, int, str]] = []

    def headers_for(operation: Any) -> dict[str, str]:
        allowed = roles.get(operation.definition.raw.get("operationId"), PUBLIC)
        role = min(allowed, default=None, key=lambda r: r.value)
        if role is None or operation.path == "/api/v1/session":
            return {}
        return world.auth(BY_ROLE[role])

    @settings(
        max_examples=1200, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        operation = data.draw(st.sampled_from(operations))
        case = data.draw(operation.as_strategy())
        response = case.call(headers=headers_for(operation))
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as failure:  # collect, to report every kind at once
            failures.append((operation.label, response.status_code, str(failure)[:400]))

    run()
    assert failures == []
