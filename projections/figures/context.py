"""What every figure is computed against: the moment, the calendar, the policy, the position."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domain.clock import WorkingCalendar
from domain.policy import Policy
from projections.figures import (
    DEFINITION_VERSIONS,
    DEFINITIONS,
    METRICS_2026_1,
    METRICS_2026_2,
)


@dataclass(frozen=True)
class Context:
    now: datetime
    calendar: WorkingCalendar
    policy: Policy
    position: int = 0
    """The log position the rows reflect; published with every figure."""
    definitions: str = DEFINITIONS
    """The formulas' version (docs/metrics.md); an earlier one reproduces an earlier figure."""

    def __post_init__(self) -> None:
        if self.definitions not in DEFINITION_VERSIONS:
            known = ", ".join(DEFINITION_VERSIONS)
            raise ValueError(f"definitions {self.definitions!r} are unknown (known: {known})")

    @property
    def first_review_formulas(self) -> bool:
        """Whether review, list, ranking-tie and visit figures follow their first formulas
        (metrics-2026.1, which metrics-2026.2 left as they were)."""
        return self.definitions in (METRICS_2026_1, METRICS_2026_2)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.policy.tz).date()

    def stamp(self) -> dict[str, object]:
        """What a published figure says about itself."""
        return {
            "definitions": self.definitions,
            "policy_version": self.policy.version,
            "position": self.position,
            "as_of": self.now.isoformat(),
            "calendar_version": self.calendar.version,
        }
