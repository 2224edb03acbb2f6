"""Bodies for stationed staff's activities (驻企服务员) and secondments (选派干部服务锻炼)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import ConfigDict, Field

from api.http.schemas.cases import CaseType
from api.http.schemas.common import Body

Text = Field(min_length=1, max_length=4000)
ActivityKind = Literal["policy_explained", "service_provided", "problem_taken_up"]
Direction = Literal["cadre_to_enterprise", "enterprise_to_department"]


class ActivityCreate(Body):
    """What the signed-in staff member did for an enterprise they are stationed with."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "policy_explained",
                    "description": "讲解研发费用加计扣除政策",
                    "happened_on": "2026-04-09",
                }
            ]
        }
    )
    kind: ActivityKind
    description: str = Text
    happened_on: date | None = Field(default=None, description="null: today")


class ActivityAnswer(Body):
    """The enterprise served says whether the activity took place as recorded."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"confirmed": True, "note": ""}]})
    confirmed: bool
    note: str = Field(default="", max_length=4000, description="needed to dispute")


class ActivityCase(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"case_type": "help", "summary": None}]}
    )
    case_type: CaseType
    summary: str | None = Field(default=None, max_length=4000)


class SecondmentCreate(Body):
    """A secondment: a cadre from a unit to an enterprise, or an enterprise's staff member to
    a unit, for at least the policy's months."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "person": "周强",
                    "direction": "cadre_to_enterprise",
                    "home": "AMR",
                    "host": "91440300MA5KEY0001",
                    "starts_on": "2026-03-01",
                    "ends_on": "2026-09-01",
                }
            ]
        }
    )
    person: str = Field(min_length=1, max_length=200)
    direction: Direction
    home: str = Field(min_length=1, max_length=64, description="unit code or credit code")
    host: str = Field(min_length=1, max_length=64, description="credit code or unit code")
    starts_on: date
    ends_on: date


class SecondmentEnd(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"on": "2026-05-31", "reason": "企业召回"}]}
    )
    on: date = Field(description="the secondment's last day")
    reason: str = Text
