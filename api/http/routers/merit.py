"""Commendations and sanctions citing published entries, the quarter's window service
competition, each person's or unit's record, and the clearing of a falsely accused person with
the matter against their accuser (directive 七 and 十二)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query, Response

from api.http.access import CurrentPrincipal, guarded
from api.http.deps import (
    AppDep,
    CommandDep,
    ContainerDep,
    check_version,
    done,
    shown,
    wait_for_position,
)
from api.http.schemas.common import CommandResult, Record
from api.http.schemas.merit import (
    AccuserMatterCreate,
    AccuserMatterResult,
    ClearingCircular,
    ClearingRequest,
    CompetitionPublic,
    MeritDecisionCreate,
    RecordPublic,
    SubjectKind,
    Withdrawal,
)
from domain.merit import MeritDecision
from projections.figures.competition import standings
from projections.records import record_page, subject_id

router = APIRouter(prefix="/api/v1", tags=["commendations and sanctions"])
Id = Annotated[UUID, Path(examples=["0b9e3d4c-1f2a-4b5c-8d6e-7f8091a2b3c4"])]
PeriodPath = Annotated[str, Path(min_length=4, max_length=20, examples=["2026-Q2"])]
Who = Annotated[str, Path(min_length=1, max_length=64, examples=["li.na"])]


@router.post(
    "/merit-decisions", status_code=201, response_model=CommandResult, **guarded("merit.decide")
)
def decide(body: MeritDecisionCreate, cmd: CommandDep, response: Response) -> CommandResult:
    """Decide a commendation (表彰奖励) or sanction (批评教育, 责令整改, 组织处理), citing the
    published list or ranking entry that grounds it."""
    entry = (
        (body.entry_dimension, body.entry_member)
        if body.entry_dimension is not None and body.entry_member is not None
        else None
    )
    saved = cmd.app.decide_merit(
        body.decision,
        subject_kind=body.subject_kind,
        subject=body.subject,
        reason=body.reason,
        publication_id=body.publication_id,
        entry=entry,
        actor=cmd.actor,
    )
    response.headers["Location"] = f"/api/v1/merit-decisions/{saved.id}"
    return done(saved, response)


@router.get("/merit-decisions/{decision_id}", response_model=Record, **guarded("merit.show"))
def show(decision_id: Id, app: AppDep, caller: CurrentPrincipal, response: Response) -> Record:
    """A commendation or sanction and the entry it cites."""
    return shown(app, MeritDecision, decision_id, caller, response)


@router.post(
    "/merit-decisions/{decision_id}/withdrawal",
    response_model=CommandResult,
    **guarded("merit.withdraw"),
)
def withdraw(
    decision_id: Id, body: Withdrawal, cmd: CommandDep, response: Response
) -> CommandResult:
    """Withdraw a decision made in error, with a reason (it stays on the record)."""
    check_version(cmd.app, MeritDecision, decision_id, cmd.version)
    return done(cmd.app.withdraw_merit(decision_id, body.reason, actor=cmd.actor), response)


@router.get(
    "/competitions/{period}", response_model=CompetitionPublic, **guarded("competition.show")
)
def competition(period: PeriodPath, app: AppDep) -> dict[str, Any]:
    """A quarter's window service competition: windows and staff as its published lists
    edition placed them (equal figures share a place)."""
    return standings(app.publication("lists", period))


@router.get(
    "/records/{subject_kind}/{who}", response_model=RecordPublic, **guarded("records.show")
)
def record(
    subject_kind: SubjectKind,
    who: Who,
    container: ContainerDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    min_position: Annotated[int | None, Query(ge=0)] = None,
) -> dict[str, Any]:
    """A staff member's (login), window's or unit's (code) record: commendations, sanctions,
    accountability outcomes, clearings and circulars, newest first (``min_position``: wait
    until the record reflects a command's position)."""
    found = subject_id(container.app, subject_kind, who)
    read = container.read
    if min_position is not None:
        wait_for_position(container, min_position, ["records"])
    read.refresh(["records"])
    return {
        "subject_kind": subject_kind,
        "subject_id": found,
        "items": record_page(read, found, limit),
        "position": read.position("records"),
    }


@router.post(
    "/accountability-matters/{matter_id}/clearing-request",
    response_model=CommandResult,
    **guarded("accountability.clearing_request"),
)
def request_clearing(
    matter_id: Id, body: ClearingRequest, cmd: CommandDep, response: Response
) -> CommandResult:
    """Record that the cleared person asked for their clearing to be published."""
    return done(
        cmd.app.request_clearing_circular(matter_id, body.request, actor=cmd.actor), response
    )


@router.post(
    "/accountability-matters/{matter_id}/clearing-circular",
    status_code=201,
    response_model=CommandResult,
    **guarded("accountability.publish_clearing"),
)
def publish_clearing(
    matter_id: Id, body: ClearingCircular, cmd: CommandDep, response: Response
) -> CommandResult:
    """Publish the clearing (澄清正名) as a circular, at the cleared person's request."""
    saved = cmd.app.publish_clearing(matter_id, title=body.title, actor=cmd.actor)
    response.headers["Location"] = f"/api/v1/circulars/{saved.id}"
    return done(saved, response)


@router.post(
    "/accountability-matters/{matter_id}/accuser-matter",
    status_code=201,
    response_model=AccuserMatterResult,
    **guarded("accountability.accuser_matter"),
)
def accuser_matter(
    matter_id: Id, body: AccuserMatterCreate, cmd: CommandDep, response: Response
) -> AccuserMatterResult:
    """Open a matter against whoever made the false accusation; reading their sealed identity
    is recorded with the purpose given."""
    opened = cmd.app.open_matter_against_accuser(
        matter_id,
        allegation=body.allegation,
        purpose=body.purpose,
        case_id=body.case_id,
        actor=cmd.actor,
    )
    result = done(opened.saved, response)
    response.headers["Location"] = f"/api/v1/accountability-matters/{opened.saved.id}"
    return AccuserMatterResult(
        **result.model_dump(),
        accuser_subject=opened.identity.subject,
        accuser_name=opened.identity.name,
        accuser_contact=opened.identity.contact,
    )
