"""Key projects (重点项目): open, staff, plan, work, escalate, warn, link and close."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from domain.actors import Actor
from domain.case import Case
from domain.clock import working_day_deadline
from domain.directory import Enterprise, Leader, Staff
from domain.errors import InvalidInputError
from domain.project import LinkKind, Project, ProjectKind, ProjectOutcome
from domain.project_watch import task_alerts_due
from domain.refusals import choice
from domain.services.base import Saved, ServiceBase
from domain.services.staffing import directory_id
from domain.visit import Visit


@dataclass(frozen=True)
class TaskSaved(Saved):
    """A task added: the project's new version, the log position and the task's id (T1...)."""

    task_id: str = ""


class ProjectService(ServiceBase):
    def open_project(
        self,
        *,
        title: str,
        project_kind: ProjectKind | str,
        leader: str,
        targets: Sequence[str],
        actor: Actor,
        description: str = "",
        enterprise: str | UUID | None = None,
    ) -> Saved:
        """Open a key project and name its one responsible leader (a leader code)."""
        leader_code = self.load(Leader, directory_id(Leader.id_for, leader.strip())).code
        enterprise_id = None
        if enterprise:
            enterprise_id = self.load(Enterprise, directory_id(Enterprise.id_for, enterprise)).id
        project = Project.open(
            uuid4(),
            title=title,
            project_kind=choice(ProjectKind, project_kind, "kind"),
            leader=leader_code,
            targets=list(targets),
            description=description,
            enterprise_id=enterprise_id,
            actor=actor,
            at=self.now(),
        )
        return self.commit(project)[0]

    def set_task_force(
        self,
        project_id: UUID,
        logins: Sequence[str],
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        """The task force, by staff logins; each member's unit comes from the directory."""
        members: dict[str, str | None] = {}
        for login in (x.strip() for x in logins):
            if not login:
                continue
            staff = self.load(Staff, Staff.id_for(login))
            members[staff.login] = str(staff.unit_id) if staff.unit_id else None
        return self.step(
            Project,
            project_id,
            expected_version,
            lambda project, at: project.set_task_force(members, actor=actor, at=at),
        )

    def add_project_task(
        self,
        project_id: UUID,
        *,
        title: str,
        responsible: str,
        standard: str,
        working_days: int,
        actor: Actor,
        expected_version: int | None = None,
    ) -> TaskSaved:
        """Add a task, due ``working_days`` working days from now on the work calendar."""
        if working_days < 1:
            raise InvalidInputError(
                f"a task needs at least one working day, not {working_days}",
                code="project.task-days",
                params={"days": working_days},
            )

        added: list[str] = []

        def add(project: Project, at: datetime) -> None:
            deadline = working_day_deadline(
                at,
                working_days,
                self.work_calendar(),
                tz=self.policy.tz,
                policy_version=self.policy.version,
                basis={"project_task": title.strip()[:80]},
            )
            added.append(project.add_task(
                title=title,
                responsible=responsible.strip(),
                standard=standard,
                working_days=working_days,
                deadline=deadline,
                actor=actor,
                at=at,
            ))

        saved = self.step(Project, project_id, expected_version, add)
        return TaskSaved(saved.id, saved.version, saved.position, added[-1])

    def report_task_progress(
        self,
        project_id: UUID,
        task_id: str,
        note: str,
        percent: int,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        return self.step(
            Project,
            project_id,
            expected_version,
            lambda p, at: p.report_progress(task_id, note, percent, actor=actor, at=at),
        )

    def complete_project_task(
        self,
        project_id: UUID,
        task_id: str,
        note: str,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        return self.step(
            Project,
            project_id,
            expected_version,
            lambda p, at: p.complete_task(task_id, note, actor=actor, at=at),
        )

    def block_project_task(
        self,
        project_id: UUID,
        task_id: str,
        reason: str,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        """Mark a task blocked; it is escalated to the project's leader."""
        return self.step(
            Project,
            project_id,
            expected_version,
            lambda p, at: p.block_task(task_id, reason, actor=actor, at=at),
        )

    def answer_project_blockage(
        self,
        project_id: UUID,
        task_id: str,
        decision: str,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        return self.step(
            Project,
            project_id,
            expected_version,
            lambda p, at: p.answer_blockage(task_id, decision, actor=actor, at=at),
        )

    def link_to_project(
        self,
        project_id: UUID,
        kind: LinkKind | str,
        ref_id: UUID | str,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        """Link a recorded case or visit to the project (an unknown id is refused)."""
        link_kind = choice(LinkKind, kind, "kind")
        try:
            ref = ref_id if isinstance(ref_id, UUID) else UUID(str(ref_id).strip())
        except ValueError:
            raise InvalidInputError(
                f"{ref_id!r} is not a record id",
                code="project.link-not-an-id",
                params={"value": str(ref_id)},
            ) from None
        self.load(Case if link_kind is LinkKind.CASE else Visit, ref)
        return self.step(
            Project,
            project_id,
            expected_version,
            lambda p, at: p.link(link_kind, ref, actor=actor, at=at),
        )

    def close_project(
        self,
        project_id: UUID,
        outcome: ProjectOutcome | str,
        summary: str,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Saved:
        chosen = choice(ProjectOutcome, outcome, "outcome")
        return self.step(
            Project,
            project_id,
            expected_version,
            lambda p, at: p.close(chosen, summary, actor=actor, at=at),
        )

    def issue_task_alerts(self, project_id: UUID, *, actor: Actor) -> list[tuple[str, str]]:
        """Record every warning level each running task has reached: (task, level) pairs."""
        project, now = self.project(project_id), self.now()
        calendar, issued = self.work_calendar(), []
        for task in project.running_tasks():
            for level in task_alerts_due(task, now, calendar, self.policy):
                project.alert(
                    task["id"], level, actor=actor, at=now, policy_version=self.policy.version
                )
                issued.append((task["id"], level))
        if issued:
            self.commit(project)
        return issued

    def project(self, project_id: UUID, expected_version: int | None = None) -> Project:
        return self.load(Project, project_id, expected_version)
