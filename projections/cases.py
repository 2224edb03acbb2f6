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

``case_open_counts`` does the same for the open cases, whose state does depend on now: it
counts them per lead unit and per the columns their state is judged from *besides* now (paused
or running, ``cycle_overdue``, provisional, the kind and length of the period, extensions
included, and the deadline), with those columns on the counter row under the names the time
filters (``projections/figures/time_filters.py``) read. The board labels these few rows with the
same filters and the moment as a parameter, and adds up their cases: "overdue" and "due soon"
become sums over the rows whose deadline lies below a bound worked out from now. A case whose
cycle already ran out is overdue whatever the time, and a paused one paused until it resumes:
their rows keep only the unit, so the rows are one per unit and due day (or due moment, for the
few open emergencies counted in hours) of the open cases.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, ClassVar

from domain.base import Tracked
from domain.case import Case
from domain.case_rules import CaseStatus
from projections.base import Projection, Row, Table, ViewTx, handles
from projections.values import uuid_text

ALERT_ORDER = ("yellow", "red", "reminder", "criticism")
# The statuses' text, looked up once: ``CaseStatus.X.value`` is a property call on every use,
# and a replay's handlers ask for one or two on every event.
_CLOSED = CaseStatus.CLOSED.value
_DISPATCHED = CaseStatus.DISPATCHED.value
_IN_PROGRESS = CaseStatus.IN_PROGRESS.value
_PAUSED = CaseStatus.PAUSED.value
_RECEIVED = CaseStatus.RECEIVED.value
_REPLIED = CaseStatus.REPLIED.value
_RETURN_REQUESTED = CaseStatus.RETURN_REQUESTED.value
_TERMINATED = CaseStatus.TERMINATED.value


RUNNING = ("received", "dispatched", "return_requested", "in_progress")
SETTLED = ("answered_on_time", "answered_late", "closed_on_time", "closed_late", "terminated")
"""The board states that do not depend on now: ``case_counts`` keeps them."""
UNROUTED = "-"
"""The ``case_counts`` unit of the cases no unit leads (as the board shows them)."""
SETTLED_STATUSES = ("replied", "closed", "terminated")
OPEN = (*RUNNING, "paused")
"""Statuses before the answer: the only ones the board can show as overdue or due soon."""
_COUNTED = frozenset({
    "status", "lead_unit_id", "closed_on_time", "answered_on_time", "cycle_overdue",
    "provisional", "period_unit", "period", "extension_days", "extension_hours", "due", "due_at",
})
"""The columns a case's counters (settled or open) and their unit are read from."""


def settled_state(row: Row) -> str | None:
    """The case's board state if the clock cannot change it, else None (open: judged now)."""
    status = row.get("status")
    if status == _TERMINATED:
        return "terminated"
    if status == _CLOSED:
        return "closed_on_time" if row.get("closed_on_time") else "closed_late"
    if status == _REPLIED:
        return "answered_on_time" if row.get("answered_on_time") else "answered_late"
    return None


class CaseProjection(Projection):
    name = "cases"
    version = "8"  # 3: the place a demand is about (``location``); 4: ``extension_requested_at``;
    # 5: ``termination_requested_at``; 6: ``case_counts``; 7: ``case_open_counts``;
    # 8: ``case_co_units`` (a new table: a store under 7 is rebuilt beside the serving view)
    # Every row but the counters' is the case's own, written by its events alone.
    split = True
    additive: ClassVar[Mapping[str, str]] = {"case_counts": "cases", "case_open_counts": "cases"}
    tables = (
        Table.of(
            "cases",
            key="id",
            # What the lists filter and order by: every list page is one index range.
            indexes=(
                ("filed_at",), ("due_at",), ("updated_at",), ("status", "due_at"),
                ("status", "cycle_overdue", "due_at"), ("status", "filed_at"),
                ("lead_unit_id", "filed_at"), ("owner", "filed_at"),
                ("enterprise_id", "filed_at"), ("first_asker", "filed_at"),
                ("status", "updated_at"),
                # A clerk's list is a union of ranges (``page_sql``): the confidential cases,
                # for the desk, and those a unit leads.
                ("confidential", "filed_at"), ("confidential", "lead_unit_id", "filed_at"),
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
            # One row per case and unit co-handling it (``co_unit_ids``, which a JSON column
            # cannot index): a unit's co-handled cases in filing order are one index range.
            "case_co_units",
            key=("case_id", "unit_id"),
            # The key follows the order: a page's order and keyset are the index's own. A
            # unit's confidential co-handled cases are a range of their own.
            indexes=(
                ("unit_id", "filed_at", "case_id"),
                ("unit_id", "confidential", "filed_at", "case_id"),
            ),
            case_id="text",
            unit_id="text",
            confidential="boolean",
            filed_at="timestamp",
        ),
        Table.of(
            "case_counts",
            key=("lead_unit_id", "state"),
            lead_unit_id="text",
            state="text",
            cases="integer",
        ),
        Table.of(
            "case_open_counts",
            # ``slot``: the other columns in one text, so a key column is never null.
            key=("lead_unit_id", "slot"),
            lead_unit_id="text",
            slot="text",
            status="text",
            cycle_overdue="boolean",
            provisional="boolean",
            period_unit="text",
            period="integer",
            extension_days="integer",
            extension_hours="integer",
            due="text",
            due_at="timestamp",
            cases="integer",
        ),
    )

    @handles(Case.Filed)
    def _filed(self, event: Case.Filed, view: ViewTx) -> None:
        row: Row = {
            "id": event.originator_id,
            "case_type": event.case_type,
            "channel": event.channel,
            "status": _RECEIVED,
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
        }
        _recount(view, None, row)
        view.upsert("cases", row)

    @handles(Case.Received)
    def _received(self, event: Case.Received, view: ViewTx) -> None:
        row = _row(view, event)
        first = row.get("first_asker") or event.actor_id
        _update(view, event, owner=event.actor_id, first_asker=first,
                **_responded(row, event))

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
            status=_REPLIED,
            replied_at=event.timestamp,
            answered_on_time=on_time,
            cycle_overdue=overdue,
            **first,
            **_responded(row, event),
        )

    @handles(Case.Dispatched)
    def _dispatched(self, event: Case.Dispatched, view: ViewTx) -> None:
        row = _row(view, event)
        co_units = [uuid_text(u) for u in event.co_unit_ids]
        _co_handled(view, row, co_units)
        _update(
            view,
            event,
            row,
            status=_DISPATCHED,
            lead_unit_id=event.lead_unit_id,
            co_unit_ids=co_units,
            dispatch_count=row["dispatch_count"] + 1,
        )
        key = {"case_id": row["id"], "unit_id": uuid_text(event.lead_unit_id)}
        unit = view.get("case_units", key)
        if unit is None:
            view.upsert(
                "case_units",
                {
                    **key,
                    "filed_at": row["filed_at"],
                    "dispatches": 1,
                    "returns_requested": 0,
                    "returns_approved": 0,
                    "returns_refused": 0,
                },
            )
        else:
            view.upsert("case_units", {**key, "dispatches": (unit["dispatches"] or 0) + 1})

    @handles(Case.ReturnRequested)
    def _return_requested(self, event: Case.ReturnRequested, view: ViewTx) -> None:
        row = _row(view, event)
        _update(
            view,
            event,
            row,
            status=_RETURN_REQUESTED,
            status_before_return=row["status"],
        )
        if row["lead_unit_id"] is not None:  # the lead unit asks: it is counted against it
            key = {"case_id": row["id"], "unit_id": str(row["lead_unit_id"])}
            view.increment("case_units", key, "returns_requested")

    @handles(Case.ReturnDecided)
    def _return_decided(self, event: Case.ReturnDecided, view: ViewTx) -> None:
        row = _row(view, event)
        if row["lead_unit_id"] is not None:
            key = {"case_id": row["id"], "unit_id": str(row["lead_unit_id"])}
            decided = "returns_approved" if event.approved else "returns_refused"
            view.increment("case_units", key, decided)
        if event.approved:
            _co_handled(view, row, [])
            _update(
                view,
                event,
                row,
                status=_RECEIVED,
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
        row = _row(view, event)
        _update(view, event, row, status=_IN_PROGRESS, **_responded(row, event))

    @handles(Case.EnterpriseContacted, Case.SiteVisited)
    def _handled(self, event: Tracked.Event, view: ViewTx) -> None:
        _update(view, event, **_responded(_row(view, event), event))

    @handles(Case.Paused)
    def _paused(self, event: Case.Paused, view: ViewTx) -> None:
        # A pause after the deadline (refused today) never made an overdue cycle on time.
        row = _row(view, event)
        overdue = _overdue(row, event)
        _update(
            view,
            event,
            row,
            status=_PAUSED,
            paused_since=event.timestamp,
            cycle_overdue=overdue,
        )

    @handles(Case.Resumed)
    def _resumed(self, event: Case.Resumed, view: ViewTx) -> None:
        _update(
            view,
            event,
            status=_IN_PROGRESS,
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
            row = _row(view, event)
            _update(
                view,
                event,
                row,
                cycle_overdue=_overdue(row, event),
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
            status=_CLOSED,
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
            status=_IN_PROGRESS,
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
            status=_TERMINATED,
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
            _update(view, event, row, alert_level=event.level, cycle_overdue=overdue)
        else:
            _update(view, event, row, cycle_overdue=overdue)

    @handles(Case.DispatchLimitAlerted)
    def _dispatch_alerted(self, event: Case.DispatchLimitAlerted, view: ViewTx) -> None:
        _update(view, event, dispatch_alerted=True)


def _row(view: ViewTx, event: Tracked.Event) -> dict[str, Any]:
    row = view.get("cases", event.originator_id)
    if row is None:
        raise LookupError(f"case {event.originator_id} has an event before its filing")
    return row


def _co_handled(view: ViewTx, row: Row, units: list[str]) -> None:
    """Make the case's ``case_co_units`` rows those of ``units`` (its row's ``co_unit_ids``
    being those it had): every step that sets the column calls this first. The row copies the
    case's filing time and confidentiality, which never change."""
    case_id, before = str(row["id"]), {str(u) for u in row.get("co_unit_ids") or ()}
    for unit in before.difference(units):
        view.delete("case_co_units", {"case_id": case_id, "unit_id": unit})
    for unit in dict.fromkeys(units):
        if unit not in before:
            view.upsert("case_co_units", {
                "case_id": case_id, "unit_id": unit, "confidential": row["confidential"],
                "filed_at": row["filed_at"],
            })


def _update(
    view: ViewTx, event: Tracked.Event, before: Row | None = None, /, **changes: Any
) -> None:
    """Change the case's row (``before``: the row as the handler read it, if it did) and,
    when the change can move it, its counters.

    The row is read for the counters only when the step changes a column they are read from
    (``_COUNTED``): handing a case over, asking for an extension or recording a callback need
    not read it.
    """
    if before is not None or not _COUNTED.isdisjoint(changes):
        before = before or _row(view, event)
        _recount(view, before, {**before, **changes})
    view.upsert("cases", {"id": event.originator_id, "updated_at": event.timestamp, **changes})


def _recount(view: ViewTx, before: Row | None, after: Row) -> None:
    """Move the case from the counters of its old row to those of its new one.

    A counter is first told by the values its row is made of (``_settled``, ``_open``): most
    steps leave them as they were, and the rows are made only for a move.
    """
    for table, counter, counter_row in _COUNTERS:
        old = counter(before) if before is not None else None
        new = counter(after)
        if old == new:
            continue
        if old is not None:
            _add(view, table, counter_row(old), -1)
        if new is not None:
            _add(view, table, counter_row(new), 1)


def _add(view: ViewTx, table: str, counter: Row, by: int) -> None:
    """Count one case more or less on a counter row; a row that reaches 0 goes."""
    found = view.get(table, counter)  # the key columns are read from the row
    cases = int((found or {}).get("cases") or 0) + by
    if cases > 0:
        view.upsert(table, {**counter, "cases": cases})
    else:
        view.delete(table, counter)


Counter = tuple[Any, ...]
"""The values a counter row is made of: equal when the rows are."""
COUNTER_ROWS = 4096
"""Counter rows kept made (``_settled_row``, ``_open_row``): a case leaves the counter it
joined a few steps before, and cases alike share one. The rows are shared: read, never
changed (``_add`` writes a copy)."""


def _settled(row: Row) -> Counter | None:
    """The ``case_counts`` counter the case counts on (unit, state), if its state is settled."""
    state = settled_state(row)
    if state is None:
        return None
    return (str(row.get("lead_unit_id") or UNROUTED), state)


@lru_cache(maxsize=COUNTER_ROWS)
def _settled_row(counter: Counter) -> Row:
    unit, state = counter
    return {"lead_unit_id": unit, "state": state}


def _open(row: Row) -> Counter | None:
    """The ``case_open_counts`` counter the case counts on, if it is open: only the columns
    its state can be judged from now, so that cases alike share a row (``_open_row``)."""
    status = row.get("status")
    if status not in OPEN:
        return None
    unit = str(row.get("lead_unit_id") or UNROUTED)
    if row.get("cycle_overdue"):  # overdue whatever the time
        return (unit, "overdue")
    if status == _PAUSED:  # paused until it resumes (and then moves)
        return (unit, "paused")
    hours = row["period_unit"] == "hours"
    # The filters add period and extension: their sum is all a counter needs to keep.
    span = int(row["period"]) + int((row.get("extension_hours" if hours else "extension_days"))
                                    or 0)
    # ``due_at`` compares as a moment: an event's deadline and the stored row's are equal
    # in two zones, as their rows are.
    return (unit, row["period_unit"], span, bool(row.get("provisional")), row["due_at"],
            row["due"])


@lru_cache(maxsize=COUNTER_ROWS)
def _open_row(counter: Counter) -> Row:
    if len(counter) == 2:
        unit, slot = counter
        if slot == "overdue":
            return {**_NO_DEADLINE, "lead_unit_id": unit, "slot": slot, "cycle_overdue": True}
        return {**_NO_DEADLINE, "lead_unit_id": unit, "slot": slot, "status": _PAUSED}
    unit, period_unit, span, provisional, due_at, due = counter
    # In UTC: an event's deadline and the stored row's name the same moment in two zones.
    moment = due_at.astimezone(UTC).isoformat()
    return {
        "lead_unit_id": unit,
        "slot": f"{period_unit}|{span}|{int(provisional)}|{moment}",
        "status": _IN_PROGRESS,
        "cycle_overdue": False,
        "provisional": provisional,
        "period_unit": period_unit,
        "period": span,
        "extension_days": 0,
        "extension_hours": 0,
        "due": due,
        "due_at": due_at,
    }


_COUNTERS = (("case_counts", _settled, _settled_row), ("case_open_counts", _open, _open_row))


_NO_DEADLINE: Row = {
    "status": _IN_PROGRESS, "cycle_overdue": False, "provisional": False,
    "period_unit": None, "period": None, "extension_days": None, "extension_hours": None,
    "due": None, "due_at": None,
}
"""A counter row whose state the deadline cannot change: the filters' comparisons with its
deadline are unknown, which they count as false."""


def _responded(row: Row, event: Tracked.Event) -> Row:
    """The change a handling step makes to the case's row (as the step found it) if it is the
    first after intake: the response the 响应率 measures. Part of the step's own update, so
    the row is read and written once per step."""
    if row.get("first_response_at") is None:
        return {"first_response_at": event.timestamp}
    return {}


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
