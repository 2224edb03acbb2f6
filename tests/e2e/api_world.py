"""A running API over a real store: the directory of tests.support.oversight_world, a user and a
token per role, and a TestClient that speaks HTTP to the app (exceptions become 500s, as in
production). Import the fixtures into a test module to use them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from api.http.app import create_app
from domain.actors import Role
from infra.container import Container, build_container
from infra.settings import Settings, shipped_policy_path
from tests.support.app import ADMIN, official_years
from tests.support.clock import FakeClock
from tests.support.oversight_world import seed_oversight

# Cheap parameters: the tests check the flow, not argon2's cost.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "correct horse battery"

# login -> (role, unit, enterprise credit code, leader code)
USERS: dict[str, tuple[Role, str | None, str | None, str | None]] = {
    "li.na": (Role.WINDOW_STAFF, None, None, None),
    "wang.qiang": (Role.UNIT_HEAD, None, None, None),
    "zhao.lei": (Role.WINDOW_STAFF, None, None, None),
    "sun.li": (Role.UNIT_HEAD, None, None, None),
    "chen.jie": (Role.SUPERVISOR, None, None, None),
    "zhou.min": (Role.INSPECTOR, None, None, None),
    "county-01": (Role.LEADER, None, None, None),
    "example-co": (Role.ENTERPRISE, None, "91440300MA5EXAMPLE", None),
    "other-co": (Role.ENTERPRISE, None, "91440300MA5OTHER01", None),
    "data-platform": (Role.API_CONSUMER, None, None, None),
    "root": (Role.ADMIN, None, None, None),
}
BY_ROLE = {
    Role.WINDOW_STAFF: "li.na",
    Role.UNIT_HEAD: "wang.qiang",
    Role.SUPERVISOR: "chen.jie",
    Role.INSPECTOR: "zhou.min",
    Role.LEADER: "county-01",
    Role.ENTERPRISE: "example-co",
    Role.API_CONSUMER: "data-platform",
    Role.ADMIN: "root",
}


@dataclass
class World:
    container: Container
    client: TestClient
    clock: FakeClock
    tokens: dict[str, str] = field(default_factory=dict)

    def auth(self, login: str, **headers: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[login]}", **headers}

    def post(self, login: str, path: str, body: Any = None, **headers: str) -> Any:
        return self.client.post(path, json=body, headers=self.auth(login, **headers))

    def get(self, login: str, path: str, **params: Any) -> Any:
        return self.client.get(path, params=params, headers=self.auth(login))

    def step(self, login: str, path: str, body: Any = None, version: int | None = None) -> Any:
        """A command that must succeed; returns its JSON."""
        headers = {"If-Match": f'W/"{version}"'} if version is not None else {}
        response = self.post(login, path, body, **headers)
        assert response.status_code in (200, 201), response.text
        return response.json()


def settings_for(home: Path, store: str = "sqlite", url: str | None = None) -> Settings:
    return Settings(
        store=store,  # type: ignore[arg-type]
        database_url=url,
        home=home,
        policy_file=shipped_policy_path(),
        jurisdiction="national",
    )


def open_world(settings: Settings, clock: FakeClock, *, serving: bool = False) -> World:
    container = build_container(
        settings, clock=clock, official_years=official_years, hasher=FAST_HASHER,
        serving=serving,
    )
    seed_oversight(container.app)
    world = World(
        container, TestClient(create_app(container), raise_server_exceptions=False), clock
    )
    for login, (role, unit, enterprise, leader) in USERS.items():
        container.accounts.add_user(
            login,
            role,
            actor=ADMIN,
            unit=unit,
            enterprise=enterprise,
            leader=leader,
            password=PASSWORD,
        )
        world.tokens[login] = container.accounts.issue_token(login, actor=ADMIN).token
    return world


@pytest.fixture
def world(tmp_path: Path, clock: FakeClock) -> Iterator[World]:
    opened = open_world(settings_for(tmp_path / "home"), clock)
    yield opened
    opened.container.close()
