"""Every route, every role: the declarative access table decides, and nothing else answers 403
for a role it lets through. Built from the table and the app's routes, so a new route is
covered the day it is added."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from api.http.access import ACCESS, PUBLIC
from api.http.app import api_routes
from domain.actors import Role
from domain.case_rules import STEPS
from tests.e2e.api_world import BY_ROLE, World, world
from tests.support.app import ADMIN

__all__ = ["world"]

SAMPLE = {
    "fmt": "json",
    "service_code": "complaint",
    "unit": "AMR",
    "enterprise": "91440300MA5KEY0001",
    "login": "li.na",
    "view": "directory",
    "table": "units",
    "finding_id": "1",
}


def concrete(path: str) -> str:
    return re.sub(r"{(\w+)}", lambda m: SAMPLE.get(m.group(1), str(uuid.uuid4())), path)


def test_every_route_has_an_access_rule_and_every_rule_a_route() -> None:
    names = {r.name for r in api_routes()}
    assert names == set(ACCESS)


@pytest.mark.parametrize(
    ("route", "step"),
    [
        ("cases.receive", "receive"),
        ("cases.hand_over", "hand_over"),
        ("cases.answer_directly", "answer_directly"),
        ("cases.dispatch", "dispatch"),
        ("cases.request_return", "request_return"),
        ("cases.decide_return", "decide_return"),
        ("cases.sign_for", "sign_for"),
        ("cases.record_contact", "record_contact"),
        ("cases.record_site_visit", "record_site_visit"),
        ("cases.pause", "pause"),
        ("cases.resume", "resume"),
        ("cases.request_extension", "request_extension"),
        ("cases.decide_extension", "decide_extension"),
        ("cases.reply", "reply"),
        ("cases.record_callback", "record_callback"),
        ("cases.close", "close"),
        ("cases.reopen", "reopen"),
        ("cases.terminate", "terminate"),
        ("cases.request_termination", "request_termination"),
        ("cases.refuse_termination", "refuse_termination"),
    ],
)
def test_case_routes_admit_exactly_the_roles_the_domain_allows(route: str, step: str) -> None:
    assert ACCESS[route] == STEPS[step][1]


def test_each_role_is_let_through_or_refused_as_the_table_says(world: World) -> None:
    mismatches = []
    for route in api_routes():
        method = next(iter(route.methods or {"GET"}))
        path = concrete(route.path)
        allowed = ACCESS[route.name]
        if allowed != PUBLIC:
            anonymous = world.client.request(method, path, json={})
            if anonymous.status_code != 401:
                mismatches.append((route.name, "anonymous", anonymous.status_code))
        for role, login in BY_ROLE.items():
            token = world.tokens[login]
            if route.name == "session.close":  # signing out revokes the token used
                token = world.container.accounts.issue_token(login, actor=ADMIN).token
            answer = world.client.request(
                method, path, json={}, headers={"Authorization": f"Bearer {token}"}
            )
            refused = answer.status_code == 403 and refused_for_role(answer.json())
            expected_refusal = allowed != PUBLIC and role not in allowed
            if refused != expected_refusal or answer.status_code >= 500:
                mismatches.append((route.name, role.value, answer.status_code))
    assert mismatches == []


def refused_for_role(body: Any) -> bool:
    """A problem document's type, or (Open311's error list) its description, names the rule."""
    if isinstance(body, list):  # GeoReport v2: [{"code", "description"}]
        return any(str(e["description"]).endswith("[role-not-allowed]") for e in body)
    return str(body["type"]).endswith("role-not-allowed")


def test_the_roles_are_published_in_the_api_document(world: World) -> None:
    document = world.client.get("/openapi.json").json()
    operation = document["paths"]["/api/v1/cases/{case_id}/extension-decisions"]["post"]
    assert operation["x-roles"] == [Role.UNIT_HEAD.value]
    assert (
        operation["summary"] == "Approve or refuse the pending extension request; the"
        " enterprise is told"
    )
