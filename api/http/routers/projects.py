"""Key projects (重点项目): opened by a supervisor, planned by their leader, worked by the task
force, escalated, warned by the deadline watcher, linked to cases and visits, closed by the
leader; and the board (projects by state, overdue tasks by unit and person, each leader's)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Query, Response

from api.http.access import CurrentPrincipal, guarded
from api.http.deps import (
    AppDep,
    CommandDep,
    ContainerDep,
    done,
    shown,
    wait_for_position,
)
from api.http.schemas.common import CommandResult, Page, Record
from api.http.schemas.projects import (
    Blockage,
    Board,
    Closure,
    Decision,
    Link,
    Note,
    Progress,
    ProjectCreate,
    TaskAdded,
    TaskCreate,
    TaskForce,
)
from domain.project import Project
from infra.projects_read import board_of, project_page, task_page

router = APIRouter(prefix="/api/v1", tags=["projects"])
Id = Annotated[UUID, Path(examples=["0b9e3d4c-1f2a-4b5c-8d6e-7f8091a2b3c4"])]
TaskId = Annotated[str, Path(max_length=8, examples=["T1"])]
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Short = Annotated[str | None, Query(max_length=64)]
Position = Annotated[
    int | None, Query(ge=0, le=2**62, description="wait until the view reflects this position")
]


@router.post("/projects", status_code=201, response_model=CommandResult, **guarded("projects.open"))
def open_project(body: ProjectCreate, cmd: CommandDep, response: Response) -> CommandResult:
    """Open a key project and name its one responsible leader."""
    saved = cmd.app.open_project(
        title=body.title,
        project_kind=body.project_kind,
        leader=body.leader,
        targets=body.targets,
        description=body.description,
        enterprise=body.enterprise,
        actor=cmd.actor,
    )
    response.headers["Location"] = f"/api/v1/projects/{saved.id}"
    return done(saved, response)


@router.get("/projects", response_model=Page, **guarded("projects.list"))
def list_projects(
    container: ContainerDep,
    *,
    status: Short = None,
    leader: Short = None,
    limit: Limit = 50,
    offset: Offset = 0,
    min_position: Position = None,
) -> Page:
    """Projects, newest first, by state (planning, under_way, blocked, closed) or leader."""
    if min_position is not None:
        wait_for_position(container, min_position, ["projects"])
    return Page(
        **project_page(container.read, status=status, leader=leader, limit=limit, offset=offset)
    )


@router.get("/projects/board", response_model=Board, **guarded("projects.board"))
def project_board(container: ContainerDep, app: AppDep) -> Board:
    """Projects by state, overdue tasks by unit and by person, each leader's projects."""
    return Board(**board_of(app, container.read))


@router.get("/project-tasks", response_model=Page, **guarded("projects.tasks"))
def list_tasks(
    container: ContainerDep,
    app: AppDep,
    *,
    responsible: Short = None,
    unit: Short = None,
    leader: Short = None,
    status: Short = None,
    overdue: bool | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
    min_position: Position = None,
) -> Page:
    """Tasks of running and closed projects, earliest due first: by person, unit (code),
    leader, state, or overdue now."""
    if min_position is not None:
        wait_for_position(container, min_position, ["projects"])
    return Page(**task_page(
        app,
        container.read,
        responsible=responsible,
        unit=unit,
        leader=leader,
        status=status,
        overdue=overdue,
        limit=limit,
        offset=offset,
    ))


@router.get("/projects/{project_id}", response_model=Record, **guarded("projects.show"))
def show_project(
    project_id: Id, app: AppDep, caller: CurrentPrincipal, response: Response
) -> Record:
    """A project: its leader, targets, task force, tasks (with their deadlines' derivations),
    responsibility list, links and outcome."""
    return shown(app, Project, project_id, caller, response)


@router.post(
    "/projects/{project_id}/task-force",
    response_model=CommandResult,
    **guarded("projects.set_task_force"),
)
def set_task_force(
    project_id: Id, body: TaskForce, cmd: CommandDep, response: Response
) -> CommandResult:
    """Set the task force (一套班子) by staff logins."""
    saved = cmd.app.set_task_force(
        project_id, body.members, actor=cmd.actor, expected_version=cmd.version
    )
    return done(saved, response)


@router.post(
    "/projects/{project_id}/tasks",
    status_code=201,
    response_model=TaskAdded,
    **guarded("projects.add_task"),
)
def add_task(project_id: Id, body: TaskCreate, cmd: CommandDep, response: Response) -> TaskAdded:
    """Add a task to the plan: responsible member, work standard, working days."""
    saved = cmd.app.add_project_task(
        project_id,
        title=body.title,
        responsible=body.responsible,
        standard=body.standard,
        working_days=body.working_days,
        actor=cmd.actor,
        expected_version=cmd.version,
    )
    done(saved, response)
    return TaskAdded(
        project_id=saved.id, task_id=saved.task_id, version=saved.version,
        position=saved.position,
    )


@router.post(
    "/projects/{project_id}/tasks/{task_id}/progress",
    response_model=CommandResult,
    **guarded("projects.report_progress"),
)
def report_progress(
    project_id: Id, task_id: TaskId, body: Progress, cmd: CommandDep, response: Response
) -> CommandResult:
    """Report progress on your task (a share below 100)."""
    saved = cmd.app.report_task_progress(
        project_id, task_id, body.note, body.percent, actor=cmd.actor,
        expected_version=cmd.version,
    )
    return done(saved, response)


@router.post(
    "/projects/{project_id}/tasks/{task_id}/completion",
    response_model=CommandResult,
    **guarded("projects.complete_task"),
)
def complete_task(
    project_id: Id, task_id: TaskId, body: Note, cmd: CommandDep, response: Response
) -> CommandResult:
    """Complete your task, saying what was done."""
    saved = cmd.app.complete_project_task(
        project_id, task_id, body.note, actor=cmd.actor, expected_version=cmd.version
    )
    return done(saved, response)


@router.post(
    "/projects/{project_id}/tasks/{task_id}/blockage",
    response_model=CommandResult,
    **guarded("projects.block_task"),
)
def block_task(
    project_id: Id, task_id: TaskId, body: Blockage, cmd: CommandDep, response: Response
) -> CommandResult:
    """Mark your task blocked, with the reason: it is escalated to the project's leader."""
    saved = cmd.app.block_project_task(
        project_id, task_id, body.reason, actor=cmd.actor, expected_version=cmd.version
    )
    return done(saved, response)


@router.post(
    "/projects/{project_id}/tasks/{task_id}/blockage/answer",
    response_model=CommandResult,
    **guarded("projects.answer_blockage"),
)
def answer_blockage(
    project_id: Id, task_id: TaskId, body: Decision, cmd: CommandDep, response: Response
) -> CommandResult:
    """Answer a blocked task of your project with a decision; the task runs again."""
    saved = cmd.app.answer_project_blockage(
        project_id, task_id, body.decision, actor=cmd.actor, expected_version=cmd.version
    )
    return done(saved, response)


@router.post(
    "/projects/{project_id}/links", response_model=CommandResult, **guarded("projects.link")
)
def link(project_id: Id, body: Link, cmd: CommandDep, response: Response) -> CommandResult:
    """Link a recorded case or visit to the project."""
    saved = cmd.app.link_to_project(
        project_id, body.kind, body.ref_id, actor=cmd.actor, expected_version=cmd.version
    )
    return done(saved, response)


@router.post(
    "/projects/{project_id}/closure", response_model=CommandResult, **guarded("projects.close")
)
def close(project_id: Id, body: Closure, cmd: CommandDep, response: Response) -> CommandResult:
    """Close your project with its outcome and a summary."""
    saved = cmd.app.close_project(
        project_id, body.outcome, body.summary, actor=cmd.actor, expected_version=cmd.version
    )
    return done(saved, response)


