"""Authentication keeps a token and its user between requests; whatever another process records
about either (a revocation, a disabling, a new password) must still count on the next request.

Two ``Accounts`` on one application stand for two server processes on one store: each keeps
its own copies, and only the store is shared."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from domain.actors import Role
from domain.application import Casetrail
from domain.identity import ApiToken
from infra import identity
from infra.identity import Accounts, AuthenticationError
from tests.support.app import ADMIN, memory_app, seed_directory
from tests.support.clock import FakeClock

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "correct horse battery"


@pytest.fixture
def app() -> Casetrail:
    app = memory_app(FakeClock())
    seed_directory(app)
    Accounts(app, FAST).add_user("li.na", Role.WINDOW_STAFF, actor=ADMIN, password=PASSWORD)
    return app


def count_loads(app: Casetrail) -> list[object]:
    """From now on, the class of every aggregate ``app`` loads from its store, in order."""
    loads: list[object] = []
    load = app.load

    def counting(cls: type, *args: object, **kwargs: object) -> object:
        loads.append(cls)
        return load(cls, *args, **kwargs)  # type: ignore[arg-type]

    app.load = counting  # type: ignore[method-assign,assignment]
    return loads


def test_a_token_revoked_elsewhere_is_refused_on_the_next_request(app: Casetrail) -> None:
    here, elsewhere = Accounts(app, FAST), Accounts(app, FAST)
    issued = elsewhere.issue_token("li.na", actor=ADMIN)
    assert here.authenticate(issued.token).login == "li.na"

    elsewhere.revoke_token(issued.token_id, "lost laptop", actor=ADMIN)

    with pytest.raises(AuthenticationError):
        here.authenticate(issued.token)


def test_a_user_disabled_elsewhere_is_refused_on_the_next_request(app: Casetrail) -> None:
    here, elsewhere = Accounts(app, FAST), Accounts(app, FAST)
    issued = elsewhere.issue_token("li.na", actor=ADMIN)
    assert here.authenticate(issued.token).login == "li.na"

    elsewhere.disable("li.na", "left the service window", actor=ADMIN)

    with pytest.raises(AuthenticationError):
        here.authenticate(issued.token)


def test_a_password_set_elsewhere_ends_the_kept_session(app: Casetrail) -> None:
    here, elsewhere = Accounts(app, FAST), Accounts(app, FAST)
    session = elsewhere.sign_in("li.na", PASSWORD, address="10.0.0.1")
    assert here.authenticate(session.token).login == "li.na"
    app.clock.advance(seconds=1)  # type: ignore[attr-defined]

    elsewhere.set_password("li.na", "another good password", actor=ADMIN)

    with pytest.raises(AuthenticationError):
        here.authenticate(session.token)


def test_a_kept_token_still_needs_its_secret(app: Casetrail) -> None:
    accounts = Accounts(app, FAST)
    issued = accounts.issue_token("li.na", actor=ADMIN)
    accounts.authenticate(issued.token)
    forged = issued.token[: -4] + ("AAAA" if not issued.token.endswith("AAAA") else "BBBB")

    with pytest.raises(AuthenticationError):
        accounts.authenticate(forged)


def test_a_kept_token_is_not_read_again_while_nothing_changed(app: Casetrail) -> None:
    accounts = Accounts(app, FAST)
    issued = accounts.issue_token("li.na", actor=ADMIN)
    accounts.authenticate(issued.token)
    loads = count_loads(app)
    for _ in range(3):
        accounts.authenticate(issued.token)

    assert loads == []
    app.clock.advance(seconds=1)  # type: ignore[attr-defined]
    accounts.revoke_token(issued.token_id, "rotated", actor=ADMIN)
    loads.clear()
    with pytest.raises(AuthenticationError):
        accounts.authenticate(issued.token)
    assert loads == [ApiToken]  # the token moved on: read again; its user did not


def test_the_token_let_go_when_full_is_the_least_recently_used(
    app: Casetrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(identity, "KEPT_TOKENS", 2)
    accounts = Accounts(app, FAST)
    first, second, third = (accounts.issue_token("li.na", actor=ADMIN) for _ in range(3))
    accounts.authenticate(first.token)
    accounts.authenticate(second.token)
    accounts.authenticate(first.token)  # kept longest, but used since the second was
    accounts.authenticate(third.token)  # one too many: the second goes
    loads = count_loads(app)
    accounts.authenticate(first.token)
    accounts.authenticate(third.token)
    assert loads == []
    accounts.authenticate(second.token)
    assert ApiToken in loads
