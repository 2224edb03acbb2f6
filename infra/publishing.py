"""Publishing lists and rankings: the figures of the read models, frozen by the domain.

The domain decides who is placed where and records it; what it places comes from here: every
member measured by the published formulas over the views caught up to a log position, which the
publication names. An upheld objection is decided with the figures measured again at that
moment, so the corrected edition reflects every correction recorded since (an upheld appeal, an
excluded rating). ``reproduce`` recomputes an edition from the log up to its position.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from domain.actors import Actor
from domain.application import Casetrail
from domain.publication import DIMENSIONS, Kind, Publication, Snapshot, kind_of, lines
from domain.services.publishing import Published
from infra.figures import Figures
from infra.projections.log import EventLog
from projections.figures import DEFINITIONS
from projections.figures.lists import measured_members
from projections.figures.periods import Period
from projections.memory import MemoryViewStore
from projections.registry import all_projections
from projections.store import ViewStore


class Publisher:
    """``catch_up`` brings the views to the head of the log first, so a publication's position
    is that of every view it read."""

    def __init__(
        self, app: Casetrail, store: ViewStore, catch_up: Callable[[], object] | None = None
    ) -> None:
        self.app, self.store, self.catch_up = app, store, catch_up

    def snapshot(
        self,
        what: Kind | str,
        period: str,
        now: datetime | None = None,
        definitions: str = DEFINITIONS,
    ) -> Snapshot:
        """Every member of the lists' dimensions (a ranking: the units), measured now."""
        kind = kind_of(what)
        if self.catch_up is not None:
            self.catch_up()
        facts, ctx = Figures(self.app, self.store).context(now, definitions)
        span = Period.parse(period)
        dimensions = DIMENSIONS if kind is Kind.LISTS else ("unit",)
        return Snapshot(
            {d: measured_members(d, facts, span, ctx) for d in dimensions},
            ctx.definitions,
            ctx.position,
            ctx.now,
            ctx.calendar.version,
        )

    def publish(self, what: Kind | str, period: str, *, actor: Actor) -> Published:
        return self.app.publish(what, period, self.snapshot(what, period), actor=actor)

    def decide(
        self, what: Kind | str, period: str, number: int, *, upheld: bool, reason: str, actor: Actor
    ) -> Published:
        self.app.publication(what, period).objection(number)  # refuse before measuring
        corrected = self.snapshot(what, period) if upheld else None
        return self.app.decide_objection(
            what, period, number, upheld=upheld, reason=reason, corrected=corrected, actor=actor
        )


def reproduces(app: Casetrail, publication: Publication, edition: int) -> bool:
    """Whether ``edition`` is what its definitions give from the log at its position: every
    line the same (a line struck by an upheld objection is compared but for its list)."""
    again = lines(publication.what, reproduce(app, publication, edition), app.policy)
    frozen = publication.editions[edition - 1]["entries"]
    return frozen.keys() == again.keys() and all(
        len(frozen[d]) == len(again[d])
        and all(_same(f, a) for f, a in zip(frozen[d], again[d], strict=True))
        for d in frozen
    )


def _same(frozen: dict[str, Any], again: dict[str, Any]) -> bool:
    if frozen.get("struck_by_objection") is None:
        return frozen == again
    ignored = ("side", "struck_by_objection")
    return {k: v for k, v in frozen.items() if k not in ignored} == {
        k: v for k, v in again.items() if k not in ignored
    }


def reproduce(app: Casetrail, publication: Publication, edition: int | None = None) -> Snapshot:
    """An edition's figures recomputed from the log as it stood at the edition's position,
    with the edition's definitions and moment: equal to what was frozen, or something moved."""
    chosen = publication.editions[(edition or publication.edition) - 1]
    stamp = chosen["stamp"]
    if chosen["policy_version"] != app.policy.version:
        raise ValueError(
            f"edition {chosen['edition']} was computed under policy {chosen['policy_version']};"
            f" this installation runs {app.policy.version}"
        )
    store, log = MemoryViewStore(), EventLog.of(app)
    position = int(stamp["position"])
    for projection in all_projections():
        store.ensure(projection)
        events = log.read(0, position + 1, position, projection.topics)
        store.apply_batch(projection, 0, events, position)
    return Publisher(app, store).snapshot(
        publication.what,
        publication.period,
        datetime.fromisoformat(stamp["as_of"]),
        stamp["definitions"],
    )


