"""Sign-in, users and tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.http.schemas.common import Body

RoleName = Literal[
    "window_staff",
    "unit_head",
    "supervisor",
    "inspector",
    "leader",
    "enterprise",
    "api_consumer",
    "admin",
]


class SignIn(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"login": "li.na", "password": "correct horse battery"}]}
    )
    login: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


class TokenIssued(BaseModel):
    """A bearer token, shown once: send it as ``Authorization: Bearer <token>``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "token_id": "6f1c2d7e-3b8a-4c55-9a0e-2f7d1b3c4a5e",
                    "token": "ctk_6f1c2d7e3b8a4c559a0e2f7d1b3c4a5e_Qm9...",
                    "login": "li.na",
                    "expires_at": "2026-03-02T21:00:00+08:00",
                }
            ]
        }
    )
    token_id: UUID
    token: str
    login: str
    expires_at: datetime | None


class Me(BaseModel):
    """Who you are signed in as, what you act as, and your scope."""

    login: str = Field(examples=["li.na"])
    role: str = Field(examples=["window_staff"])
    actor_id: str = Field(examples=["li.na"])
    unit_id: UUID | None
    enterprise_id: UUID | None
    token_id: UUID
    scope: str = Field(examples=["unit"])


class UserCreate(Body):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "login": "li.na",
                    "role": "window_staff",
                    "unit": "AMR",
                    "password": "correct horse battery",
                }
            ]
        }
    )
    login: str = Field(min_length=1, max_length=100, pattern=r"^\S+$")
    role: RoleName
    unit: str | None = Field(default=None, max_length=64)
    enterprise: str | None = Field(default=None, max_length=64, description="credit code")
    leader: str | None = Field(default=None, max_length=64, description="leader code")
    password: str | None = Field(default=None, min_length=8, max_length=1000)


class TokenRequest(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"label": "12345 platform"}]})
    label: str = Field(default="token", min_length=1, max_length=100)
    expires_at: datetime | None = Field(
        default=None,
        description="when the token stops working; left out, after the server's"
        " CASETRAIL_TOKEN_DAYS (90 days unless configured)",
    )


class UserPublic(BaseModel):
    """A user: who signs in, in which role, and whether they may."""

    login: str = Field(examples=["li.na"])
    role: str = Field(examples=["window_staff"])
    acts_as: str = Field(examples=["li.na"])
    unit_id: UUID | None
    enterprise_id: UUID | None
    has_password: bool
    disabled: bool
    disabled_at: datetime | None
    password_set_at: datetime | None
    version: int


class AccountChange(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "left the unit"}]})
    reason: str = Field(min_length=1, max_length=1000)


class PasswordChange(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"password": "a new long passphrase"}]}
    )
    password: str = Field(min_length=8, max_length=1000)


class Revocation(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "laptop lost"}]})
    reason: str = Field(min_length=1, max_length=1000)
