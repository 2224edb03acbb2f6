"""The supervision orders (督办) a web user follows, and the decisions a unit head owes.

Orders come from the oversight read model; who sees which follows the API's scope: a supervisor
every order, the staff of a unit the orders addressed to it. The approvals queue asks the case
rules themselves whether the head may decide, so the queue never lists a decision the case
page would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from domain.actors import Role
from domain.application import Casetrail
from domain.case import Case
from domain.case_rules import (
    CaseStatus,
    check_extension_decider,
    check_return_decider,
    check_terminator,
)
from domain.errors import DomainError
from domain.supervision import Supervision
from infra.identity import Principal
from infra.readside import ReadSide

Row = dict[str, Any]
PAGE_SIZE = 20


@dataclass(frozen=True)
class Order:
    row: Row
    now: datetime

    @property
    def id(self) -> str:
        return str(self.row["id"])

    @property
    def state(self) -> str:
        row = self.row
        return order_state(
            closed=row["closed_at"] is not None,
            answered=row["responded_at"] is not None,
            answered_late=bool(row["responded_late"]),
            past_due=self.now >= row["due_at"],
        )

    @property
    def late(self) -> bool:
        return self.state in LATE

    @property
    def last_day(self) -> datetime:
        """An instant of the deadline's last day: the order runs out at 24:00 of it."""
        due_at: datetime = self.row["due_at"]
        return due_at - timedelta(microseconds=1)


LATE = frozenset({"overdue", "answered_late"})


def order_state(*, closed: bool, answered: bool, answered_late: bool, past_due: bool) -> str:
    """closed, answered (on time or late), overdue (unanswered past due) or open."""
    if closed:
        return "closed"
    if answered:
        return "answered_late" if answered_late else "answered"
    return "overdue" if past_due else "open"


def state_of(order: Supervision, now: datetime) -> str:
    """The same state for a loaded order (its page reads the aggregate, not the view)."""
    return order_state(
        closed=order.closed_at is not None,
        answered=bool(order.responses),
        answered_late=bool(order.responses) and bool(order.responses[-1]["late"]),
        past_due=now >= order.deadline.due_at,
    )


def orders_for(read: ReadSide, caller: Principal, now: datetime) -> list[Order]:
    """The orders the caller follows, the most pressing first (unanswered, then by due date)."""
    read.refresh(["oversight"])
    rows = read.rows("oversight", "supervision_orders")
    if caller.role is not Role.SUPERVISOR:
        unit = str(caller.unit_id) if caller.unit_id else None
        rows = [r for r in rows if unit is not None and r["unit_id"] == unit]
    orders = [Order(r, now) for r in rows]
    rank = {"overdue": 0, "open": 1, "answered_late": 2, "answered": 2, "closed": 3}
    return sorted(orders, key=lambda o: (rank[o.state], o.row["due_at"], o.id))


def orders_on(orders: list[Order], target_id: UUID | str) -> list[Order]:
    return [o for o in orders if o.row["target_id"] == str(target_id)]


def page_of(items: list[Order], page_no: int) -> tuple[list[Order], int]:
    pages = max(1, -(-len(items) // PAGE_SIZE))
    page_no = min(page_no, pages)
    return items[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE], pages


@dataclass(frozen=True)
class Awaiting:
    """A decision waiting for the head: ``step`` is the case page's form for it."""

    row: Row
    step: str
    case: Case


def approvals_for(app: Casetrail, read: ReadSide, caller: Principal) -> list[Awaiting]:
    """Extensions, returns and terminations this head may decide now, oldest request first."""
    read.refresh(["cases"])
    handling = (CaseStatus.IN_PROGRESS.value, CaseStatus.PAUSED.value)
    candidates = [
        r
        for r in read.rows("cases", "cases")
        if r["status"] in (*handling, CaseStatus.RETURN_REQUESTED.value)
    ]
    waiting: list[Awaiting] = []
    for row in candidates:
        if row["status"] in handling and row["lead_unit_id"] != str(caller.unit_id):
            continue  # only the lead unit's head decides its extensions and terminations
        case = app.case(UUID(str(row["id"])))
        step = _decision(app, case, caller)
        if step is not None:
            waiting.append(Awaiting(row, step, case))
        if _may_decide_termination(app, case, caller):
            waiting.append(Awaiting(row, "decide_termination", case))
    return sorted(waiting, key=lambda a: (a.row["updated_at"], str(a.row["id"]), a.step))


def _may_decide_termination(app: Casetrail, case: Case, caller: Principal) -> bool:
    actor = caller.actor
    if case.pending_termination_by is None or case.pending_termination_by == actor.id:
        return False
    try:
        check_terminator(actor, app.standing(case, actor), case.lead_unit_id)
    except DomainError:
        return False
    return "refuse_termination" in case.allowed_steps(actor)


def _decision(app: Casetrail, case: Case, caller: Principal) -> str | None:
    actor = caller.actor
    standing = app.standing(case, actor)
    try:
        if case.status is CaseStatus.RETURN_REQUESTED:
            if case.return_requested_by == actor.id:
                return None
            check_return_decider(
                actor, standing, dispatcher=case.dispatched_by, returning_unit=case.returning_unit
            )
            return "decide_return"
        if case.status is not CaseStatus.IN_PROGRESS:
            return None
        if case.pending_extension is None or case.pending_extension_by == actor.id:
            return None
        check_extension_decider(actor, standing, case.lead_unit_id)
        return "decide_extension"
    except DomainError:
        return None
