"""Bodies for supervision orders, named circulars and accountability matters."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.http.schemas.common import Body

Text = Field(min_length=1, max_length=4000)
Side = Literal["lenient", "strict"]


class SupervisionOrder(Body):
    """A supervision order (督办) on a case or a unit: a due date or a number of working days."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "case_id": "0b9e3d4c-1f2a-4b5c-8d6e-7f8091a2b3c4",
                    "instruction": "三日内办结并报送结果",
                    "required_response": "办理结果及整改措施",
                    "working_days": 3,
                }
            ]
        }
    )
    case_id: UUID | None = None
    unit: str | None = Field(default=None, max_length=64, description="unit code")
    instruction: str = Text
    required_response: str = Text
    due: date | None = None
    working_days: int | None = Field(default=None, ge=1, le=60)


class SupervisionResponse(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"response": "已于3月5日办结"}]})
    response: str = Text


class Conclusion(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"conclusion": "整改到位，销号"}]})
    conclusion: str = Text


class Named(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["staff", "unit", "window"]
    who: str = Field(min_length=1, max_length=100, description="login, or unit/window code")
    why: str = Text


class CircularCreate(Body):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "2026年第一季度超期办件通报",
                    "source_kind": "board",
                    "source_ref": "time-limit board 2026-Q1",
                    "subjects": [{"kind": "unit", "who": "AMR", "why": "超期办件3件"}],
                }
            ]
        }
    )
    title: str = Field(min_length=1, max_length=400)
    source_kind: Literal["list", "board", "period"]
    source_ref: str = Field(
        min_length=1,
        max_length=400,
        description="list or period: the period whose published lists or ranking the subjects"
        " are on (e.g. 2026-Q1, 2025); board: which board",
    )
    subjects: list[Named] = Field(min_length=1, max_length=100)


class Reason(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "通报有误"}]})
    reason: str = Text


class MatterCreate(Body):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "subject_kind": "staff",
                    "subject": "li.na",
                    "allegation": "推诿扯皮，未按首问负责制办理",
                    "source": "case 0b9e3d4c",
                }
            ]
        }
    )
    subject_kind: Literal["case", "staff", "unit"]
    subject: str = Field(min_length=1, max_length=100, description="case id, login or unit code")
    allegation: str = Text
    source: str | None = Field(default=None, max_length=400)


class Findings(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"findings": "经查，情况属实"}]})
    findings: str = Text


class Classification(Body):
    """The three distinctions (三个区分开来): each on the lenient or the strict side."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "inexperience_vs_knowing": "lenient",
                    "experiment_vs_ban": "lenient",
                    "development_vs_private_gain": "lenient",
                    "notes": "改革探索中的失误",
                }
            ]
        }
    )
    inexperience_vs_knowing: Side
    experiment_vs_ban: Side
    development_vs_private_gain: Side
    notes: str = Text


class MatterOutcome(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"outcome": "criticism_education", "reason": "情节轻微"}]}
    )
    outcome: Literal[
        "criticism_education", "ordered_rectification", "organisational_handling", "exemption"
    ]
    reason: str = Text


class Clearance(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"statement": "经查举报不实，予以澄清"}]}
    )
    statement: str = Text
