"""What each caller may see: the scope rules of ``access.SCOPE`` applied to cases.

Outside a caller's scope a case does not exist for them (404, not 403), so ids cannot be probed.

A confidential case (every 举报) is not in the common intake queue and does not follow its filer
or first asker around: unit-scoped staff see it only from the policy's receiving desk
(``privacy.confidential_desk``) or from a unit it was routed to. This reads the case as it
stands, so cases filed before the desk existed route to it on replay.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

from api.http.access import Scope, scope_of
from domain.actors import Role
from domain.application import Casetrail
from domain.case import Case
from domain.case_rules import CaseStatus
from domain.directory import Leader
from domain.errors import NotFoundError
from domain.services.staffing import unit_of_staff
from infra.identity import Principal
from projections.cases import CaseProjection
from projections.directory import DirectoryProjection
from projections.query import (
    NOTHING,
    All,
    AnyOf,
    Compare,
    Contains,
    Filter,
    InSelect,
    Not,
    all_of,
)

_STAFF = DirectoryProjection().table("staff")
_CO_UNITS = CaseProjection().table("case_co_units")


def sees(
    caller: Principal,
    *,
    enterprise_id: Any,
    owner: str | None,
    owner_unit: Any,
    lead_unit_id: Any,
    co_unit_ids: Iterable[Any],
    status: str,
    first_asker: str | None = None,
    confidential: bool = False,
    desk: Any = None,
) -> bool:
    scope = scope_of(caller.role)
    if scope is Scope.ALL:
        return True
    if scope is Scope.OWN:
        return caller.enterprise_id is not None and _same(enterprise_id, caller.enterprise_id)
    if confidential:
        unit = caller.unit_id
        return unit is not None and any(_same(u, unit) for u in (desk, lead_unit_id, *co_unit_ids))
    if owner is None and status == CaseStatus.RECEIVED.value:
        return True  # the intake queue: any window may receive an unowned demand
    if caller.actor.id in (owner, first_asker):
        return True  # 首问负责: the first asker follows the case up after handing it over
    unit = caller.unit_id
    if unit is None:
        return False
    return any(_same(u, unit) for u in (lead_unit_id, owner_unit, *co_unit_ids))


def visible_case(app: Casetrail, caller: Principal, case_id: UUID) -> Case:
    """The case, if the caller may see it; otherwise the same 404 as for a missing case."""
    case = app.case(case_id)
    # Only a unit-scoped caller needs the owner's unit: looking it up costs two store reads.
    unit_scoped = scope_of(caller.role) is Scope.UNIT
    found = sees(
        caller,
        enterprise_id=case.enterprise_id,
        owner=case.owner,
        owner_unit=unit_of_staff(app, case.owner) if unit_scoped else None,
        lead_unit_id=case.lead_unit_id,
        co_unit_ids=case.co_unit_ids,
        status=case.status.value,
        first_asker=case.first_asker,
        confidential=case.confidential,
        desk=confidential_desk(app),
    )
    if not found:
        raise NotFoundError(f"no case with id {case_id}")
    return case


def confidential_desk(app: Casetrail) -> UUID:
    """The unit that receives confidential demands, per the policy in force."""
    return app.confidential_desk()


def row_visible(
    caller: Principal, row: Mapping[str, Any], staff_units: Mapping[str, Any], desk: UUID
) -> bool:
    """The same rule for a row of the case read model (``staff_units``: login -> unit id;
    ``desk``: the confidential desk's unit id)."""
    owner = row.get("owner")
    return sees(
        caller,
        enterprise_id=row.get("enterprise_id"),
        owner=owner,
        owner_unit=staff_units.get(owner) if owner else None,
        lead_unit_id=row.get("lead_unit_id"),
        co_unit_ids=row.get("co_unit_ids") or [],
        status=str(row.get("status")),
        first_asker=row.get("first_asker"),
        confidential=bool(row.get("confidential")),
        desk=desk,
    )


def visible_filter(caller: Principal, *, desk: Any, co_units: bool = True) -> Filter | None:
    """``row_visible`` as a filter the view store answers on the case view (``None``: every
    case; ``desk``: the confidential desk's unit id). A unit-scoped caller sees a case their
    unit leads, co-handles or whose owner is one of its staff (a sub-select on the staff view),
    cases they own or first asked, and the intake queue; but a confidential case only if their
    unit is the desk, leads it or co-handles it (as ``sees``).

    A unit co-handles the cases ``case_co_units`` names for it: each branch of the filter is
    then one index range, and a list is the union of those (``page_sql``). Those rows exist
    only under the case view's current definition: while it is rebuilt beside an older one
    (``co_units`` false: ``ReadSide.is_current``), the serving rows' ``co_unit_ids`` are
    searched instead, as before that table existed."""
    scope = scope_of(caller.role)
    if scope is Scope.ALL:
        return None
    if scope is Scope.OWN:
        if caller.enterprise_id is None:
            return NOTHING
        return Compare("enterprise_id", "=", str(caller.enterprise_id))
    me = caller.actor.id
    parts: list[Filter] = [
        All((Compare("owner", "=", None), Compare("status", "=", CaseStatus.RECEIVED.value))),
        Compare("owner", "=", me),
        Compare("first_asker", "=", me),
    ]
    confidential: Filter = NOTHING
    if caller.unit_id is not None:
        unit = str(caller.unit_id)

        def co_handled(*also: Filter) -> Filter:
            if not co_units:
                return Contains("co_unit_ids", unit)
            return InSelect(
                "id", _CO_UNITS, "case_id", all_of(Compare("unit_id", "=", unit), *also)
            )

        parts += [
            Compare("lead_unit_id", "=", unit),
            co_handled(),
            InSelect("owner", _STAFF, "login", Compare("unit_id", "=", unit)),
        ]
        # The co-units' copy of the flag picks a unit's confidential co-handled cases alone.
        routed = AnyOf((
            Compare("lead_unit_id", "=", unit), co_handled(Compare("confidential", "=", True))
        ))
        confidential = All((
            Compare("confidential", "=", True),
            All(()) if _same(desk, unit) else routed,
        ))
    # ``Not`` of a comparison with a null is true: a row without the flag is not confidential,
    # as ``row_visible`` reads it.
    ordinary = All((Not(Compare("confidential", "=", True)), AnyOf(tuple(parts))))
    return AnyOf((ordinary, confidential))


def _same(a: Any, b: Any) -> bool:
    return a is not None and b is not None and str(a) == str(b)


# Records a leader reads only when they are their own, one at a time (``/visits/{id}``) or as
# rows of a read model: one rule for both, keyed by the column that names the leader.
LEADER_OWN_ROWS: dict[tuple[str, str], str] = {
    ("engagement", "visits"): "leader_id",
    ("engagement", "visit_findings"): "leader_id",
}


def leader_owns(caller: Principal, leader_id: Any) -> bool:
    """Whether a leader's record (a visit, its findings) is the caller's; True for the roles
    that read every leader's records."""
    if caller.role is not Role.LEADER:
        return True
    return _same(leader_id, Leader.id_for(caller.actor.id))


def view_row_filter(caller: Principal, view: str, table: str) -> Filter | None:
    """``view_row_visible`` as a filter the view store answers (``None``: every row)."""
    column = LEADER_OWN_ROWS.get((view, table))
    if column is None or caller.role is not Role.LEADER:
        return None
    return Compare(column, "=", str(Leader.id_for(caller.actor.id)))


def view_row_visible(caller: Principal, view: str, table: str, row: Mapping[str, Any]) -> bool:
    """The single-read scope applied to a row of a read model."""
    column = LEADER_OWN_ROWS.get((view, table))
    return column is None or leader_owns(caller, row.get(column))
