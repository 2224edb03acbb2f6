"""Publishing a period's lists and ranking, objections to them, and the formal talks (约谈) the
consecutive-bottom rule reads from them.

The figures come in a ``Snapshot`` computed by the edge from the read models; the domain places
members by its list rules, freezes every line, and in the same commit feeds each ranked unit's
result to its consecutive-bottom decision, so a talk rests on a published edition or on nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.actors import Actor
from domain.assessment import AssessmentTrigger
from domain.base import Tracked
from domain.directory import Staff, Unit, Window
from domain.errors import AlreadyExistsError, InvalidInputError, NotFoundError
from domain.list_rules import Side, bottom
from domain.periods import Period
from domain.publication import DIMENSIONS, Kind, Publication, Snapshot, kind_of
from domain.services.base import Saved, ServiceBase
from domain.services.staffing import directory_id, unit_of_staff


@dataclass(frozen=True)
class Published:
    """A publication's new version, and the units whose formal talk it triggered."""

    saved: Saved
    formal_talks: list[UUID]


@dataclass(frozen=True)
class ObjectionFiled:
    saved: Saved
    number: int


class PublishingService(ServiceBase):
    def publish(
        self, what: Kind | str, period: str, snapshot: Snapshot, *, actor: Actor
    ) -> Published:
        """Publish a finished period's lists or ranking (once; corrections come from upheld
        objections)."""
        kind, span = kind_of(what), Period.parse(period)
        publication_id = Publication.id_for(kind, span.name)
        if self.exists(publication_id):
            raise AlreadyExistsError(
                f"the {kind.value} of {span.name} are published; a published edition is"
                " corrected only by an upheld objection",
                code="published-once",
                params={"what": kind.value, "period": span.name},
            )
        at = self.now()
        publication = Publication.publish(
            kind,
            span,
            snapshot,
            actor=actor,
            at=at,
            policy=self.policy,
            calendar=self.work_calendar(),
        )
        return self._save_with_triggers(publication, actor, at)

    def object_to(
        self,
        what: Kind | str,
        period: str,
        dimension: str,
        who: str,
        grounds: str,
        *,
        actor: Actor,
    ) -> ObjectionFiled:
        """Object to a line (``who``: a staff login, a unit or window code)."""
        publication = self.publication(what, period)
        member, member_unit = self._member(dimension, who)
        number = publication.object(
            dimension,
            member,
            grounds,
            actor=actor,
            actor_unit=unit_of_staff(self, actor.id),
            member_unit=member_unit,
            at=self.now(),
        )
        return ObjectionFiled(self.commit(publication)[0], number)

    def decide_objection(
        self,
        what: Kind | str,
        period: str,
        number: int,
        *,
        upheld: bool,
        reason: str,
        corrected: Snapshot | None,
        actor: Actor,
    ) -> Published:
        """Decide an objection; an upheld one publishes the corrected edition and feeds it to
        the consecutive-bottom rule, in one commit."""
        publication = self.publication(what, period)
        at = self.now()
        publication.decide(
            number,
            upheld,
            reason,
            corrected=corrected,
            actor=actor,
            at=at,
            policy=self.policy,
            calendar=self.work_calendar(),
        )
        if not upheld:
            return Published(self.commit(publication)[0], [])
        return self._save_with_triggers(publication, actor, at)

    def publication(self, what: Kind | str, period: str) -> Publication:
        kind = kind_of(what)
        publication_id = Publication.id_for(kind, period)
        if not self.exists(publication_id):
            raise NotFoundError(
                f"the {kind.value} of {period} are not published",
                code="not-published",
                params={"what": kind.value, "period": period},
            )
        return self.load(Publication, publication_id)

    def assessment_trigger(self, unit: str | UUID) -> AssessmentTrigger:
        unit_id = directory_id(Unit.id_for, unit)
        period_kind = self.policy.triggers.period
        return self.load(AssessmentTrigger, AssessmentTrigger.id_for(unit_id, period_kind))

    # The consecutive-bottom rule reads publications, and nothing else.

    def _save_with_triggers(
        self, publication: Publication, actor: Actor, at: datetime
    ) -> Published:
        triggers, talks = self._feed(publication, actor, at)
        saved = self.commit(publication, *triggers)
        return Published(saved[0], talks)

    def _feed(
        self, publication: Publication, actor: Actor, at: datetime
    ) -> tuple[list[Tracked], list[UUID]]:
        rules = self.policy.triggers
        source = {Kind.RANKING: "ranking", Kind.LISTS: "unit_black_list"}[publication.what]
        if Period.parse(publication.period).kind != rules.period or source != rules.source:
            return [], []
        units = publication.latest["entries"]["unit"]
        if publication.what is Kind.RANKING:
            last = set(bottom({u["member"]: u["rank"] for u in units}))
            results = {u["member"]: u["member"] in last for u in units if u["rank"] is not None}
        else:
            results = {u["member"]: u["side"] == Side.BLACK.value for u in units}
        changed: list[Tracked] = []
        talks: list[UUID] = []
        label = f"{publication.what.value} {publication.period} edition {publication.edition}"
        for member, is_bottom in sorted(results.items()):
            unit_id = UUID(member)
            trigger_id = AssessmentTrigger.id_for(unit_id, rules.period)
            trigger = (
                self.load(AssessmentTrigger, trigger_id)
                if self.exists(trigger_id)
                else AssessmentTrigger.start(unit_id, rules.period, actor=actor, at=at)
            )
            if trigger.record_result(
                publication.period,
                bottom=is_bottom,
                publication_id=publication.id,
                edition=publication.edition,
                source=label,
                actor=actor,
                at=at,
                policy=self.policy,
            ):
                talks.append(unit_id)
            if trigger.pending_events:
                changed.append(trigger)
        return changed, talks

    def _member(self, dimension: str, who: str) -> tuple[str, UUID | None]:
        """A line's member as publications name it (staff: login; units and windows: id),
        and the unit it belongs to."""
        if dimension == "staff":
            staff = self.load(Staff, Staff.id_for(who))
            return staff.login, staff.unit_id
        if dimension == "unit":
            unit = self.load(Unit, _id(Unit.id_for, who))
            return str(unit.id), unit.id
        if dimension == "window":
            window = self.load(Window, _id(Window.id_for, who))
            return str(window.id), window.unit_id
        raise InvalidInputError(
            f"lists are kept for {', '.join(DIMENSIONS)}, not {dimension!r}",
            code="no-such-dimension",
            params={"dimension": dimension},
        )


def _id(id_for: Callable[[str], UUID], code_or_id: str) -> UUID:
    """A directory entry's id, given as the id itself or as its code."""
    try:
        return UUID(code_or_id)
    except ValueError:
        return id_for(code_or_id)
