"""Every read model the runner keeps up to date. Add a new one to ``all_projections`` (or, for a
private one about particular people, to ``private_projections``)."""

from __future__ import annotations

from projections.base import Projection
from projections.cases import CaseProjection
from projections.directory import DirectoryProjection
from projections.engagement import EngagementProjection
from projections.notices import NoticeProjection
from projections.oversight import OversightProjection
from projections.projects import ProjectProjection
from projections.quarterly import QuarterlyEvaluationProjection
from projections.records import RecordProjection
from projections.reviews import ReviewProjection
from projections.stationed import StationedProjection


def all_projections() -> list[Projection]:
    projections: list[Projection] = [
        DirectoryProjection(),
        CaseProjection(),
        ReviewProjection(),
        EngagementProjection(),
        OversightProjection(),
        QuarterlyEvaluationProjection(),
        StationedProjection(),
    ]
    _check_unique(projections)
    return projections


def private_projections() -> list[Projection]:
    """Read models about particular people, fed from the log only (see ``Projection.private``)."""
    return [NoticeProjection(), RecordProjection(), ProjectProjection()]


def log_projections() -> list[Projection]:
    """Every read model the log-fed runner keeps: the public ones and the private ones."""
    projections = all_projections() + private_projections()
    _check_unique(projections)
    return projections


def find(name: str, projections: list[Projection] | None = None) -> Projection:
    """The projection called ``name``; the error lists the known names."""
    known = projections if projections is not None else log_projections()
    for projection in known:
        if projection.name == name:
            return projection
    names = ", ".join(p.name for p in known)
    raise KeyError(f"no projection named {name!r} (known: {names})")


def _check_unique(projections: list[Projection]) -> None:
    """Views share one schema (tables ``view_<name>``), so names must not collide."""
    names = [p.name for p in projections]
    tables = [t.name for p in projections for t in p.tables]
    for label, values in (("projection", names), ("table", tables)):
        twice = sorted({v for v in values if values.count(v) > 1})
        if twice:
            raise ValueError(f"{label} name(s) used twice: {', '.join(twice)}")
