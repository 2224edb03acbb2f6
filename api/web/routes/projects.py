"""Key projects (重点项目) in the web. A supervisor opens a project (naming its leader) and follows
the board; the leader plans it (task force, tasks), answers the tasks escalated to them and
closes it; a staff member works their own tasks (progress, completion, blockage). Lists and the
board are pages and counts of the projects read model; a project's page loads the project."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Query, Response

from api.web.context import CASE_PAGE, Web, WebDep
from api.web.names import load_names
from api.web.refusals import refusal
from api.web.render import WebRoute, page, redirect
from domain.actors import Role
from domain.directory import Leader
from domain.errors import DomainError, InvalidInputError
from domain.project import Project, ProjectKind, ProjectOutcome
from infra.identity import Principal
from infra.projects_read import (
    board,
    count_projects,
    project_rows,
    task_filter,
    task_rows,
    unit_code,
)

router = APIRouter(route_class=WebRoute, include_in_schema=False)
Text = Annotated[str, Form(max_length=4000)]
Short = Annotated[str, Form(max_length=200)]
S, A, N, L, W, H = (
    Role.SUPERVISOR, Role.ADMIN, Role.INSPECTOR, Role.LEADER, Role.WINDOW_STAFF, Role.UNIT_HEAD,
)
VIEWERS = frozenset({S, A, N, L, W, H})
OPENERS = frozenset({S, A})
PLANNERS = frozenset({S, L})
STAFF = frozenset({W, H})
PAGE_SIZE = 20
VIEW = ["projects"]
DONE = (
    "opened", "task_force", "task", "progress", "complete", "block", "answer", "link", "close",
)


@router.get("/projects")
def projects_home(
    web: WebDep,
    page_no: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
    state: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    caller = web.require(VIEWERS)
    app, read = web.app, web.container.read
    values: dict[str, Any] = {"names": load_names(read), "leader_name": _leader_name(web)}
    if caller.role is L:
        code = caller.actor.id
        values["mine"] = project_rows(read, leader=code, limit=PAGE_SIZE)
        values["escalations"] = task_rows(
            app, read, task_filter(app, leader=code, status="blocked", open_only=True),
            limit=PAGE_SIZE,
        )
    elif caller.role in STAFF:
        values["tasks"] = task_rows(
            app, read, task_filter(app, responsible=caller.actor.id, open_only=True),
            limit=PAGE_SIZE,
        )
        if caller.role is H and caller.unit_id is not None:
            values["unit_tasks"] = task_rows(
                app, read, task_filter(app, unit_id=caller.unit_id, open_only=True),
                limit=PAGE_SIZE,
            )
    else:
        wanted = state if state in STATES else None
        total = count_projects(read, status=wanted)
        pages = max(1, -(-total // PAGE_SIZE))
        page_no = min(page_no, pages)
        values.update(
            figure=board(app, read),
            rows=project_rows(
                read, status=wanted, limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE
            ),
            total=total,
            page_no=page_no,
            pages=pages,
            state=wanted or "",
            unit_code=lambda unit_id: unit_code(app, unit_id),
        )
    return page(web, "projects.html", now=app.now(), states=STATES, **values)


STATES = ("planning", "under_way", "blocked", "closed")


@router.get("/projects/new")
def new_project(web: WebDep) -> Response:
    web.require(OPENERS)
    blank = dict.fromkeys(("title", "leader", "enterprise", "targets", "description"), "")
    return _open_form(web, {**blank, "project_kind": "investment"})


@router.post("/projects/new")
def open_project(
    web: WebDep,
    *,
    csrf: Text = "",
    title: Short = "",
    project_kind: Short = "",
    leader: Short = "",
    enterprise: Short = "",
    targets: Text = "",
    description: Text = "",
) -> Response:
    web.check_csrf(csrf)
    caller = web.require(OPENERS)
    values = {
        "title": title, "project_kind": project_kind, "leader": leader,
        "enterprise": enterprise, "targets": targets, "description": description,
    }
    try:
        if not leader:
            raise InvalidInputError("choose the project's leader", code="project.web-leader")
        saved = web.app.open_project(
            title=title,
            project_kind=project_kind,
            leader=leader,
            targets=targets.splitlines(),
            enterprise=enterprise or None,
            description=description,
            actor=caller.actor,
        )
    except DomainError as error:
        return _open_form(web, values, error=refusal(web.locale, error), status=422)
    web.read_your_write(saved.position, VIEW)
    return redirect(web, f"/projects/{saved.id}?done=opened")


@router.get("/projects/{project_id}")
def project_page(project_id: UUID, web: WebDep, done: str = "") -> Response:
    caller = web.require(VIEWERS)
    return _project_page(web, caller, web.app.project(project_id), done=done)


@router.post("/projects/{project_id}/task-force")
def set_task_force(
    project_id: UUID, web: WebDep, csrf: Text = "", members: Text = ""
) -> Response:
    logins = [m for m in members.replace(",", " ").replace("，", " ").split() if m]
    return _act(
        web, project_id, csrf, "task_force", PLANNERS, typed=members,
        command=lambda app, actor: app.set_task_force(project_id, logins, actor=actor),
    )


@router.post("/projects/{project_id}/tasks")
def add_task(
    project_id: UUID,
    web: WebDep,
    *,
    csrf: Text = "",
    title: Short = "",
    responsible: Short = "",
    standard: Text = "",
    working_days: Short = "",
) -> Response:
    typed = {
        "title": title, "responsible": responsible, "standard": standard,
        "working_days": working_days,
    }
    return _act(
        web, project_id, csrf, "task", PLANNERS, typed=typed,
        command=lambda app, actor: app.add_project_task(
            project_id, title=title, responsible=responsible, standard=standard,
            working_days=_whole(working_days, 1, 250, "project.web-days"), actor=actor,
        ),
    )


@router.post("/projects/{project_id}/tasks/{task_id}/progress")
def report_progress(
    project_id: UUID, task_id: str, web: WebDep, *, csrf: Text = "", note: Text = "",
    percent: Short = "",
) -> Response:
    return _act(
        web, project_id, csrf, f"progress-{task_id}", STAFF, typed=note,
        command=lambda app, actor: app.report_task_progress(
            project_id, task_id, note, _whole(percent, 0, 99, "project.web-percent"),
            actor=actor,
        ),
        done="progress",
    )


@router.post("/projects/{project_id}/tasks/{task_id}/complete")
def complete_task(
    project_id: UUID, task_id: str, web: WebDep, csrf: Text = "", note: Text = ""
) -> Response:
    return _act(
        web, project_id, csrf, f"complete-{task_id}", STAFF, typed=note,
        command=lambda app, actor: app.complete_project_task(
            project_id, task_id, note, actor=actor
        ),
        done="complete",
    )


@router.post("/projects/{project_id}/tasks/{task_id}/block")
def block_task(
    project_id: UUID, task_id: str, web: WebDep, csrf: Text = "", reason: Text = ""
) -> Response:
    return _act(
        web, project_id, csrf, f"block-{task_id}", STAFF, typed=reason,
        command=lambda app, actor: app.block_project_task(
            project_id, task_id, reason, actor=actor
        ),
        done="block",
    )


@router.post("/projects/{project_id}/tasks/{task_id}/answer")
def answer_blockage(
    project_id: UUID, task_id: str, web: WebDep, csrf: Text = "", decision: Text = ""
) -> Response:
    return _act(
        web, project_id, csrf, f"answer-{task_id}", frozenset({L}), typed=decision,
        command=lambda app, actor: app.answer_project_blockage(project_id, task_id, decision,
                                                       actor=actor),
        done="answer",
    )


@router.post("/projects/{project_id}/link")
def link(
    project_id: UUID, web: WebDep, csrf: Text = "", kind: Short = "", ref: Short = ""
) -> Response:
    return _act(
        web, project_id, csrf, "link", PLANNERS | STAFF, typed=ref,
        command=lambda app, actor: app.link_to_project(project_id, kind, ref, actor=actor),
    )


@router.post("/projects/{project_id}/close")
def close(
    project_id: UUID, web: WebDep, csrf: Text = "", outcome: Short = "", summary: Text = ""
) -> Response:
    return _act(
        web, project_id, csrf, "close", frozenset({L}), typed=summary,
        command=lambda app, actor: app.close_project(
            project_id, outcome, summary, actor=actor
        ),
    )


def _act(
    web: Web,
    project_id: UUID,
    csrf: str,
    form: str,
    roles: frozenset[Role],
    *,
    typed: Any,
    command: Any,
    done: str | None = None,
) -> Response:
    web.check_csrf(csrf)
    caller = web.require(roles)
    try:
        saved = command(web.app, caller.actor)
    except DomainError as error:
        project = web.app.project(project_id)
        return _project_page(
            web, caller, project, failed=form, error=refusal(web.locale, error), typed=typed,
            status=422,
        )
    web.read_your_write(saved.position, VIEW)
    return redirect(web, f"/projects/{project_id}?done={done or form}")


def _project_page(
    web: Web,
    caller: Principal,
    project: Project,
    *,
    done: str = "",
    failed: str = "",
    error: str = "",
    typed: Any = None,
    status: int = 200,
) -> Response:
    actor = caller.actor
    is_open = project.closed_at is None
    leads = caller.role is L and actor.id == project.leader
    plans = is_open and (caller.role is S or leads)
    member = actor.id in project.members
    return page(
        web,
        "project.html",
        status=status,
        project=project,
        linked=_linked(web, caller, project),
        tasks=list(project.tasks.values()),
        names=load_names(web.container.read),
        leader_name=_leader_name(web),
        now=web.app.now(),
        can_plan=plans,
        can_answer=is_open and leads,
        can_close=is_open and leads,
        can_link=is_open and (plans or member),
        mine=actor.id if caller.role in STAFF and is_open else None,
        outcomes=[o.value for o in ProjectOutcome],
        done=done if done in DONE else "",
        failed=failed,
        error=error,
        typed=typed,
    )


def _linked(web: Web, caller: Principal, project: Project) -> list[dict[str, Any]]:
    """The project's cases and visits by their words (a case's summary; a visit's kind, place
    and day), each a link when the reader has a page for it; one lookup per kind."""
    read = web.container.read
    read.refresh(["cases", "engagement"])
    ids = {kind: [link["id"] for link in project.links if link["kind"] == kind]
           for kind in ("case", "visit")}
    cases = read.lookup("cases", "cases", "id", ids["case"])
    visits = read.lookup("engagement", "visits", "id", ids["visit"])
    shown: list[dict[str, Any]] = []
    for link in project.links:
        if link["kind"] == "case" and (case := cases.get(link["id"])) is not None:
            href = f"/cases/{link['id']}" if caller.role in CASE_PAGE else None
            shown.append({**link, "summary": case["summary"], "href": href})
        elif link["kind"] == "visit" and (visit := visits.get(link["id"])) is not None:
            own = caller.role is L and visit["leader_code"] == caller.actor.id
            shown.append({
                **link, "visit": visit, "href": f"/leader/visits/{link['id']}" if own else None,
            })
    return shown


def _open_form(
    web: Web, values: dict[str, str], *, error: str = "", status: int = 200
) -> Response:
    names = load_names(web.container.read)
    return page(
        web,
        "project_new.html",
        status=status,
        values=values,
        error=error,
        kinds=[k.value for k in ProjectKind],
        leaders=list(names.leaders.values()),
        enterprises=list(names.enterprises.values()),
    )


def _leader_name(web: Web) -> Any:
    names = load_names(web.container.read)
    return lambda code: names.leader(str(Leader.id_for(code))) if code else "—"


def _whole(text: str, least: int, most: int, code: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        value = least - 1
    if not least <= value <= most:
        raise InvalidInputError(
            f"give a whole number from {least} to {most}, not {text!r}",
            code=code, params={"value": text, "least": least, "most": most},
        )
    return value
