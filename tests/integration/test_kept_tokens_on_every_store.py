"""What another process records about a kept token or its user counts on the next request, on
every durable store: two applications on one store stand for two server processes, and on
PostgreSQL the two records are checked in one statement."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from domain.actors import Role
from infra.identity import Accounts, AuthenticationError
from tests.support.app import ADMIN, seed_directory
from tests.support.stores import StoreUnderTest

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _two_processes(durable_store: StoreUnderTest) -> tuple[Accounts, Accounts]:
    first = durable_store.open()
    seed_directory(first)
    here, elsewhere = Accounts(first, FAST), Accounts(durable_store.open(), FAST)
    elsewhere.add_user("li.na", Role.WINDOW_STAFF, actor=ADMIN, password="a good password")
    elsewhere.add_user("zhao.lei", Role.WINDOW_STAFF, actor=ADMIN)
    return here, elsewhere


def test_a_token_revoked_elsewhere_is_refused_and_its_neighbour_is_not(
    durable_store: StoreUnderTest,
) -> None:
    here, elsewhere = _two_processes(durable_store)
    revoked = elsewhere.issue_token("li.na", actor=ADMIN)
    kept = elsewhere.issue_token("li.na", actor=ADMIN)
    assert here.authenticate(revoked.token).login == "li.na"
    assert here.authenticate(kept.token).login == "li.na"

    elsewhere.revoke_token(revoked.token_id, "lost laptop", actor=ADMIN)

    with pytest.raises(AuthenticationError):
        here.authenticate(revoked.token)
    assert here.authenticate(kept.token).login == "li.na"


def test_a_user_disabled_elsewhere_is_refused_and_another_user_is_not(
    durable_store: StoreUnderTest,
) -> None:
    here, elsewhere = _two_processes(durable_store)
    disabled = elsewhere.issue_token("li.na", actor=ADMIN)
    other = elsewhere.issue_token("zhao.lei", actor=ADMIN)
    assert here.authenticate(disabled.token).login == "li.na"
    assert here.authenticate(other.token).login == "zhao.lei"

    elsewhere.disable("li.na", "left the service window", actor=ADMIN)

    with pytest.raises(AuthenticationError):
        here.authenticate(disabled.token)
    assert here.authenticate(other.token).login == "zhao.lei"
