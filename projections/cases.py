"""Cases as rows: the case list and search, and the facts the time-limit board is made of.

One row per case with its current status, routing, owner and deadline, plus the counters the
handling rates need (returns, reopenings, closure on time). Nothing here depends on "now": the
board's state (due soon, overdue, working days left) is worked out when it is read, so an open
overdue case counts as overdue at the moment of the query.

What the log itself says about time is kept: whether each cycle's first answer came in time
(``answered_on_time``; the first cycle's in ``first_answer_on_time``), and whether the running
clock of the cycle reached its deadline unanswered (``cycle_overdue``, which nothing later in
the cycle undoes). The deadline moves later only on a resumption, an approved extension or a
recount, so looking at the steps before those, at the answer and at a termination sees every
moment a cycle ran out.

``case_units`` has a row per case and unit it was dispatched to, with the returns (退单) that
unit asked for: 回退率 is counted against the unit that asked, not the one handling it now.

``case_counts`` counts the cases per lead unit in each *settled* board state, the ones the
clock cannot change (answered, closed or terminated, on time or late): the board reads them
instead of labelling every case ever filed. Every change of a row's status, unit or timeliness
goes through ``_update``, which moves the case from its old counter to its new one in the same
batch, so the counters are exactly-once with the rows and rebuilt with them. An unrouted case
counts under ``UNROUTED``, a key column being never null.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.base import Tracked
from domain.case import Case
from domain.case_rules import CaseStatus
from projections.base import Projection, Row, Table, ViewTx, handles

ALERT_ORDER = ("yellow", "red", "reminder", "criticism")


RUNNING = ("received", "dispatched", "return_requested", "in_progress")
SETTLED = ("answered_on_time", "answered_late", "closed_on_time", "closed_late", "terminated")
"""The board states that do not depend on now: ``case_counts`` keeps them."""
UNROUTED = "-"
"""The ``case_counts`` unit of the cases no unit leads (as the board shows them)."""
SETTLED_STATUSES = ("replied", "closed", "terminated")
_COUNTED = frozenset({"lead_unit_id", "closed_on_time", "answered_on_time"})
"""The columns besides the status that a settled state and its unit are read from."""


def settled_state(row: Row) -> str | None:
    """The case's board state if the clock cannot change it, else None (open: judged now)."""
    status = row.get("status")
    if status == CaseStatus.TERMINATED.value:
        return "terminated"
    if status == CaseStatus.CLOSED.value:
        return "closed_on_time" if row.get("closed_on_time") else "closed_late"
    if status == CaseStatus.REPLIED.value:
        return "answered_on_time" if row.get("answered_on_time") else "answered_late"
    return None


class CaseProjection(Projection):
    name = "cases"
    version = "6"  # 3: the place a demand is about (``location``); 4: ``extension_requested_at``;
    # 5: ``termination_requested_at``; 6: ``case_counts``
    tables = (
        Table.of(
            "cases",
            key="id",
            # What the lists filter and order by: every list page is one index range.
            indexes=(
                ("filed_at",), ("due_at",), ("updated_at",), ("status", "due_at"),
                ("lead_unit_id", "filed_at"), ("owner", "filed_at"),
                ("enterprise_id", "filed_at"), ("first_asker",),
                ("status", "updated_at"),
            ),
            id="text",
            case_type="text",
            channel="text",
            status="text",
            emergency="boolean",
            confidential="boolean",
            real_name="boolean",
            enterprise_id="text",
            owner="text",
            first_asker="text",
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
            extension_hours="integer",
            replied_at="timestamp",
            closed_at="timestamp",
            closed_on_time="boolean",
            answered_on_time="boolean",
            first_answer_on_time="boolean",
            cycle_overdue="boolean",
            terminated_overdue="boolean",
            outcome="text",
            dispatch_count="integer",
            returns="integer",
            improper_returns="integer",
            reopen_count="integer",
            alert_level="text",
            dispatch_alerted="boolean",
            status_before_return="text",
            callback_resolved="boolean",
            callback_satisfied="boolean",
            period="integer",
            period_unit="text",
            deadline_start="timestamp",
            updated_at="timestamp",
            policy_version="text",
            location="json",
            extension_requested_at="timestamp",
            termination_requested_at="timestamp",
        ),
        Table.of(
            "case_units",
            key=("case_id", "unit_id"),
            indexes=(("filed_at",), ("unit_id", "filed_at")),
            case_id="text",
            unit_id="text",
            filed_at="timestamp",
            dispatches="integer",
            returns_requested="integer",
            returns_approved="integer",
            returns_refused="integer",
        ),
        Table.of(
            "case_counts",
            key=("lead_unit_id", "state"),
            lead_unit_id="text",
            state="text",
            cases="integer",
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
                "first_asker": event.owner,
                "co_unit_ids": [],
                "service_item": event.service_item,
                "summary": event.summary,
                "source_visit_id": event.source_visit_id,
                "filed_at": event.timestamp,
                "cycle": 1,
                "cycle_overdue": False,
                "dispatch_alerted": False,
                "dispatch_count": 0,
                "returns": 0,
                "improper_returns": 0,
                "reopen_count": 0,
                "updated_at": event.timestamp,
                "policy_version": event.policy_version,
                # Kept out of the view for a confidential case: readers of whole views (and
                # Open311) must not learn where a protected filer is.
                "location": None if event.confidential else event.location,
                **_deadline(event.deadline),
            },
        )

    @handles(Case.Received)
    def _received(self, event: Case.Received, view: ViewTx) -> None:
        first = _row(view, event).get("first_asker") or event.actor_id
        _update(view, event, owner=event.actor_id, first_asker=first)
        _responded(view, event)

    @handles(Case.HandedOver)
    def _handed_over(self, event: Case.HandedOver, view: ViewTx) -> None:
        _update(view, event, owner=event.to_owner)

    @handles(Case.AnsweredDirectly, Case.Replied)
    def _replied(self, event: Tracked.Event, view: ViewTx) -> None:
        row = _row(view, event)
        overdue = _overdue(row, event)
        on_time = not overdue
        first = {"first_answer_on_time": on_time} if row["cycle"] == 1 else {}
        _update(
            view,
            event,
            row,
            status=CaseStatus.REPLIED.value,
            replied_at=event.timestamp,
            answered_on_time=on_time,
            cycle_overdue=overdue,
            **first,
        )
        _responded(view, event)

    @handles(Case.Dispatched)
    def _dispatched(self, event: Case.Dispatched, view: ViewTx) -> None:
        row = _row(view, event)
        _update(
            view,
            event,
            row,
            status=CaseStatus.DISPATCHED.value,
            lead_unit_id=event.lead_unit_id,
            co_unit_ids=[str(u) for u in event.co_unit_ids],
            dispatch_count=row["dispatch_count"] + 1,
        )
        key = {"case_id": str(event.originator_id), "unit_id": str(event.lead_unit_id)}
        if view.get("case_units", key) is None:
            view.upsert(
                "case_units",
                {
                    **key,
                    "filed_at": row["filed_at"],
                    "dispatches": 0,
                    "returns_requested": 0,
                    "returns_approved": 0,
                    "returns_refused": 0,
                },
            )
        view.increment("case_units", key, "dispatches")

    @handles(Case.ReturnRequested)
    def _return_requested(self, event: Case.ReturnRequested, view: ViewTx) -> None:
        row = _row(view, event)
        _update(
            view,
            event,
            row,
            status=CaseStatus.RETURN_REQUESTED.value,
            status_before_return=row["status"],
        )
        if row["lead_unit_id"] is not None:  # the lead unit asks: it is counted against it
            key = {"case_id": str(event.originator_id), "unit_id": str(row["lead_unit_id"])}
            view.increment("case_units", key, "returns_requested")

    @handles(Case.ReturnDecided)
    def _return_decided(self, event: Case.ReturnDecided, view: ViewTx) -> None:
        row = _row(view, event)
        if row["lead_unit_id"] is not None:
            key = {"case_id": str(event.originator_id), "unit_id": str(row["lead_unit_id"])}
            decided = "returns_approved" if event.approved else "returns_refused"
            view.increment("case_units", key, decided)
        if event.approved:
            _update(
                view,
                event,
                row,
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
                row,
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
        # A pause after the deadline (refused today) never made an overdue cycle on time.
        row = _row(view, event)
        overdue = _overdue(row, event)
        _update(
            view,
            event,
            row,
            status=CaseStatus.PAUSED.value,
            paused_since=event.timestamp,
            cycle_overdue=overdue,
        )

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
        # Waiting for the head's decision (the approvals queue) until decided.
        _update(view, event, extension_requested_at=event.timestamp)

    @handles(Case.ExtensionDecided)
    def _extension_decided(self, event: Case.ExtensionDecided, view: ViewTx) -> None:
        if event.approved and event.deadline is not None:
            # Judged by the deadline it extends: a late approval leaves the cycle overdue.
            overdue = _overdue(_row(view, event), event)
            _update(
                view,
                event,
                cycle_overdue=overdue,
                extension_requested_at=None,
                **_deadline(event.deadline),
            )
        else:
            _update(view, event, extension_requested_at=None)

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
            row,
            status=CaseStatus.IN_PROGRESS.value,
            cycle=row["cycle"] + 1,
            reopen_count=row["reopen_count"] + 1,
            closed_at=None,
            closed_on_time=None,
            answered_on_time=None,
            cycle_overdue=False,
            outcome=None,
            replied_at=None,
            alert_level=None,
            callback_resolved=None,
            callback_satisfied=None,
            extension_requested_at=None,
            **_deadline(event.deadline),
        )

    @handles(Case.TerminationRequested)
    def _termination_requested(self, event: Case.TerminationRequested, view: ViewTx) -> None:
        _update(view, event, termination_requested_at=event.timestamp)

    @handles(Case.TerminationRefused)
    def _termination_refused(self, event: Case.TerminationRefused, view: ViewTx) -> None:
        _update(view, event, termination_requested_at=None)

    @handles(Case.Terminated)
    def _terminated(self, event: Case.Terminated, view: ViewTx) -> None:
        # A termination ends the case; it does not make an overdue cycle disappear.
        row = _row(view, event)
        overdue = _overdue(row, event)
        _update(
            view,
            event,
            row,
            status=CaseStatus.TERMINATED.value,
            closed_at=event.timestamp,
            terminated_overdue=overdue,
            termination_requested_at=None,
        )

    @handles(Case.DeadlineRecomputed)
    def _recomputed(self, event: Case.DeadlineRecomputed, view: ViewTx) -> None:
        _update(view, event, **_deadline(event.deadline))

    @handles(Case.TimeLimitAlerted)
    def _alerted(self, event: Case.TimeLimitAlerted, view: ViewTx) -> None:
        row = _row(view, event)
        current = row.get("alert_level")
        overdue = _overdue(row, event)
        if current is None or ALERT_ORDER.index(event.level) > ALERT_ORDER.index(current):
            _update(view, event, alert_level=event.level, cycle_overdue=overdue)
        else:
            _update(view, event, cycle_overdue=overdue)

    @handles(Case.DispatchLimitAlerted)
    def _dispatch_alerted(self, event: Case.DispatchLimitAlerted, view: ViewTx) -> None:
        _update(view, event, dispatch_alerted=True)


def _row(view: ViewTx, event: Tracked.Event) -> dict[str, Any]:
    row = view.get("cases", event.originator_id)
    if row is None:
        raise LookupError(f"case {event.originator_id} has an event before its filing")
    return row


def _update(
    view: ViewTx, event: Tracked.Event, before: Row | None = None, /, **changes: Any
) -> None:
    """Change the case's row (``before``: the row as the handler read it, if it did) and,
    when the change can move it, its settled-state counter.

    The row is read for the counters only when the step leads to a settled status or changes
    the unit or a verdict: a step from a settled status back to an open one is a reopening
    (the domain's step rules allow no other), and that handler passes its row. A replay reads
    each row many times already; signing for or resuming a case need not add one more.
    """
    if before is not None or _may_settle(changes):
        before = before or _row(view, event)
        _recount(view, before, {**before, **changes})
    view.upsert("cases", {"id": event.originator_id, "updated_at": event.timestamp, **changes})


def _may_settle(changes: dict[str, Any]) -> bool:
    """Whether the step can put the case in a settled state or move it between counters."""
    return changes.get("status") in SETTLED_STATUSES or not _COUNTED.isdisjoint(changes)


def _recount(view: ViewTx, before: Row | None, after: Row) -> None:
    """Move the case from the counter of its old (unit, settled state) to its new one."""
    old = _counter(before) if before is not None else None
    new = _counter(after)
    if old == new:
        return
    if old is not None:
        found = view.get("case_counts", old) or {}
        left = int(found.get("cases") or 0) - 1
        if left > 0:
            view.upsert("case_counts", {**_key(old), "cases": left})
        else:
            view.delete("case_counts", old)
    if new is not None:
        view.increment("case_counts", new, "cases")


def _counter(row: Row) -> tuple[str, str] | None:
    state = settled_state(row)
    if state is None:
        return None
    return str(row.get("lead_unit_id") or UNROUTED), state


def _key(counter: tuple[str, str]) -> dict[str, str]:
    return {"lead_unit_id": counter[0], "state": counter[1]}


def _responded(view: ViewTx, event: Tracked.Event) -> None:
    """The first handling step after intake: the response the 响应率 measures."""
    if _row(view, event).get("first_response_at") is None:
        view.upsert("cases", {"id": event.originator_id, "first_response_at": event.timestamp})


def _overdue(row: dict[str, Any], event: Tracked.Event) -> bool:
    """Whether the cycle is overdue by this step: it was already, or its clock was running,
    unanswered, and the deadline in force had passed."""
    if row.get("cycle_overdue"):
        return True
    running = row["status"] in RUNNING and row.get("replied_at") is None
    return bool(running and event.timestamp >= row["due_at"])


def _deadline(data: dict[str, Any]) -> dict[str, Any]:
    """The deadline's columns; the extensions are read from its derivation, which counts them."""
    derivation = data["derivation"]
    return {
        "due": data["due"],
        "due_at": datetime.fromisoformat(data["due_at"]),
        "provisional": bool(data["provisional"]),
        "period": int(derivation["period"]),
        "period_unit": derivation["unit"],
        "deadline_start": datetime.fromisoformat(derivation["start"]),
        "extension_days": int(derivation.get("extension_working_days", 0)),
        "extension_hours": int(derivation.get("extension_hours", 0)),
    }
