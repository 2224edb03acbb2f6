"""Key projects (重点项目): one project, one leader, one task force, one plan (directive 二, 十一).

A supervisor (or an admin) opens a project (an investment, a construction, or a problem an
enterprise raised) with its target list (目标清单) and names its one responsible leader. The
leader (or a supervisor) sets the task force (一套班子: staff of several units) and the plan
(一套方案): tasks (任务清单), each with a responsible member of the task force, that member's unit,
a completion date counted in working days and a work standard (工作标准). The responsibility list
(责任清单) is who answers for which task, read off the tasks.

The responsible member reports progress, completes the task, or marks it blocked with a reason:
blocking escalates the task to the project's leader, who answers with a decision and the task
runs again. The deadline watcher warns an unfinished task as it warns a case (yellow, red, 催办,
通报批评), each level once. Cases and visits are linked to the project by id. The leader closes
the project with an outcome; "achieved" needs every task completed.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Self
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actors import Actor, Role
from domain.base import Tracked
from domain.clock import Deadline
from domain.errors import InvalidInputError, NotFoundError, NotPermittedError
from domain.refusals import ConcludedError, StepRefusedError, iso, require_role, require_text


class ProjectKind(StrEnum):
    INVESTMENT = "investment"
    CONSTRUCTION = "construction"
    ENTERPRISE_PROBLEM = "enterprise_problem"


class ProjectOutcome(StrEnum):
    ACHIEVED = "achieved"
    PARTLY_ACHIEVED = "partly_achieved"
    NOT_ACHIEVED = "not_achieved"


class TaskStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    DONE = "done"


class LinkKind(StrEnum):
    CASE = "case"
    VISIT = "visit"


OPENERS = (Role.SUPERVISOR, Role.ADMIN)
PLANNERS = (Role.LEADER, Role.SUPERVISOR)
DOERS = (Role.WINDOW_STAFF, Role.UNIT_HEAD)


class Project(Tracked):
    """One key project: its leader, task force, targets, tasks, links and outcome."""

    kind: ClassVar[str] = "project"

    class Opened(Tracked.Created):
        title: str
        project_kind: str
        leader: str
        enterprise_id: UUID | None
        targets: list[str]
        description: str

    class TaskForceSet(Tracked.Event):
        members: list[dict[str, Any]]
        """Each ``{"login": ..., "unit_id": ...}``: staff of the units that do the work."""

        def apply(self, aggregate: Aggregate) -> None:
            _project(aggregate).members = {m["login"]: m.get("unit_id") for m in self.members}

    class TaskAdded(Tracked.Event):
        task_id: str
        title: str
        responsible: str
        unit_id: str | None
        standard: str
        working_days: int
        deadline: dict[str, Any]

        def apply(self, aggregate: Aggregate) -> None:
            _project(aggregate).tasks[self.task_id] = {
                "id": self.task_id,
                "title": self.title,
                "responsible": self.responsible,
                "unit_id": self.unit_id,
                "standard": self.standard,
                "working_days": self.working_days,
                "deadline": self.deadline,
                "status": TaskStatus.OPEN.value,
                "progress": [],
                "blockages": [],
                "alerts": [],
                "completed_at": None,
                "completed_late": None,
            }

    class ProgressReported(Tracked.Event):
        task_id: str
        note: str
        percent: int

        def apply(self, aggregate: Aggregate) -> None:
            task = _project(aggregate).tasks[self.task_id]
            task["status"] = TaskStatus.IN_PROGRESS.value
            task["progress"].append(
                {"at": self.timestamp.isoformat(), "note": self.note, "percent": self.percent}
            )

    class TaskCompleted(Tracked.Event):
        task_id: str
        note: str
        late: bool

        def apply(self, aggregate: Aggregate) -> None:
            task = _project(aggregate).tasks[self.task_id]
            task["status"] = TaskStatus.DONE.value
            task["completed_at"] = self.timestamp.isoformat()
            task["completed_late"] = self.late
            task["progress"].append(
                {"at": self.timestamp.isoformat(), "note": self.note, "percent": 100}
            )

    class TaskBlocked(Tracked.Event):
        """The task cannot go on: escalated to the project's leader (``escalated_to``)."""

        task_id: str
        reason: str
        escalated_to: str

        def apply(self, aggregate: Aggregate) -> None:
            task = _project(aggregate).tasks[self.task_id]
            task["status"] = TaskStatus.BLOCKED.value
            task["blockages"].append(
                {
                    "at": self.timestamp.isoformat(),
                    "by": self.actor_id,
                    "reason": self.reason,
                    "escalated_to": self.escalated_to,
                    "answer": None,
                    "answered_at": None,
                }
            )

    class BlockageAnswered(Tracked.Event):
        """The leader's decision on a blocked task; the task runs again."""

        task_id: str
        decision: str

        def apply(self, aggregate: Aggregate) -> None:
            task = _project(aggregate).tasks[self.task_id]
            task["status"] = (
                TaskStatus.IN_PROGRESS.value if task["progress"] else TaskStatus.OPEN.value
            )
            last = task["blockages"][-1]
            last["answer"], last["answered_at"] = self.decision, self.timestamp.isoformat()

    class TaskAlerted(Tracked.Event):
        """A deadline warning on a task, issued by the watcher (yellow, red, reminder,
        criticism), under the policy version that set its rule."""

        task_id: str
        level: str
        policy_version: str

        def apply(self, aggregate: Aggregate) -> None:
            _project(aggregate).tasks[self.task_id]["alerts"].append(self.level)

    class Linked(Tracked.Event):
        link_kind: str
        ref_id: UUID

        def apply(self, aggregate: Aggregate) -> None:
            _project(aggregate).links.append(
                {"kind": self.link_kind, "id": str(self.ref_id), "at": self.timestamp.isoformat()}
            )

    class Closed(Tracked.Event):
        outcome: str
        summary: str

        def apply(self, aggregate: Aggregate) -> None:
            project = _project(aggregate)
            project.closed_at, project.outcome = self.timestamp, ProjectOutcome(self.outcome)
            project.summary = self.summary

    def __init__(
        self,
        *,
        title: str,
        project_kind: str,
        leader: str,
        enterprise_id: UUID | None,
        targets: list[str],
        description: str,
    ) -> None:
        self.title, self.project_kind = title, ProjectKind(project_kind)
        self.leader, self.enterprise_id = leader, enterprise_id
        self.targets, self.description = list(targets), description
        self.members: dict[str, str | None] = {}
        self.tasks: dict[str, dict[str, Any]] = {}
        self.links: list[dict[str, str]] = []
        self.closed_at: datetime | None = None
        self.outcome: ProjectOutcome | None = None
        self.summary: str | None = None

    @classmethod
    def open(
        cls,
        project_id: UUID,
        *,
        title: str,
        project_kind: ProjectKind,
        leader: str,
        targets: list[str],
        description: str = "",
        enterprise_id: UUID | None = None,
        actor: Actor,
        at: datetime,
    ) -> Self:
        require_role(actor, OPENERS, "open a key project")
        kept = [t.strip() for t in targets if t.strip()]
        if not kept:
            raise InvalidInputError(
                "a key project needs at least one target (目标清单)", code="project.needs-target"
            )
        if project_kind is ProjectKind.ENTERPRISE_PROBLEM and enterprise_id is None:
            raise InvalidInputError(
                "a problem an enterprise raised names the enterprise",
                code="project.needs-enterprise",
            )
        return cls._create_by(
            cls.Opened,
            id=project_id,
            actor=actor,
            at=at,
            title=require_text("the title", title),
            project_kind=project_kind.value,
            leader=require_text("leader", leader),
            enterprise_id=enterprise_id,
            targets=kept,
            description=description.strip(),
        )

    # The task force and the plan.

    def set_task_force(
        self, members: dict[str, str | None], *, actor: Actor, at: datetime
    ) -> None:
        """``members``: staff login -> their unit id (from the directory)."""
        self._require_open("set the task force")
        self._require_planner(actor, "set the task force")
        if not members:
            raise InvalidInputError(
                "a task force needs at least one member", code="project.task-force-empty"
            )
        dropped = sorted(
            t["responsible"]
            for t in self.tasks.values()
            if t["responsible"] not in members and t["status"] != TaskStatus.DONE.value
        )
        if dropped:
            raise InvalidInputError(
                f"{', '.join(dropped)} still answer(s) for unfinished tasks; keep them in the"
                " task force",
                code="project.member-has-tasks",
                params={"who": dropped},
            )
        self._record(
            self.TaskForceSet,
            actor=actor,
            at=at,
            members=[{"login": k, "unit_id": v} for k, v in sorted(members.items())],
        )

    def add_task(
        self,
        *,
        title: str,
        responsible: str,
        standard: str,
        working_days: int,
        deadline: Deadline,
        actor: Actor,
        at: datetime,
    ) -> str:
        """Add a task to the plan; its id is ``T1``, ``T2``... in the order added."""
        self._require_open("add a task")
        self._require_planner(actor, "add a task to the plan")
        if responsible not in self.members:
            raise InvalidInputError(
                f"{responsible} is not in the project's task force; set the task force first",
                code="project.responsible-not-member",
                params={"who": responsible},
            )
        if working_days < 1:
            raise InvalidInputError(
                f"a task needs at least one working day, not {working_days}",
                code="project.task-days",
                params={"days": working_days},
            )
        task_id = f"T{len(self.tasks) + 1}"
        self._record(
            self.TaskAdded,
            actor=actor,
            at=at,
            task_id=task_id,
            title=require_text("title", title),
            responsible=responsible,
            unit_id=self.members[responsible],
            standard=require_text("the work standard", standard),
            working_days=working_days,
            deadline=deadline.to_data(),
        )
        return task_id

    # The responsible member's steps.

    def report_progress(
        self, task_id: str, note: str, percent: int, *, actor: Actor, at: datetime
    ) -> None:
        task = self._own_running_task(task_id, actor, "report progress")
        if not 0 <= percent < 100:
            raise InvalidInputError(
                f"progress is a share below 100 (complete the task for 100), not {percent}",
                code="project.progress-percent",
                params={"percent": percent},
            )
        self._record(
            self.ProgressReported,
            actor=actor,
            at=at,
            task_id=task["id"],
            note=require_text("note", note),
            percent=percent,
        )

    def complete_task(self, task_id: str, note: str, *, actor: Actor, at: datetime) -> None:
        task = self._own_running_task(task_id, actor, "complete")
        self._record(
            self.TaskCompleted,
            actor=actor,
            at=at,
            task_id=task["id"],
            note=require_text("note", note),
            late=at >= Deadline.from_data(task["deadline"]).due_at,
        )

    def block_task(self, task_id: str, reason: str, *, actor: Actor, at: datetime) -> None:
        task = self._own_running_task(task_id, actor, "block")
        self._record(
            self.TaskBlocked,
            actor=actor,
            at=at,
            task_id=task["id"],
            reason=require_text("the reason", reason),
            escalated_to=self.leader,
        )

    # The leader's steps.

    def answer_blockage(self, task_id: str, decision: str, *, actor: Actor, at: datetime) -> None:
        self._require_open("answer a blocked task")
        task = self.task(task_id)
        self._require_leader(actor, "answer a blocked task")
        if task["status"] != TaskStatus.BLOCKED.value:
            raise StepRefusedError(
                "answer",
                task["status"],
                f"task {task_id} of project {self.id} is not blocked",
                code="project.task-not-blocked",
                params={"task": task_id},
            )
        self._record(
            self.BlockageAnswered,
            actor=actor,
            at=at,
            task_id=task_id,
            decision=require_text("answer", decision),
        )

    def close(self, outcome: ProjectOutcome, summary: str, *, actor: Actor, at: datetime) -> None:
        self._require_open("close")
        self._require_leader(actor, "close the project")
        unfinished = sorted(t["id"] for t in self.tasks.values() if t["status"] != "done")
        if outcome is ProjectOutcome.ACHIEVED and (unfinished or not self.tasks):
            raise StepRefusedError(
                "close",
                self.status,
                f"project {self.id} cannot be closed as achieved with tasks unfinished"
                f" ({', '.join(unfinished) or 'no plan'})",
                code="project.achieved-needs-tasks-done",
                params={"tasks": unfinished},
            )
        self._record(
            self.Closed,
            actor=actor,
            at=at,
            outcome=outcome.value,
            summary=require_text("summary", summary),
        )

    # Links, and the watcher's warnings.

    def link(self, kind: LinkKind, ref_id: UUID, *, actor: Actor, at: datetime) -> None:
        self._require_open("link")
        if not (
            actor.role in PLANNERS and (actor.role is Role.SUPERVISOR or actor.id == self.leader)
        ) and actor.id not in self.members:
            raise NotPermittedError(
                f"only the project's leader, a supervisor or a member of its task force may link"
                f" to project {self.id}",
                code="project.link-who",
            )
        if any(link["id"] == str(ref_id) for link in self.links):
            raise InvalidInputError(
                f"{kind.value} {ref_id} is linked to project {self.id} already",
                code="project.linked-already",
            )
        self._record(self.Linked, actor=actor, at=at, link_kind=kind.value, ref_id=ref_id)

    def alert(
        self, task_id: str, level: str, *, actor: Actor, at: datetime, policy_version: str
    ) -> None:
        task = self.task(task_id)
        if level in task["alerts"]:
            raise InvalidInputError(f"task {task_id} was warned {level} already")
        self._record(
            self.TaskAlerted,
            actor=actor,
            at=at,
            task_id=task_id,
            level=level,
            policy_version=policy_version,
        )

    # Reading.

    def task(self, task_id: str) -> dict[str, Any]:
        found = self.tasks.get(task_id.strip().upper())
        if found is None:
            raise NotFoundError(
                f"project {self.id} has no task {task_id}",
                code="project.no-task",
                params={"task": task_id},
            )
        return found

    def running_tasks(self) -> list[dict[str, Any]]:
        """Tasks the watcher still watches: not done, in a project not closed."""
        if self.closed_at is not None:
            return []
        return [t for t in self.tasks.values() if t["status"] != TaskStatus.DONE.value]

    @property
    def status(self) -> str:
        if self.closed_at is not None:
            return "closed"
        if not self.tasks:
            return "planning"
        if any(t["status"] == TaskStatus.BLOCKED.value for t in self.tasks.values()):
            return "blocked"
        return "under_way"

    def responsibilities(self) -> list[dict[str, Any]]:
        """责任清单: who answers for which task, and their unit."""
        return [
            {"task": t["id"], "title": t["title"], "who": t["responsible"], "unit_id": t["unit_id"]}
            for t in self.tasks.values()
        ]

    def _own_running_task(self, task_id: str, actor: Actor, step: str) -> dict[str, Any]:
        self._require_open(step)
        task = self.task(task_id)
        require_role(actor, DOERS, f"{step} a project task")
        if actor.id != task["responsible"]:
            raise NotPermittedError(
                f"task {task['id']} is {task['responsible']}'s; only they {step} it",
                code="project.task-not-yours",
                params={"task": task["id"]},
            )
        if task["status"] == TaskStatus.DONE.value:
            raise StepRefusedError(
                step, "done", f"task {task['id']} is done", code="project.task-done",
                params={"task": task["id"]},
            )
        if task["status"] == TaskStatus.BLOCKED.value:
            raise StepRefusedError(
                step,
                "blocked",
                f"task {task['id']} is blocked and waits for the leader's answer",
                code="project.task-blocked",
                params={"task": task["id"]},
            )
        return task

    def _require_open(self, step: str) -> None:
        if self.closed_at is not None:
            raise ConcludedError("project", self.id, "closed", step)

    def _require_planner(self, actor: Actor, doing: str) -> None:
        require_role(actor, PLANNERS, doing)
        if actor.role is Role.LEADER and actor.id != self.leader:
            raise NotPermittedError(
                f"project {self.id} is led by {self.leader}; only its leader or a supervisor"
                f" may {doing}",
                code="project.not-your-project",
            )

    def _require_leader(self, actor: Actor, doing: str) -> None:
        require_role(actor, (Role.LEADER,), doing)
        if actor.id != self.leader:
            raise NotPermittedError(
                f"project {self.id} is led by {self.leader}; only they may {doing}",
                code="project.not-your-project",
            )

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "title": self.title,
            "project_kind": self.project_kind.value,
            "leader": self.leader,
            "enterprise_id": str(self.enterprise_id) if self.enterprise_id else None,
            "targets": self.targets,
            "description": self.description,
            "status": self.status,
            "task_force": [{"login": k, "unit_id": v} for k, v in sorted(self.members.items())],
            "tasks": list(self.tasks.values()),
            "responsibilities": self.responsibilities(),
            "links": self.links,
            "closed_at": iso(self.closed_at),
            "outcome": self.outcome.value if self.outcome else None,
            "summary": self.summary,
        }


def _project(aggregate: Aggregate) -> Project:
    assert isinstance(aggregate, Project)
    return aggregate
