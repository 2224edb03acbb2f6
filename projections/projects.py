"""Key projects (重点项目): projects by state and leader, their tasks by state, unit, person
and date, and the cases and visits linked to them.

``project_tasks`` keeps the project's leader and whether the project is closed on every task
row, so the boards (overdue tasks by unit and by person, the escalations a leader owes) are one
indexed count or page each. Free text (notes, reasons, decisions) stays in the store: pages that
show it load the project.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from domain.project import Project
from projections.base import Projection, Row, Table, ViewTx, handles
from projections.store import PageQuery

LINKED_PROJECTS = 20
"""At most this many projects are shown beside a case or a visit (the latest linked first)."""


class ProjectProjection(Projection):
    name = "projects"
    version = "1"
    private = True
    """Fed from the log only: tasks name the staff who answer for them and the project's
    events are withheld from the public stream (infra/kafka/public/projects.py); the boards
    are served by the projects routes, to the roles that hold projects to account."""
    tables = (
        Table.of(
            "projects",
            key="id",
            indexes=(("status", "opened_at"), ("leader", "opened_at")),
            id="text",
            title="text",
            project_kind="text",
            leader="text",
            enterprise_id="text",
            status="text",
            outcome="text",
            opened_at="timestamp",
            closed_at="timestamp",
            tasks="integer",
            tasks_done="integer",
            tasks_blocked="integer",
            links="integer",
            updated_at="timestamp",
        ),
        Table.of(
            "project_tasks",
            key=("project_id", "task_id"),
            indexes=(
                ("status", "due_at"),
                ("unit_id", "due_at"),
                ("responsible", "due_at"),
                ("leader", "status"),
            ),
            project_id="text",
            task_id="text",
            project_title="text",
            leader="text",
            title="text",
            responsible="text",
            unit_id="text",
            working_days="integer",
            due="text",
            due_at="timestamp",
            status="text",
            percent="integer",
            reports="integer",
            added_at="timestamp",
            completed_at="timestamp",
            completed_late="boolean",
            blocked_at="timestamp",
            last_alert="text",
            project_closed="boolean",
        ),
        Table.of(
            "project_links",
            key=("project_id", "ref_id"),
            indexes=(("ref_id",), ("ref_id", "linked_at")),
            project_id="text",
            ref_id="text",
            kind="text",
            linked_at="timestamp",
        ),
    )

    @handles(Project.Opened)
    def _opened(self, event: Project.Opened, view: ViewTx) -> None:
        view.upsert(
            "projects",
            {
                "id": event.originator_id,
                "title": event.title,
                "project_kind": event.project_kind,
                "leader": event.leader,
                "enterprise_id": event.enterprise_id,
                "status": "planning",
                "opened_at": event.timestamp,
                "tasks": 0,
                "tasks_done": 0,
                "tasks_blocked": 0,
                "links": 0,
                "updated_at": event.timestamp,
            },
        )

    @handles(Project.TaskAdded)
    def _task_added(self, event: Project.TaskAdded, view: ViewTx) -> None:
        project = view.get("projects", event.originator_id) or {}
        view.upsert(
            "project_tasks",
            {
                "project_id": event.originator_id,
                "task_id": event.task_id,
                "project_title": project.get("title"),
                "leader": project.get("leader"),
                "title": event.title,
                "responsible": event.responsible,
                "unit_id": event.unit_id,
                "working_days": event.working_days,
                "due": event.deadline["due"],
                "due_at": datetime.fromisoformat(event.deadline["due_at"]),
                "status": "open",
                "percent": 0,
                "reports": 0,
                "added_at": event.timestamp,
                "project_closed": False,
            },
        )
        view.increment("projects", event.originator_id, "tasks")
        self._restate(event, view)

    @handles(Project.ProgressReported)
    def _progress(self, event: Project.ProgressReported, view: ViewTx) -> None:
        self._task(event, view, {"status": "in_progress", "percent": event.percent})
        view.increment("project_tasks", (str(event.originator_id), event.task_id), "reports")

    @handles(Project.TaskCompleted)
    def _completed(self, event: Project.TaskCompleted, view: ViewTx) -> None:
        self._task(
            event,
            view,
            {
                "status": "done",
                "percent": 100,
                "completed_at": event.timestamp,
                "completed_late": event.late,
            },
        )
        view.increment("projects", event.originator_id, "tasks_done")
        self._restate(event, view)

    @handles(Project.TaskBlocked)
    def _blocked(self, event: Project.TaskBlocked, view: ViewTx) -> None:
        self._task(event, view, {"status": "blocked", "blocked_at": event.timestamp})
        view.increment("projects", event.originator_id, "tasks_blocked")
        self._restate(event, view)

    @handles(Project.BlockageAnswered)
    def _answered(self, event: Project.BlockageAnswered, view: ViewTx) -> None:
        row = view.get("project_tasks", (str(event.originator_id), event.task_id)) or {}
        status = "in_progress" if row.get("reports") else "open"  # as the project has it
        self._task(event, view, {"status": status, "blocked_at": None})
        view.increment("projects", event.originator_id, "tasks_blocked", -1)
        self._restate(event, view)

    @handles(Project.TaskAlerted)
    def _alerted(self, event: Project.TaskAlerted, view: ViewTx) -> None:
        self._task(event, view, {"last_alert": event.level})

    @handles(Project.Linked)
    def _linked(self, event: Project.Linked, view: ViewTx) -> None:
        view.upsert(
            "project_links",
            {
                "project_id": event.originator_id,
                "ref_id": event.ref_id,
                "kind": event.link_kind,
                "linked_at": event.timestamp,
            },
        )
        view.increment("projects", event.originator_id, "links")

    @handles(Project.Closed)
    def _closed(self, event: Project.Closed, view: ViewTx) -> None:
        view.upsert(
            "projects",
            {
                "id": event.originator_id,
                "status": "closed",
                "outcome": event.outcome,
                "closed_at": event.timestamp,
                "updated_at": event.timestamp,
            },
        )
        for row in view.select("project_tasks", project_id=str(event.originator_id)):
            view.upsert(
                "project_tasks",
                {
                    "project_id": row["project_id"],
                    "task_id": row["task_id"],
                    "project_closed": True,
                },
            )

    @staticmethod
    def _task(event: Any, view: ViewTx, values: dict[str, Any]) -> None:
        view.upsert(
            "project_tasks",
            {"project_id": event.originator_id, "task_id": event.task_id, **values},
        )

    @staticmethod
    def _restate(event: Any, view: ViewTx) -> None:
        """The project's state from its counters (planning, under way, blocked)."""
        row = view.get("projects", event.originator_id) or {}
        if row.get("status") == "closed":
            return
        if not row.get("tasks"):
            status = "planning"
        elif row.get("tasks_blocked"):
            status = "blocked"
        else:
            status = "under_way"
        view.upsert(
            "projects",
            {"id": event.originator_id, "status": status, "updated_at": event.timestamp},
        )


class LinkReader(Protocol):
    def page(self, name: str, table: str, query: PageQuery) -> list[Row]: ...

    def lookup(
        self, name: str, table: str, column: str, values: Iterable[Any]
    ) -> dict[str, Row]: ...


def projects_linked_to(read: LinkReader, ref_id: Any) -> list[dict[str, Any]]:
    """The projects a case or visit is linked to, the latest link first, with their titles
    and states (one indexed page of links, one lookup of their projects)."""
    links = read.page(
        "projects",
        "project_links",
        PageQuery("linked_at", True, LINKED_PROJECTS, equals={"ref_id": str(ref_id)}),
    )
    found = read.lookup("projects", "projects", "id", [r["project_id"] for r in links])
    return [
        {"id": str(r["project_id"]), "title": row["title"], "status": row["status"]}
        for r in links
        if (row := found.get(str(r["project_id"]))) is not None
    ]
