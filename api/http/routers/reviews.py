"""Good/bad reviews (好差评): record window services, rate and re-rate them, rectify a 差评,
appeal and decide appeals, and open an anonymous rater's account for inspectors."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Query, Response

from api.http.access import CurrentPrincipal, Scope, guarded, scope_of
from api.http.deps import AppDep, CommandDep, check_version, done, etag, in_scope, shown
from api.http.idempotency import withhold
from api.http.routers.cases import rating_result
from api.http.schemas.cases import Decision
from api.http.schemas.common import CommandResult, RatingResult, Record
from api.http.schemas.reviews import (
    AppealBody,
    AppealDecision,
    CodeRating,
    CodeReRating,
    Completion,
    Measures,
    RaterIdentity,
    RectificationCallback,
    RectificationExtension,
    ReRating,
    ServiceRating,
    Verification,
    WindowServiceCreate,
    WindowServiceRecorded,
)
from domain import disclosure
from domain.appeal import Appeal
from domain.application import Casetrail
from domain.errors import NotFoundError
from domain.evaluation import Evaluation
from domain.rating_rules import VISITOR
from domain.rectification import Rectification
from domain.window_service import WindowService
from infra.identity import Principal

router = APIRouter(prefix="/api/v1", tags=["reviews"])
Id = Annotated[UUID, Path(examples=["0b9e3d4c-1f2a-4b5c-8d6e-7f8091a2b3c4"])]


@router.post(
    "/window-services",
    status_code=201,
    response_model=WindowServiceRecorded,
    **guarded("window_services.record"),
)
def record_window_service(
    body: WindowServiceCreate, cmd: CommandDep, response: Response
) -> WindowServiceRecorded:
    """Record a service you just gave at your window; print the answer's rating code on the
    visitor's receipt (it is shown once)."""
    recorded = cmd.app.record_window_service(
        service_item=body.service_item, enterprise=body.enterprise, actor=cmd.actor
    )
    saved = done(recorded.service, response)
    response.headers["Location"] = f"/api/v1/window-services/{saved.id}"
    withhold(response)  # only the code's digest is kept anywhere
    return WindowServiceRecorded(**saved.model_dump(), rating_code=recorded.rating_code)


@router.get(
    "/window-services/{service_id}", response_model=Record, **guarded("window_services.show")
)
def show_window_service(
    service_id: Id, app: AppDep, caller: CurrentPrincipal, response: Response
) -> Record:
    """A window service as its staff recorded it (never its rating code)."""
    app.window_service(service_id)
    return shown(app, WindowService, service_id, caller, response)


@router.post(
    "/ratings", status_code=201, response_model=RatingResult, **guarded("ratings.rate_service")
)
def rate_service(body: ServiceRating, cmd: CommandDep, response: Response) -> RatingResult:
    """Rate a recorded window service (一次一评) as the enterprise it was for; a 差评 opens
    its rectification in the same commit."""
    saved = cmd.app.rate_service(
        body.service_id, body.level, actor=cmd.actor, reason=body.reason, real_name=body.real_name
    )
    return rating_result(saved.evaluation, saved.rectification, response)


@router.post(
    "/ratings/by-code",
    status_code=201,
    response_model=RatingResult,
    **guarded("ratings.rate_with_code"),
)
def rate_with_code(body: CodeRating, app: AppDep, response: Response) -> RatingResult:
    """Rate a window service with the one-time code on its receipt, without signing in (the
    rating is anonymous: nobody is named)."""
    saved = app.rate_service(
        body.service_id,
        body.level,
        actor=VISITOR,
        reason=body.reason,
        real_name=False,
        code=body.code,
    )
    return rating_result(saved.evaluation, saved.rectification, response)


def evaluation_in_scope(app: Casetrail, evaluation_id: UUID, caller: Principal) -> Evaluation:
    """The rating, if the caller may reach it: an enterprise its own, unit staff their unit's.
    Reads and commands (appeals, re-ratings) come through here alike: outside, the same 404."""
    evaluation = app.evaluation(evaluation_id)
    if scope_of(caller.role) is Scope.OWN and not app.is_rater(evaluation, caller.actor):
        raise NotFoundError(f"no evaluation with id {evaluation_id}")
    if scope_of(caller.role) is Scope.UNIT and evaluation.unit_id != caller.unit_id:
        raise NotFoundError(f"no evaluation with id {evaluation_id}")
    return evaluation


@router.get("/evaluations/{evaluation_id}", response_model=Record, **guarded("evaluations.show"))
def show_evaluation(
    evaluation_id: Id, app: AppDep, caller: CurrentPrincipal, response: Response
) -> Record:
    """A rating: its level, re-rating, and whether it counts (an upheld appeal excludes it)."""
    evaluation = evaluation_in_scope(app, evaluation_id, caller)
    response.headers["ETag"] = etag(evaluation.version)
    # A rating of a confidential case's answer was given by its filer: the rater is withheld.
    confidential = app.confidential_record(evaluation_id)
    return Record.model_validate(disclosure.row(evaluation.state(), confidential=confidential))


@router.get(
    "/evaluations/{evaluation_id}/rater",
    response_model=RaterIdentity,
    **guarded("evaluations.rater"),
)
def evaluation_rater(
    evaluation_id: Id,
    app: AppDep,
    caller: CurrentPrincipal,
    purpose: Annotated[str, Query(min_length=2, max_length=200, examples=["核查恶意差评"])],
) -> RaterIdentity:
    """Who gave an anonymous rating, for an inspector with a purpose; every read is recorded."""
    identity = app.rater_identity(evaluation_id, purpose, actor=caller.actor)
    return RaterIdentity(
        evaluation_id=identity.evaluation_id,
        subject=identity.subject,
        rater=identity.rater,
        erased=identity.erased,
    )


@router.post(
    "/evaluations/{evaluation_id}/re-ratings",
    response_model=RatingResult,
    **guarded("evaluations.rerate"),
)
def rerate(evaluation_id: Id, body: ReRating, cmd: CommandDep, response: Response) -> RatingResult:
    """The rater's second word once the rectification is completed (the original rater only)."""
    evaluation_in_scope(cmd.app, evaluation_id, cmd.caller)
    check_version(cmd.app, Evaluation, evaluation_id, cmd.version)
    saved = cmd.app.rerate_service(evaluation_id, body.level, actor=cmd.actor, reason=body.reason)
    return rating_result(saved.evaluation, saved.rectification, response)


@router.post(
    "/evaluations/{evaluation_id}/re-ratings/by-code",
    response_model=RatingResult,
    **guarded("evaluations.rerate_with_code"),
)
def rerate_with_code(
    evaluation_id: Id, body: CodeReRating, app: AppDep, response: Response
) -> RatingResult:
    """Re-rate, after the rectification, a service rated with its receipt's code: the same
    code again."""
    saved = app.rerate_service(
        evaluation_id, body.level, actor=VISITOR, reason=body.reason, code=body.code
    )
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
    evaluation_in_scope(cmd.app, evaluation_id, cmd.caller)
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
    in_scope(cmd.app, Rectification, rectification_id, cmd.caller)
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
    in_scope(cmd.app, Rectification, rectification_id, cmd.caller)
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
    in_scope(cmd.app, Rectification, rectification_id, cmd.caller)
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
    """Ask for more working days, as the unit's head, before the deadline; a supervisor
    decides."""
    in_scope(cmd.app, Rectification, rectification_id, cmd.caller)
    saved = cmd.app.request_rectification_extension(
        rectification_id,
        body.working_days,
        body.reason,
        actor=cmd.actor,
        expected_version=cmd.version,
    )
    return done(saved, response)


@router.post(
    "/rectifications/{rectification_id}/extension-decisions",
    response_model=CommandResult,
    **guarded("rectifications.decide_extension"),
)
def decide_rectification_extension(
    rectification_id: Id, body: Decision, cmd: CommandDep, response: Response
) -> CommandResult:
    """Approve or refuse the extension asked for, by the deadline it would extend."""
    in_scope(cmd.app, Rectification, rectification_id, cmd.caller)
    saved = cmd.app.decide_rectification_extension(
        rectification_id,
        approved=body.approved,
        reason=body.reason,
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
    in_scope(cmd.app, Rectification, rectification_id, cmd.caller)
    saved = cmd.app.complete_rectification(
        rectification_id,
        body.outcome,
        body.summary,
        actor=cmd.actor,
        expected_version=cmd.version,
    )
    return done(saved, response)
