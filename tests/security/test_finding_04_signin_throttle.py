"""Finding 4: 100 wrong passwords in 12.6 s, then the right one signed in; 16 concurrent
sign-ins took the server from 104 to 1,129 MiB (argon2 takes 64 MiB each).

Now a login or an address that fails too often is locked for a growing time (429 with
Retry-After, recorded as an event), on the API and the web form alike, with the counts shared
by every process on the store; and only a bounded number of hashes run at once."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

import pytest
from argon2 import PasswordHasher
from eventsourcing.utils import get_topic
from fastapi.testclient import TestClient

from api.http.app import create_app
from domain.actors import Role
from domain.errors import InvalidInputError
from domain.identity import SignInLock
from domain.policy import SignInPolicy
from infra.container import Container, build_container
from infra.settings import Settings
from tests.e2e.api_world import PASSWORD, World, open_world, settings_for, world
from tests.support.app import ADMIN, official_years
from tests.support.clock import FakeClock

__all__ = ["world"]

SESSION = "/api/v1/session"


def sign_in(client: TestClient, login: str, password: str) -> Any:
    return client.post(SESSION, json={"login": login, "password": password})


def locks(container: Container) -> list[dict[str, Any]]:
    app = container.app
    return [
        app.load(SignInLock, i).state() for i in app.iter_ids([get_topic(SignInLock.Recorded)])
    ]


def test_a_hundred_wrong_passwords_lock_the_login_and_the_right_one_waits(world: World) -> None:
    answers = [sign_in(world.client, "li.na", f"guess-{n}") for n in range(100)]
    statuses = [a.status_code for a in answers]
    assert statuses[:4] == [401] * 4
    assert set(statuses[4:]) == {429}, "the fifth failure locks the login"
    right = sign_in(world.client, "li.na", PASSWORD)
    assert right.status_code == 429
    problem = right.json()
    assert problem["code"] == "sign-in-locked"
    assert right.headers["content-type"] == "application/problem+json"
    assert 0 < int(right.headers["Retry-After"]) <= 5 * 60
    assert "token" not in problem
    [lock] = locks(world.container)
    assert (lock["locked"], lock["login"], lock["address"]) == ("login", "li.na", "testclient")
    assert lock["until"] == problem["params"]["until"]
    # The lock ends; the right password then signs in, and the count starts afresh.
    world.clock.advance(minutes=6)
    assert sign_in(world.client, "li.na", PASSWORD).status_code == 201


def test_each_further_lock_of_a_login_lasts_longer(world: World) -> None:
    waits = []
    for _ in range(3):
        for n in range(5):
            sign_in(world.client, "li.na", f"guess-{n}")
        locked = sign_in(world.client, "li.na", PASSWORD)
        waits.append(int(locked.headers["Retry-After"]))
        world.clock.advance(seconds=waits[-1] + 1)
    assert waits[0] < waits[1] < waits[2]
    assert [lock["lock_number"] for lock in locks(world.container)] == [1, 2, 3]


def test_an_address_guessing_many_logins_is_locked_for_every_login(world: World) -> None:
    for n in range(30):
        assert sign_in(world.client, f"nobody-{n}", "guess").status_code in (401, 429)
    assert sign_in(world.client, "li.na", PASSWORD).status_code == 429
    assert any(lock["locked"] == "address" for lock in locks(world.container))
    other = TestClient(world.client.app, client=("10.1.2.3", 40000))
    assert sign_in(other, "li.na", PASSWORD).status_code == 201


def test_the_web_form_is_locked_alike_and_says_so_in_the_pages_language(world: World) -> None:
    page = world.client.get("/login")
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    form = {"login": "li.na", "password": "wrong", "csrf": csrf, "next": ""}
    statuses = [world.client.post("/login", data=form).status_code for _ in range(6)]
    assert statuses == [401, 401, 401, 401, 429, 429]
    refused = world.client.post("/login", data={**form, "password": PASSWORD})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "暂时锁定" in refused.text
    # The API's session route is locked for the same login: one count for both.
    assert sign_in(world.client, "li.na", PASSWORD).status_code == 429


@pytest.mark.postgres
def test_the_counts_are_shared_by_every_process_on_the_store(
    tmp_path: Path, clock: FakeClock, fresh_postgres_url: str
) -> None:
    settings = settings_for(tmp_path / "home", "postgres", fresh_postgres_url)
    first = open_world(settings, clock)
    second = build_container(settings, clock=clock, official_years=official_years)
    try:
        other = TestClient(create_app(second), raise_server_exceptions=False)
        assert sign_in(other, "li\u0000na", "guess").status_code in (401, 422), "not a 500"
        for n in range(4):
            client = first.client if n % 2 else other
            assert sign_in(client, "li.na", f"guess-{n}").status_code == 401
        assert sign_in(other, "li.na", "guess-4").status_code == 429
        assert sign_in(first.client, "li.na", PASSWORD).status_code == 429
        assert len(locks(second)) == 1
    finally:
        second.close()
        first.container.close()


class CountingHasher(PasswordHasher):
    """argon2 with cheap parameters that records how many hashes run at once."""

    def __init__(self, pause: float) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.pause, self.running, self.most = pause, 0, 0
        self._lock = threading.Lock()

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(self.pause)
            return super().verify(hash, password)
        finally:
            with self._lock:
                self.running -= 1


def counted_world(
    tmp_path: Path, clock: FakeClock, hasher: CountingHasher, **settings: Any
) -> tuple[Container, TestClient]:
    configured = settings_for(tmp_path / "home").model_copy(update=settings)
    container = build_container(
        configured, clock=clock, official_years=official_years, hasher=hasher
    )
    for n in range(16):
        container.accounts.add_user(
            f"clerk-{n}", Role.API_CONSUMER, actor=ADMIN, password=PASSWORD
        )
    return container, TestClient(create_app(container), raise_server_exceptions=False)


def test_sixteen_concurrent_sign_ins_hash_at_most_as_many_as_the_setting_allows(
    tmp_path: Path, clock: FakeClock
) -> None:
    hasher = CountingHasher(pause=0.05)
    container, client = counted_world(tmp_path, clock, hasher, sign_in_concurrency=2)
    try:
        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(lambda n: sign_in(client, f"clerk-{n}", PASSWORD), range(16)))
        assert [a.status_code for a in answers] == [201] * 16
        assert hasher.most == 2
    finally:
        container.close()


def test_a_sign_in_that_waits_too_long_for_a_turn_is_told_to_retry_and_not_counted(
    tmp_path: Path, clock: FakeClock
) -> None:
    hasher = CountingHasher(pause=0.5)
    container, client = counted_world(
        tmp_path, clock, hasher, sign_in_concurrency=1, sign_in_wait_seconds=0.1
    )
    try:
        with ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(lambda n: sign_in(client, "clerk-0", "wrong"), range(6)))
        busy = [a for a in answers if a.status_code == 503]
        assert busy, "some attempts found no free turn"
        assert all(a.headers["Retry-After"] == "1" and a.json()["code"] == "busy" for a in busy)
        assert hasher.most == 1
        # Only the checked attempts counted: the login is not locked by the busy ones.
        checked = len(answers) - len(busy)
        assert checked < 5
        assert sign_in(client, "clerk-0", PASSWORD).status_code == 201
    finally:
        container.close()


def test_the_limits_are_policy_numbers(tmp_path: Path) -> None:
    policy = Settings(store="memory", home=tmp_path).policy_file.read_text(encoding="utf-8")
    assert "[sign_in]" in policy
    assert "failures_per_login" in policy


def test_locks_grow_by_the_policys_factor_up_to_its_ceiling() -> None:
    policy = SignInPolicy(lock_minutes=5, lock_growth=2, max_lock_minutes=60)
    assert [policy.lock_for(n) for n in range(6)] == [
        timedelta(minutes=m) for m in (5, 10, 20, 40, 60, 60)
    ]
    with pytest.raises(InvalidInputError):
        SignInPolicy(failures_per_login=0)
