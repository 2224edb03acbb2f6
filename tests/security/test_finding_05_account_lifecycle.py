"""Finding 5: accounts could not be disabled nor passwords reset (``User.disable`` and
``set_password`` existed, nothing called them), and revoking tokens locked nobody out.

Now an admin disables, enables and sets passwords from the CLI and over the API; disabling ends
every token and web session at once, in every process; tokens issued on the command line
expire by default."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from domain.actors import Actor, Role
from domain.errors import NotPermittedError
from domain.identity import SESSION_LABEL, ApiToken, User
from domain.refusals import StepRefusedError
from infra.container import build_container
from tests.e2e.api_world import PASSWORD, World, open_world, settings_for, world
from tests.support.app import ADMIN, official_years
from tests.support.cli import ROOT, CommandRunner
from tests.support.clock import FakeClock

__all__ = ["world"]

Done = subprocess.CompletedProcess[str]


def web_session(world: World, login: str) -> TestClient:
    """A browser signed in through the web form (its own cookie jar)."""
    browser = TestClient(world.client.app, raise_server_exceptions=False)
    page = browser.get("/login")
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    signed = browser.post(
        "/login",
        data={"login": login, "password": PASSWORD, "csrf": csrf, "next": ""},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    return browser


def admin(world: World, path: str, body: Any) -> Any:
    return world.post("root", f"/api/v1/users/{path}", body)


def test_a_disabled_users_token_and_web_session_are_refused_at_once(world: World) -> None:
    browser = web_session(world, "li.na")
    assert browser.get("/desk", follow_redirects=False).status_code == 200
    assert world.get("li.na", "/api/v1/session").status_code == 200

    disabled = admin(world, "li.na/disable", {"reason": "left the service window"})
    assert disabled.status_code == 200

    assert world.get("li.na", "/api/v1/session").status_code == 401
    assert world.post("li.na", "/api/v1/cases", {"case_type": "consultation"}).status_code == 401
    page = browser.get("/desk", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login")
    refused = world.client.post("/api/v1/session", json={"login": "li.na", "password": PASSWORD})
    assert refused.status_code == 401
    shown = world.get("root", "/api/v1/users/li.na").json()
    assert (shown["disabled"], shown["disabled_at"] is not None) == (True, True)


def test_enabling_again_lets_the_user_sign_in_but_revives_no_old_token(world: World) -> None:
    admin(world, "li.na/disable", {"reason": "on leave"})
    world.clock.advance(seconds=1)
    assert admin(world, "li.na/enable", {"reason": "back"}).status_code == 200
    assert world.get("li.na", "/api/v1/session").status_code == 401
    signed = world.client.post("/api/v1/session", json={"login": "li.na", "password": PASSWORD})
    assert signed.status_code == 201
    fresh = {"Authorization": f"Bearer {signed.json()['token']}"}
    assert world.client.get("/api/v1/session", headers=fresh).status_code == 200
    again = admin(world, "li.na/enable", {"reason": "twice"})
    assert (again.status_code, again.json()["code"]) == (409, "step-not-allowed")


def test_a_disabled_user_is_refused_by_every_process_on_the_store(
    tmp_path: Path, clock: FakeClock
) -> None:
    settings = settings_for(tmp_path / "home")
    first = open_world(settings, clock)
    second = build_container(settings, clock=clock, official_years=official_years)
    try:
        other = TestClient(create_app(second), raise_server_exceptions=False)
        token = {"Authorization": f"Bearer {first.tokens['li.na']}"}
        assert other.get("/api/v1/session", headers=token).status_code == 200
        assert admin(first, "li.na/disable", {"reason": "left"}).status_code == 200
        assert other.get("/api/v1/session", headers=token).status_code == 401
    finally:
        second.close()
        first.container.close()


def test_an_admin_sets_a_password_and_the_users_sessions_end(world: World) -> None:
    session = world.client.post("/api/v1/session", json={"login": "li.na", "password": PASSWORD})
    signed_in = {"Authorization": f"Bearer {session.json()['token']}"}
    world.clock.advance(seconds=1)
    changed = admin(world, "li.na/password", {"password": "a brand new passphrase"})
    assert changed.status_code == 200
    assert world.client.get("/api/v1/session", headers=signed_in).status_code == 401
    # A token issued to a system is not a sign-in session: it keeps working.
    assert world.get("li.na", "/api/v1/session").status_code == 200
    old = world.client.post("/api/v1/session", json={"login": "li.na", "password": PASSWORD})
    assert old.status_code == 401
    new = {"login": "li.na", "password": "a brand new passphrase"}
    assert world.client.post("/api/v1/session", json=new).status_code == 201


def test_only_admins_manage_users_and_bad_input_is_a_problem(world: World) -> None:
    for login in ("li.na", "chen.jie", "data-platform"):
        refused = world.post(login, "/api/v1/users/zhao.lei/disable", {"reason": "spite"})
        assert (refused.status_code, refused.json()["type"]) == (
            403,
            "urn:casetrail:problem:role-not-allowed",
        )
        assert world.get(login, "/api/v1/users").status_code == 403
    missing = admin(world, "nobody/disable", {"reason": "x"})
    assert (missing.status_code, missing.json()["code"]) == (404, "not-found")
    short = admin(world, "li.na/password", {"password": "short"})
    assert short.status_code == 422
    no_reason = admin(world, "li.na/disable", {})
    assert no_reason.status_code == 422
    listed = world.get("root", "/api/v1/users").json()["items"]
    assert {u["login"] for u in listed} >= {"li.na", "root", "example-co"}
    assert not any("password_hash" in u for u in listed)


def test_a_token_an_admin_issues_over_the_api_expires_by_default(world: World) -> None:
    issued = world.post("root", "/api/v1/users/data-platform/tokens", {"label": "sync"})
    assert issued.status_code == 201
    expires = datetime.fromisoformat(issued.json()["expires_at"])
    assert expires - world.clock() == timedelta(days=90)


def casetrail(runner: CommandRunner, *args: str, stdin: str = "") -> Done:
    return subprocess.run(
        [sys.executable, "-m", "api.cli.main", *args], cwd=ROOT, env=runner.env, input=stdin,
        capture_output=True, text=True, timeout=120, check=False,
    )


def now() -> datetime:
    """The real time: the command line runs on the real clock."""
    return datetime.fromtimestamp(time.time(), UTC)


def expiry(done: Done) -> datetime:
    assert done.returncode == 0, done.stderr
    return datetime.fromisoformat(done.stderr.split("expires ")[1].split(" ")[0])


def test_the_command_line_lists_disables_enables_and_sets_passwords(tmp_path: Path) -> None:
    run = CommandRunner(tmp_path / "home")
    casetrail(run, "users", "add", "ops", "--role", "api_consumer", "--password-stdin",
              stdin=f"{PASSWORD}\n")
    assert "ops\tapi_consumer\tactive" in run.ok("users", "list")
    # The password comes from standard input (or a prompt), never from the arguments.
    assert casetrail(run, "users", "set-password", "ops", "--password", "x").returncode == 2
    assert casetrail(run, "users", "set-password", "ops", stdin="short\n").returncode == 2
    done = casetrail(run, "users", "set-password", "ops", stdin="another good passphrase\n")
    assert done.returncode == 0, done.stderr
    assert casetrail(run, "users", "disable", "ops").returncode == 2, "a reason is required"
    run.ok("users", "disable", "ops", "--reason", "contract ended")
    assert "ops\tapi_consumer\tdisabled" in run.ok("users", "list")
    again = casetrail(run, "users", "disable", "ops", "--reason", "twice")
    assert again.returncode == 1
    assert "already disabled" in again.stderr
    run.ok("users", "enable", "ops", "--reason", "renewed")
    listed = run.ok("users", "list", "--json")
    assert '"disabled": false' in listed
    assert "password_hash" not in listed
    missing = casetrail(run, "users", "disable", "nobody", "--reason", "x")
    assert missing.returncode == 1
    assert "no user" in missing.stderr


def test_tokens_issued_on_the_command_line_expire_by_default(tmp_path: Path) -> None:
    run = CommandRunner(tmp_path / "home")
    casetrail(run, "users", "add", "ops", "--role", "api_consumer")
    default = casetrail(run, "tokens", "issue", "ops")
    assert default.stdout.startswith("ctk_")
    assert timedelta(days=89) < expiry(default) - now() <= timedelta(days=90)
    short = casetrail(run, "tokens", "issue", "ops", "--expires", "2h")
    assert expiry(short) - now() <= timedelta(hours=2)
    assert casetrail(run, "tokens", "issue", "ops", "--expires", "2001-01-01").returncode == 2
    assert casetrail(run, "tokens", "issue", "ops", "--expires", "soon").returncode == 2
    run.env["CASETRAIL_TOKEN_DAYS"] = "7"
    configured = casetrail(run, "tokens", "issue", "ops")
    assert expiry(configured) - now() <= timedelta(days=7)



def test_a_user_honours_only_tokens_issued_after_their_last_disabling() -> None:
    clock = FakeClock()
    user = User.add("li.na", Role.API_CONSUMER, acts_as="li.na", actor=ADMIN, at=clock())
    before = ApiToken.issue(uuid4(), user, "d", label="cli", expires_at=None, actor=ADMIN,
                            at=clock.advance(seconds=1))
    session = ApiToken.issue(uuid4(), user, "d", label=SESSION_LABEL, expires_at=None,
                             actor=ADMIN, at=clock())
    assert user.honours(before, clock())
    user.set_password("hash", actor=ADMIN, at=clock.advance(seconds=1))
    assert (user.honours(before, clock()), user.honours(session, clock())) == (True, False)
    user.disable("left", actor=ADMIN, at=clock.advance(seconds=1))
    assert not user.honours(before, clock())
    with pytest.raises(StepRefusedError):
        ApiToken.issue(uuid4(), user, "d", label="x", expires_at=None, actor=ADMIN, at=clock())
    user.enable("back", actor=ADMIN, at=clock.advance(seconds=1))
    after = ApiToken.issue(uuid4(), user, "d", label="cli", expires_at=None, actor=ADMIN,
                           at=clock.advance(seconds=1))
    assert (user.honours(before, clock()), user.honours(after, clock())) == (False, True)
    with pytest.raises(NotPermittedError):
        user.disable("spite", actor=Actor("li.na", Role.WINDOW_STAFF), at=clock())
