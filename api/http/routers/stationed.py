"""Stationed staff's activities (驻企服务员) and secondments (选派干部服务锻炼)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query, Response

from api.http.access import CurrentPrincipal, guarded
from api.http.deps import AppDep, CommandDep, ContainerDep, check_version, done, etag
from api.http.problems import ProblemError
from api.http.schemas.common import CommandResult, Record
from api.http.schemas.stationed import (
    ActivityAnswer,
    ActivityCase,
    ActivityCreate,
    SecondmentCreate,
    SecondmentEnd,
)
from domain.actors import Role
from domain.application import Casetrail
from domain.directory import Enterprise
from domain.errors import NotFoundError
from domain.secondment import Secondment
from domain.stationed import StationedActivity
from infra.figures import roster_rows
from infra.identity import Principal

router = APIRouter(prefix="/api/v1", tags=["stationed staff and secondments"])
CreditCode = Annotated[str, Path(max_length=64, examples=["91440300MA5KEY0001"])]
RecordId = Annotated[UUID, Path(examples=["0b9e3d4c-1f2a-4b5c-8d6e-7f8091a2b3c4"])]


@router.post(
    "/enterprises/{enterprise}/stationed-activities",
    status_code=201,
    response_model=CommandResult,
    **guarded("stationed.record"),
)
def record_activity(
    enterprise: CreditCode, body: ActivityCreate, cmd: CommandDep, response: Response
) -> CommandResult:
    """Record a policy explained, a service provided or a problem taken up for an enterprise
    you are stationed with (驻企服务员)."""
    saved = cmd.app.record_stationed_activity(
        enterprise,
        kind=body.kind,
        description=body.description,
        happened_on=body.happened_on,
        actor=cmd.actor,
    )
    response.headers["Location"] = f"/api/v1/stationed-activities/{saved.id}"
    return done(saved, response)


@router.get(
    "/stationed-activities/{activity_id}", response_model=Record, **guarded("stationed.show")
)
def show_activity(
    activity_id: RecordId, app: AppDep, caller: CurrentPrincipal, response: Response
) -> Record:
    """An activity: who, for which enterprise, what, when, the case it opened, and the
    enterprise's answer."""
    activity = activity_in_scope(app, activity_id, caller)
    response.headers["ETag"] = etag(activity.version)
    state = activity.state()
    if activity.case_id is not None and app.confidential_record(activity.case_id):
        state["case_id"] = None
    return Record.model_validate(state)


def activity_in_scope(app: Casetrail, activity_id: UUID, caller: Principal) -> StationedActivity:
    """The activity, if the caller may reach it: staff their own, an enterprise the ones done
    for it; another's is the same 404 as none."""
    activity = app.stationed_activity(activity_id)
    mine = {
        Role.WINDOW_STAFF: activity.login == caller.actor.id,
        Role.UNIT_HEAD: activity.login == caller.actor.id,
        Role.ENTERPRISE: activity.enterprise_id == Enterprise.id_for(caller.actor.id),
    }.get(caller.role, True)
    if not mine:
        raise NotFoundError(f"no stationed activity with id {activity_id}")
    return activity


@router.post(
    "/stationed-activities/{activity_id}/confirmation",
    response_model=CommandResult,
    **guarded("stationed.confirm"),
)
def confirm_activity(
    activity_id: RecordId, body: ActivityAnswer, cmd: CommandDep, response: Response
) -> CommandResult:
    """As the enterprise served, confirm the activity, or dispute it (say why)."""
    activity_in_scope(cmd.app, activity_id, cmd.caller)
    check_version(cmd.app, StationedActivity, activity_id, cmd.version)
    saved = cmd.app.answer_stationed_activity(
        activity_id, confirmed=body.confirmed, note=body.note, actor=cmd.actor
    )
    return done(saved, response)


@router.post(
    "/stationed-activities/{activity_id}/case",
    status_code=201,
    response_model=CommandResult,
    **guarded("stationed.open_case"),
)
def open_case(
    activity_id: RecordId, body: ActivityCase, cmd: CommandDep, response: Response
) -> CommandResult:
    """Open a case on the enterprise's behalf for a problem taken up; the case and the
    activity are saved together."""
    activity_in_scope(cmd.app, activity_id, cmd.caller)
    check_version(cmd.app, StationedActivity, activity_id, cmd.version)
    if body.summary is not None and not body.summary.strip():
        raise ProblemError(422, "empty-summary", "Leave summary out to use the activity's words")
    saved = cmd.app.open_case_from_activity(
        activity_id, body.case_type, actor=cmd.actor, summary=body.summary
    )
    response.headers["Location"] = f"/api/v1/cases/{saved.id}"
    return done(saved, response)


@router.post(
    "/secondments",
    status_code=201,
    response_model=CommandResult,
    **guarded("secondments.arrange"),
)
def arrange(body: SecondmentCreate, cmd: CommandDep, response: Response) -> CommandResult:
    """Arrange a secondment of at least the policy's months (选派干部服务锻炼)."""
    saved = cmd.app.arrange_secondment(
        person=body.person,
        direction=body.direction,
        home=body.home,
        host=body.host,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        actor=cmd.actor,
    )
    response.headers["Location"] = f"/api/v1/secondments/{saved.id}"
    return done(saved, response)


@router.get("/secondments", response_model=list[Record], **guarded("secondments.roster"))
def roster(
    container: ContainerDep,
    on: Annotated[date | None, Query(description="the day (default: today)")] = None,
) -> list[Record]:
    """Who is seconded where on a day: the secondments under way."""
    read = container.read
    read.refresh(["stationed"])
    day = on or container.app.now().astimezone(container.app.policy.tz).date()
    rows: list[dict[str, Any]] = roster_rows(read.store, day)
    return [
        Record.model_validate({**row, "kind": "secondment", "version": 0, "id": str(row["id"])})
        for row in rows
    ]


@router.get("/secondments/{secondment_id}", response_model=Record, **guarded("secondments.show"))
def show(secondment_id: RecordId, app: AppDep, response: Response) -> Record:
    """A secondment: who, from where to where, its dates, and an early end with its reason."""
    secondment = app.secondment(secondment_id)
    response.headers["ETag"] = etag(secondment.version)
    return Record.model_validate(secondment.state())


@router.post(
    "/secondments/{secondment_id}/early-end",
    response_model=CommandResult,
    **guarded("secondments.end_early"),
)
def end_early(
    secondment_id: RecordId, body: SecondmentEnd, cmd: CommandDep, response: Response
) -> CommandResult:
    """End a secondment before its planned end, with the reason."""
    check_version(cmd.app, Secondment, secondment_id, cmd.version)
    saved = cmd.app.end_secondment_early(secondment_id, body.on, body.reason, actor=cmd.actor)
    return done(saved, response)
