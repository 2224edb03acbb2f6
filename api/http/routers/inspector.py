"""The inspector's views of a case: its full history, its state as of a version or a time, the
clock proof of its deadline, and what changed between two versions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from api.cli.derivation import describe
from api.cli.replay import timeline_row
from api.http.access import CurrentPrincipal, guarded
from api.http.deps import AppDep
from api.http.problems import ProblemError
from api.http.routers.cases import CaseId
from api.http.scope import visible_case
from domain.application import Casetrail
from domain.base import Tracked

router = APIRouter(prefix="/api/v1", tags=["inspector"])
SECRET_SUFFIXES = ("_hash", "_digest")


class Step(BaseModel):
    version: int = Field(examples=[3])
    time: str = Field(examples=["2026-03-02T10:15+08:00"])
    actor: str = Field(examples=["li.na"])
    role: str = Field(examples=["window_staff"])
    event: str = Field(examples=["Dispatched"])
    reason: str = Field(examples=["to 市场监督管理局"])
    details: dict[str, Any]


class History(BaseModel):
    """Every step of a record: who, in which role, when, what and why."""

    id: UUID
    kind: str
    latest: int
    timeline: list[Step]


class Replay(History):
    """The record as it was at ``version`` (the last step at or before ``as_of``, if given)."""

    version: int
    as_of: datetime | None
    state: dict[str, Any]


class DeadlineProof(BaseModel):
    """A deadline's derivation: start, pauses, rest days skipped, extensions, versions."""

    due: str = Field(examples=["2026-03-23"])
    due_at: str = Field(examples=["2026-03-24T00:00:00+08:00"])
    provisional: bool
    derivation: dict[str, Any]
    explanation: list[str] = Field(description="the same, in lines a person can check")


class Difference(BaseModel):
    """What changed from one version to another, and the steps that changed it."""

    id: UUID
    from_version: int
    to_version: int
    changes: dict[str, dict[str, Any]] = Field(
        examples=[{"status": {"from": "dispatched", "to": "in_progress"}}]
    )
    steps: list[Step]


Version = Annotated[int, Query(ge=1, le=10**6, examples=[2])]


@router.get("/cases/{case_id}/history", response_model=History, **guarded("cases.history"))
def case_history(case_id: CaseId, app: AppDep, caller: CurrentPrincipal) -> History:
    """The case's full history, step by step (actor, role, time, reason)."""
    visible_case(app, caller, case_id)
    return _history(app, case_id)


@router.get("/cases/{case_id}/as-of", response_model=Replay, **guarded("cases.as_of"))
def case_as_of(
    case_id: CaseId,
    app: AppDep,
    caller: CurrentPrincipal,
    version: Annotated[int | None, Query(ge=1, le=10**6, examples=[3])] = None,
    at: Annotated[
        datetime | None,
        Query(description="an ISO time with zone", examples=["2026-03-05T12:00+08:00"]),
    ] = None,
) -> Replay:
    """The case as it was at a version, or at a moment (its last step at or before it)."""
    visible_case(app, caller, case_id)
    if (version is None) == (at is None):
        raise ProblemError(422, "give-version-or-time", "Give either version or at")
    history = _history(app, case_id)
    if at is not None:
        if at.tzinfo is None:
            raise ProblemError(422, "time-without-zone", "Give the time with its zone")
        version = app.version_at(case_id, at)
        if version == 0:
            raise ProblemError(
                404,
                "not-yet-recorded",
                "The case did not exist yet then",
                f"its first step is later than {at.isoformat()}",
            )
    assert version is not None
    _check_version(version, history.latest)
    return Replay(
        id=case_id,
        kind=history.kind,
        latest=history.latest,
        version=version,
        as_of=at,
        timeline=[s for s in history.timeline if s.version <= version],
        state=app.as_of_version(case_id, version).state(),  # Case.state withholds the filer
    )


@router.get("/cases/{case_id}/deadline", response_model=DeadlineProof, **guarded("cases.deadline"))
def case_deadline(case_id: CaseId, app: AppDep, caller: CurrentPrincipal) -> DeadlineProof:
    """The clock proof of the case's deadline: how the due date was counted, checkable by hand."""
    case = visible_case(app, caller, case_id)
    deadline = case.deadline
    calendar = app.work_calendar()
    return DeadlineProof(
        due=deadline.due.isoformat(),
        due_at=deadline.due_at.isoformat(),
        provisional=deadline.provisional,
        derivation=deadline.derivation,
        explanation=describe(deadline, make_up_reason=calendar.make_up_reason),
    )


class FilerIdentity(BaseModel):
    """A case filer's identity as opened for the caller (``[erased]`` once erased)."""

    subject: UUID
    name: str | None = Field(examples=["张先生"])
    contact: str | None = Field(examples=["13800000000"])
    erased: bool
    enterprise_id: UUID | None = Field(
        default=None, description="the enterprise that filed (of a confidential case: only here)"
    )
    enterprise_credit_code: str | None = Field(default=None, examples=["91440300MA5EXAMPLE"])
    enterprise_name: str | None = Field(default=None, examples=["示例科技有限公司"])


class IdentityReadOut(BaseModel):
    """One recorded read of a filer's identity: who, in which role, when, why, on which case."""

    at: datetime
    reader: str = Field(examples=["zhou.min"])
    role: str = Field(examples=["inspector"])
    purpose: str = Field(examples=["核查举报线索"])
    case_id: UUID


@router.get("/cases/{case_id}/filer", response_model=FilerIdentity, **guarded("cases.filer"))
def case_filer(
    case_id: CaseId,
    app: AppDep,
    caller: CurrentPrincipal,
    purpose: Annotated[str, Query(min_length=2, max_length=200, examples=["核查举报线索"])],
) -> FilerIdentity:
    """The filer's name, contact and enterprise, for a reader with a need and a purpose: a
    confidential identity (举报, or asked for) opens only for inspectors and supervisors. Every
    read is recorded on the data subject (who, when, why)."""
    visible_case(app, caller, case_id)
    identity = app.filer_identity(case_id, purpose, actor=caller.actor)
    enterprise = app.enterprise(identity.enterprise_id) if identity.enterprise_id else None
    return FilerIdentity(
        subject=identity.subject,
        name=identity.name,
        contact=identity.contact,
        erased=identity.erased,
        enterprise_id=identity.enterprise_id,
        enterprise_credit_code=enterprise.credit_code if enterprise else None,
        enterprise_name=enterprise.name if enterprise else None,
    )


@router.get(
    "/data-subjects/{subject_id}/reads",
    response_model=list[IdentityReadOut],
    **guarded("subjects.reads"),
)
def identity_reads(
    subject_id: Annotated[UUID, Path(examples=["0b9e3d4c-1f2a-4b5c-8d6e-7f8091a2b3c4"])],
    app: AppDep,
) -> list[IdentityReadOut]:
    """Every recorded read of a data subject's identity (a case's ``filer_subject``), oldest
    first: who read it, in which role, when and why."""
    return [IdentityReadOut(**vars(r)) for r in app.identity_reads(subject_id)]


@router.get("/cases/{case_id}/diff", response_model=Difference, **guarded("cases.diff"))
def case_diff(
    case_id: CaseId,
    app: AppDep,
    caller: CurrentPrincipal,
    from_version: Annotated[int, Query(alias="from", ge=1, le=10**6, examples=[2])],
    to_version: Annotated[int | None, Query(alias="to", ge=1, le=10**6, examples=[5])] = None,
) -> Difference:
    """What changed between two versions of the case (``to`` defaults to the latest)."""
    visible_case(app, caller, case_id)
    history = _history(app, case_id)
    to_version = to_version or history.latest
    _check_version(from_version, history.latest)
    _check_version(to_version, history.latest)
    if from_version > to_version:
        raise ProblemError(422, "versions-reversed", "from must not be after to")
    before = app.as_of_version(case_id, from_version).state()
    after = app.as_of_version(case_id, to_version).state()
    changes = {
        k: {"from": before.get(k), "to": after.get(k)}
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    }
    return Difference(
        id=case_id,
        from_version=from_version,
        to_version=to_version,
        changes=changes,
        steps=[s for s in history.timeline if from_version < s.version <= to_version],
    )


@router.get("/records/{record_id}/history", response_model=History, **guarded("records.history"))
def record_history(
    record_id: Annotated[UUID, Path(examples=["0b9e3d4c-1f2a-4b5c-8d6e-7f8091a2b3c4"])],
    app: AppDep,
) -> History:
    """Any record's history (evaluations, visits, matters, the directory, users...)."""
    return _history(app, record_id)


def _history(app: Casetrail, record_id: UUID) -> History:
    events = app.history(record_id)
    confidential = app.confidential_record(record_id)
    steps = [
        Step.model_validate(_masked(timeline_row(e, app, confidential=confidential)))
        for e in events
    ]
    latest = events[-1].originator_version
    return History(id=record_id, kind=_kind(app, record_id, latest), latest=latest, timeline=steps)


def _kind(app: Casetrail, record_id: UUID, version: int) -> str:
    aggregate: Tracked = app.as_of_version(record_id, version)
    return aggregate.kind


def _masked(row: dict[str, Any]) -> dict[str, Any]:
    details = {
        k: "[secret]" if k.endswith(SECRET_SUFFIXES) else v for k, v in row["details"].items()
    }
    return {**row, "details": details}


def _check_version(version: int, latest: int) -> None:
    if version > latest:
        raise ProblemError(
            422, "no-such-version", "No such version", f"this record has versions 1 to {latest}"
        )
