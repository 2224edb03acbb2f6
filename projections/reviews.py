"""Good/bad reviews as rows: each service delivered, each rating, its rectification and any
appeal against it.

A service is a case's answer in one handling cycle or a window service its staff recorded; its
row is what 主动评价率 counts ratings against. A re-rating after rectification replaces the level
that counts (the first stays in the event history); an upheld appeal marks the rating excluded.
Scores are computed from these rows by ``projections.figures.reviews``. Every row is written
from the events of one aggregate, so rows fed from Kafka partitions in any order are the same.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.appeal import Appeal
from domain.base import Tracked
from domain.case import Case
from domain.evaluation import Evaluation, Level
from domain.rectification import Rectification
from domain.window_service import WindowService
from projections.base import Projection, Table, ViewTx, handles


class ReviewProjection(Projection):
    name = "reviews"
    version = "2"
    tables = (
        Table.of(
            "services",
            key="service_ref",
            indexes=(("delivered_at",), ("unit_id", "staff")),
            service_ref="text",
            kind="text",
            case_id="text",
            cycle="integer",
            unit_id="text",
            window_id="text",
            staff="text",
            service_item="text",
            delivered_at="timestamp",
        ),
        Table.of(
            "case_cycles",
            key="case_id",
            case_id="text",
            cycle="integer",
            lead_unit_id="text",
            service_item="text",
        ),
        Table.of(
            "evaluations",
            key="id",
            indexes=(("rated_at",), ("service_ref",), ("unit_id",), ("staff",), ("window_id",)),
            id="text",
            service_ref="text",
            case_id="text",
            cycle="integer",
            unit_id="text",
            window_id="text",
            staff="text",
            service_item="text",
            delivered_at="timestamp",
            rated_at="timestamp",
            first_level="text",
            level="text",
            bad="boolean",
            real_name="boolean",
            rerated_at="timestamp",
            excluded="boolean",
            policy_version="text",
        ),
        Table.of(
            "rectifications",
            key="id",
            # The desk's list: a unit's (or every) rectification by its deadline.
            indexes=(
                ("unit_id", "rectification_due_at"), ("rectification_due_at",), ("evaluation_id",),
            ),
            id="text",
            evaluation_id="text",
            round="integer",
            unit_id="text",
            real_name="boolean",
            opened_at="timestamp",
            callback_due_at="timestamp",
            rectification_due_at="timestamp",
            called_back_at="timestamp",
            reached="boolean",
            callback_on_time="boolean",
            completed_at="timestamp",
            outcome="text",
            completed_on_time="boolean",
        ),
        Table.of(
            "appeals",
            key="id",
            id="text",
            evaluation_id="text",
            unit_id="text",
            grounds="text",
            filed_at="timestamp",
            decided_at="timestamp",
            upheld="boolean",
        ),
    )

    @handles(WindowService.Delivered)
    def _window_service(self, event: WindowService.Delivered, view: ViewTx) -> None:
        view.upsert(
            "services",
            {
                "service_ref": f"window:{event.originator_id}",
                "kind": "window",
                "unit_id": event.unit_id,
                "window_id": event.window_id,
                "staff": event.staff,
                "service_item": event.service_item,
                "delivered_at": event.timestamp,
            },
        )

    # A case's answer is a service: its cycle and lead unit follow the case's own events.

    @handles(Case.Filed)
    def _case_filed(self, event: Case.Filed, view: ViewTx) -> None:
        view.upsert(
            "case_cycles",
            {"case_id": event.originator_id, "cycle": 1, "service_item": event.service_item},
        )

    @handles(Case.Dispatched)
    def _case_dispatched(self, event: Case.Dispatched, view: ViewTx) -> None:
        view.upsert(
            "case_cycles", {"case_id": event.originator_id, "lead_unit_id": event.lead_unit_id}
        )

    @handles(Case.ReturnDecided)
    def _case_returned(self, event: Case.ReturnDecided, view: ViewTx) -> None:
        if event.approved:
            view.upsert("case_cycles", {"case_id": event.originator_id, "lead_unit_id": None})

    @handles(Case.Reopened)
    def _case_reopened(self, event: Case.Reopened, view: ViewTx) -> None:
        view.increment("case_cycles", event.originator_id, "cycle")

    @handles(Case.Replied, Case.AnsweredDirectly)
    def _case_answered(self, event: Tracked.Event, view: ViewTx) -> None:
        case = view.get("case_cycles", event.originator_id) or {}
        view.upsert(
            "services",
            {
                "service_ref": f"case:{event.originator_id}:{case.get('cycle') or 1}",
                "kind": "case",
                "case_id": event.originator_id,
                "cycle": case.get("cycle") or 1,
                "unit_id": case.get("lead_unit_id"),
                "staff": event.actor_id,
                "service_item": case.get("service_item"),
                "delivered_at": event.timestamp,
            },
        )

    @handles(Evaluation.Rated)
    def _rated(self, event: Evaluation.Rated, view: ViewTx) -> None:
        view.upsert(
            "evaluations",
            {
                "id": event.originator_id,
                "service_ref": event.service_ref,
                "case_id": event.case_id,
                "cycle": event.cycle,
                "unit_id": event.unit_id,
                "window_id": event.window_id,
                "staff": event.staff,
                "service_item": event.service_item,
                "delivered_at": event.delivered_at,
                "rated_at": event.timestamp,
                "first_level": event.level,
                "level": event.level,
                "bad": Level(event.level).is_bad,
                "real_name": event.real_name,
                "excluded": False,
                "policy_version": event.policy_version,
            },
        )

    @handles(Evaluation.ReRated)
    def _rerated(self, event: Evaluation.ReRated, view: ViewTx) -> None:
        view.upsert(
            "evaluations",
            {
                "id": event.originator_id,
                "level": event.level,
                "bad": Level(event.level).is_bad,
                "rerated_at": event.timestamp,
            },
        )

    @handles(Evaluation.Excluded)
    def _excluded(self, event: Tracked.Event, view: ViewTx) -> None:
        view.upsert("evaluations", {"id": event.originator_id, "excluded": True})

    @handles(Rectification.Opened)
    def _opened(self, event: Rectification.Opened, view: ViewTx) -> None:
        view.upsert(
            "rectifications",
            {
                "id": event.originator_id,
                "evaluation_id": event.evaluation_id,
                "round": event.round,
                "unit_id": event.unit_id,
                "real_name": event.real_name,
                "opened_at": event.timestamp,
                "callback_due_at": _due_at(event.callback_due),
                "rectification_due_at": _due_at(event.rectification_due),
            },
        )

    @handles(Rectification.CallbackRecorded)
    def _called_back(self, event: Rectification.CallbackRecorded, view: ViewTx) -> None:
        row = view.get("rectifications", event.originator_id) or {}
        if row.get("reached"):
            return  # the first successful callback is the one the 回访率 counts
        view.upsert(
            "rectifications",
            {
                "id": event.originator_id,
                "called_back_at": event.timestamp,
                "reached": event.reached,
                "callback_on_time": event.on_time,
            },
        )

    @handles(Rectification.Extended)
    def _extended(self, event: Rectification.Extended, view: ViewTx) -> None:
        view.upsert(
            "rectifications",
            {
                "id": event.originator_id,
                "rectification_due_at": _due_at(event.rectification_due),
            },
        )

    @handles(Rectification.Completed)
    def _completed(self, event: Rectification.Completed, view: ViewTx) -> None:
        view.upsert(
            "rectifications",
            {
                "id": event.originator_id,
                "completed_at": event.timestamp,
                "outcome": event.outcome,
                "completed_on_time": event.on_time,
            },
        )

    @handles(Appeal.Filed)
    def _appealed(self, event: Appeal.Filed, view: ViewTx) -> None:
        view.upsert(
            "appeals",
            {
                "id": event.originator_id,
                "evaluation_id": event.evaluation_id,
                "unit_id": event.unit_id,
                "grounds": event.grounds,
                "filed_at": event.timestamp,
            },
        )

    @handles(Appeal.Decided)
    def _decided(self, event: Appeal.Decided, view: ViewTx) -> None:
        view.upsert(
            "appeals",
            {
                "id": event.originator_id,
                "decided_at": event.timestamp,
                "upheld": event.upheld,
            },
        )


def _due_at(deadline: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(deadline["due_at"])
