"""Cases as rows: the case list and search, and the facts the time-limit board is made of.

One row per case with its current status, routing, owner and deadline, plus the counters the
handling rates need (returns, reopenings, closure on time). Nothing here depends on "now": the
board's state (due soon, overdue, working days left) is worked out when it is read, so an open
overdue case counts as overdue at the moment of the query.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.base import Tracked
from domain.case import Case
from domain.case_rules import CaseStatus
from projections.base import Projection, Table, ViewTx, handles

ALERT_ORDER = ("yellow", "red", "reminder", "criticism")


class CaseProjection(Projection):
    name = "cases"
    version = "1"
    tables = (
        Table.of(
            "cases",
            key="id",
            id="text",
            case_type="text",
            channel="text",
            status="text",
            emergency="boolean",
            confidential="boolean",
            real_name="boolean",
            enterprise_id="text",
            owner="text",
            lead_unit_id="text",
            co_unit_ids="json",
            service_item="text",
            summary="text",
            source_visit_id="text",
            filed_at="timestamp",
            first_response_at="timestamp",
            cycle="integer",
            due="text",
            due_at="timestamp",
            provisional="boolean",
            paused_since="timestamp",
            extension_days="integer",
            replied_at="timestamp",
            closed_at="timestamp",
            closed_on_time="boolean",
            outcome="text",
            dispatch_count="integer",
            returns="integer",
            improper_returns="integer",
            reopen_count="integer",
            alert_level="text",
            status_before_return="text",
            callback_resolved="boolean",
            callback_satisfied="boolean",
            period="integer",
            period_unit="text",
            deadline_start="timestamp",
            updated_at="timestamp",
            policy_version="text",
        ),
    )

    @handles(Case.Filed)
    def _filed(self, event: Case.Filed, view: ViewTx) -> None:
        view.upsert(
            "cases",
            {
                "id": event.originator_id,
                "case_type": event.case_type,
                "channel": event.channel,
                "status": CaseStatus.RECEIVED.value,
                "emergency": event.emergency,
                "confidential": event.confidential,
                "real_name": event.real_name,
                "enterprise_id": event.enterprise_id,
                "owner": event.owner,
                "co_unit_ids": [],
                "service_item": event.service_item,
                "summary": event.summary,
                "source_visit_id": event.source_visit_id,
                "filed_at": event.timestamp,
                "cycle": 1,
                "extension_days": 0,
                "dispatch_count": 0,
                "returns": 0,
                "improper_returns": 0,
                "reopen_count": 0,
                "updated_at": event.timestamp,
                "policy_version": event.policy_version,
                **_deadline(event.deadline),
            },
        )

    @handles(Case.Received)
    def _received(self, event: Case.Received, view: ViewTx) -> None:
        _update(view, event, owner=event.actor_id)
        _responded(view, event)

    @handles(Case.HandedOver)
    def _handed_over(self, event: Case.HandedOver, view: ViewTx) -> None:
        _update(view, event, owner=event.to_owner)

    @handles(Case.AnsweredDirectly, Case.Replied)
    def _replied(self, event: Tracked.Event, view: ViewTx) -> None:
        _update(view, event, status=CaseStatus.REPLIED.value, replied_at=event.timestamp)
        _responded(view, event)

    @handles(Case.Dispatched)
    def _dispatched(self, event: Case.Dispatched, view: ViewTx) -> None:
        row = _row(view, event)
        _update(
            view,
            event,
            status=CaseStatus.DISPATCHED.value,
            lead_unit_id=event.lead_unit_id,
            co_unit_ids=[str(u) for u in event.co_unit_ids],
            dispatch_count=row["dispatch_count"] + 1,
        )

    @handles(Case.ReturnRequested)
    def _return_requested(self, event: Case.ReturnRequested, view: ViewTx) -> None:
        _update(
            view,
            event,
            status=CaseStatus.RETURN_REQUESTED.value,
            status_before_return=_row(view, event)["status"],
        )

    @handles(Case.ReturnDecided)
    def _return_decided(self, event: Case.ReturnDecided, view: ViewTx) -> None:
        row = _row(view, event)
        if event.approved:
            _update(
                view,
                event,
                status=CaseStatus.RECEIVED.value,
                lead_unit_id=None,
                co_unit_ids=[],
                returns=row["returns"] + 1,
                status_before_return=None,
            )
        else:
            # A refused return puts the case back where it was: signed for or not.
            _update(
                view,
                event,
                status=row["status_before_return"],
                improper_returns=row["improper_returns"] + 1,
            )

    @handles(Case.SignedFor)
    def _signed_for(self, event: Case.SignedFor, view: ViewTx) -> None:
        _update(view, event, status=CaseStatus.IN_PROGRESS.value)
        _responded(view, event)

    @handles(Case.EnterpriseContacted, Case.SiteVisited)
    def _handled(self, event: Tracked.Event, view: ViewTx) -> None:
        _update(view, event)
        _responded(view, event)

    @handles(Case.Paused)
    def _paused(self, event: Case.Paused, view: ViewTx) -> None:
        _update(view, event, status=CaseStatus.PAUSED.value, paused_since=event.timestamp)

    @handles(Case.Resumed)
    def _resumed(self, event: Case.Resumed, view: ViewTx) -> None:
        _update(
            view,
            event,
            status=CaseStatus.IN_PROGRESS.value,
            paused_since=None,
            **_deadline(event.deadline),
        )

    @handles(Case.ExtensionRequested)
    def _extension_requested(self, event: Case.ExtensionRequested, view: ViewTx) -> None:
        _update(view, event)

    @handles(Case.ExtensionDecided)
    def _extension_decided(self, event: Case.ExtensionDecided, view: ViewTx) -> None:
        if event.approved and event.deadline is not None:
            row = _row(view, event)
            _update(
                view,
                event,
                extension_days=row["extension_days"] + event.working_days,
                **_deadline(event.deadline),
            )
        else:
            _update(view, event)

    @handles(Case.CallbackRecorded)
    def _callback(self, event: Case.CallbackRecorded, view: ViewTx) -> None:
        _update(view, event, callback_resolved=event.resolved, callback_satisfied=event.satisfied)

    @handles(Case.Closed)
    def _closed(self, event: Case.Closed, view: ViewTx) -> None:
        _update(
            view,
            event,
            status=CaseStatus.CLOSED.value,
            closed_at=event.timestamp,
            closed_on_time=event.on_time,
            outcome=event.outcome,
        )

    @handles(Case.Reopened)
    def _reopened(self, event: Case.Reopened, view: ViewTx) -> None:
        row = _row(view, event)
        _update(
            view,
            event,
            status=CaseStatus.IN_PROGRESS.value,
            cycle=row["cycle"] + 1,
            reopen_count=row["reopen_count"] + 1,
            closed_at=None,
            closed_on_time=None,
            outcome=None,
            replied_at=None,
            extension_days=0,
            alert_level=None,
            callback_resolved=None,
            callback_satisfied=None,
            **_deadline(event.deadline),
        )

    @handles(Case.Terminated)
    def _terminated(self, event: Case.Terminated, view: ViewTx) -> None:
        _update(view, event, status=CaseStatus.TERMINATED.value, closed_at=event.timestamp)

    @handles(Case.DeadlineRecomputed)
    def _recomputed(self, event: Case.DeadlineRecomputed, view: ViewTx) -> None:
        _update(view, event, **_deadline(event.deadline))

    @handles(Case.TimeLimitAlerted)
    def _alerted(self, event: Case.TimeLimitAlerted, view: ViewTx) -> None:
        row = _row(view, event)
        current = row.get("alert_level")
        if current is None or ALERT_ORDER.index(event.level) > ALERT_ORDER.index(current):
            _update(view, event, alert_level=event.level)
        else:
            _update(view, event)


def _row(view: ViewTx, event: Tracked.Event) -> dict[str, Any]:
    row = view.get("cases", event.originator_id)
    if row is None:
        raise LookupError(f"case {event.originator_id} has an event before its filing")
    return row


def _update(view: ViewTx, event: Tracked.Event, **changes: Any) -> None:
    view.upsert("cases", {"id": event.originator_id, "updated_at": event.timestamp, **changes})


def _responded(view: ViewTx, event: Tracked.Event) -> None:
    """The first handling step after intake: the response the 响应率 measures."""
    if _row(view, event).get("first_response_at") is None:
        view.upsert("cases", {"id": event.originator_id, "first_response_at": event.timestamp})


def _deadline(data: dict[str, Any]) -> dict[str, Any]:
    derivation = data["derivation"]
    return {
        "due": data["due"],
        "due_at": datetime.fromisoformat(data["due_at"]),
        "provisional": bool(data["provisional"]),
        "period": int(derivation["period"]),
        "period_unit": derivation["unit"],
        "deadline_start": datetime.fromisoformat(derivation["start"]),
    }
