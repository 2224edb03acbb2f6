"""Bodies for key projects (重点项目): open, task force, tasks, their steps, links, closure."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.http.schemas.common import Body

Text = Field(min_length=1, max_length=4000)
Kind = Literal["investment", "construction", "enterprise_problem"]
Outcome = Literal["achieved", "partly_achieved", "not_achieved"]


class ProjectCreate(Body):
    """A key project with its one responsible leader (a leader code) and its target list."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "新能源电池厂二期扩建",
                    "project_kind": "construction",
                    "leader": "L-AMR",
                    "targets": ["年底前取得施工许可", "明年二季度投产"],
                    "enterprise": "91440300000DEMO0X",
                }
            ]
        }
    )
    title: str = Field(min_length=1, max_length=200)
    project_kind: Kind
    leader: str = Field(min_length=1, max_length=64, description="leader code")
    targets: list[str] = Field(min_length=1, max_length=30, description="目标清单")
    description: str = Field(default="", max_length=4000)
    enterprise: str | None = Field(default=None, max_length=64, description="credit code")


class TaskForce(Body):
    """The task force (一套班子): staff logins; each member's unit comes from the directory."""

    members: list[str] = Field(min_length=1, max_length=60, examples=[["amr.clerk1"]])


class TaskCreate(Body):
    """A task of the plan (任务清单), due in working days from now."""

    title: str = Field(min_length=1, max_length=400)
    responsible: str = Field(min_length=1, max_length=64, description="staff login")
    standard: str = Field(min_length=1, max_length=2000, description="工作标准")
    working_days: int = Field(ge=1, le=250)


class Progress(Body):
    note: str = Text
    percent: int = Field(ge=0, le=99)


class Note(Body):
    note: str = Text


class Blockage(Body):
    reason: str = Text


class Decision(Body):
    decision: str = Text


class Link(Body):
    kind: Literal["case", "visit"]
    ref_id: UUID


class Closure(Body):
    outcome: Outcome
    summary: str = Text


class TaskAdded(BaseModel):
    project_id: UUID
    task_id: str = Field(examples=["T1"])
    version: int
    position: int | None


class Board(BaseModel):
    """The key-project board (docs/metrics.md, "Key projects"), stamped with its definitions."""

    by_state: dict[str, int]
    overdue_by_unit: dict[str, int] = Field(description="unit code -> overdue tasks")
    overdue_by_person: dict[str, int] = Field(description="staff login -> overdue tasks")
    by_leader: dict[str, dict[str, int]]
    running_tasks: int
    overdue_tasks: int
    blocked_tasks: int
    done_tasks: int
    on_time_rate: float | None
    stamp: dict[str, object]
