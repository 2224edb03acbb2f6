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

from api.web.paging import ranked_page
from domain.actors import Role
from domain.application import Casetrail
from domain.case import Case
from domain.case_rules import CaseStatus, check_extension_decider, check_return_decider
from domain.errors import DomainError
from domain.supervision import Supervision
from infra.identity import Principal
from infra.readside import ReadSide
from projections.query import NOTHING, Compare, Filter, all_of
from projections.store import PageQuery

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


ORDERS = ("oversight", "supervision_orders")
RANKS = ("overdue", "open", "answered", "closed")
"""The list's groups, most pressing first; within one, by due date then id."""
OPEN_RANKS = RANKS[:3]
ON_ONE_TARGET = 200
"""The most orders a case page lists (a case is supervised a handful of times)."""


@dataclass(frozen=True)
class OrderPage:
    orders: list[Order]
    total: int
    page_no: int
    pages: int

    @property
    def more(self) -> int:
        """Orders beyond this page (the desk links to the full list for them)."""
        return max(0, self.total - len(self.orders))


def rank_filters(now: datetime) -> dict[str, Filter]:
    """Each group of ``RANKS`` as a filter the store answers (``order_state``, in SQL)."""
    unanswered = all_of(Compare("closed_at", "=", None), Compare("responded_at", "=", None))
    return {
        "overdue": all_of(unanswered, Compare("due_at", "<=", now)),
        "open": all_of(unanswered, Compare("due_at", ">", now)),
        "answered": all_of(Compare("closed_at", "=", None), Compare("responded_at", "!=", None)),
        "closed": Compare("closed_at", "!=", None),
    }


def scope_filter(caller: Principal) -> Filter | None:
    """A supervisor follows every order; the staff of a unit those addressed to it."""
    if caller.role is Role.SUPERVISOR:
        return None
    return Compare("unit_id", "=", str(caller.unit_id)) if caller.unit_id else NOTHING


def orders_page(
    read: ReadSide,
    caller: Principal,
    now: datetime,
    page_no: int = 1,
    *,
    size: int = PAGE_SIZE,
    ranks: tuple[str, ...] = RANKS,
) -> OrderPage:
    """One page of the orders the caller follows, the most pressing first (unanswered, then by
    due date): a count per group and a bounded page of the groups the page falls in, each on
    the view's (unit, due date) index."""
    read.refresh(["oversight"])
    scope = scope_filter(caller)
    groups = {rank: all_of(scope, where) for rank, where in rank_filters(now).items()
              if rank in ranks}
    found = ranked_page(read, ORDERS, groups, "due_at", page_no=page_no, size=size)
    return OrderPage([Order(r, now) for r in found.rows], found.total, found.page_no,
                     found.pages)


def orders_on(read: ReadSide, caller: Principal, now: datetime, target_id: UUID | str
              ) -> list[Order]:
    """The orders on one case (or unit) the caller follows, most pressing first."""
    read.refresh(["oversight"])
    where = all_of(scope_filter(caller), Compare("target_id", "=", str(target_id)))
    rows = read.page(*ORDERS, PageQuery("due_at", False, ON_ONE_TARGET, where=where))
    orders = [Order(r, now) for r in rows]
    rank = {"overdue": 0, "open": 1, "answered_late": 2, "answered": 2, "closed": 3}
    return sorted(orders, key=lambda o: (rank[o.state], o.row["due_at"], o.id))


def case_rows(read: ReadSide, orders: list[Order]) -> dict[str, Row]:
    """The cases these orders are on, by id (fetched by id), so each is named by its summary."""
    read.refresh(["cases"])
    ids = [o.row["target_id"] for o in orders if o.row["target_kind"] == "case"]
    return read.lookup("cases", "cases", "id", ids)


MOST_WAITING = 200
"""The most requests of each kind (returns, extensions) the approvals queue weighs, oldest
first."""


@dataclass(frozen=True)
class Awaiting:
    """A decision waiting for the head: ``step`` is the case page's form for it."""

    row: Row
    step: str
    case: Case


def approvals_for(app: Casetrail, read: ReadSide, caller: Principal) -> list[Awaiting]:
    """Extensions and returns this head may decide now, oldest request first."""
    read.refresh(["cases"])
    # Returns asked anywhere (the case rules say whether this head is on the dispatching side)
    # and extensions asked in the head's own unit: only the lead unit's head decides those.
    extensions = (
        all_of(
            Compare("status", "=", CaseStatus.IN_PROGRESS.value),
            Compare("lead_unit_id", "=", str(caller.unit_id)),
            Compare("extension_requested_at", "!=", None),
        )
        if caller.unit_id
        else NOTHING
    )
    returns = Compare("status", "=", CaseStatus.RETURN_REQUESTED.value)
    candidates = [
        row
        for where in (returns, extensions)
        for row in read.page("cases", "cases", PageQuery("updated_at", False, MOST_WAITING,
                                                         where=where))
    ]
    waiting: list[Awaiting] = []
    for row in candidates:
        case = app.case(UUID(str(row["id"])))
        step = _decision(app, case, caller)
        if step is not None:
            waiting.append(Awaiting(row, step, case))
    return sorted(waiting, key=lambda a: (a.row["updated_at"], str(a.row["id"])))


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
        if case.pending_extension is None or case.pending_extension_by == actor.id:
            return None
        check_extension_decider(actor, standing, case.lead_unit_id)
        return "decide_extension"
    except DomainError:
        return None
