"""The HTTP conventions every route shares: idempotency keys, problems, limits, sign-in, metrics."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.http.app import create_app
from infra.container import build_container
from tests.e2e.api_world import FAST_HASHER, PASSWORD, World, open_world, settings_for, world
from tests.support.app import official_years
from tests.support.clock import FakeClock

__all__ = ["world"]

CONSULTATION = {
    "case_type": "consultation",
    "channel": "window",
    "summary": "咨询",
    "filer_name": "王芳",
}


def test_a_retried_post_with_the_same_key_gets_the_first_answer_and_files_once(
    world: World,
) -> None:
    first = world.post("li.na", "/api/v1/cases", CONSULTATION, **{"Idempotency-Key": "k-1"})
    again = world.post("li.na", "/api/v1/cases", CONSULTATION, **{"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    listed = world.get("li.na", "/api/v1/cases").json()["items"]
    assert [c["id"] for c in listed] == [first.json()["id"]]


def test_the_same_key_with_another_body_is_refused(world: World) -> None:
    world.post("li.na", "/api/v1/cases", CONSULTATION, **{"Idempotency-Key": "k-2"})
    other = world.post(
        "li.na",
        "/api/v1/cases",
        {**CONSULTATION, "summary": "另一件事"},
        **{"Idempotency-Key": "k-2"},
    )
    assert other.status_code == 422
    assert other.json()["type"] == "urn:casetrail:problem:idempotency-key-reused"


def test_idempotency_keys_survive_a_restart(tmp_path: Path, clock: FakeClock) -> None:
    settings = settings_for(tmp_path / "home")
    before = open_world(settings, clock)
    first = before.post("li.na", "/api/v1/cases", CONSULTATION, **{"Idempotency-Key": "k-3"})
    token = before.tokens["li.na"]
    before.container.close()
    container = build_container(
        settings, clock=clock, official_years=official_years, hasher=FAST_HASHER
    )
    try:
        client = TestClient(create_app(container))
        replayed = client.post(
            "/api/v1/cases",
            json=CONSULTATION,
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k-3"},
        )
        assert replayed.json() == first.json()
        assert replayed.headers["Idempotent-Replayed"] == "true"
    finally:
        container.close()


def test_invalid_bodies_list_each_field_as_a_problem(world: World) -> None:
    refused = world.post("li.na", "/api/v1/cases", {"case_type": "gossip", "surprise": 1})
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    fields = {e["field"] for e in refused.json()["errors"]}
    assert fields == {"body.case_type", "body.summary", "body.surprise"}


def test_a_body_over_64_kib_is_refused_before_it_is_read(world: World) -> None:
    huge = {**CONSULTATION, "summary": "x" * (70 * 1024)}
    refused = world.post("li.na", "/api/v1/cases", huge)
    assert refused.status_code == 413
    assert refused.json()["type"] == "urn:casetrail:problem:body-too-large"


def test_a_bad_if_match_and_an_unknown_route_are_problems_too(world: World) -> None:
    bad = world.post(
        "li.na",
        "/api/v1/cases/0b9e3d4c-1f2a-4b5c-8d6e-7f8091a2b3c4/receive",
        **{"If-Match": "yesterday"},
    )
    assert (bad.status_code, bad.json()["type"]) == (400, "urn:casetrail:problem:bad-if-match")
    missing = world.client.get("/nowhere")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


def test_sign_in_gives_a_token_and_sign_out_revokes_it(world: World) -> None:
    wrong = world.client.post("/api/v1/session", json={"login": "li.na", "password": "nope"})
    assert wrong.status_code == 401
    signed = world.client.post("/api/v1/session", json={"login": "li.na", "password": PASSWORD})
    assert signed.status_code == 201
    headers = {"Authorization": f"Bearer {signed.json()['token']}"}
    me = world.client.get("/api/v1/session", headers=headers).json()
    assert (me["login"], me["role"], me["scope"]) == ("li.na", "window_staff", "unit")
    assert world.client.delete("/api/v1/session", headers=headers).status_code == 204
    assert world.client.get("/api/v1/session", headers=headers).status_code == 401


def test_metrics_count_requests_and_commands_in_prometheus_text(world: World) -> None:
    world.post("li.na", "/api/v1/cases", CONSULTATION)
    text = world.client.get("/metrics").text
    assert 'casetrail_commands_total{command="cases.file"} 1' in text
    assert (
        'casetrail_http_requests_total{method="POST",route="/api/v1/cases",status="201"} 1' in text
    )
    assert 'casetrail_projection_lag_events{projection="cases"}' in text
    ready = world.client.get("/readyz").json()
    assert ready["status"] == "ready"
    assert {v["name"] for v in ready["views"]} >= {"cases", "directory"}
