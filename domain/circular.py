"""Named circulars (实名通报): a supervisor names staff or units, and says why, in public.

A circular is published from a source (a red/black list, an overdue board, an assessment
period). One that names people from a list or a ranking cites the published edition, and names
only members on it: a circular never outruns what was published and open to objection. It is
never edited: a circular published in error is withdrawn by a later event with a reason, and
both stay in the record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Self
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actors import Actor, Role
from domain.base import Tracked
from domain.errors import InvalidInputError
from domain.refusals import ConcludedError, StepRefusedError, iso, require_role, require_text


class SubjectKind(StrEnum):
    STAFF = "staff"
    UNIT = "unit"
    WINDOW = "window"


class SourceKind(StrEnum):
    LIST = "list"
    BOARD = "board"
    PERIOD = "period"
    CLEARING = "clearing"
    """澄清正名: an accountability matter found an accusation false, and the cleared asked for
    it to be made public."""


@dataclass(frozen=True)
class Citation:
    """The published edition a circular names people from, and who is on it (by the kind and
    name a circular uses: staff login, unit or window code) with their line."""

    publication_id: UUID
    what: str
    period: str
    edition: int
    lines: Mapping[tuple[str, str], str]
    """(kind, who) -> where they stand: ``red``/``black`` on a list, or their rank."""

    def data(self) -> dict[str, Any]:
        return {
            "publication_id": str(self.publication_id),
            "what": self.what,
            "period": self.period,
            "edition": self.edition,
        }


CITED = {SourceKind.LIST: "lists", SourceKind.PERIOD: "ranking"}


class Circular(Tracked):
    """One published circular naming who and why."""

    kind: ClassVar[str] = "circular"

    class Published(Tracked.Created):
        title: str
        source_kind: str
        source_ref: str
        subjects: list[dict[str, str]]
        cites: dict[str, Any] | None = None
        """The published lists or ranking edition the subjects are named from."""

    class Withdrawn(Tracked.Event):
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Circular)
            aggregate.withdrawn_at, aggregate.withdrawal_reason = self.timestamp, self.reason

    def __init__(
        self,
        *,
        title: str,
        source_kind: str,
        source_ref: str,
        subjects: list[dict[str, str]],
        cites: dict[str, Any] | None = None,
    ) -> None:
        self.title, self.source_kind, self.source_ref = title, SourceKind(source_kind), source_ref
        self.subjects = [dict(s) for s in subjects]
        self.cites = cites
        self.withdrawn_at: datetime | None = None
        self.withdrawal_reason: str | None = None

    @classmethod
    def publish(
        cls,
        circular_id: UUID,
        *,
        title: str,
        source_kind: SourceKind,
        source_ref: str,
        subjects: list[tuple[SubjectKind, str, str]],
        actor: Actor,
        at: datetime,
        citation: Citation | None = None,
    ) -> Self:
        """``subjects`` are (kind, who: a login or a unit/window code, why). A circular from a
        list or a period cites the published edition (``citation``) its subjects are on."""
        require_role(actor, (Role.SUPERVISOR,), "publish a named circular")
        if source_kind is SourceKind.CLEARING:
            raise StepRefusedError(
                "publish a named circular",
                "clearing",
                "a clearing (澄清正名) is published from its accountability matter, at the cleared"
                " person's request, by the inspector",
                code="clearing-published-from-matter",
            )
        if not subjects:
            raise InvalidInputError(
                "a named circular names at least one staff member or unit",
                code="circular-names-someone",
            )
        named = [
            {
                "kind": kind.value,
                "who": require_text("who is named", who),
                "why": require_text(f"why {who} is named", why),
            }
            for kind, who, why in subjects
        ]
        if source_kind in CITED:
            _require_published(source_kind, citation, named)
            assert citation is not None
            for subject in named:
                subject["listed"] = citation.lines[(subject["kind"], subject["who"])]
        return cls._create_by(
            cls.Published,
            id=circular_id,
            actor=actor,
            at=at,
            title=require_text("the title", title),
            source_kind=source_kind.value,
            source_ref=require_text("the source (which list, board or period)", source_ref),
            subjects=named,
            cites=citation.data() if citation and source_kind in CITED else None,
        )

    @classmethod
    def publish_clearing(
        cls,
        circular_id: UUID,
        *,
        title: str,
        matter_id: UUID,
        subject: tuple[SubjectKind, str],
        statement: str,
        actor: Actor,
        at: datetime,
    ) -> Self:
        """An inspector publishes the clearing (澄清正名) of ``subject`` (kind, login or code) by
        accountability matter ``matter_id``, at the cleared person's request; the matter records
        the request and this circular in the same commit."""
        require_role(actor, (Role.INSPECTOR,), "publish a clearing")
        kind, who = subject
        return cls._create_by(
            cls.Published,
            id=circular_id,
            actor=actor,
            at=at,
            title=require_text("the title", title),
            source_kind=SourceKind.CLEARING.value,
            source_ref=str(matter_id),
            subjects=[
                {
                    "kind": kind.value,
                    "who": require_text("who is cleared", who),
                    "why": require_text("the clearing statement", statement),
                }
            ],
            cites={"matter_id": str(matter_id)},
        )

    def withdraw(self, reason: str, *, actor: Actor, at: datetime) -> None:
        require_role(actor, (Role.SUPERVISOR,), "withdraw a named circular")
        if self.withdrawn_at is not None:
            raise ConcludedError("circular", self.id, "withdrawn", "withdraw")
        self._record(
            self.Withdrawn,
            actor=actor,
            at=at,
            reason=require_text("the reason for the withdrawal", reason),
        )

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "title": self.title,
            "source_kind": self.source_kind.value,
            "source_ref": self.source_ref,
            "subjects": self.subjects,
            "cites": self.cites,
            "withdrawn_at": iso(self.withdrawn_at),
            "withdrawal_reason": self.withdrawal_reason,
        }


def _require_published(
    source_kind: SourceKind, citation: Citation | None, named: list[dict[str, str]]
) -> None:
    """Every subject of a circular from a list or a ranking is on its published edition."""
    what = CITED[source_kind]
    if citation is None or citation.what != what:
        raise StepRefusedError(
            "publish a named circular",
            "not published",
            f"a circular from a {source_kind.value} cites the published {what} it names people"
            " from; publish them first",
            code="circular-cites-publication",
            params={"what": what},
        )
    missing = [s["who"] for s in named if (s["kind"], s["who"]) not in citation.lines]
    if missing:
        raise StepRefusedError(
            "publish a named circular",
            "not listed",
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not on the {what} of"
            f" {citation.period} (edition {citation.edition}); a circular names only members"
            " of the edition it cites",
            code="circular-names-published-entries",
            params={"missing": missing, "period": citation.period, "edition": citation.edition},
        )
