"""Bodies every area shares: a command's result and a page of rows."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from domain.text import first_forbidden

CONTROL_CHARACTER = "control_character"
"""The field error's type when text holds a control character (domain/text.py)."""


class Body(BaseModel):
    """A request body: unknown fields are refused, so a typo is an error, not a silent no-op;
    text with a control character other than tab and line breaks is refused, in every field of
    every body (lists and mappings included), so no schema can forget it."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_control_characters(cls, value: Any, info: ValidationInfo) -> Any:
        found = first_forbidden(value)
        if found:
            raise PydanticCustomError(
                CONTROL_CHARACTER,
                "{field} contains a control character ({character}); only tab and line breaks"
                " are allowed",
                {"field": info.field_name, "character": found},
            )
        return value


class CommandResult(BaseModel):
    """What a command leaves behind: the record's new version and the log position of the write.

    Pass ``version`` as ``If-Match`` on the next command, and ``position`` as ``min_position``
    on a query to read your own write."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"id": "0b9e3d4c-1f2a-4b5c-8d6e-7f8091a2b3c4", "version": 2, "position": 1843}
            ]
        }
    )

    id: UUID
    version: int = Field(ge=1)
    position: int | None = Field(description="log position (notification id) of the write")


class RatingResult(BaseModel):
    """A rating and, for a 差评, the rectification it opened (in the same commit)."""

    evaluation: CommandResult
    rectification: CommandResult | None


class FindingResult(BaseModel):
    visit: CommandResult
    finding_id: int = Field(examples=[2])


class Record(BaseModel):
    """Any record's current state as plain data, with its kind and version."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {"id": "0b9e3d4c-1f2a-4b5c-8d6e-7f8091a2b3c4", "kind": "appeal", "version": 1}
            ]
        },
    )

    id: UUID
    kind: str
    version: int


class Page(BaseModel):
    """One page of rows; pass ``next_cursor`` as ``cursor`` for the next (null: no more)."""

    items: list[dict[str, Any]]
    next_cursor: str | None = Field(examples=["eyJrIjoiMjAyNi0wMy0wMiIsImkiOiIwYjllIn0"])
    position: int = Field(description="the log position the rows reflect", examples=[1843])
    definition_version: str = Field(description="the read model's definition version")
