"""Case bodies: intake, each handling step, and the case as the API shows it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from api.http.schemas.common import Body

CaseType = Literal["consultation", "help", "complaint", "report", "suggestion"]
Channel = Literal[
    "window", "hotline_12345", "web", "mobile", "letter", "visit_finding", "party_building"
]
PauseKind = Literal["supplement", "hearing", "testing", "expert_review"]
Outcome = Literal["solved", "partly_solved", "explained", "not_in_remit"]
RatingLevel = Literal[
    "very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied"
]
Text = Field(min_length=1, max_length=4000)


class CaseCreate(Body):
    """A demand as it comes in. An enterprise files for itself (``enterprise`` is implied)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "case_type": "complaint",
                    "channel": "window",
                    "summary": "施工许可审批超时 / building permit overdue",
                    "enterprise": "91440300MA5EXAMPLE",
                    "filer_name": "张伟",
                    "filer_contact": "138-0000-0000",
                }
            ]
        }
    )

    case_type: CaseType
    channel: Channel = "web"
    summary: str = Field(min_length=1, max_length=4000)
    enterprise: str | None = Field(
        default=None, max_length=64, description="credit code of the enterprise concerned"
    )
    filer_name: str | None = Field(default=None, max_length=200)
    filer_contact: str | None = Field(default=None, max_length=200)
    real_name: bool = True
    confidential: bool = False
    emergency: bool = False
    service_item: str | None = Field(default=None, max_length=200)
    reported_unit: str | None = Field(
        default=None,
        max_length=64,
        description="for a report of misconduct (举报): the unit it reports on (a unit code);"
        " a confidential case is never routed to it",
    )


class HandOver(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"to": "zhao.lei", "reason": "社保事项，非本单位"}]}
    )
    to: str = Field(min_length=1, max_length=100, description="login of the new owner")
    reason: str = Text


class DirectAnswer(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"answer": "所需材料见办事指南第3条"}]}
    )
    answer: str = Text


class Dispatch(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"lead_unit": "AMR", "co_units": ["HRS"], "note": None}]}
    )
    lead_unit: str = Field(min_length=1, max_length=64, description="unit code")
    co_units: list[str] = Field(default_factory=list, max_length=20)
    note: str | None = Field(default=None, max_length=4000)


class Reason(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "非本单位职责"}]})
    reason: str = Text


class Decision(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"approved": True, "reason": "情况属实"}]}
    )
    approved: bool
    reason: str = Text


class Note(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"note": "已电话联系企业负责人"}]})
    note: str = Text


class PauseBody(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"kind": "supplement", "reason": "缺少营业执照副本"}]}
    )
    kind: PauseKind = Field(description="supplement = 补正 (materials requested)")
    reason: str = Text


class ExtensionRequest(Body):
    """A new due date; for an emergency, whose limit is counted in hours, a new due time."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"new_due": "2026-04-03", "reason": "需现场核查"}]}
    )
    new_due: date | None = Field(default=None, description="working-day limits: the new date")
    new_due_at: AwareDatetime | None = Field(
        default=None, description="hours limits (emergencies): the new due time, with its zone"
    )
    reason: str = Text

    @model_validator(mode="after")
    def _one_new_due(self) -> ExtensionRequest:
        if (self.new_due is None) == (self.new_due_at is None):
            raise ValueError("give new_due (a date) or new_due_at (a time), not both or neither")
        return self

    @property
    def asked(self) -> date:
        """The new due date or time, as the case service takes it."""
        found = self.new_due_at or self.new_due
        assert found is not None
        return found


class Reply(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"text": "已协调办结，许可已发放"}]})
    text: str = Text


class Callback(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"resolved": True, "satisfied": True, "note": ""}]}
    )
    resolved: bool
    satisfied: bool
    note: str = Field(default="", max_length=4000)


class Close(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"outcome": "solved", "reason": "企业确认已解决"}]}
    )
    outcome: Outcome
    reason: str = Text


class Terminate(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"reason": "企业撤回诉求", "requested_by": "li.na"}]}
    )
    reason: str = Text
    requested_by: str = Field(min_length=1, max_length=100)


class CaseRating(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"level": "satisfied", "reason": None}]}
    )
    level: RatingLevel
    reason: str | None = Field(default=None, max_length=4000, description="needed for a 差评")
    real_name: bool = True


class CasePublic(BaseModel):
    """A case as it stands, read from its own history (always current)."""

    id: UUID
    kind: str
    version: int
    case_type: str
    channel: str
    status: str
    summary: str
    emergency: bool
    enterprise_id: UUID | None
    real_name: bool
    confidential: bool
    filer_name: str | None
    filer_contact: str | None
    owner: str | None
    first_asker: str | None = Field(description="首问负责: who took the demand first")
    handlers: list[str]
    lead_unit_id: UUID | None
    co_unit_ids: list[UUID]
    cycle: int
    due: date
    due_at: datetime
    provisional: bool
    paused_since: date | None
    pending_extension_days: int | None
    pending_extension_hours: int | None = Field(description="for an emergency's hours limit")
    returns: int
    improper_returns: int
    reply: str | None
    answered_on_time: bool | None = Field(
        description="the cycle's answer reached the filer before the deadline (null: no answer)"
    )
    cycle_overdue: bool = Field(description="this cycle's clock ran out before an answer")
    callback: dict[str, bool] | None
    outcome: str | None
    closed_at: datetime | None
    closed_on_time: bool | None
    alerts: list[str]
    allowed_steps: list[str] = Field(description="steps your role may take now")


class CaseRow(BaseModel):
    """A case in the list (from the case read model), with its time-limit state as of now."""

    id: UUID
    case_type: str
    channel: str
    status: str
    emergency: bool | None
    confidential: bool | None
    enterprise_id: UUID | None
    owner: str | None
    lead_unit_id: UUID | None
    co_unit_ids: list[UUID] | None
    service_item: str | None
    summary: str | None
    filed_at: datetime | None
    cycle: int | None
    due: date | None
    due_at: datetime | None
    provisional: bool | None
    paused_since: datetime | None
    replied_at: datetime | None
    closed_at: datetime | None
    closed_on_time: bool | None
    outcome: str | None
    alert_level: str | None
    updated_at: datetime | None
    time_state: Literal[
        "on_time", "due_soon", "overdue", "paused", "provisional", "answered_on_time",
        "answered_late", "closed_on_time", "closed_late", "terminated"
    ]


class CasesPage(BaseModel):
    items: list[CaseRow]
    next_cursor: str | None = Field(description="pass as cursor for the next page; null: no more")
    position: int = Field(description="the log position the rows reflect", examples=[1843])
    definition_version: str = Field(description="the case read model's definition version")
