"""A period's red and black lists (红黑榜) or ranking (考核排名), published and frozen.

Lists and rankings judge people by name, so they are not computed on the fly: once a period is
over, a supervisor publishes them as an event holding every line, the definitions of the
figures, the policy and the log position they were computed at. The listed (or ranked) may
object within the policy's working days; a supervisor decides each objection, and an upheld
one publishes a corrected edition: the figures recomputed from the record as it then stands,
and for a list the objector taken off the list the objection was upheld against. Each edition
stays on the record; circulars and formal talks cite them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Self
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actors import Actor, Role
from domain.base import Tracked, named_id
from domain.clock import Deadline, WorkingCalendar, working_day_deadline
from domain.errors import InvalidInputError, NotPermittedError
from domain.list_rules import Floors, Measured, Side, entry, ranked, sides
from domain.periods import Period
from domain.policy import Policy
from domain.refusals import StepRefusedError, WindowClosedError, choice, require_role, require_text

DIMENSIONS = ("unit", "window", "staff")
OBJECTORS = (Role.WINDOW_STAFF, Role.UNIT_HEAD)


class Kind(StrEnum):
    LISTS = "lists"
    RANKING = "ranking"


@dataclass(frozen=True)
class Snapshot:
    """The figures a publication freezes, as computed from the read models."""

    measured: Mapping[str, Sequence[Measured]]
    """Per dimension (lists: unit, window, staff; a ranking: unit), every member measured."""
    definitions: str
    position: int
    as_of: datetime
    calendar_version: int

    def stamp(self) -> dict[str, Any]:
        return {
            "definitions": self.definitions,
            "position": self.position,
            "as_of": self.as_of.isoformat(),
            "calendar_version": self.calendar_version,
        }


@dataclass(frozen=True)
class Objection:
    number: int
    dimension: str
    member: str
    by: str
    edition: int
    grounds: str
    filed_at: datetime
    upheld: bool | None = None
    reason: str | None = None
    decided_at: datetime | None = None


class Publication(Tracked):
    """One period's lists or ranking: its editions, and the objections to them."""

    kind: ClassVar[str] = "publication"

    class Published(Tracked.Created):
        what: str
        period: str
        entries: dict[str, list[dict[str, Any]]]
        stamp: dict[str, Any]
        rules: dict[str, Any]
        policy_version: str
        objection_due: dict[str, Any]

    class ObjectionFiled(Tracked.Event):
        number: int
        dimension: str
        member: str
        edition: int
        grounds: str

        def apply(self, aggregate: Aggregate) -> None:
            publication = _publication(aggregate)
            publication.objections.append(
                Objection(
                    self.number,
                    self.dimension,
                    self.member,
                    self.actor_id,
                    self.edition,
                    self.grounds,
                    self.timestamp,
                )
            )

    class ObjectionDecided(Tracked.Event):
        number: int
        upheld: bool
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            objections = _publication(aggregate).objections
            objections[self.number - 1] = replace(
                objections[self.number - 1],
                upheld=self.upheld,
                reason=self.reason,
                decided_at=self.timestamp,
            )

    class Corrected(Tracked.Event):
        edition: int
        objection: int
        entries: dict[str, list[dict[str, Any]]]
        stamp: dict[str, Any]
        rules: dict[str, Any]
        policy_version: str
        objection_due: dict[str, Any]

        def apply(self, aggregate: Aggregate) -> None:
            _publication(aggregate).editions.append(
                _edition(
                    self.edition,
                    self.objection,
                    entries=self.entries,
                    stamp=self.stamp,
                    rules=self.rules,
                    policy_version=self.policy_version,
                    objection_due=self.objection_due,
                )
            )

    def __init__(
        self,
        *,
        what: str,
        period: str,
        entries: dict[str, list[dict[str, Any]]],
        stamp: dict[str, Any],
        rules: dict[str, Any],
        policy_version: str,
        objection_due: dict[str, Any],
    ) -> None:
        self.what, self.period = Kind(what), period
        self.objections: list[Objection] = []
        self.editions: list[dict[str, Any]] = [
            _edition(
                1,
                None,
                entries=entries,
                stamp=stamp,
                rules=rules,
                policy_version=policy_version,
                objection_due=objection_due,
            )
        ]

    @staticmethod
    def id_for(what: Kind | str, period: str) -> UUID:
        return named_id("publication", f"{Kind(what).value}:{period}")

    @classmethod
    def publish(
        cls,
        what: Kind,
        period: Period,
        snapshot: Snapshot,
        *,
        actor: Actor,
        at: datetime,
        policy: Policy,
        calendar: WorkingCalendar,
    ) -> Self:
        """Publish a period's lists or ranking once the period is over (a supervisor)."""
        require_role(actor, (Role.SUPERVISOR,), f"publish {what.value}")
        if not period.is_over(at, policy.tz):
            raise StepRefusedError(
                f"publish the {what.value}",
                "period not over",
                f"{period.name} runs until {period.after.isoformat()} (exclusive); a period's"
                f" {what.value} are published once it is over, never for a period still running",
                code="period-not-over",
                params={"period": period.name, "ends": period.after.isoformat()},
            )
        content = _content(what, snapshot, policy, calendar, at, struck={})
        return cls._create_by(
            cls.Published,
            id=cls.id_for(what, period.name),
            actor=actor,
            at=at,
            what=what.value,
            period=period.name,
            **content,
        )

    def object(
        self,
        dimension: str,
        member: str,
        grounds: str,
        *,
        actor: Actor,
        actor_unit: UUID | None,
        member_unit: UUID | None,
        at: datetime,
    ) -> int:
        """Object to one's own line of the latest edition, within its objection period: the
        member themself (staff), or the head of the unit the member belongs to."""
        require_role(actor, OBJECTORS, f"object to the {self.what.value}")
        due = Deadline.from_data(self.latest["objection_due"]).due_at
        if at >= due:
            raise WindowClosedError(
                "object",
                f"objections to the {self.what.value} of {self.period}"
                f" (edition {self.edition})",
                due,
                f"policy {self.latest['policy_version']}: lists.objection_working_days after"
                " publication",
            )
        line = self.line(dimension, member)
        if line is None or (self.what is Kind.LISTS and line["side"] is None):
            raise StepRefusedError(
                "object",
                "not listed",
                f"{dimension} {member} is not on the {self.what.value} of {self.period}"
                f" (edition {self.edition}); one objects to a line one is on",
                code="objection-names-no-entry",
                params={"dimension": dimension, "member": member},
            )
        own = (dimension == "staff" and actor.id == member) or (
            actor.role is Role.UNIT_HEAD and actor_unit is not None and actor_unit == member_unit
        )
        if not own:
            raise NotPermittedError(
                f"{actor.id} may not object for {dimension} {member}: the staff member listed,"
                " or the head of the unit the line belongs to, objects",
                code="objection-by-the-listed",
                params={"dimension": dimension, "member": member},
            )
        if any(
            o.dimension == dimension and o.member == member and o.edition == self.edition
            for o in self.objections
        ):
            raise StepRefusedError(
                "object",
                "objected",
                f"an objection to {dimension} {member} in edition {self.edition} was already"
                " filed; one objection per line and edition",
                code="objection-filed-once",
                params={"dimension": dimension, "member": member},
            )
        number = len(self.objections) + 1
        self._record(
            self.ObjectionFiled,
            actor=actor,
            at=at,
            number=number,
            dimension=dimension,
            member=member,
            edition=self.edition,
            grounds=require_text("the grounds of the objection", grounds),
        )
        return number

    def decide(
        self,
        number: int,
        upheld: bool,
        reason: str,
        *,
        corrected: Snapshot | None,
        actor: Actor,
        at: datetime,
        policy: Policy,
        calendar: WorkingCalendar,
    ) -> None:
        """A supervisor decides an objection; an upheld one publishes a corrected edition from
        ``corrected`` (the figures as the record now stands)."""
        require_role(actor, (Role.SUPERVISOR,), "decide an objection")
        objection = self.objection(number)
        if objection.upheld is not None:
            raise StepRefusedError(
                "decide",
                "decided",
                f"objection {number} to the {self.what.value} of {self.period} was decided",
                code="objection-decided-once",
                params={"number": number},
            )
        if objection.by == actor.id:
            raise NotPermittedError(
                f"{actor.id} filed objection {number} and may not decide it",
                code="objection-decided-by-another",
                params={"number": number},
            )
        self._record(
            self.ObjectionDecided,
            actor=actor,
            at=at,
            number=number,
            upheld=upheld,
            reason=require_text("the reason for the decision", reason),
        )
        if not upheld:
            return
        if corrected is None:
            raise InvalidInputError(
                "an upheld objection publishes a corrected edition",
                code="upheld-objection-needs-edition",
            )
        content = _content(self.what, corrected, policy, calendar, at, struck=self.struck)
        self._record(
            self.Corrected,
            actor=actor,
            at=at,
            edition=self.edition + 1,
            objection=number,
            **content,
        )

    # Reading.

    @property
    def latest(self) -> dict[str, Any]:
        return self.editions[-1]

    @property
    def edition(self) -> int:
        return int(self.latest["edition"])

    @property
    def struck(self) -> dict[tuple[str, str], int]:
        """Lines taken off a list by an upheld objection: they stay off in later editions."""
        return {
            (o.dimension, o.member): o.number
            for o in self.objections
            if o.upheld and self.what is Kind.LISTS
        }

    def line(self, dimension: str, member: str) -> dict[str, Any] | None:
        return next(
            (e for e in self.latest["entries"].get(dimension, []) if e["member"] == member), None
        )

    def objection(self, number: int) -> Objection:
        if not 1 <= number <= len(self.objections):
            raise InvalidInputError(
                f"the {self.what.value} of {self.period} have {len(self.objections)}"
                f" objection(s); there is no objection {number}",
                code="no-such-objection",
                params={"number": number},
            )
        return self.objections[number - 1]

    @property
    def pending(self) -> list[int]:
        return [o.number for o in self.objections if o.upheld is None]

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "what": self.what.value,
            "period": self.period,
            "edition": self.edition,
            "editions": self.editions,
            "objections": [
                {
                    "number": o.number,
                    "dimension": o.dimension,
                    "member": o.member,
                    "by": o.by,
                    "edition": o.edition,
                    "grounds": o.grounds,
                    "filed_at": o.filed_at.isoformat(),
                    "status": "pending"
                    if o.upheld is None
                    else ("upheld" if o.upheld else "rejected"),
                    "reason": o.reason,
                    "decided_at": o.decided_at.isoformat() if o.decided_at else None,
                }
                for o in self.objections
            ],
        }


def kind_of(value: Kind | str) -> Kind:
    return choice(Kind, value, "publication")


def _content(
    what: Kind,
    snapshot: Snapshot,
    policy: Policy,
    calendar: WorkingCalendar,
    at: datetime,
    *,
    struck: Mapping[tuple[str, str], int],
) -> dict[str, Any]:
    """What an edition holds: every line, the rules and stamp it was made under, and until
    when it may be objected to."""
    entries = lines(what, snapshot, policy)
    for dimension, placed in entries.items():
        for line in placed:
            number = struck.get((dimension, line["member"]))
            if number is not None and line["side"] is not None:
                line["side"], line["struck_by_objection"] = None, number
    lists = policy.lists
    rules: dict[str, Any] = {"min_sample": lists.min_sample}
    if what is Kind.RANKING:
        rules["weights"] = dict(policy.assessment_weights)
        if any(
            "quarterly_evaluation" in m.figures for ms in snapshot.measured.values() for m in ms
        ):  # the figures weighed the quarterly evaluation too (docs/metrics.md)
            rules["weights"]["quarterly_evaluation"] = policy.quarterly_evaluation.ranking_weight
    else:
        for dimension in DIMENSIONS:
            floors = _floors(policy, dimension)
            rules[dimension] = {
                "red_size": floors.red_size,
                "black_size": floors.black_size,
                "red_floor": floors.red_floor,
                "black_ceiling": floors.black_ceiling,
            }
    due = working_day_deadline(
        at,
        lists.objection_working_days,
        calendar,
        tz=policy.tz,
        policy_version=policy.version,
    )
    return {
        "entries": entries,
        "stamp": snapshot.stamp(),
        "rules": rules,
        "policy_version": policy.version,
        "objection_due": due.to_data(),
    }


def lines(what: Kind, snapshot: Snapshot, policy: Policy) -> dict[str, list[dict[str, Any]]]:
    """Every line the rules give the measured members: a ranking ranks every unit (unranked
    below the minimum sample); lists place every eligible member, red, black or neither."""
    wanted = DIMENSIONS if what is Kind.LISTS else ("unit",)
    if sorted(snapshot.measured) != sorted(wanted):
        raise InvalidInputError(
            f"{what.value} are published for {', '.join(wanted)}, not"
            f" {', '.join(sorted(snapshot.measured)) or 'nothing'}",
            code="dimension-not-measured",
            params={
                "what": what.value,
                "wanted": list(wanted),
                "measured": sorted(snapshot.measured),
            },
        )
    min_sample = policy.lists.min_sample
    entries: dict[str, list[dict[str, Any]]] = {}
    for dimension in wanted:
        members = list(snapshot.measured[dimension])
        if what is Kind.RANKING:
            entries[dimension] = [entry(rank, m) for rank, m in ranked(members, min_sample)]
            continue
        on = sides(members, _floors(policy, dimension))
        entries[dimension] = [
            {**entry(rank, m, on.get(m.member)), "struck_by_objection": None}
            for rank, m in ranked(members, min_sample)
            if rank is not None
        ]
    return entries


def _floors(policy: Policy, dimension: str) -> Floors:
    lists = policy.lists
    if dimension == "unit":
        return Floors(
            lists.red_size,
            lists.black_size,
            lists.min_sample,
            lists.red_min_composite,
            lists.black_max_composite,
        )
    return Floors(
        lists.red_size,
        lists.black_size,
        lists.min_sample,
        lists.red_min_good_review_rate,
        lists.black_max_good_review_rate,
    )


def _edition(number: int, objection: int | None, **content: Any) -> dict[str, Any]:
    """One edition as the aggregate keeps it: its number, the objection it corrects, and what
    the event froze (entries, stamp, rules, policy version, objection deadline)."""
    return {"edition": number, "corrects_objection": objection, **content}


def _publication(aggregate: Aggregate) -> Publication:
    assert isinstance(aggregate, Publication)
    return aggregate


__all__ = ["DIMENSIONS", "Kind", "Measured", "Objection", "Publication", "Side", "Snapshot"]
