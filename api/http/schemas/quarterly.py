"""Bodies of the quarterly evaluation by market entities (每季度直接评价)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from api.http.schemas.common import Body


class QuarterlyAnswerCreate(Body):
    """An enterprise's answer about one department for one quarter: every question of the
    policy's form, each a whole score on its scale."""

    unit: str = Field(max_length=64, examples=["AMR"], description="the department's code")
    quarter: str = Field(max_length=10, examples=["2026-Q3"])
    scores: dict[str, int] = Field(
        max_length=50,
        examples=[
            {"environment": 5, "efficiency": 4, "attitude": 5, "policy_delivery": 4,
             "integrity": 5}
        ],
    )
    comment: str = Field(default="", max_length=500)
    enterprise: str | None = Field(
        default=None, max_length=18, description="omit: the caller's own enterprise"
    )


class QuarterlyForm(BaseModel):
    """The form in force: its questions, scale and the quarters open now."""

    policy_version: str
    questions: dict[str, float] = Field(description="question key -> weight in the overall")
    scale_min: int
    scale_max: int
    open_quarters: list[str]
    answered: dict[str, list[str]] = Field(
        default_factory=dict,
        description="for an enterprise: per open quarter, the departments it answered about",
    )


class QuarterlyUnitResult(BaseModel):
    unit_id: UUID
    answers: int
    response_rate: dict[str, int | float | None]
    overall: float | None
    score: float | None
    questions: dict[str, float | None]
    ranked: bool


class QuarterlyResults(BaseModel):
    """One quarter's results per department, stamped like every published figure."""

    definitions: str
    policy_version: str
    calendar_version: int
    position: int
    as_of: str
    quarter: str
    window: dict[str, str]
    open: bool
    eligible_enterprises: int
    questions: list[str]
    scale: dict[str, int]
    min_answers: int
    units: list[QuarterlyUnitResult]

    @classmethod
    def of(cls, data: dict[str, Any]) -> QuarterlyResults:
        return cls.model_validate(data)
