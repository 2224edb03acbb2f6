"""The read-model rows a figure is computed from, loaded once per question."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Row = dict[str, Any]


@dataclass(frozen=True)
class Facts:
    cases: list[Row] = field(default_factory=list)
    case_units: list[Row] = field(default_factory=list)
    services: list[Row] = field(default_factory=list)
    evaluations: list[Row] = field(default_factory=list)
    rectifications: list[Row] = field(default_factory=list)
    units: list[Row] = field(default_factory=list)
    windows: list[Row] = field(default_factory=list)
    staff: list[Row] = field(default_factory=list)
    leaders: list[Row] = field(default_factory=list)
    enterprises: list[Row] = field(default_factory=list)
    leader_links: list[Row] = field(default_factory=list)
    visits: list[Row] = field(default_factory=list)
    visit_findings: list[Row] = field(default_factory=list)
    quarterly_totals: list[Row] = field(default_factory=list)
    stationed_staff: list[Row] = field(default_factory=list)

    def only(self, **rows: list[Row]) -> Facts:
        """The same facts with some tables narrowed (for one group's figures)."""
        return Facts(**{**self.__dict__, **rows})
