"""Bodies of the good/bad review (好差评) commands: ratings, rectifications, appeals."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import ConfigDict, Field

from api.http.schemas.cases import RatingLevel
from api.http.schemas.common import Body

Text = Field(min_length=1, max_length=4000)


class ServiceRating(Body):
    """A rating of a window service that opened no case, known by the id the window gave it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "service_id": "5d0c6a8e-2b7f-4e1a-9c3d-8f6e5a4b3c2d",
                    "unit": "AMR",
                    "delivered_at": "2026-03-02T09:30:00+08:00",
                    "staff": "li.na",
                    "service_item": "营业执照变更登记",
                    "level": "very_satisfied",
                }
            ]
        }
    )
    service_id: UUID
    unit: str = Field(min_length=1, max_length=64)
    delivered_at: datetime
    staff: str | None = Field(default=None, max_length=100)
    window: str | None = Field(default=None, max_length=64)
    service_item: str | None = Field(default=None, max_length=200)
    level: RatingLevel
    reason: str | None = Field(default=None, max_length=4000, description="needed for a 差评")
    real_name: bool = True


class ReRating(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"level": "satisfied"}]})
    level: RatingLevel
    reason: str | None = Field(default=None, max_length=4000)


class AppealBody(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"grounds": "malicious", "reason": "评价人并非服务对象"}]}
    )
    grounds: Literal["malicious", "mistaken"]
    reason: str = Text


class AppealDecision(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"upheld": True, "reason": "经核实属恶意评价"}]}
    )
    upheld: bool
    reason: str = Text


class RectificationCallback(Body):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"reached": True, "complaint_verified": True, "note": "已电话回访"}]
        }
    )
    reached: bool
    complaint_verified: bool | None = None
    note: str = Field(default="", max_length=4000)


class Verification(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"complaint_verified": True, "note": "查看监控属实"}]}
    )
    complaint_verified: bool
    note: str = Text


class Measures(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"measures": ["窗口人员培训", "一次性告知清单"]}]}
    )
    measures: list[str] = Field(min_length=1, max_length=50)


class RectificationExtension(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"working_days": 5, "reason": "需系统改造"}]}
    )
    working_days: int = Field(ge=1, le=60)
    reason: str = Text


class Completion(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"outcome": "rectified", "summary": "已整改到位"}]}
    )
    outcome: Literal["rectified", "partly_rectified", "not_substantiated", "explained"]
    summary: str = Text
