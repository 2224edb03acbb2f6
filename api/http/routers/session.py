"""Signing in and out, and the admin's users and tokens (the CLI does the same)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Request, Response

from api.http.access import CurrentPrincipal, guarded, scope_of
from api.http.deps import CommandDep, ContainerDep, done
from api.http.idempotency import withhold
from api.http.schemas.common import CommandResult
from api.http.schemas.identity import (
    Me,
    Revocation,
    SignIn,
    TokenIssued,
    TokenRequest,
    UserCreate,
)
from domain.actors import Role
from infra.identity import IssuedToken

router = APIRouter(prefix="/api/v1", tags=["identity"])


def client_address(request: Request) -> str:
    """The address sign-in attempts are counted by (the proxy's, unless the server is told to
    trust its X-Forwarded-For: ``uvicorn --forwarded-allow-ips``)."""
    return request.client.host if request.client else "unknown"


def _issued(token: IssuedToken, response: Response) -> TokenIssued:
    withhold(response)
    return TokenIssued(
        token_id=token.token_id, token=token.token, login=token.login, expires_at=token.expires_at
    )


@router.post("/session", status_code=201, response_model=TokenIssued, **guarded("session.open"))
def sign_in(
    body: SignIn, container: ContainerDep, request: Request, response: Response
) -> TokenIssued:
    """Sign in with login and password; the answer is a bearer token for 12 hours (policy).

    Too many failed attempts for a login or from an address lock it for a while: 429 with
    Retry-After, and the lock is recorded."""
    issued = container.accounts.sign_in(
        body.login, body.password, address=client_address(request)
    )
    return _issued(issued, response)


@router.get("/session", response_model=Me, **guarded("session.show"))
def who_am_i(caller: CurrentPrincipal) -> Me:
    """Who the bearer token belongs to, the actor it acts as, and its scope."""
    return Me(
        login=caller.login,
        role=caller.role.value,
        actor_id=caller.actor.id,
        unit_id=caller.unit_id,
        enterprise_id=caller.enterprise_id,
        token_id=caller.token_id,
        scope=scope_of(caller.role).value,
    )


@router.delete("/session", status_code=204, **guarded("session.close"))
def sign_out(container: ContainerDep, caller: CurrentPrincipal) -> Response:
    """Sign out: the token used for this request is revoked."""
    container.accounts.revoke_token(caller.token_id, "signed out", actor=caller.actor)
    return Response(status_code=204)


@router.post("/users", status_code=201, response_model=CommandResult, **guarded("users.add"))
def add_user(
    body: UserCreate, container: ContainerDep, cmd: CommandDep, response: Response
) -> CommandResult:
    """Add a user; staff logins take their unit from the directory."""
    saved = container.accounts.add_user(
        body.login,
        Role(body.role),
        actor=cmd.actor,
        unit=body.unit,
        enterprise=body.enterprise,
        leader=body.leader,
        password=body.password,
    )
    return done(saved, response)


@router.post(
    "/users/{login}/tokens",
    status_code=201,
    response_model=TokenIssued,
    **guarded("users.issue_token"),
)
def issue_token(
    login: Annotated[str, Path(max_length=100, examples=["li.na"])],
    body: TokenRequest,
    container: ContainerDep,
    cmd: CommandDep,
    response: Response,
) -> TokenIssued:
    """Issue a bearer token to a user (for another system, say); only its digest is kept.

    It expires when asked, or after the server's token lifetime (CASETRAIL_TOKEN_DAYS)."""
    lifetime = timedelta(days=container.settings.token_days)
    expires_at = body.expires_at or cmd.app.now() + lifetime
    issued = container.accounts.issue_token(
        login, actor=cmd.actor, label=body.label, expires_at=expires_at
    )
    return _issued(issued, response)


@router.post(
    "/tokens/{token_id}/revocation", response_model=CommandResult, **guarded("tokens.revoke")
)
def revoke_token(
    token_id: Annotated[UUID, Path(examples=["6f1c2d7e-3b8a-4c55-9a0e-2f7d1b3c4a5e"])],
    body: Revocation,
    container: ContainerDep,
    cmd: CommandDep,
    response: Response,
) -> CommandResult:
    """Revoke a token: it stops working at once."""
    saved = container.accounts.revoke_token(token_id, body.reason, actor=cmd.actor)
    return done(saved, response)
