"""Case commands: file a demand and take each handling step, with If-Match and idempotency keys.

Every step answers ``{"id", "version", "position"}`` with the new version as ``ETag``.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Response

from api.http.access import guarded
from api.http.deps import CommandDep, done, saved_headers
from api.http.problems import ProblemError
from api.http.schemas.cases import (
    Callback,
    CaseCreate,
    CaseRating,
    Close,
    Decision,
    DirectAnswer,
    Dispatch,
    ExtensionRequest,
    HandOver,
    Note,
    PauseBody,
    Reason,
    Reply,
    Terminate,
)
from api.http.schemas.common import CommandResult, RatingResult
from api.http.scope import visible_case
from domain.actors import Role
from domain.application import Casetrail
from domain.directory import Enterprise
from domain.services.base import Saved
from infra.identity import Principal

router = APIRouter(prefix="/api/v1/cases", tags=["case commands"])
CaseId = Annotated[
    UUID, Path(description="the case id", examples=["0b9e3d4c-1f2a-4b5c-8d6e-7f8091a2b3c4"])
]


@router.post("", status_code=201, response_model=CommandResult, **guarded("cases.file"))
def file_demand(body: CaseCreate, cmd: CommandDep, response: Response) -> CommandResult:
    """File a demand (诉求). Staff who record it own it (首问负责制); one filed online waits
    in the intake queue for the first staff member to receive it."""
    enterprise_id = _enterprise_of(cmd.app, cmd.caller, body.enterprise)
    saved = cmd.app.file_demand(
        case_type=body.case_type,
        channel=body.channel,
        summary=body.summary,
        actor=cmd.actor,
        enterprise_id=enterprise_id,
        filer_name=body.filer_name,
        filer_contact=body.filer_contact,
        real_name=body.real_name,
        confidential=body.confidential,
        emergency=body.emergency,
        service_item=body.service_item,
        reported_unit=body.reported_unit,
    )
    response.headers["Location"] = f"/api/v1/cases/{saved.id}"
    return done(saved, response)


def _enterprise_of(app: Casetrail, caller: Principal, credit_code: str | None) -> UUID | None:
    if caller.role is Role.ENTERPRISE:
        own = caller.enterprise_id
        if credit_code is not None and Enterprise.id_for(credit_code) != own:
            raise ProblemError(403, "not-your-enterprise", "An enterprise files for itself only")
        return own
    return app.enterprise(credit_code).id if credit_code else None


@router.post("/{case_id}/receive", response_model=CommandResult, **guarded("cases.receive"))
def receive(case_id: CaseId, cmd: CommandDep, response: Response) -> CommandResult:
    """Receive an unowned demand; the receiver owns it from now on (首问负责制)."""
    visible_case(cmd.app, cmd.caller, case_id)
    return done(cmd.app.receive(case_id, actor=cmd.actor, expected_version=cmd.version), response)


@router.post("/{case_id}/hand-over", response_model=CommandResult, **guarded("cases.hand_over"))
def hand_over(
    case_id: CaseId, body: HandOver, cmd: CommandDep, response: Response
) -> CommandResult:
    """Hand the case over to another staff member, with a reason ("not my department")."""
    visible_case(cmd.app, cmd.caller, case_id)
    saved = cmd.app.hand_over(
        case_id, body.to, body.reason, actor=cmd.actor, expected_version=cmd.version
    )
    return done(saved, response)


@router.post(
    "/{case_id}/direct-answer", response_model=CommandResult, **guarded("cases.answer_directly")
)
def answer_directly(
    case_id: CaseId, body: DirectAnswer, cmd: CommandDep, response: Response
) -> CommandResult:
    """Answer the demand on the spot (a consultation, say), without dispatching it."""
    visible_case(cmd.app, cmd.caller, case_id)
    saved = cmd.app.answer_directly(
        case_id, body.answer, actor=cmd.actor, expected_version=cmd.version
    )
    return done(saved, response)


@router.post("/{case_id}/dispatch", response_model=CommandResult, **guarded("cases.dispatch"))
def dispatch(case_id: CaseId, body: Dispatch, cmd: CommandDep, response: Response) -> CommandResult:
    """Dispatch the case to a lead unit, optionally with co-handling units (归口办理)."""
    visible_case(cmd.app, cmd.caller, case_id)
    saved = cmd.app.dispatch(
        case_id,
        body.lead_unit,
        list(body.co_units),
        actor=cmd.actor,
        note=body.note,
        expected_version=cmd.version,
    )
    return done(saved, response)


@router.post("/{case_id}/returns", response_model=CommandResult, **guarded("cases.request_return"))
def request_return(
    case_id: CaseId, body: Reason, cmd: CommandDep, response: Response
) -> CommandResult:
    """Ask for the case to be sent back as misrouted (退单), within the policy's window."""
    visible_case(cmd.app, cmd.caller, case_id)
    saved = cmd.app.request_return(
        case_id, body.reason, actor=cmd.actor, expected_version=cmd.version
    )
    return done(saved, response)


@router.post(
    "/{case_id}/return-decisions", response_model=CommandResult, **guarded("cases.decide_return")
)
def decide_return(
    case_id: CaseId, body: Decision, cmd: CommandDep, response: Response
) -> CommandResult:
    """Approve (back to intake for re-dispatch) or refuse a return request."""
    visible_case(cmd.app, cmd.caller, case_id)
    saved = cmd.app.decide_return(
        case_id, body.approved, body.reason, actor=cmd.actor, expected_version=cmd.version
    )
    return done(saved, response)


@router.post("/{case_id}/sign-for", response_model=CommandResult, **guarded("cases.sign_for"))
def sign_for(case_id: CaseId, cmd: CommandDep, response: Response) -> CommandResult:
    """Sign for a case dispatched to your unit (签收); handling starts."""
    visible_case(cmd.app, cmd.caller, case_id)
    return done(cmd.app.sign_for(case_id, actor=cmd.actor, expected_version=cmd.version), response)


@router.post("/{case_id}/contacts", response_model=CommandResult, **guarded("cases.record_contact"))
def record_contact(
    case_id: CaseId, body: Note, cmd: CommandDep, response: Response
) -> CommandResult:
    """Record a contact with the enterprise."""
    visible_case(cmd.app, cmd.caller, case_id)
    saved = cmd.app.record_contact(
        case_id, body.note, actor=cmd.actor, expected_version=cmd.version
    )
    return done(saved, response)


@router.post(
    "/{case_id}/site-visits", response_model=CommandResult, **guarded("cases.record_site_visit")
)
def record_site_visit(
    case_id: CaseId, body: Note, cmd: CommandDep, response: Response
) -> CommandResult:
    """Record a site visit made for the case."""
    visible_case(cmd.app, cmd.caller, case_id)
    saved = cmd.app.record_site_visit(
        case_id, body.note, actor=cmd.actor, expected_version=cmd.version
    )
    return done(saved, response)


@router.post("/{case_id}/pause", response_model=CommandResult, **guarded("cases.pause"))
def pause(case_id: CaseId, body: PauseBody, cmd: CommandDep, response: Response) -> CommandResult:
    """Stop the clock: ask for supplementary materials (补正), or pause for a hearing, testing
    or expert review."""
    visible_case(cmd.app, cmd.caller, case_id)
    saved = cmd.app.pause(
        case_id, body.kind, body.reason, actor=cmd.actor, expected_version=cmd.version
    )
    return done(saved, response)


@router.post("/{case_id}/resume", response_model=CommandResult, **guarded("cases.resume"))
def resume(case_id: CaseId, body: Note, cmd: CommandDep, response: Response) -> CommandResult:
    """Restart the clock (after 补正: the materials arrived); the deadline is recounted."""
    visible_case(cmd.app, cmd.caller, case_id)
    saved = cmd.app.resume(case_id, body.note, actor=cmd.actor, expected_version=cmd.version)
    return done(saved, response)


@router.post(
    "/{case_id}/extension-requests",
    response_model=CommandResult,
    **guarded("cases.request_extension"),
)
def request_extension(
    case_id: CaseId, body: ExtensionRequest, cmd: CommandDep, response: Response
) -> CommandResult:
    """Ask for a later deadline (延期), before the current one passes."""
    visible_case(cmd.app, cmd.caller, case_id)
    saved = cmd.app.request_extension(
        case_id, body.asked, body.reason, actor=cmd.actor, expected_version=cmd.version
    )
    return done(saved, response)


@router.post(
    "/{case_id}/extension-decisions",
    response_model=CommandResult,
    **guarded("cases.decide_extension"),
)
def decide_extension(
    case_id: CaseId, body: Decision, cmd: CommandDep, response: Response
) -> CommandResult:
    """Approve or refuse the pending extension request; the enterprise is told."""
    visible_case(cmd.app, cmd.caller, case_id)
    saved = cmd.app.decide_extension(
        case_id, body.approved, body.reason, actor=cmd.actor, expected_version=cmd.version
    )
    return done(saved, response)


@router.post("/{case_id}/reply", response_model=CommandResult, **guarded("cases.reply"))
def reply(case_id: CaseId, body: Reply, cmd: CommandDep, response: Response) -> CommandResult:
    """Reply to the enterprise; the time limit is met when the reply is given."""
    visible_case(cmd.app, cmd.caller, case_id)
    saved = cmd.app.reply(case_id, body.text, actor=cmd.actor, expected_version=cmd.version)
    return done(saved, response)


@router.post(
    "/{case_id}/callback", response_model=CommandResult, **guarded("cases.record_callback")
)
def record_callback(
    case_id: CaseId, body: Callback, cmd: CommandDep, response: Response
) -> CommandResult:
    """Record the callback (回访): is it resolved, and is the enterprise satisfied?"""
    visible_case(cmd.app, cmd.caller, case_id)
    saved = cmd.app.record_callback(
        case_id,
        body.resolved,
        body.satisfied,
        body.note,
        actor=cmd.actor,
        expected_version=cmd.version,
    )
    return done(saved, response)


@router.post("/{case_id}/close", response_model=CommandResult, **guarded("cases.close"))
def close(case_id: CaseId, body: Close, cmd: CommandDep, response: Response) -> CommandResult:
    """Close the replied case with its outcome (closing is not solving) and a reason."""
    visible_case(cmd.app, cmd.caller, case_id)
    saved = cmd.app.close_case(
        case_id, body.outcome, body.reason, actor=cmd.actor, expected_version=cmd.version
    )
    return done(saved, response)


@router.post("/{case_id}/reopen", response_model=CommandResult, **guarded("cases.reopen"))
def reopen(case_id: CaseId, body: Reason, cmd: CommandDep, response: Response) -> CommandResult:
    """Reopen a closed case (重办): a new handling cycle with a fresh time limit."""
    visible_case(cmd.app, cmd.caller, case_id)
    saved = cmd.app.reopen(case_id, body.reason, actor=cmd.actor, expected_version=cmd.version)
    return done(saved, response)


@router.post("/{case_id}/terminate", response_model=CommandResult, **guarded("cases.terminate"))
def terminate(
    case_id: CaseId, body: Terminate, cmd: CommandDep, response: Response
) -> CommandResult:
    """End the case without a solution (终止办理), approved by the head taking this step."""
    visible_case(cmd.app, cmd.caller, case_id)
    saved = cmd.app.terminate(
        case_id, body.reason, body.requested_by, actor=cmd.actor, expected_version=cmd.version
    )
    return done(saved, response)


@router.post(
    "/{case_id}/termination-requests",
    response_model=CommandResult,
    **guarded("cases.request_termination"),
)
def request_termination(
    case_id: CaseId, body: Reason, cmd: CommandDep, response: Response
) -> CommandResult:
    """Ask the unit's head to end handling (终止办理); it waits in their approvals queue."""
    visible_case(cmd.app, cmd.caller, case_id)
    saved = cmd.app.request_termination(
        case_id, body.reason, actor=cmd.actor, expected_version=cmd.version
    )
    return done(saved, response)


@router.post(
    "/{case_id}/termination-refusals",
    response_model=CommandResult,
    **guarded("cases.refuse_termination"),
)
def refuse_termination(
    case_id: CaseId, body: Reason, cmd: CommandDep, response: Response
) -> CommandResult:
    """Refuse the waiting termination request: handling goes on (approve it by terminating)."""
    visible_case(cmd.app, cmd.caller, case_id)
    saved = cmd.app.refuse_termination(
        case_id, body.reason, actor=cmd.actor, expected_version=cmd.version
    )
    return done(saved, response)


@router.post(
    "/{case_id}/ratings", status_code=201, response_model=RatingResult, **guarded("cases.rate")
)
def rate_case(
    case_id: CaseId, body: CaseRating, cmd: CommandDep, response: Response
) -> RatingResult:
    """Rate the service of a replied or closed case (好差评); a 差评 opens its rectification."""
    visible_case(cmd.app, cmd.caller, case_id)
    saved = cmd.app.rate_case(
        case_id, body.level, actor=cmd.actor, reason=body.reason, real_name=body.real_name
    )
    return rating_result(saved.evaluation, saved.rectification, response)


def rating_result(
    evaluation: Saved, rectification: Saved | None, response: Response
) -> RatingResult:
    saved_headers(response, evaluation)
    response.headers["Location"] = f"/api/v1/evaluations/{evaluation.id}"
    return RatingResult(
        evaluation=CommandResult(
            id=evaluation.id, version=evaluation.version, position=evaluation.position
        ),
        rectification=CommandResult(
            id=rectification.id, version=rectification.version, position=rectification.position
        )
        if rectification
        else None,
    )
