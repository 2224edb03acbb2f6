"""Bodies for leader links, stationed staff and visits (挂钩联系, 驻企服务, 走访)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import ConfigDict, Field

from api.http.schemas.cases import CaseType
from api.http.schemas.common import Body

Text = Field(min_length=1, max_length=4000)


class LeaderLink(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"leader": "county-01", "note": None}]}
    )
    leader: str = Field(min_length=1, max_length=64, description="leader code")
    note: str | None = Field(default=None, max_length=4000)


class LeaderUnlink(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"leader": "county-01", "reason": "工作调整"}]}
    )
    leader: str = Field(min_length=1, max_length=64)
    reason: str = Text


class Stationing(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"login": "li.na"}]})
    login: str = Field(min_length=1, max_length=100)


class Withdrawal(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"login": "li.na", "reason": "轮岗"}]}
    )
    login: str = Field(min_length=1, max_length=100)
    reason: str = Text


class VisitCreate(Body):
    """A visit or on-site office day the signed-in leader made, with the problems found."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "visit",
                    "place": "重点示例制造有限公司",
                    "started_at": "2026-03-02T09:00:00+08:00",
                    "duration": 2,
                    "enterprise": "91440300MA5KEY0001",
                    "findings": ["厂区道路破损影响运输"],
                }
            ]
        }
    )
    kind: Literal["visit", "office_day", "front_line_week"]
    place: str = Field(min_length=1, max_length=400)
    started_at: datetime
    duration: float = Field(gt=0, le=31)
    duration_unit: Literal["hours", "days"] = "hours"
    enterprise: str | None = Field(default=None, max_length=64, description="credit code")
    findings: list[str] = Field(default_factory=list, max_length=50)
    ended_on: date | None = Field(
        default=None,
        description="a front-line week's last day: it then lasts the working days from"
        " started_at's day to this day, by the work calendar (duration is not read)",
    )


class Finding(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"description": "用电报装进度慢"}]})
    description: str = Text


class OnSiteResolution(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"note": "现场协调供电局解决"}]})
    note: str = Text


class FindingCase(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"case_type": "help", "summary": None}]}
    )
    case_type: CaseType
    summary: str | None = Field(default=None, max_length=4000)
    emergency: bool = False
    service_item: str | None = Field(default=None, max_length=200)


class VisitAnswer(Body):
    """The enterprise visited says whether the visit took place as recorded."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"confirmed": False, "note": "当天无人来访"}]}
    )
    confirmed: bool
    note: str = Field(default="", max_length=4000, description="needed to dispute")
