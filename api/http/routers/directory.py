"""The directory's administration: units, windows, staff, enterprises, leaders, links and
stationed staff; create, amend, deactivate, list, and import from CSV or XLSX. Users are
listed here too (added through ``/users``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Path, Query, Response, UploadFile

from api.http.access import guarded
from api.http.deps import CommandDep, ContainerDep
from api.http.schemas.directory import (
    Activity,
    EntryFields,
    EntryPage,
    EntryResult,
    ImportKind,
    ImportResult,
    Kind,
    RefusedRow,
)
from domain.directory_rows import KEYS
from domain.services.administration import Put
from infra.directory_import import MAX_BYTES, import_directory
from infra.directory_list import PAGE, list_entries, list_users

router = APIRouter(prefix="/api/v1", tags=["administration"])
Key = Annotated[str, Path(max_length=200, examples=["AMR"])]
Search = Annotated[str, Query(max_length=100, description="text in a code or a name")]
Cursor = Annotated[str | None, Query(max_length=400)]
Limit = Annotated[int, Query(ge=1, le=200)]
EntryKind = Annotated[Kind, Path()]


def _result(put: Put, response: Response) -> EntryResult:
    if put.position is not None:
        response.headers["X-Log-Position"] = str(put.position)
    return EntryResult(kind=put.kind, key=put.key, outcome=put.outcome, position=put.position)


@router.get("/directory/{kind}", response_model=EntryPage, **guarded("directory.list"))
def list_directory(
    kind: EntryKind,
    container: ContainerDep,
    q: Search = "",
    cursor: Cursor = None,
    limit: Limit = PAGE,
) -> EntryPage:
    """Entries of one kind, ordered by code, a page at a time; ``q`` searches codes and names."""
    found = list_entries(container.read, kind, search=q, cursor=cursor, limit=limit)
    return EntryPage(items=found.rows, next=found.next, position=found.position)


@router.post(
    "/directory/{kind}", status_code=201, response_model=EntryResult,
    **guarded("directory.create"),
)  # fmt: skip
def create_entry(
    kind: EntryKind, body: EntryFields, cmd: CommandDep, response: Response
) -> EntryResult:
    """Register an entry; one that exists already is a 409 naming its key field."""
    return _result(cmd.app.put_entry(kind, body.row(), actor=cmd.actor), response)


@router.put("/directory/{kind}/{entry}", response_model=EntryResult, **guarded("directory.amend"))
def amend_entry(
    kind: EntryKind, entry: Key, body: EntryFields, cmd: CommandDep, response: Response
) -> EntryResult:
    """Amend an entry to the fields given (its key comes from the path)."""
    row = {**body.row(), KEYS[kind][0]: entry} if len(KEYS[kind]) == 1 else body.row()
    return _result(cmd.app.put_entry(kind, row, actor=cmd.actor, mode="update"), response)


@router.post(
    "/directory/{kind}/{entry}/deactivation", response_model=EntryResult,
    **guarded("directory.deactivate"),
)  # fmt: skip
def deactivate_entry(
    kind: EntryKind, entry: Key, body: Activity, cmd: CommandDep, response: Response
) -> EntryResult:
    """Deactivate an entry: it keeps its history and is offered for no new work."""
    put = cmd.app.set_entry_active(kind, entry, False, body.reason, actor=cmd.actor)
    return _result(put, response)


@router.post(
    "/directory/{kind}/{entry}/reactivation", response_model=EntryResult,
    **guarded("directory.reactivate"),
)  # fmt: skip
def reactivate_entry(
    kind: EntryKind, entry: Key, body: Activity, cmd: CommandDep, response: Response
) -> EntryResult:
    """Bring a deactivated entry back."""
    put = cmd.app.set_entry_active(kind, entry, True, body.reason, actor=cmd.actor)
    return _result(put, response)


@router.post(
    "/directory/{kind}/import", response_model=ImportResult, **guarded("directory.import"),
)  # fmt: skip
def import_entries(
    kind: Annotated[ImportKind, Path()],
    file: Annotated[UploadFile, File(description="a CSV file, or an XLSX workbook")],
    cmd: CommandDep,
) -> ImportResult:
    """Import entries from a CSV or XLSX file (kind ``directory``: a workbook whose sheets are
    named after kinds). Valid rows are recorded, refused rows are listed with their row
    number, field and reason; importing the same file again records nothing new."""
    content = file.file.read(MAX_BYTES + 1)
    report = import_directory(
        cmd.app, kind, file.filename or "upload.csv", content, actor=cmd.actor
    )
    return ImportResult(
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        refused=[RefusedRow(**vars(r)) for r in report.refused],
        position=report.position,
    )


@router.get("/users", response_model=EntryPage, **guarded("users.list"))
def users(
    cmd: CommandDep, q: Search = "", cursor: Cursor = None, limit: Limit = PAGE
) -> EntryPage:
    """Users in the order they were added; ``q`` searches logins and whom they act as."""
    found = list_users(cmd.app, search=q, cursor=cursor, limit=limit)
    return EntryPage(items=found.rows, next=found.next, position=found.position)
