"""Bodies and answers of the directory's administration routes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal["units", "windows", "staff", "enterprises", "leaders", "links", "stationed"]
ImportKind = Literal[
    "directory", "units", "windows", "staff", "enterprises", "leaders", "links", "stationed"
]
Text = Field(default=None, max_length=200)


class EntryFields(BaseModel):
    """A directory entry's fields; each kind reads its own (see docs/api.md), the rest must be
    absent. Values may be codes (``state``) or the words of a Chinese sheet (``国有``)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"code": "AMR", "name": "市场监督管理局"},
                {"credit_code": "91350100M000100Y43", "name": "闽江机械有限公司",
                 "ownership": "private", "key_enterprise": True},
            ]
        },
    )  # fmt: skip

    code: str | None = Text
    name: str | None = Text
    unit: str | None = Text
    window: str | None = Text
    login: str | None = Text
    role: str | None = Text
    credit_code: str | None = Text
    ownership: str | None = Text
    key_enterprise: bool | None = None
    title: str | None = Text
    level: str | None = Text
    leader: str | None = Text
    enterprise: str | None = Text
    note: str | None = Text

    def row(self) -> dict[str, object]:
        values = self.model_dump(exclude_none=True)
        if "key_enterprise" in values:
            values["key_enterprise"] = "yes" if values["key_enterprise"] else "no"
        return values


class Activity(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=500, examples=["merged into AMR"])


class EntryResult(BaseModel):
    kind: str = Field(examples=["units"])
    key: str = Field(examples=["AMR"])
    outcome: Literal["created", "updated", "unchanged"]
    position: int | None = Field(description="the log position of the write; null: none")


class EntryPage(BaseModel):
    items: list[dict[str, Any]]
    next: str | None = Field(description="pass as `cursor` for the next page; null: last page")
    position: int = Field(description="the log position the rows reflect")


class RefusedRow(BaseModel):
    kind: str = Field(examples=["enterprises"])
    row: int = Field(description="the row number in the sheet (1 is the header)", examples=[3])
    field: str | None = Field(examples=["credit_code"])
    code: str = Field(examples=["credit-code-check"])
    params: dict[str, Any]
    message: str


class ImportResult(BaseModel):
    created: int
    updated: int
    unchanged: int
    refused: list[RefusedRow]
    position: int | None
