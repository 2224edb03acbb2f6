"""Reading key projects for the API, the web pages and the command line: pages and counts the
view store answers on its indexes (never the whole view), and the board's figures."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.application import Casetrail
from domain.directory import Unit
from domain.errors import NotFoundError
from infra.readside import ReadSide
from projections.figures.context import Context
from projections.figures.projects import ProjectBoard, overdue, project_board, running
from projections.query import Compare, Filter, Not, all_of
from projections.store import PageQuery

VIEW = "projects"
Row = dict[str, Any]


def project_rows(
    read: ReadSide,
    *,
    status: str | None = None,
    leader: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Row]:
    """A page of projects, newest first (``limit`` + 1 rows tell whether more follow)."""
    read.refresh([VIEW])
    where = all_of(
        Compare("status", "=", status) if status else None,
        Compare("leader", "=", leader) if leader else None,
    )
    query = PageQuery("opened_at", True, limit, where=where, offset=offset)
    return read.page(VIEW, "projects", query)


def count_projects(read: ReadSide, *, status: str | None = None, leader: str | None = None) -> int:
    where = all_of(
        Compare("status", "=", status) if status else None,
        Compare("leader", "=", leader) if leader else None,
    )
    return read.count(VIEW, "projects", where)


def task_filter(
    app: Casetrail,
    *,
    responsible: str | None = None,
    unit: str | None = None,
    leader: str | None = None,
    status: str | None = None,
    overdue_now: bool | None = None,
    open_only: bool = False,
    unit_id: UUID | None = None,
) -> Filter | None:
    """Tasks by person, unit (a code, or ``unit_id``), leader, state, overdue now, running."""
    late = overdue(app.now())
    return all_of(
        Compare("responsible", "=", responsible) if responsible else None,
        Compare("unit_id", "=", str(Unit.id_for(unit))) if unit else None,
        Compare("unit_id", "=", str(unit_id)) if unit_id else None,
        Compare("leader", "=", leader) if leader else None,
        Compare("status", "=", status) if status else None,
        running() if open_only else None,
        None if overdue_now is None else (late if overdue_now else Not(late)),
    )


def task_rows(
    app: Casetrail, read: ReadSide, where: Filter | None, *, limit: int = 50, offset: int = 0
) -> list[Row]:
    """A page of tasks, earliest due first."""
    read.refresh([VIEW])
    return read.page(VIEW, "project_tasks", PageQuery("due_at", False, limit, where=where,
                                                      offset=offset))


def page_body(rows: list[Row], limit: int, offset: int, position: int) -> dict[str, Any]:
    return {
        "items": [_plain(r) for r in rows[:limit]],
        "next_cursor": str(offset + limit) if len(rows) > limit else None,
        "position": position,
        "definition_version": "1",
    }


def project_page(
    read: ReadSide, *, status: str | None, leader: str | None, limit: int, offset: int
) -> dict[str, Any]:
    rows = project_rows(read, status=status, leader=leader, limit=limit + 1, offset=offset)
    return page_body(rows, limit, offset, read.position(VIEW))


def task_page(
    app: Casetrail,
    read: ReadSide,
    *,
    responsible: str | None,
    unit: str | None,
    leader: str | None,
    status: str | None,
    overdue: bool | None,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    where = task_filter(
        app, responsible=responsible, unit=unit, leader=leader, status=status,
        overdue_now=overdue,
    )
    rows = task_rows(app, read, where, limit=limit + 1, offset=offset)
    return page_body(rows, limit, offset, read.position(VIEW))


def board(app: Casetrail, read: ReadSide, now: datetime | None = None) -> ProjectBoard:
    read.refresh([VIEW])
    ctx = Context(now or app.now(), app.work_calendar(), app.policy, read.position(VIEW))
    return project_board(read, ctx)


def board_of(app: Casetrail, read: ReadSide) -> dict[str, Any]:
    """The board as plain data, units named by their codes."""
    figure = board(app, read)
    data = asdict(figure)
    data["overdue_by_unit"] = {
        unit_code(app, unit): n for unit, n in figure.overdue_by_unit.items()
    }
    data["on_time_rate"] = figure.on_time_rate
    data.pop("done_on_time")
    return data


def unit_code(app: Casetrail, unit_id: str) -> str:
    if unit_id in ("", "-"):
        return "-"
    try:
        return app.load(Unit, UUID(unit_id)).code
    except (ValueError, NotFoundError):  # an unknown unit is shown by its id
        return unit_id


def _plain(row: Row) -> Row:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}
