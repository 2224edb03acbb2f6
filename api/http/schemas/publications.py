"""Bodies for publishing lists and rankings, objecting to a line, and deciding objections."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.http.schemas.common import Body, CommandResult

Text = Field(min_length=1, max_length=4000)


class PublicationCreate(Body):
    """Publish a finished period's lists (a quarter, usually) or ranking (a year)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"period": "2026-Q2"}]})
    period: str = Field(min_length=4, max_length=20, examples=["2026-Q2"])


class ObjectionCreate(Body):
    """Object to your own line: as the staff member listed, or as the head of its unit."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"dimension": "staff", "member": "li.na", "grounds": "六条差评系同一企业所为"}
            ]
        }
    )
    dimension: Literal["staff", "window", "unit"]
    member: str = Field(
        min_length=1, max_length=100, description="a staff login, a window or unit code"
    )
    grounds: str = Text


class ObjectionDecision(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"upheld": True, "reason": "经核实属恶意评价"}]}
    )
    upheld: bool = Field(description="an upheld objection publishes a corrected edition")
    reason: str = Text


class Published(CommandResult):
    formal_talks: list[str] = Field(
        description="units (ids) whose formal talk (约谈) this publication triggered"
    )


class ObjectionFiled(CommandResult):
    number: int = Field(examples=[1])


class Publication(BaseModel):
    """A period's published lists or ranking: every edition, frozen with its definitions, policy
    and log position, and every objection with its decision."""

    model_config = ConfigDict(extra="allow")
    id: str
    version: int
    what: str = Field(examples=["lists"])
    period: str = Field(examples=["2026-Q2"])
    edition: int = Field(description="the latest edition (1 + upheld objections)")
