"""Dependencies shared by the routers: the container, the caller, versions, waiting for views."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, TypeVar
from uuid import UUID

from fastapi import Depends, Header, Query, Request, Response
from pydantic import BaseModel

from api.http.access import CurrentPrincipal, Scope, scope_of
from api.http.metrics import Metrics
from api.http.problems import ProblemError
from api.http.schemas.common import CommandResult, Record
from api.http.threads import waiting
from domain import disclosure
from domain.actors import Actor
from domain.application import Casetrail
from domain.base import Tracked
from domain.errors import NotFoundError
from domain.services.base import Saved
from infra.container import Container
from infra.identity import Principal

T = TypeVar("T", bound=Tracked)
WAIT_LIMIT_SECONDS = 5.0
_VERSION = re.compile(r'^(?:W/)?"?(\d{1,9})"?$')


# Dependencies that do no I/O are ``async def``: FastAPI runs a plain ``def`` dependency on a
# worker thread, and each such hop costs a request more than the lookup itself.


async def container(request: Request) -> Container:
    return _container(request)


def _container(request: Request) -> Container:
    found = request.app.state.container
    assert isinstance(found, Container)
    return found


async def application(request: Request) -> Casetrail:
    return _container(request).app


async def metrics(request: Request) -> Metrics:
    found = request.app.state.metrics
    assert isinstance(found, Metrics)
    return found


ContainerDep = Annotated[Container, Depends(container)]
AppDep = Annotated[Casetrail, Depends(application)]


def expected_version(
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description='The version you saw, as its ETag (`W/"3"`) or a bare number;'
            " a stale one gets 409 with the current version. Omit it to act on the latest.",
            examples=['W/"3"'],
        ),
    ] = None,
) -> int | None:
    if if_match is None or if_match.strip() in ("", "*"):
        return None
    found = _VERSION.match(if_match.strip())
    if found is None:
        raise ProblemError(
            400,
            "bad-if-match",
            "If-Match is not a version",
            f'If-Match must be a version like W/"3", not {if_match!r}',
        )
    return int(found.group(1))


ExpectedVersion = Annotated[int | None, Depends(expected_version)]


def idempotency_key(
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="Makes a retried POST safe: the same key and body get the first"
            " response again (kept across restarts); the same key with another body is 422.",
            examples=["6f1c2d7e-3b8a-4c55-9a0e-2f7d1b3c4a5e"],
        ),
    ] = None,
) -> str | None:
    # The IdempotencyMiddleware does the work; this declares the header in the API document.
    return key


IdempotencyKey = Annotated[str | None, Depends(idempotency_key)]


async def min_position(
    container: ContainerDep,
    position: Annotated[
        int | None,
        Query(
            alias="min_position",
            ge=0,
            le=2**62,
            description="Wait (at most 5 s) until the read model reflects this log position:"
            " pass the `position` a command returned to read your own write.",
            examples=[42],
        ),
    ] = None,
) -> int | None:
    """Wait for the case view; a 503 says the view did not get there in time (on a thread
    that only waits, and only when a position is asked for)."""
    if position is not None:
        await waiting(wait_for_position, container, position, ["cases"])
    return position


def wait_for_position(container: Container, position: int, views: list[str]) -> None:
    if position > container.read.log.head():
        raise ProblemError(
            422,
            "position-not-in-log",
            "No such log position",
            f"position {position} is past the end of the log; pass a position a command returned",
        )
    if not container.read.wait_for(position, views, WAIT_LIMIT_SECONDS):
        raise ProblemError(
            503,
            "view-behind",
            "The read model has not reached that position yet",
            f"position {position} is not reflected after {WAIT_LIMIT_SECONDS:g} s; retry",
            {"Retry-After": "1"},
        )


MinPosition = Annotated[int | None, Depends(min_position)]


def rendered(model: BaseModel, headers: dict[str, str] | None = None) -> Response:
    """A response built and validated by the route, as JSON. Returned as the model itself, it
    would be validated against the route's ``response_model`` once more (on a worker thread,
    for a plain ``def`` route) before being rendered the same way."""
    return Response(model.model_dump_json(), media_type="application/json", headers=headers)


def etag(version: int) -> str:
    return f'W/"{version}"'


def saved_headers(response: Response, saved: Saved) -> None:
    response.headers["ETag"] = etag(saved.version)


@dataclass(frozen=True)
class Command:
    """What every command needs: the caller, the application and the version they saw."""

    caller: Principal
    app: Casetrail
    version: int | None

    @property
    def actor(self) -> Actor:
        return self.caller.actor


def command(
    caller: CurrentPrincipal, app: AppDep, version: ExpectedVersion, _key: IdempotencyKey
) -> Command:
    return Command(caller, app, version)


CommandDep = Annotated[Command, Depends(command)]


def done(saved: Saved, response: Response) -> CommandResult:
    """The command's answer, with the new version as the ETag."""
    saved_headers(response, saved)
    return CommandResult(id=saved.id, version=saved.version, position=saved.position)


def check_version(app: Casetrail, cls: type[Tracked], record_id: UUID, version: int | None) -> None:
    """For commands whose service takes no expected version: refuse a stale If-Match up front
    (the store still refuses a concurrent write that slips in between)."""
    if version is not None:
        app.load(cls, record_id, version)


def in_scope(app: Casetrail, cls: type[T], record_id: UUID, caller: Principal) -> T:
    """The record, if it is within the caller's scope: unit roles reach only their unit's.
    Reads and commands both go through here, so a record outside the scope is the same 404
    whether it is read or acted on (never a 403 naming the unit that owns it)."""
    record = app.load(cls, record_id)
    unit = getattr(record, "unit_id", None)
    if scope_of(caller.role) is Scope.UNIT and unit is not None and unit != caller.unit_id:
        raise NotFoundError(f"no {cls.kind} with id {record_id}")
    return record


def shown(
    app: Casetrail, cls: type[Tracked], record_id: UUID, caller: Principal, response: Response
) -> Record:
    """A record's state for the caller: unit roles see only their unit's (else 404)."""
    record = in_scope(app, cls, record_id, caller)
    response.headers["ETag"] = etag(record.version)
    confidential = app.confidential_record(record_id)
    return Record.model_validate(disclosure.row(record.state(), confidential=confidential))
