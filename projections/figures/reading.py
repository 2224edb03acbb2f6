"""What a figure asks of the read side: grouped counts the view store makes on its indexes
(``infra.readside.ReadSide`` answers it; tests answer it from a memory store)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from projections.query import Filter


class GroupedCounts(Protocol):
    def counts(
        self,
        name: str,
        table: str,
        by: tuple[str, ...],
        where: Filter | None = None,
        labels: Mapping[str, Filter] | None = None,
    ) -> dict[tuple[Any, ...], int]: ...
