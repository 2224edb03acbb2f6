"""Schemas of the inbox and the notification queue."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from projections.notices import KINDS

Kind = Literal[
    "yellow", "red", "reminder", "criticism", "circular", "supervision", "rectification_due",
    "appeal_decided", "rating_invitation",
    "task_blocked", "task_yellow", "task_red", "task_reminder", "task_criticism", "merit_decided",
]
Channel = Literal["email", "webhook", "sms"]
assert set(Kind.__args__) == set(KINDS)  # type: ignore[attr-defined]


class Notice(BaseModel):
    id: str = Field(description="Stable for the event and the recipient")
    kind: Kind
    subject: str
    text: str
    at: datetime
    read: bool
    subject_kind: str = Field(
        description="case, supervision, rectification, appeal, circular, project, merit"
    )
    subject_id: str
    cursor: str = Field(description="Pass as `after` to read the next page")


class NoticesPublic(BaseModel):
    items: list[Notice]
    next: str | None = Field(description="The cursor of the next page, if there may be one")


class ReadMarks(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ids: Annotated[list[Annotated[str, Field(max_length=64)]], Field(max_length=500)]


class Marked(BaseModel):
    marked: int


class PreferencesPublic(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Annotated[str | None, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")] = None
    phone: Annotated[str | None, Field(max_length=20, pattern=r"^\+?[0-9 -]{5,20}$")] = None
    language: Literal["zh-CN", "en"] | None = None
    channels: list[Channel] | None = Field(default=None, description="null: every channel")
    kinds: list[Kind] | None = Field(default=None, description="null: every kind")


class DeliveryCounts(BaseModel):
    pending: int
    sending: int
    delivered: int
    dead: int


class DeadDelivery(BaseModel):
    id: str
    channel: Channel
    recipient: str
    kind: Kind
    attempts: int
    last_error: str | None


class Replay(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ids: list[Annotated[str, Field(max_length=64)]] | None = Field(
        default=None, description="Only these deliveries; null: every dead-lettered one"
    )


class Replayed(BaseModel):
    replayed: int
