"""Fixtures shared by every test layer: a controllable clock, the shipped policy, and stores.

PostgreSQL tests use the server named by CASETRAIL_TEST_POSTGRES (default: the local one on
127.0.0.1:5432). When it cannot be reached they are skipped on a workstation, and they fail
when CI=true, because a CI run that quietly skips its database tests proves nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import cast

import pytest

from domain.application import Casetrail
from domain.policy import Policy
from infra.policy_file import load_policy
from infra.settings import Settings, Store, shipped_policy_path
from tests.support import postgres
from tests.support.clock import FakeClock
from tests.support.stores import StoreUnderTest

ALL_STORES = ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
DURABLE_STORES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture
def clock() -> FakeClock:
    """Monday 2 March 2026, 09:00 in China, until the test moves it."""
    return FakeClock()


@pytest.fixture(scope="session")
def policy() -> Policy:
    """The shipped default policy (policy/default.toml)."""
    return load_policy(shipped_policy_path())


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The URL of a reachable PostgreSQL server to create test databases on."""
    url = postgres.server_url()
    reason = postgres.unreachable_reason(url)
    if reason is not None:
        message = f"{reason}; {postgres.HOW_TO_START}"
        if postgres.in_ci():
            pytest.fail(f"CI=true and the database tests cannot run: {message}", pytrace=False)
        pytest.skip(message)
    return url


@pytest.fixture(scope="session")
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh database for the whole test session, dropped at the end."""
    url = postgres.create_database(postgres_server)
    yield url
    postgres.drop_database(postgres_server, url)


@pytest.fixture
def fresh_postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database for one test (creating one takes well under 100 ms)."""
    url = postgres.create_database(postgres_server)
    yield url
    postgres.drop_database(postgres_server, url)


def _store_settings(name: str, request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    # Every field that picks the store is explicit, so a developer's CASETRAIL_* variables
    # cannot send a test to their own database.
    url = request.getfixturevalue("fresh_postgres_url") if name == "postgres" else None
    return Settings(
        store=cast(Store, name),
        database_url=url,
        home=tmp_path / "home",
        policy_file=shipped_policy_path(),
        jurisdiction="national",
    )


def _store(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> StoreUnderTest:
    name = str(request.param)
    return StoreUnderTest(name, _store_settings(name, request, tmp_path), clock)


@pytest.fixture(params=ALL_STORES)
def store(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> Iterator[StoreUnderTest]:
    """Each backend in turn (memory, SQLite, PostgreSQL), empty, for contract tests."""
    under_test = _store(request, tmp_path, clock)
    yield under_test
    under_test.close()


@pytest.fixture(params=DURABLE_STORES)
def durable_store(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> Iterator[StoreUnderTest]:
    """The backends that outlive an application (SQLite, PostgreSQL)."""
    under_test = _store(request, tmp_path, clock)
    yield under_test
    under_test.close()


@pytest.fixture
def postgres_store(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> Iterator[StoreUnderTest]:
    """PostgreSQL alone, empty, for what only it does (several processes on one database)."""
    under_test = StoreUnderTest("postgres", _store_settings("postgres", request, tmp_path), clock)
    yield under_test
    under_test.close()


@pytest.fixture
def app_factory(store: StoreUnderTest) -> Callable[[], Casetrail]:
    """Bootstraps another application on the current store."""
    return store.open


@pytest.fixture
def app(store: StoreUnderTest) -> Casetrail:
    return store.open()
