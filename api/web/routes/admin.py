"""Administration: the directory, publishing a year's working calendar from its TOML file
(docs/calendar.md), and the policy in force."""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Response, UploadFile

from api.web.context import ADMIN, WebDep
from api.web.names import load_names
from api.web.refusals import refusal
from api.web.render import WebRoute, page, redirect
from domain.actors import SYSTEM
from domain.calendar import YearArrangement
from domain.errors import DomainError
from domain.policy import Policy
from infra.calendar_loader import read_arrangement_file

router = APIRouter(route_class=WebRoute, include_in_schema=False)
Text = Annotated[str, Form(max_length=4000)]
MAX_FILE = 32 * 1024
GLANCE = 10


@router.get("/admin")
def admin(web: WebDep) -> Response:
    web.require(ADMIN)
    return redirect(web, "/admin/directory")


@router.get("/admin/directory")
def directory(web: WebDep) -> Response:
    """At a glance: the first entries of each kind and how many there are; each kind's own
    page (/admin/directory/<kind>) searches and pages through all of them."""
    web.require(ADMIN)
    names = load_names(web.container.read)
    kinds = {
        "units": names.sorted_units(),
        "windows": sorted(names.windows.values(), key=lambda r: str(r["code"])),
        "staff": sorted(names.staff.values(), key=lambda r: str(r["login"])),
        "leaders": sorted(names.leaders.values(), key=lambda r: str(r["code"])),
        "enterprises": sorted(names.enterprises.values(), key=lambda r: str(r["credit_code"])),
    }
    firsts: dict[str, Any] = {kind: rows[:GLANCE] for kind, rows in kinds.items()}
    return page(
        web,
        "admin_directory.html",
        names=names,
        totals={kind: len(rows) for kind, rows in kinds.items()},
        shown=GLANCE,
        **firsts,
    )


@router.get("/admin/calendar")
def calendar(web: WebDep, done: str = "", recomputed: int = 0, year: int = 0) -> Response:
    web.require(ADMIN)
    return _calendar(web, done=done, recomputed=recomputed, year=year)


@router.post("/admin/calendar")
def publish(
    web: WebDep,
    *,
    csrf: Text = "",
    year: Text = "",
    arrangement: Annotated[UploadFile | None, File()] = None,
) -> Response:
    web.check_csrf(csrf)
    admin = web.require(ADMIN)
    try:
        number = int(year)
    except ValueError:
        return _calendar(web, error=web.locale.t("calendar.year_needed"), status=422)
    content = arrangement.file.read(MAX_FILE + 1) if arrangement is not None else b""
    if not content:
        return _calendar(web, error=web.locale.t("calendar.file_needed"), status=422)
    if len(content) > MAX_FILE:
        return _calendar(web, error=web.locale.t("calendar.file_too_large"), status=422)
    name = Path(arrangement.filename or "arrangement.toml").name if arrangement else ""
    try:
        parsed = _parse(content, name, number)
        web.app.publish_year(parsed, actor=admin.actor)
    except DomainError as error:
        return _calendar(web, error=refusal(web.locale, error), status=422)
    # Cases own their clocks: each recount is a new event on the case, by the system.
    recomputed = web.app.recompute_provisional_deadlines(number, actor=SYSTEM)
    return redirect(
        web, f"/admin/calendar?done=published&year={number}&recomputed={len(recomputed)}"
    )


@router.get("/admin/policy")
def policy(web: WebDep) -> Response:
    web.require(ADMIN)
    settings = web.container.settings
    path = Path(settings.policy_file)
    source = path.read_text(encoding="utf-8") if path.exists() else ""
    return page(
        web,
        "admin_policy.html",
        policy=web.app.policy,
        sections=asdict(web.app.policy),
        tables=policy_tables(web.app.policy),
        source=source,
        policy_file=path.name,
    )


def policy_tables(policy: Policy) -> dict[str, list[tuple[str, Any]]]:
    """Every section of the policy (each field holding a table, in the policy's order) as its
    rows; a table within a section (the quarterly form's questions) as ``table.key`` rows. The
    case types' time limits have their own table on the page."""
    tables: dict[str, list[tuple[str, Any]]] = {}
    for name, value in asdict(policy).items():
        if isinstance(value, dict) and name != "working_days_by_type":
            rows: list[tuple[str, Any]] = []
            for key, item in value.items():
                if isinstance(item, dict):
                    rows += [(f"{key}.{k}", v) for k, v in item.items()]
                else:
                    rows.append((key, item))
            tables[name] = rows
    return tables


def _parse(content: bytes, name: str, year: int) -> YearArrangement:
    """Read the upload with the same checks as ``casetrail calendar publish``; messages name
    the uploaded file, not the temporary copy."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (name or "arrangement.toml")
        path.write_bytes(content)
        try:
            return read_arrangement_file(path, year)
        except DomainError as error:
            renamed = str(error).replace(str(path), name)
            params = {k: name if v == str(path) else v for k, v in error.params.items()}
            raise DomainError(renamed, code=error.code, params=params) from None


def _calendar(
    web: WebDep,
    *,
    done: str = "",
    recomputed: int = 0,
    year: int = 0,
    error: str = "",
    status: int = 200,
) -> Response:
    work = web.app.work_calendar()
    years = sorted(work.years.values(), key=lambda a: a.year, reverse=True)
    return page(
        web,
        "admin_calendar.html",
        status=status,
        calendar=work,
        years=years[:6],
        older=len(years) - 6,
        done=done,
        recomputed=recomputed,
        year=year,
        error=error,
        next_year=web.app.now().astimezone(web.app.policy.tz).year + 1,
    )
