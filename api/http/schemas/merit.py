"""Bodies and answers for commendations and sanctions, the quarter's competition, a person's or
unit's record, and the clearing of a falsely accused person."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.http.schemas.common import Body, CommandResult

Text = Field(min_length=1, max_length=4000)
Decision = Literal[
    "commendation", "criticism_education", "ordered_rectification", "organisational_handling"
]
SubjectKind = Literal["staff", "window", "unit"]


class MeritDecisionCreate(Body):
    """A commendation or sanction on a staff member (login), window or unit (code), citing the
    published entry that grounds it: the publication's id and the line (its dimension and
    member)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "decision": "commendation",
                    "subject_kind": "staff",
                    "subject": "li.na",
                    "reason": "二季度好评率居全县窗口人员首位，予以表彰",
                    "publication_id": "0b9e3d4c-1f2a-4b5c-8d6e-7f8091a2b3c4",
                    "entry_dimension": "staff",
                    "entry_member": "li.na",
                }
            ]
        }
    )
    decision: Decision
    subject_kind: SubjectKind
    subject: str = Field(min_length=1, max_length=64, description="login, window or unit code")
    reason: str = Text
    publication_id: UUID | None = Field(default=None, description="the cited publication")
    entry_dimension: SubjectKind | None = None
    entry_member: str | None = Field(default=None, max_length=64)


class Withdrawal(Body):
    reason: str = Text


class ClearingRequest(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"request": "本人 7 月 2 日书面申请公开澄清"}]}
    )
    request: str = Text


class ClearingCircular(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"title": "关于李娜同志被举报问题的澄清"}]}
    )
    title: str = Field(min_length=1, max_length=200)


class AccuserMatterCreate(Body):
    """A matter against whoever made the accusation; the read of their identity is recorded
    with ``purpose``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "allegation": "捏造事实举报他人索要好处费，涉嫌诬告陷害",
                    "purpose": "查处诬告陷害",
                }
            ]
        }
    )
    allegation: str = Text
    purpose: str = Field(min_length=1, max_length=400)
    case_id: UUID | None = Field(
        default=None, description="the case that carried the accusation (a matter on a case: it)"
    )


class AccuserMatterResult(CommandResult):
    """The new matter, and the accuser's identity as the recorded read opened it."""

    accuser_subject: UUID
    accuser_name: str | None
    accuser_contact: str | None


class Standing(BaseModel):
    place: int
    tied: bool
    member: str
    score: float | None
    sample: int
    side: str | None
    figures: dict[str, float | None]


class CompetitionPublic(BaseModel):
    """A quarter's window service competition, as its published lists edition froze it."""

    period: str
    definitions: str
    publication_id: UUID
    edition: int
    figures_definitions: str
    figures_position: int
    policy_version: str
    standings: dict[str, list[Standing]]


class RecordEntry(BaseModel):
    id: str
    entry_kind: str
    source_id: str
    detail: dict[str, Any]
    recorded_at: str
    recorded_by: str
    withdrawn_at: str | None


class RecordPublic(BaseModel):
    """A person's or unit's record, newest first."""

    subject_kind: SubjectKind
    subject_id: UUID
    items: list[RecordEntry]
    position: int
