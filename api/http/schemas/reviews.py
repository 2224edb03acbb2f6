"""Bodies of the good/bad review (好差评) commands: ratings, rectifications, appeals."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.http.schemas.cases import RatingLevel
from api.http.schemas.common import Body, CommandResult

Text = Field(min_length=1, max_length=4000)


class WindowServiceCreate(Body):
    """A service just given at your window, to put on the record (and on the visitor's
    receipt, with its one-time rating code)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"service_item": "营业执照变更登记", "enterprise": "91440300MA5EXAMPLE"}]
        }
    )
    service_item: str = Field(min_length=1, max_length=200)
    enterprise: str | None = Field(
        default=None, max_length=64, description="the credit code of the enterprise served"
    )


class WindowServiceRecorded(CommandResult):
    rating_code: str = Field(
        examples=["K7QX-M2PD-9FTR"],
        description="print it on the receipt: it is shown once and only its digest is kept",
    )


class ServiceRating(Body):
    """A rating of a recorded window service, by the enterprise it was for (signed in)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"service_id": "5d0c6a8e-2b7f-4e1a-9c3d-8f6e5a4b3c2d", "level": "very_satisfied"}
            ]
        }
    )
    service_id: UUID
    level: RatingLevel
    reason: str | None = Field(default=None, max_length=4000, description="needed for a 差评")
    real_name: bool = True


class CodeRating(Body):
    """A rating of a window service with the one-time code printed on its receipt."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "service_id": "5d0c6a8e-2b7f-4e1a-9c3d-8f6e5a4b3c2d",
                    "code": "K7QX-M2PD-9FTR",
                    "level": "satisfied",
                }
            ]
        }
    )
    service_id: UUID
    code: str = Field(min_length=4, max_length=40)
    level: RatingLevel
    reason: str | None = Field(default=None, max_length=4000, description="needed for a 差评")


class ReRating(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"level": "satisfied"}]})
    level: RatingLevel
    reason: str | None = Field(default=None, max_length=4000)


class CodeReRating(ReRating):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"code": "K7QX-M2PD-9FTR", "level": "satisfied"}]}
    )
    code: str = Field(min_length=4, max_length=40)


class RaterIdentity(BaseModel):
    """Who gave an anonymous rating, as opened for an inspector (the read is recorded)."""

    evaluation_id: UUID
    subject: UUID = Field(description="the data subject sealing the account (for erasure)")
    rater: str = Field(examples=["91440300MA5EXAMPLE"], description="[erased] once erased")
    erased: bool


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
