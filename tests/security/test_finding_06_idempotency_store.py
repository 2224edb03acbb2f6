"""Finding 6: a session created with an ``Idempotency-Key`` stored the raw ``ctk_…`` token,
which then worked as a bearer token; unauthenticated requests added rows; nothing was purged.

Now keys are taken only from authenticated callers and belong to their login, a response that
carries a secret is never stored (its replay says so and carries no token), and keys expire
after the policy's time and are purged."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.http.app import create_app
from infra.container import build_container
from infra.idempotency import LEGACY_TABLE, TABLE
from tests.e2e.api_world import PASSWORD, World, open_world, settings_for, world
from tests.support.app import official_years
from tests.support.clock import FakeClock

__all__ = ["world"]

CONSULTATION = {
    "case_type": "consultation",
    "channel": "window",
    "summary": "咨询",
    "filer_name": "王芳",
}


def rows(world: World) -> list[tuple[Any, ...]]:
    return world.container.idempotency.table.execute(f"SELECT * FROM {TABLE}")


def keyed(key: str, **headers: str) -> dict[str, str]:
    return {"Idempotency-Key": key, **headers}


def test_a_replayed_session_carries_no_token_and_none_is_stored(world: World) -> None:
    body = {"login": "li.na", "password": PASSWORD}
    first = world.client.post("/api/v1/session", json=body, headers=keyed("s-1"))
    again = world.client.post("/api/v1/session", json=body, headers=keyed("s-1"))
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["token"] != first.json()["token"], "a sign-in is never replayed"
    assert "idempotent-replayed" not in again.headers
    assert first.headers["cache-control"] == "no-store"
    assert rows(world) == [], "signing in is not authenticated: it keeps no key"


def test_a_token_issued_under_a_key_is_not_kept_and_its_replay_yields_none(
    world: World,
) -> None:
    path = "/api/v1/users/data-platform/tokens"
    first = world.post("root", path, {"label": "sync"}, **{"Idempotency-Key": "t-1"})
    assert first.status_code == 201
    token = first.json()["token"]
    replay = world.post("root", path, {"label": "sync"}, **{"Idempotency-Key": "t-1"})
    assert replay.status_code == 409
    assert replay.json()["type"] == "urn:casetrail:problem:idempotent-response-not-kept"
    assert "ctk_" not in replay.text
    stored = repr(rows(world))
    assert "ctk_" not in stored
    assert token.split("_")[-1] not in stored
    assert len(rows(world)) == 1


def test_unauthenticated_requests_add_no_row(world: World) -> None:
    for n, headers in enumerate(
        [{}, {"Authorization": "Bearer ctk_nonsense_x"}, {"Authorization": "Basic abc"}]
    ):
        answer = world.client.post(
            "/api/v1/cases", json=CONSULTATION, headers=keyed(f"anon-{n}", **headers)
        )
        assert answer.status_code == 401
    public = world.client.post(
        "/api/v1/ratings/by-code",
        json={"code": "nope", "level": "satisfied"},
        headers=keyed("anon-r"),
    )
    assert public.status_code != 500
    assert rows(world) == []


def test_a_key_belongs_to_the_signed_in_user_whatever_token_they_use(world: World) -> None:
    first = world.post("li.na", "/api/v1/cases", CONSULTATION, **{"Idempotency-Key": "k"})
    session = world.client.post("/api/v1/session", json={"login": "li.na", "password": PASSWORD})
    other_token = {"Authorization": f"Bearer {session.json()['token']}"}
    replay = world.client.post(
        "/api/v1/cases", json=CONSULTATION, headers=keyed("k", **other_token)
    )
    assert replay.json() == first.json()
    assert replay.headers["idempotent-replayed"] == "true"
    # Another user's same key is theirs alone.
    theirs = world.post("wang.qiang", "/api/v1/cases", CONSULTATION, **{"Idempotency-Key": "k"})
    assert theirs.status_code == 201
    assert theirs.json()["id"] != first.json()["id"]
    assert sorted(r[0] for r in rows(world)) == ["li.na", "wang.qiang"]


def test_an_expired_key_is_purged_and_free_again(world: World) -> None:
    first = world.post("li.na", "/api/v1/cases", CONSULTATION, **{"Idempotency-Key": "old"})
    world.post("wang.qiang", "/api/v1/cases", CONSULTATION, **{"Idempotency-Key": "other"})
    assert len(rows(world)) == 2
    world.clock.advance(hours=25)  # policy: idempotency.keep_hours = 24
    other = {**CONSULTATION, "summary": "另一件事"}
    again = world.post("li.na", "/api/v1/cases", other, **{"Idempotency-Key": "old"})
    assert again.status_code == 201, "an expired key names a new request"
    assert again.json()["id"] != first.json()["id"]
    assert [(r[0], r[1]) for r in rows(world)] == [("li.na", "old")], "the rest was purged"


def test_the_old_table_that_kept_tokens_in_the_clear_is_dropped(
    tmp_path: Path, clock: FakeClock
) -> None:
    settings = settings_for(tmp_path / "home")
    settings.home.mkdir(parents=True)
    with sqlite3.connect(settings.sqlite_path) as legacy:
        legacy.execute(
            f"CREATE TABLE {LEGACY_TABLE} (scope text, key text, fingerprint text,"
            " response text, reserved_at text)"
        )
        legacy.execute(
            f"INSERT INTO {LEGACY_TABLE} VALUES ('x', 'k', 'f', '{{\"token\": \"ctk_1_s\"}}', '')"
        )
    container = build_container(settings, clock=clock, official_years=official_years)
    try:
        client = TestClient(create_app(container))
        client.post("/api/v1/session", json={"login": "x", "password": "y"})
        container.idempotency.count()
    finally:
        container.close()
    with sqlite3.connect(settings.sqlite_path) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert LEGACY_TABLE not in tables
    assert TABLE in tables


def test_keys_survive_a_restart_scoped_to_the_user(tmp_path: Path, clock: FakeClock) -> None:
    settings = settings_for(tmp_path / "home")
    before = open_world(settings, clock)
    first = before.post("li.na", "/api/v1/cases", CONSULTATION, **{"Idempotency-Key": "r"})
    token = before.tokens["li.na"]
    before.container.close()
    container = build_container(settings, clock=clock, official_years=official_years)
    try:
        client = TestClient(create_app(container))
        replayed = client.post(
            "/api/v1/cases",
            json=CONSULTATION,
            headers=keyed("r", Authorization=f"Bearer {token}"),
        )
        assert replayed.json() == first.json()
    finally:
        container.close()


def test_a_receipts_rating_code_is_not_kept_with_its_key_either(world: World) -> None:
    body = {"service_item": "GSC-help"}
    first = world.post("li.na", "/api/v1/window-services", body, **{"Idempotency-Key": "w-1"})
    assert first.status_code == 201, first.text
    code = first.json()["rating_code"]
    replay = world.post("li.na", "/api/v1/window-services", body, **{"Idempotency-Key": "w-1"})
    assert replay.status_code == 409
    assert code not in replay.text
    assert code not in repr(rows(world))
