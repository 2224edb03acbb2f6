"""Supervision orders, named circulars, accountability matters, published lists and rankings,
and formal-talk decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.accountability import AccountabilityMatter
from domain.assessment import AssessmentTrigger
from domain.circular import Circular
from domain.publication import Publication
from domain.supervision import Supervision
from projections.base import Projection, Table, ViewTx, handles


class OversightProjection(Projection):
    name = "oversight"
    version = "2"
    tables = (
        Table.of(
            "supervision_orders",
            key="id",
            # The 督办 lists: a unit's (or every) order by due date, and the orders on a case.
            indexes=(("unit_id", "due_at"), ("due_at",), ("target_id",)),
            id="text",
            target_kind="text",
            target_id="text",
            unit_id="text",
            instruction="text",
            issued_at="timestamp",
            due_at="timestamp",
            responded_at="timestamp",
            responded_late="boolean",
            closed_at="timestamp",
        ),
        Table.of(
            "circulars",
            key="id",
            indexes=(("published_at",),),
            id="text",
            title="text",
            source_kind="text",
            source_ref="text",
            subjects="json",
            cites="json",
            published_at="timestamp",
            withdrawn_at="timestamp",
        ),
        Table.of(
            "publications",
            key="id",
            indexes=(("published_at",),),
            id="text",
            what="text",
            period="text",
            edition="integer",
            published_at="timestamp",
            definitions="text",
            figures_position="integer",
            policy_version="text",
            objection_due_at="timestamp",
            objections="integer",
            pending_objections="integer",
        ),
        Table.of(
            "accountability_matters",
            key="id",
            indexes=(("subject_id", "opened_at"), ("opened_at",)),
            id="text",
            subject_kind="text",
            subject_id="text",
            opened_at="timestamp",
            opened_by="text",
            classification="json",
            outcome="text",
            decided_at="timestamp",
            cleared_at="timestamp",
        ),
        Table.of(
            "assessment_triggers",
            key="id",
            id="text",
            unit_id="text",
            period_kind="text",
            bottom_periods="json",
            formal_talks="integer",
            last_formal_talk_at="timestamp",
        ),
    )

    @handles(Supervision.Issued)
    def _issued(self, event: Supervision.Issued, view: ViewTx) -> None:
        view.upsert(
            "supervision_orders",
            {
                "id": event.originator_id,
                "target_kind": event.target_kind,
                "target_id": event.target_id,
                "unit_id": event.unit_id,
                "instruction": event.instruction,
                "issued_at": event.timestamp,
                "due_at": datetime.fromisoformat(event.deadline["due_at"]),
            },
        )

    @handles(Supervision.Responded)
    def _responded(self, event: Supervision.Responded, view: ViewTx) -> None:
        view.upsert(
            "supervision_orders",
            {
                "id": event.originator_id,
                "responded_at": event.timestamp,
                "responded_late": event.late,
            },
        )

    @handles(Supervision.Closed)
    def _closed(self, event: Supervision.Closed, view: ViewTx) -> None:
        view.upsert("supervision_orders", {"id": event.originator_id, "closed_at": event.timestamp})

    @handles(Circular.Published)
    def _published(self, event: Circular.Published, view: ViewTx) -> None:
        view.upsert(
            "circulars",
            {
                "id": event.originator_id,
                "title": event.title,
                "source_kind": event.source_kind,
                "source_ref": event.source_ref,
                "subjects": event.subjects,
                "cites": event.cites,
                "published_at": event.timestamp,
            },
        )

    @handles(Circular.Withdrawn)
    def _withdrawn(self, event: Circular.Withdrawn, view: ViewTx) -> None:
        view.upsert("circulars", {"id": event.originator_id, "withdrawn_at": event.timestamp})

    @handles(AccountabilityMatter.Opened)
    def _matter_opened(self, event: AccountabilityMatter.Opened, view: ViewTx) -> None:
        view.upsert(
            "accountability_matters",
            {
                "id": event.originator_id,
                "subject_kind": event.subject_kind,
                "subject_id": event.subject_id,
                "opened_at": event.timestamp,
                "opened_by": event.actor_id,
            },
        )

    @handles(AccountabilityMatter.Classified)
    def _classified(self, event: AccountabilityMatter.Classified, view: ViewTx) -> None:
        view.upsert(
            "accountability_matters",
            {"id": event.originator_id, "classification": event.classification},
        )

    @handles(AccountabilityMatter.OutcomeDecided)
    def _decided(self, event: AccountabilityMatter.OutcomeDecided, view: ViewTx) -> None:
        view.upsert(
            "accountability_matters",
            {"id": event.originator_id, "outcome": event.outcome, "decided_at": event.timestamp},
        )

    @handles(AccountabilityMatter.Cleared)
    def _cleared(self, event: AccountabilityMatter.Cleared, view: ViewTx) -> None:
        view.upsert(
            "accountability_matters", {"id": event.originator_id, "cleared_at": event.timestamp}
        )

    @handles(AssessmentTrigger.Started)
    def _trigger_started(self, event: AssessmentTrigger.Started, view: ViewTx) -> None:
        view.upsert(
            "assessment_triggers",
            {
                "id": event.originator_id,
                "unit_id": event.unit_id,
                "period_kind": event.period_kind,
                "bottom_periods": [],
                "formal_talks": 0,
            },
        )

    @handles(AssessmentTrigger.RankingRecorded)
    def _ranking(self, event: AssessmentTrigger.RankingRecorded, view: ViewTx) -> None:
        if event.publication_id is None:
            return  # entered by hand before results were read from publications: not counted
        row = view.get("assessment_triggers", event.originator_id) or {}
        periods = {*row.get("bottom_periods", [])}
        if event.bottom:
            periods.add(event.period)
        else:  # a corrected edition may take a period off the bottom
            periods.discard(event.period)
        view.upsert(
            "assessment_triggers", {"id": event.originator_id, "bottom_periods": sorted(periods)}
        )

    @handles(AssessmentTrigger.FormalTalkTriggered)
    def _formal_talk(self, event: AssessmentTrigger.FormalTalkTriggered, view: ViewTx) -> None:
        view.increment("assessment_triggers", event.originator_id, "formal_talks")
        view.upsert(
            "assessment_triggers",
            {"id": event.originator_id, "last_formal_talk_at": event.timestamp},
        )

    @handles(AssessmentTrigger.FormalTalkWithdrawn)
    def _talk_withdrawn(self, event: AssessmentTrigger.FormalTalkWithdrawn, view: ViewTx) -> None:
        view.increment("assessment_triggers", event.originator_id, "formal_talks", -1)

    @handles(Publication.Published)
    def _list_published(self, event: Publication.Published, view: ViewTx) -> None:
        view.upsert(
            "publications",
            {
                "id": event.originator_id,
                "what": event.what,
                "period": event.period,
                "objections": 0,
                "pending_objections": 0,
                **_edition(event, 1),
            },
        )

    @handles(Publication.Corrected)
    def _list_corrected(self, event: Publication.Corrected, view: ViewTx) -> None:
        view.upsert("publications", {"id": event.originator_id, **_edition(event, event.edition)})

    @handles(Publication.ObjectionFiled)
    def _objection(self, event: Publication.ObjectionFiled, view: ViewTx) -> None:
        view.increment("publications", event.originator_id, "objections")
        view.increment("publications", event.originator_id, "pending_objections")

    @handles(Publication.ObjectionDecided)
    def _objection_decided(self, event: Publication.ObjectionDecided, view: ViewTx) -> None:
        view.increment("publications", event.originator_id, "pending_objections", -1)


def _edition(event: Publication.Published | Publication.Corrected, edition: int) -> dict[str, Any]:
    return {
        "edition": edition,
        "published_at": event.timestamp,
        "definitions": event.stamp["definitions"],
        "figures_position": event.stamp["position"],
        "policy_version": event.policy_version,
        "objection_due_at": datetime.fromisoformat(event.objection_due["due_at"]),
    }
