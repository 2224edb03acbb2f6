"""Leaders linked to enterprises, enterprise-stationed staff, and the leaders' visits."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Response

from api.http.access import CurrentPrincipal, guarded
from api.http.deps import AppDep, CommandDep, check_version, done, etag
from api.http.problems import ProblemError
from api.http.schemas.common import CommandResult, FindingResult, Record
from api.http.schemas.engagement import (
    Finding,
    FindingCase,
    LeaderLink,
    LeaderUnlink,
    OnSiteResolution,
    Stationing,
    VisitAnswer,
    VisitCreate,
    Withdrawal,
)
from api.http.scope import leader_owns
from domain import disclosure
from domain.actors import Role
from domain.application import Casetrail
from domain.directory import Enterprise
from domain.errors import NotFoundError
from domain.visit import Visit
from infra.identity import Principal

router = APIRouter(prefix="/api/v1", tags=["leaders and visits"])
CreditCode = Annotated[str, Path(max_length=64, examples=["91440300MA5KEY0001"])]
VisitId = Annotated[UUID, Path(examples=["0b9e3d4c-1f2a-4b5c-8d6e-7f8091a2b3c4"])]
FindingNo = Annotated[int, Path(ge=1, le=10_000, examples=[1])]


@router.get(
    "/enterprises/{enterprise}/engagement", response_model=Record, **guarded("engagements.show")
)
def show_engagement(enterprise: CreditCode, app: AppDep, response: Response) -> Record:
    """The leaders linked to an enterprise and the staff stationed with it."""
    engagement = app.engagement(enterprise)
    response.headers["ETag"] = etag(engagement.version)
    return Record.model_validate(engagement.state())


@router.post(
    "/enterprises/{enterprise}/leader-links",
    response_model=CommandResult,
    **guarded("engagements.link_leader"),
)
def link_leader(
    enterprise: CreditCode, body: LeaderLink, cmd: CommandDep, response: Response
) -> CommandResult:
    """Link a leader to the enterprise (挂钩联系)."""
    saved = cmd.app.link_leader(body.leader, enterprise, actor=cmd.actor, note=body.note)
    return done(saved, response)


@router.post(
    "/enterprises/{enterprise}/leader-unlinks",
    response_model=CommandResult,
    **guarded("engagements.unlink_leader"),
)
def unlink_leader(
    enterprise: CreditCode, body: LeaderUnlink, cmd: CommandDep, response: Response
) -> CommandResult:
    """End a leader's link to the enterprise, with a reason."""
    saved = cmd.app.unlink_leader(body.leader, enterprise, body.reason, actor=cmd.actor)
    return done(saved, response)


@router.post(
    "/enterprises/{enterprise}/stationed-staff",
    response_model=CommandResult,
    **guarded("engagements.station_staff"),
)
def station_staff(
    enterprise: CreditCode, body: Stationing, cmd: CommandDep, response: Response
) -> CommandResult:
    """Station a staff member with a key enterprise (驻企服务员)."""
    return done(cmd.app.station_staff(body.login, enterprise, actor=cmd.actor), response)


@router.post(
    "/enterprises/{enterprise}/stationed-staff-withdrawals",
    response_model=CommandResult,
    **guarded("engagements.withdraw_staff"),
)
def withdraw_staff(
    enterprise: CreditCode, body: Withdrawal, cmd: CommandDep, response: Response
) -> CommandResult:
    """Withdraw a stationed staff member, with a reason."""
    saved = cmd.app.withdraw_staff(body.login, enterprise, body.reason, actor=cmd.actor)
    return done(saved, response)


@router.post("/visits", status_code=201, response_model=CommandResult, **guarded("visits.record"))
def record_visit(body: VisitCreate, cmd: CommandDep, response: Response) -> CommandResult:
    """Record your own visit or on-site office day, with the problems found."""
    saved = cmd.app.record_visit(
        kind=body.kind,
        place=body.place,
        started_at=body.started_at,
        duration=body.duration,
        duration_unit=body.duration_unit,
        enterprise=body.enterprise,
        findings=list(body.findings),
        actor=cmd.actor,
        ended_on=body.ended_on,
    )
    response.headers["Location"] = f"/api/v1/visits/{saved.id}"
    return done(saved, response)


@router.get("/visits/{visit_id}", response_model=Record, **guarded("visits.show"))
def show_visit(
    visit_id: VisitId, app: AppDep, caller: CurrentPrincipal, response: Response
) -> Record:
    """A visit: who, where, when it happened and when it was recorded (late or not), the
    enterprise's confirmation, and each finding with the case it opened."""
    visit = visit_in_scope(app, visit_id, caller)
    response.headers["ETag"] = etag(visit.version)
    state = visit.state()
    # A finding that opened a confidential case: the tie would name the case's source.
    hidden = {
        str(f["case_id"])
        for f in state["findings"]
        if f.get("case_id") and app.confidential_record(UUID(str(f["case_id"])))
    }
    state["findings"] = [disclosure.unlinked(f, "case_id", hidden) for f in state["findings"]]
    return Record.model_validate(state)


def visit_in_scope(app: Casetrail, visit_id: UUID, caller: Principal) -> Visit:
    """The visit, if the caller may reach it: a leader their own, an enterprise the visits to
    it. Reads and commands both come through here, so another's visit is the same 404 to
    either (never a 403 naming whose it is)."""
    visit = app.visit(visit_id)
    if not leader_owns(caller, visit.leader_id):
        raise NotFoundError(f"no visit with id {visit_id}")
    if caller.role is Role.ENTERPRISE and visit.enterprise_id != Enterprise.id_for(
        caller.actor.id
    ):
        raise NotFoundError(f"no visit with id {visit_id}")
    return visit


@router.post(
    "/visits/{visit_id}/confirmation",
    response_model=CommandResult,
    **guarded("visits.confirm"),
)
def confirm_visit(
    visit_id: VisitId, body: VisitAnswer, cmd: CommandDep, response: Response
) -> CommandResult:
    """As the enterprise visited, confirm the visit took place, or dispute it (say why)."""
    visit_in_scope(cmd.app, visit_id, cmd.caller)
    check_version(cmd.app, Visit, visit_id, cmd.version)
    saved = cmd.app.answer_visit(
        visit_id, confirmed=body.confirmed, note=body.note, actor=cmd.actor
    )
    return done(saved, response)


@router.post(
    "/visits/{visit_id}/findings",
    status_code=201,
    response_model=FindingResult,
    **guarded("visits.add_finding"),
)
def add_finding(
    visit_id: VisitId, body: Finding, cmd: CommandDep, response: Response
) -> FindingResult:
    """Add a problem found during the visit."""
    visit_in_scope(cmd.app, visit_id, cmd.caller)
    check_version(cmd.app, Visit, visit_id, cmd.version)
    added = cmd.app.add_visit_finding(visit_id, body.description, actor=cmd.actor)
    return FindingResult(visit=done(added.visit, response), finding_id=added.finding_id)


@router.post(
    "/visits/{visit_id}/findings/{finding_id}/on-site-resolution",
    response_model=CommandResult,
    **guarded("visits.resolve_finding"),
)
def resolve_finding(
    visit_id: VisitId,
    finding_id: FindingNo,
    body: OnSiteResolution,
    cmd: CommandDep,
    response: Response,
) -> CommandResult:
    """Record that a finding was settled on site, with no case needed."""
    visit_in_scope(cmd.app, visit_id, cmd.caller)
    check_version(cmd.app, Visit, visit_id, cmd.version)
    saved = cmd.app.resolve_finding_on_site(visit_id, finding_id, body.note, actor=cmd.actor)
    return done(saved, response)


@router.post(
    "/visits/{visit_id}/findings/{finding_id}/case",
    status_code=201,
    response_model=CommandResult,
    **guarded("visits.open_case"),
)
def open_case(
    visit_id: VisitId,
    finding_id: FindingNo,
    body: FindingCase,
    cmd: CommandDep,
    response: Response,
) -> CommandResult:
    """Open a case for a finding; the case and the visit name each other (one commit)."""
    visit_in_scope(cmd.app, visit_id, cmd.caller)
    check_version(cmd.app, Visit, visit_id, cmd.version)
    if body.summary is not None and not body.summary.strip():
        raise ProblemError(422, "empty-summary", "Leave summary out to use the finding's words")
    saved = cmd.app.open_case_from_finding(
        visit_id,
        finding_id,
        body.case_type,
        actor=cmd.actor,
        summary=body.summary,
        emergency=body.emergency,
        service_item=body.service_item,
    )
    response.headers["Location"] = f"/api/v1/cases/{saved.id}"
    return done(saved, response)
