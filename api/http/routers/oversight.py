"""Supervision orders (督办), named circulars (实名通报), accountability matters (问责) and each
unit's consecutive-bottom record (read from published rankings)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Response

from api.http.access import CurrentPrincipal, guarded
from api.http.deps import AppDep, CommandDep, check_version, done, in_scope, shown
from api.http.problems import ProblemError
from api.http.schemas.common import CommandResult, Record
from api.http.schemas.oversight import (
    CircularCreate,
    Classification,
    Clearance,
    Conclusion,
    Findings,
    MatterCreate,
    MatterOutcome,
    Reason,
    SupervisionOrder,
    SupervisionResponse,
)
from domain.accountability import AccountabilityMatter
from domain.assessment import AssessmentTrigger
from domain.circular import Circular
from domain.directory import Unit
from domain.supervision import Supervision

router = APIRouter(prefix="/api/v1", tags=["oversight"])
Id = Annotated[UUID, Path(examples=["0b9e3d4c-1f2a-4b5c-8d6e-7f8091a2b3c4"])]
UnitCode = Annotated[str, Path(max_length=64, examples=["AMR"])]


@router.post(
    "/supervision-orders",
    status_code=201,
    response_model=CommandResult,
    **guarded("supervision.issue"),
)
def issue_order(body: SupervisionOrder, cmd: CommandDep, response: Response) -> CommandResult:
    """Issue a supervision order on a case (its unit answers) or on a unit, with a deadline."""
    if (body.case_id is None) == (body.unit is None):
        raise ProblemError(422, "give-case-or-unit", "Name either a case_id or a unit")
    if body.case_id is not None:
        saved = cmd.app.supervise_case(
            body.case_id,
            instruction=body.instruction,
            required_response=body.required_response,
            actor=cmd.actor,
            due=body.due,
            working_days=body.working_days,
        )
    else:
        assert body.unit is not None
        saved = cmd.app.supervise_unit(
            body.unit,
            instruction=body.instruction,
            required_response=body.required_response,
            actor=cmd.actor,
            due=body.due,
            working_days=body.working_days,
        )
    response.headers["Location"] = f"/api/v1/supervision-orders/{saved.id}"
    return done(saved, response)


@router.get("/supervision-orders/{order_id}", response_model=Record, **guarded("supervision.show"))
def show_order(order_id: Id, app: AppDep, caller: CurrentPrincipal, response: Response) -> Record:
    """A supervision order, its deadline and the unit's response."""
    return shown(app, Supervision, order_id, caller, response)


@router.post(
    "/supervision-orders/{order_id}/responses",
    response_model=CommandResult,
    **guarded("supervision.respond"),
)
def respond(
    order_id: Id, body: SupervisionResponse, cmd: CommandDep, response: Response
) -> CommandResult:
    """Answer a supervision order addressed to your unit."""
    in_scope(cmd.app, Supervision, order_id, cmd.caller)
    saved = cmd.app.respond_to_supervision(
        order_id, body.response, actor=cmd.actor, expected_version=cmd.version
    )
    return done(saved, response)


@router.post(
    "/supervision-orders/{order_id}/closure",
    response_model=CommandResult,
    **guarded("supervision.close"),
)
def close_order(
    order_id: Id, body: Conclusion, cmd: CommandDep, response: Response
) -> CommandResult:
    """Close a supervision order with a conclusion."""
    saved = cmd.app.close_supervision(
        order_id, body.conclusion, actor=cmd.actor, expected_version=cmd.version
    )
    return done(saved, response)


@router.post(
    "/circulars", status_code=201, response_model=CommandResult, **guarded("circulars.publish")
)
def publish_circular(body: CircularCreate, cmd: CommandDep, response: Response) -> CommandResult:
    """Publish a named circular from a list, a board or a period's results."""
    saved = cmd.app.publish_circular(
        title=body.title,
        source_kind=body.source_kind,
        source_ref=body.source_ref,
        subjects=[(s.kind, s.who, s.why) for s in body.subjects],
        actor=cmd.actor,
    )
    response.headers["Location"] = f"/api/v1/circulars/{saved.id}"
    return done(saved, response)


@router.get("/circulars/{circular_id}", response_model=Record, **guarded("circulars.show"))
def show_circular(
    circular_id: Id, app: AppDep, caller: CurrentPrincipal, response: Response
) -> Record:
    """A published named circular."""
    return shown(app, Circular, circular_id, caller, response)


@router.post(
    "/circulars/{circular_id}/withdrawal",
    response_model=CommandResult,
    **guarded("circulars.withdraw"),
)
def withdraw_circular(
    circular_id: Id, body: Reason, cmd: CommandDep, response: Response
) -> CommandResult:
    """Withdraw a circular, with a reason (it stays on the record)."""
    check_version(cmd.app, Circular, circular_id, cmd.version)
    return done(cmd.app.withdraw_circular(circular_id, body.reason, actor=cmd.actor), response)


@router.post(
    "/accountability-matters",
    status_code=201,
    response_model=CommandResult,
    **guarded("accountability.open"),
)
def open_matter(body: MatterCreate, cmd: CommandDep, response: Response) -> CommandResult:
    """Open an accountability matter about a case, a staff member or a unit."""
    saved = cmd.app.open_accountability_matter(
        subject_kind=body.subject_kind,
        subject=body.subject,
        allegation=body.allegation,
        actor=cmd.actor,
        source=body.source,
    )
    response.headers["Location"] = f"/api/v1/accountability-matters/{saved.id}"
    return done(saved, response)


@router.get(
    "/accountability-matters/{matter_id}", response_model=Record, **guarded("accountability.show")
)
def show_matter(matter_id: Id, app: AppDep, caller: CurrentPrincipal, response: Response) -> Record:
    """An accountability matter: findings, classification and outcome."""
    return shown(app, AccountabilityMatter, matter_id, caller, response)


@router.post(
    "/accountability-matters/{matter_id}/findings",
    response_model=CommandResult,
    **guarded("accountability.findings"),
)
def record_findings(
    matter_id: Id, body: Findings, cmd: CommandDep, response: Response
) -> CommandResult:
    """Record what the inquiry found."""
    saved = cmd.app.record_accountability_findings(
        matter_id, body.findings, actor=cmd.actor, expected_version=cmd.version
    )
    return done(saved, response)


@router.post(
    "/accountability-matters/{matter_id}/classification",
    response_model=CommandResult,
    **guarded("accountability.classify"),
)
def classify(
    matter_id: Id, body: Classification, cmd: CommandDep, response: Response
) -> CommandResult:
    """Classify the conduct under the three distinctions (三个区分开来)."""
    sides = body.model_dump(exclude={"notes"})
    saved = cmd.app.classify_accountability_matter(
        matter_id, sides, body.notes, actor=cmd.actor, expected_version=cmd.version
    )
    return done(saved, response)


@router.post(
    "/accountability-matters/{matter_id}/outcome",
    response_model=CommandResult,
    **guarded("accountability.decide"),
)
def decide_outcome(
    matter_id: Id, body: MatterOutcome, cmd: CommandDep, response: Response
) -> CommandResult:
    """Decide the outcome: criticism, rectification, organisational handling or exemption."""
    saved = cmd.app.decide_accountability_outcome(
        matter_id, body.outcome, body.reason, actor=cmd.actor, expected_version=cmd.version
    )
    return done(saved, response)


@router.post(
    "/accountability-matters/{matter_id}/clearance",
    response_model=CommandResult,
    **guarded("accountability.clear"),
)
def clear_subject(
    matter_id: Id, body: Clearance, cmd: CommandDep, response: Response
) -> CommandResult:
    """Clear a falsely accused subject (澄清正名)."""
    saved = cmd.app.clear_accountability_subject(
        matter_id, body.statement, actor=cmd.actor, expected_version=cmd.version
    )
    return done(saved, response)


@router.get(
    "/units/{unit}/assessment-trigger", response_model=Record, **guarded("rankings.trigger")
)
def show_trigger(
    unit: UnitCode, app: AppDep, caller: CurrentPrincipal, response: Response
) -> Record:
    """A unit's results per published period and the formal talks (约谈) they triggered."""
    trigger_id = AssessmentTrigger.id_for(Unit.id_for(unit), app.policy.triggers.period)
    return shown(app, AssessmentTrigger, trigger_id, caller, response)
