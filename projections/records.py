"""Each person's and unit's record (档案): the commendations and sanctions decided on them from
the published lists and rankings, the outcomes and clearings of accountability matters about
them, and the circulars naming them, newest first.

Entry kinds: commendation, criticism_education, ordered_rectification, organisational_handling
(decisions); accountability (a matter's outcome), cleared (its clearing); circular. Keyed by the
directory id of the staff member, window or unit (a circular names people by login
or code; their ids follow from those), indexed by subject and time. It is about particular
people, so it is private: fed from the log, never served on the public views API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

from domain.accountability import AccountabilityMatter
from domain.circular import Circular
from domain.directory import Staff, Unit, Window
from domain.merit import MeritDecision
from projections.base import Projection, Row, Table, ViewTx, handles
from projections.store import PageQuery

if TYPE_CHECKING:
    from domain.application import Casetrail

_ID_FOR = {"staff": Staff.id_for, "unit": Unit.id_for, "window": Window.id_for}
RECORDED_MATTERS = ("staff", "unit")


class RecordProjection(Projection):
    name = "records"
    version = "1"
    private = True
    tables = (
        Table.of(
            "record_entries",
            key="id",
            indexes=(("subject_id", "recorded_at"), ("source_id",)),
            id="text",
            subject_kind="text",
            subject_id="text",
            entry_kind="text",
            source_id="text",
            detail="json",
            recorded_at="timestamp",
            recorded_by="text",
            withdrawn_at="timestamp",
        ),
        Table.of(
            "record_matters",
            key="id",
            id="text",
            subject_kind="text",
            subject_id="text",
        ),
    )

    @handles(MeritDecision.Decided)
    def _decided(self, event: MeritDecision.Decided, view: ViewTx) -> None:
        self._add(
            view,
            str(event.originator_id),
            event,
            event.subject_kind,
            str(event.subject_id),
            event.decision,
            {"reason": event.reason, "cites": event.cites},
        )

    @handles(MeritDecision.Withdrawn)
    def _withdrawn(self, event: MeritDecision.Withdrawn, view: ViewTx) -> None:
        for row in view.select("record_entries", source_id=str(event.originator_id)):
            view.upsert("record_entries", {"id": row["id"], "withdrawn_at": event.timestamp})

    @handles(AccountabilityMatter.Opened)
    def _matter(self, event: AccountabilityMatter.Opened, view: ViewTx) -> None:
        if event.subject_kind in RECORDED_MATTERS:
            view.upsert(
                "record_matters",
                {
                    "id": str(event.originator_id),
                    "subject_kind": event.subject_kind,
                    "subject_id": str(event.subject_id),
                },
            )

    @handles(AccountabilityMatter.OutcomeDecided)
    def _outcome(self, event: AccountabilityMatter.OutcomeDecided, view: ViewTx) -> None:
        matter = view.get("record_matters", str(event.originator_id))
        if matter is not None:
            self._add(
                view,
                f"{event.originator_id}:outcome",
                event,
                matter["subject_kind"],
                matter["subject_id"],
                "accountability",
                {"outcome": event.outcome},
            )

    @handles(AccountabilityMatter.Cleared)
    def _cleared(self, event: AccountabilityMatter.Cleared, view: ViewTx) -> None:
        matter = view.get("record_matters", str(event.originator_id))
        if matter is not None:
            self._add(
                view,
                f"{event.originator_id}:cleared",
                event,
                matter["subject_kind"],
                matter["subject_id"],
                "cleared",
                {"statement": event.statement},
            )

    @handles(Circular.Published)
    def _circular(self, event: Circular.Published, view: ViewTx) -> None:
        for number, subject in enumerate(event.subjects, 1):
            id_for = _ID_FOR.get(subject["kind"])
            if id_for is None:
                continue
            self._add(
                view,
                f"{event.originator_id}:{number}",
                event,
                subject["kind"],
                str(id_for(subject["who"])),
                "circular",
                {
                    "title": event.title,
                    "source_kind": event.source_kind,
                    "why": subject["why"],
                    "listed": subject.get("listed"),
                },
            )

    @handles(Circular.Withdrawn)
    def _circular_withdrawn(self, event: Circular.Withdrawn, view: ViewTx) -> None:
        for row in view.select("record_entries", source_id=str(event.originator_id)):
            view.upsert("record_entries", {"id": row["id"], "withdrawn_at": event.timestamp})

    @staticmethod
    def _add(  # noqa: PLR0917
        view: ViewTx,
        entry_id: str,
        event: Any,
        subject_kind: str,
        subject_id: str,
        entry: str,
        detail: dict[str, Any],
    ) -> None:
        view.upsert(
            "record_entries",
            {
                "id": entry_id,
                "subject_kind": subject_kind,
                "subject_id": subject_id,
                "entry_kind": entry,
                "source_id": str(event.originator_id),
                "detail": detail,
                "recorded_at": event.timestamp,
                "recorded_by": event.actor_id,
            },
        )


class RecordReader(Protocol):
    def page(self, name: str, table: str, query: PageQuery) -> list[Row]: ...


def subject_id(app: Casetrail, subject_kind: str, who: str) -> UUID:
    """The directory id of a staff member (login), window or unit (code, or the id itself); an
    unknown one is not found."""
    try:
        wanted = UUID(who)
    except ValueError:
        wanted = _ID_FOR[subject_kind](who)
    if subject_kind == "staff":
        return app.load(Staff, wanted).id
    if subject_kind == "window":
        return app.load(Window, wanted).id
    return app.load(Unit, wanted).id


def record_page(read: RecordReader, subject: UUID, limit: int) -> list[dict[str, Any]]:
    """A subject's record entries, newest first (one indexed query)."""
    rows = read.page(
        "records",
        "record_entries",
        PageQuery("recorded_at", True, limit, equals={"subject_id": str(subject)}),
    )
    return [
        {
            "id": row["id"],
            "entry_kind": row["entry_kind"],
            "source_id": row["source_id"],
            "detail": row["detail"] or {},
            "recorded_at": _iso(row["recorded_at"]),
            "recorded_by": row["recorded_by"],
            "withdrawn_at": _iso(row.get("withdrawn_at")),
        }
        for row in rows
    ]


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat() if hasattr(value, "isoformat") else value
