"""A leader's visit or on-site office day (走访, 现场办公), and the problems it found.

Each problem found has a number within the visit; a problem can open a case, which names the
visit as its source, and the visit records which case its finding opened, so "problems found
and solved per visit" can be followed both ways.

Visits count towards leaders' monthly quotas, so they cannot be backdated freely: a visit is
recorded within the policy's working days of the day it took place. One entered later is kept
(what was found still matters, and nothing a leader reports is lost) but marked late, with the
last day it could have been recorded, and meets no quota. Every visit keeps both times: when it
happened (``started_at``) and when it was recorded (the event's time). The enterprise visited
confirms the visit, or disputes it; a disputed visit meets no quota either.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar, Self
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actors import Actor, Role
from domain.base import Tracked, require_aware
from domain.clock import WorkingCalendar, add_working_days, working_days_between
from domain.directory import Enterprise
from domain.errors import AlreadyExistsError, InvalidInputError, NotFoundError, NotPermittedError
from domain.policy import Policy
from domain.refusals import StepRefusedError, require_role, require_text, uid

MAX_DURATION = {"hours": 24.0, "days": 31.0}


class VisitKind(StrEnum):
    VISIT = "visit"
    OFFICE_DAY = "office_day"
    FRONT_LINE_WEEK = "front_line_week"


class Visit(Tracked):
    """Who visited, where, when, for how long, and what they found."""

    kind: ClassVar[str] = "visit"

    class Recorded(Tracked.Created):
        leader_id: UUID
        leader_code: str
        visit_kind: str
        enterprise_id: UUID | None
        place: str
        started_at: datetime
        duration: float
        duration_unit: str
        findings: list[dict[str, Any]]
        late: bool | None = None
        """Recorded after ``record_by``; None on visits recorded before the rule."""
        record_by: str | None = None
        policy_version: str | None = None
        ended_on: str | None = None
        """A front-line week's last day (ISO date): its duration is the working days from
        the start's day to this day, both counted; None on visits measured in hours or days."""

    class ConfirmedByEnterprise(Tracked.Event):
        note: str

        def apply(self, aggregate: Aggregate) -> None:
            _visit(aggregate).answer = {"confirmed": True, "at": self.timestamp}

    class DisputedByEnterprise(Tracked.Event):
        note: str

        def apply(self, aggregate: Aggregate) -> None:
            _visit(aggregate).answer = {"confirmed": False, "at": self.timestamp}

    class FindingAdded(Tracked.Event):
        finding_id: int
        description: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Visit)
            aggregate.findings[self.finding_id] = _finding(self.finding_id, self.description)

    class FindingCaseOpened(Tracked.Event):
        finding_id: int
        case_id: UUID
        confidential: bool = False
        """The case opened is confidential (a 举报): the tie to it is withheld from reads."""

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Visit)
            aggregate.findings[self.finding_id]["case_id"] = str(self.case_id)

    class FindingResolvedOnSite(Tracked.Event):
        finding_id: int
        note: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Visit)
            aggregate.findings[self.finding_id]["resolved_on_site"] = self.note

    def __init__(
        self,
        *,
        leader_id: UUID,
        leader_code: str,
        visit_kind: str,
        enterprise_id: UUID | None,
        place: str,
        started_at: datetime,
        duration: float,
        duration_unit: str,
        findings: list[dict[str, Any]],
        late: bool | None = None,
        record_by: str | None = None,
        ended_on: str | None = None,
    ) -> None:
        self.late, self.record_by = late, record_by
        self.ended_on = date.fromisoformat(ended_on) if ended_on else None
        self.answer: dict[str, Any] | None = None
        self.leader_id, self.leader_code = leader_id, leader_code
        self.visit_kind, self.enterprise_id = VisitKind(visit_kind), enterprise_id
        self.place, self.started_at = place, started_at
        self.duration, self.duration_unit = duration, duration_unit
        self.findings: dict[int, dict[str, Any]] = {
            int(f["id"]): _finding(int(f["id"]), str(f["description"])) for f in findings
        }

    @classmethod
    def record(
        cls,
        visit_id: UUID,
        *,
        leader_id: UUID,
        visit_kind: VisitKind,
        enterprise_id: UUID | None,
        place: str,
        started_at: datetime,
        duration: float,
        duration_unit: str,
        findings: list[str],
        actor: Actor,
        at: datetime,
        policy: Policy,
        calendar: WorkingCalendar,
        ended_on: date | None = None,
    ) -> Self:
        """A leader records their own visit, once it has started; later than the policy's
        working days after its day, it is recorded as late. A front-line week may be given as
        a date range (``ended_on``, its last day): it lasts the range's working days by the
        calendar, and is recorded once it is over, within the working days after its end."""
        require_role(actor, (Role.LEADER,), "record a visit")
        require_aware(started_at)
        last_day = started_at.astimezone(policy.tz).date()
        if ended_on is not None:
            duration, duration_unit = front_line_working_days(
                visit_kind, last_day, ended_on, at.astimezone(policy.tz).date(), calendar
            ), "days"
            last_day = ended_on
        if started_at > at:
            raise InvalidInputError(
                f"the visit starts at {started_at.isoformat()}, after now; record it once it"
                " has taken place",
                code="visit-in-future", params={"started_at": started_at.isoformat()},
            )
        if duration_unit not in MAX_DURATION:
            raise InvalidInputError(
                f"a duration is in hours or days, not {duration_unit!r}",
                code="duration-unit", params={"unit_of_time": duration_unit},
            )
        if not 0 < duration <= MAX_DURATION[duration_unit]:
            raise InvalidInputError(
                f"a visit lasts more than 0 and at most {MAX_DURATION[duration_unit]:g}"
                f" {duration_unit}, not {duration:g}",
                code="visit-duration-range",
                params={
                    "most": f"{MAX_DURATION[duration_unit]:g}",
                    "unit_of_time": duration_unit,
                    "duration": f"{duration:g}",
                },
            )
        described = [d.strip() for d in findings if d.strip()]
        days = policy.visits.record_within_working_days
        record_by = add_working_days(calendar, last_day, days)
        return cls._create_by(
            cls.Recorded,
            id=visit_id,
            actor=actor,
            at=at,
            leader_id=leader_id,
            leader_code=actor.id,
            visit_kind=visit_kind.value,
            enterprise_id=enterprise_id,
            place=require_text("the place of the visit", place),
            started_at=started_at,
            duration=float(duration),
            duration_unit=duration_unit,
            findings=[{"id": n, "description": d} for n, d in enumerate(described, start=1)],
            late=at.astimezone(policy.tz).date() > record_by,
            record_by=record_by.isoformat(),
            policy_version=policy.version,
            ended_on=ended_on.isoformat() if ended_on is not None else None,
        )

    def answer_for_enterprise(
        self, confirmed: bool, note: str, *, actor: Actor, at: datetime
    ) -> None:
        """The enterprise visited confirms the visit took place, or disputes it (with why)."""
        if self.enterprise_id is None:
            raise StepRefusedError(
                "confirm the visit",
                "no enterprise",
                f"visit {self.id} was not to an enterprise; there is nobody to confirm it",
                code="visit-names-no-enterprise",
            )
        if actor.role is not Role.ENTERPRISE or Enterprise.id_for(actor.id) != self.enterprise_id:
            raise NotPermittedError(
                f"only the enterprise visited may confirm or dispute visit {self.id}",
                code="visit-confirmed-by-the-enterprise-visited",
            )
        if self.answer is not None:
            said = "confirmed" if self.answer["confirmed"] else "disputed"
            raise StepRefusedError(
                "confirm the visit",
                said,
                f"visit {self.id} was {said} on {self.answer['at']:%Y-%m-%d}; an enterprise"
                " answers once",
                code="visit-answered-once",
            )
        if confirmed:
            self._record(self.ConfirmedByEnterprise, actor=actor, at=at, note=note.strip())
        else:
            why = require_text("what the enterprise disputes", note)
            self._record(self.DisputedByEnterprise, actor=actor, at=at, note=why)

    def add_finding(self, description: str, *, actor: Actor, at: datetime) -> int:
        self._require_visitor(actor, "add a finding")
        finding_id = max(self.findings, default=0) + 1
        self._record(
            self.FindingAdded,
            actor=actor,
            at=at,
            finding_id=finding_id,
            description=require_text("the finding", description),
        )
        return finding_id

    def note_case_opened(
        self,
        finding_id: int,
        case_id: UUID,
        *,
        actor: Actor,
        at: datetime,
        confidential: bool = False,
    ) -> None:
        """Record that the finding opened ``case_id`` (saved together with the case)."""
        self._require_visitor(actor, "open a case from a finding")
        self._require_unhandled(finding_id)
        self._record(
            self.FindingCaseOpened,
            actor=actor,
            at=at,
            finding_id=finding_id,
            case_id=case_id,
            confidential=confidential,
        )

    def resolve_on_site(self, finding_id: int, note: str, *, actor: Actor, at: datetime) -> None:
        """A problem settled during the visit itself, with no case needed."""
        self._require_visitor(actor, "resolve a finding on site")
        self._require_unhandled(finding_id)
        self._record(
            self.FindingResolvedOnSite,
            actor=actor,
            at=at,
            finding_id=finding_id,
            note=require_text("how it was resolved", note),
        )

    def finding(self, finding_id: int) -> dict[str, Any]:
        try:
            return self.findings[finding_id]
        except KeyError:
            numbers = ", ".join(str(n) for n in sorted(self.findings)) or "none"
            raise NotFoundError(
                f"visit {self.id} has no finding {finding_id} (its findings: {numbers})",
                code="finding-not-found", params={"finding": finding_id, "findings": numbers},
            ) from None

    def _require_unhandled(self, finding_id: int) -> None:
        finding = self.finding(finding_id)
        if finding["case_id"] is not None:
            raise AlreadyExistsError(
                f"finding {finding_id} of visit {self.id} already opened case {finding['case_id']}",
                code="finding-already-opened-case",
            )
        if finding["resolved_on_site"] is not None:
            raise AlreadyExistsError(
                f"finding {finding_id} of visit {self.id} is already handled: resolved on site",
                code="finding-already-resolved",
            )

    def _require_visitor(self, actor: Actor, doing: str) -> None:
        if actor.role is not Role.LEADER or actor.id != self.leader_code:
            raise NotPermittedError(
                f"only the leader who made visit {self.id} ({self.leader_code}) may {doing}",
                code="visit-by-its-leader", params={"doing": doing},
            )

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "leader_id": str(self.leader_id),
            "leader_code": self.leader_code,
            "visit_kind": self.visit_kind.value,
            "enterprise_id": uid(self.enterprise_id),
            "place": self.place,
            "started_at": self.started_at.isoformat(),
            "duration": self.duration,
            "duration_unit": self.duration_unit,
            "recorded_at": self.created_on.isoformat(),
            "late": self.late,
            "record_by": self.record_by,
            "ended_on": self.ended_on.isoformat() if self.ended_on else None,
            "enterprise_answer": None
            if self.answer is None
            else {"confirmed": self.answer["confirmed"], "at": self.answer["at"].isoformat()},
            "findings": [dict(self.findings[n]) for n in sorted(self.findings)],
        }


def front_line_working_days(
    kind: VisitKind, first: date, last: date, today: date, calendar: WorkingCalendar
) -> int:
    """The working days of a front-line week given as the range ``first``..``last`` (both
    counted), by the work calendar: rest days and holidays inside it count for nothing."""
    if kind is not VisitKind.FRONT_LINE_WEEK:
        raise InvalidInputError(
            f"only a front-line week is recorded as a date range, not a {kind.value}",
            code="date-range-for-front-line-weeks",
        )
    if not first <= last <= today:
        raise InvalidInputError(
            f"a front-line week runs from {first.isoformat()} to a last day on or after it and"
            f" not after today ({today.isoformat()}), not to {last.isoformat()}",
            code="front-line-range",
            params={"first": first.isoformat(), "last": last.isoformat()},
        )
    if (last - first).days >= MAX_DURATION["days"]:
        raise InvalidInputError(
            f"a front-line week spans at most {MAX_DURATION['days']:g} days; record a longer"
            " time on the front line as several",
            code="front-line-range-too-long",
            params={"most": f"{MAX_DURATION['days']:g}"},
        )
    working = working_days_between(calendar, first - timedelta(days=1), last)
    if working == 0:
        raise InvalidInputError(
            f"{first.isoformat()} to {last.isoformat()} holds no working day",
            code="front-line-no-working-day",
            params={"first": first.isoformat(), "last": last.isoformat()},
        )
    return working


def _visit(aggregate: Aggregate) -> Visit:
    assert isinstance(aggregate, Visit)
    return aggregate


def _finding(finding_id: int, description: str) -> dict[str, Any]:
    return {"id": finding_id, "description": description, "case_id": None, "resolved_on_site": None}
