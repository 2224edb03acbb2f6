"""Running read models against the event log: the runner, its followers, and operations."""

from __future__ import annotations

from collections.abc import Sequence

from domain.application import Casetrail
from infra.projections.log import EventLog
from infra.projections.runner import BATCH_SIZE, REBUILD_SLICE, Progress, ProjectionRunner
from infra.settings import Settings
from infra.views import open_view_store
from projections.base import Projection
from projections.registry import log_projections

__all__ = ["EventLog", "ProjectionRunner", "open_runner"]


def open_runner(
    app: Casetrail,
    settings: Settings,
    *,
    projections: Sequence[Projection] | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    rebuild_slice: int = REBUILD_SLICE,
) -> ProjectionRunner:
    """A runner for the registered read models (private ones too) over ``app``'s log, views
    next to its events.

    The caller owns the runner's store: ``runner.store.close()`` when done.
    """
    return ProjectionRunner(
        EventLog.of(app), open_view_store(settings, app.clock),
        log_projections() if projections is None else projections,
        batch_size=batch_size, progress=progress, rebuild_slice=rebuild_slice,
    )
