"""Good/bad reviews (好差评): rate, re-rate, rectify a 差评, appeal and decide appeals."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Response

from api.http.access import CurrentPrincipal, Scope, guarded, scope_of
from api.http.deps import AppDep, CommandDep, check_version, done, etag, shown
from api.http.routers.cases import rating_result
from api.http.schemas.common import CommandResult, RatingResult, Record
from api.http.schemas.reviews import (
    AppealBody,
    AppealDecision,
    Completion,
    Measures,
    RectificationCallback,
    RectificationExtension,
    ReRating,
    ServiceRating,
    Verification,
)
from domain.appeal import Appeal
from domain.directory import Window
from domain.errors import NotFoundError
from domain.evaluation import Evaluation, ServiceReceived
from domain.rectification import Rectification

router = APIRouter(prefix="/api/v1", tags=["reviews"])
Id = Annotated[UUID, Path(examples=["0b9e3d4c-1f2a-4b5c-8d6e-7f8091a2b3c4"])]


@router.post(
    "/ratings", status_code=201, response_model=RatingResult, **guarded("ratings.rate_service")
)
def rate_service(body: ServiceRating, cmd: CommandDep, response: Response) -> RatingResult:
    """Rate a window service (一次一评); a 差评 opens its rectification in the same commit."""
    window_id = cmd.app.load(Window, Window.id_for(body.window)).id if body.window else None
    service = ServiceReceived.window_service(
        body.service_id,
        unit_id=cmd.app.unit(body.unit).id,
        delivered_at=body.delivered_at,
        staff=body.staff,
        window_id=window_id,
        service_item=body.service_item,
    )
    saved = cmd.app.rate_service(
        service, body.level, actor=cmd.actor, reason=body.reason, real_name=body.real_name
    )
    return rating_result(saved.evaluation, saved.rectification, response)


@router.get("/evaluations/{evaluation_id}", response_model=Record, **guarded("evaluations.show"))
def show_evaluation(
    evaluation_id: Id, app: AppDep, caller: CurrentPrincipal, response: Response
) -> Record:
    """A rating: its level, re-rating, and whether it counts (an upheld appeal excludes it)."""
    evaluation = app.evaluation(evaluation_id)
    if scope_of(caller.role) is Scope.OWN and evaluation.rater != caller.actor.id:
        raise NotFoundError(f"no evaluation with id {evaluation_id}")
    if scope_of(caller.role) is Scope.UNIT and evaluation.unit_id != caller.unit_id:
        raise NotFoundError(f"no evaluation with id {evaluation_id}")
    response.headers["ETag"] = etag(evaluation.version)
    return Record.model_validate(evaluation.state())


@router.post(
    "/evaluations/{evaluation_id}/re-ratings",
    response_model=RatingResult,
    **guarded("evaluations.rerate"),
)
def rerate(evaluation_id: Id, body: ReRating, cmd: CommandDep, response: Response) -> RatingResult:
    """The rater's second word once the rectification is completed."""
    check_version(cmd.app, Evaluation, evaluation_id, cmd.version)
    saved = cmd.app.rerate_service(evaluation_id, body.level, actor=cmd.actor, reason=body.reason)
    return rating_result(saved.evaluation, saved.rectification, response)


@router.post(
    "/evaluations/{evaluation_id}/appeals",
    status_code=201,
    response_model=CommandResult,
    **guarded("evaluations.appeal"),
)
def appeal(
    evaluation_id: Id, body: AppealBody, cmd: CommandDep, response: Response
) -> CommandResult:
    """Appeal a malicious or mistaken rating (申诉), as the rated unit's head."""
    saved = cmd.app.appeal_rating(evaluation_id, body.grounds, body.reason, actor=cmd.actor)
    response.headers["Location"] = f"/api/v1/appeals/{saved.id}"
    return done(saved, response)


@router.get("/appeals/{appeal_id}", response_model=Record, **guarded("appeals.show"))
def show_appeal(appeal_id: Id, app: AppDep, caller: CurrentPrincipal, response: Response) -> Record:
    """An appeal and its decision."""
    return shown(app, Appeal, appeal_id, caller, response)


@router.post(
    "/appeals/{appeal_id}/decision", response_model=CommandResult, **guarded("appeals.decide")
)
def decide_appeal(
    appeal_id: Id, body: AppealDecision, cmd: CommandDep, response: Response
) -> CommandResult:
    """Decide an appeal; an upheld one excludes the rating from scores, by a new event."""
    saved = cmd.app.decide_appeal(
        appeal_id,
        upheld=body.upheld,
        reason=body.reason,
        actor=cmd.actor,
        expected_version=cmd.version,
    )
    return done(saved, response)


@router.get(
    "/rectifications/{rectification_id}", response_model=Record, **guarded("rectifications.show")
)
def show_rectification(
    rectification_id: Id, app: AppDep, caller: CurrentPrincipal, response: Response
) -> Record:
    """A 差评 rectification (差评整改): its stage, clocks and measures."""
    return shown(app, Rectification, rectification_id, caller, response)


@router.post(
    "/rectifications/{rectification_id}/callback",
    response_model=CommandResult,
    **guarded("rectifications.callback"),
)
def rectification_callback(
    rectification_id: Id, body: RectificationCallback, cmd: CommandDep, response: Response
) -> CommandResult:
    """Record the callback to the rater (回访), and whether the complaint was verified."""
    saved = cmd.app.record_rectification_callback(
        rectification_id,
        reached=body.reached,
        complaint_verified=body.complaint_verified,
        note=body.note,
        actor=cmd.actor,
        expected_version=cmd.version,
    )
    return done(saved, response)


@router.post(
    "/rectifications/{rectification_id}/verification",
    response_model=CommandResult,
    **guarded("rectifications.verification"),
)
def rectification_verification(
    rectification_id: Id, body: Verification, cmd: CommandDep, response: Response
) -> CommandResult:
    """Verify an anonymous 差评, which cannot be called back."""
    saved = cmd.app.record_rectification_verification(
        rectification_id,
        complaint_verified=body.complaint_verified,
        note=body.note,
        actor=cmd.actor,
        expected_version=cmd.version,
    )
    return done(saved, response)


@router.post(
    "/rectifications/{rectification_id}/measures",
    response_model=CommandResult,
    **guarded("rectifications.measures"),
)
def rectification_measures(
    rectification_id: Id, body: Measures, cmd: CommandDep, response: Response
) -> CommandResult:
    """Record the rectification measures taken."""
    saved = cmd.app.record_rectification_measures(
        rectification_id, list(body.measures), actor=cmd.actor, expected_version=cmd.version
    )
    return done(saved, response)


@router.post(
    "/rectifications/{rectification_id}/extensions",
    response_model=CommandResult,
    **guarded("rectifications.extend"),
)
def extend_rectification(
    rectification_id: Id, body: RectificationExtension, cmd: CommandDep, response: Response
) -> CommandResult:
    """Extend the rectification's clock, as the unit's head, with a reason."""
    saved = cmd.app.extend_rectification(
        rectification_id,
        body.working_days,
        body.reason,
        actor=cmd.actor,
        expected_version=cmd.version,
    )
    return done(saved, response)


@router.post(
    "/rectifications/{rectification_id}/completion",
    response_model=CommandResult,
    **guarded("rectifications.complete"),
)
def complete_rectification(
    rectification_id: Id, body: Completion, cmd: CommandDep, response: Response
) -> CommandResult:
    """Complete the rectification with its outcome; the rater is invited to re-rate."""
    saved = cmd.app.complete_rectification(
        rectification_id,
        body.outcome,
        body.summary,
        actor=cmd.actor,
        expected_version=cmd.version,
    )
    return done(saved, response)
