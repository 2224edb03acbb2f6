"""Supervision orders, named circulars, accountability matters and formal-talk decisions."""

from __future__ import annotations

from datetime import datetime

from domain.accountability import AccountabilityMatter
from domain.assessment import AssessmentTrigger
from domain.circular import Circular
from domain.supervision import Supervision
from projections.base import Projection, Table, ViewTx, handles


class OversightProjection(Projection):
    name = "oversight"
    version = "1"
    tables = (
        Table.of(
            "supervision_orders",
            key="id",
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
            id="text",
            title="text",
            source_kind="text",
            source_ref="text",
            subjects="json",
            published_at="timestamp",
            withdrawn_at="timestamp",
        ),
        Table.of(
            "accountability_matters",
            key="id",
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
        if event.bottom:
            row = view.get("assessment_triggers", event.originator_id) or {}
            periods = sorted({*row.get("bottom_periods", []), event.period})
            view.upsert(
                "assessment_triggers", {"id": event.originator_id, "bottom_periods": periods}
            )

    @handles(AssessmentTrigger.FormalTalkTriggered)
    def _formal_talk(self, event: AssessmentTrigger.FormalTalkTriggered, view: ViewTx) -> None:
        view.increment("assessment_triggers", event.originator_id, "formal_talks")
        view.upsert(
            "assessment_triggers",
            {"id": event.originator_id, "last_formal_talk_at": event.timestamp},
        )
