"""The admin's users: show one, disable and enable them, set their passwords (the paged, searchable
list is the directory's, ``GET /api/v1/users`` in ``routers/directory.py``).

Disabling a user ends every token and web session of theirs at once: each request checks the
token's user afresh. A new password ends the user's sign-in sessions.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from api.http.access import guarded
from api.http.deps import CommandDep, ContainerDep, done
from api.http.schemas.common import CommandResult
from api.http.schemas.identity import AccountChange, PasswordChange, UserPublic
from domain.identity import User

router = APIRouter(prefix="/api/v1", tags=["identity"])
Login = Annotated[str, Path(max_length=100, examples=["li.na"])]


def _public(user: User) -> UserPublic:
    return UserPublic.model_validate(user.state())


@router.get("/users/{login}", response_model=UserPublic, **guarded("users.show"))
def show_user(login: Login, container: ContainerDep) -> UserPublic:
    """One user."""
    return _public(container.accounts.user(login))


@router.post("/users/{login}/disable", response_model=CommandResult, **guarded("users.disable"))
def disable_user(
    login: Login, body: AccountChange, container: ContainerDep, cmd: CommandDep, response: Response
) -> CommandResult:
    """Disable a user: their tokens and web sessions stop working at once, for good."""
    return done(container.accounts.disable(login, body.reason, actor=cmd.actor), response)


@router.post("/users/{login}/enable", response_model=CommandResult, **guarded("users.enable"))
def enable_user(
    login: Login, body: AccountChange, container: ContainerDep, cmd: CommandDep, response: Response
) -> CommandResult:
    """Let a disabled user sign in again (their earlier tokens stay ended)."""
    return done(container.accounts.enable(login, body.reason, actor=cmd.actor), response)


@router.post(
    "/users/{login}/password", response_model=CommandResult, **guarded("users.set_password")
)
def set_password(
    login: Login,
    body: PasswordChange,
    container: ContainerDep,
    cmd: CommandDep,
    response: Response,
) -> CommandResult:
    """Set a user's password (at least 8 characters); their sign-in sessions end."""
    saved = container.accounts.set_password(login, body.password, actor=cmd.actor)
    return done(saved, response)
