"""The directory as tables: units, windows, staff, leaders and enterprises.

Units and windows also count their staff (and units their windows), kept up to date as staff
are enrolled and reassigned, so a unit's head count is a query, not a scan. Each entry says
whether it is active. (Users are not here: their events never leave the store, and every read
model must be buildable from the published stream.)
"""

from __future__ import annotations

from typing import Any

from domain.directory import UNSPECIFIED, DirectoryEntry, Enterprise, Leader, Staff, Unit, Window
from projections.base import Projection, Table, ViewTx, handles

ENTRY_TABLES: dict[type[DirectoryEntry], str] = {
    Unit: "units", Window: "windows", Staff: "staff", Leader: "leaders", Enterprise: "enterprises",
}  # fmt: skip


def _table_of(event: DirectoryEntry.Event) -> str:
    """The table of the entry kind whose (per-kind) event class this is."""
    return next(t for kind, t in ENTRY_TABLES.items() if isinstance(event, kind.Event))


class DirectoryProjection(Projection):
    name = "directory"
    version = "3"
    tables = (
        Table.of(
            "units", key="id", indexes=(("code",),),
            id="text", code="text", name="text", window_count="integer",
            staff_count="integer", registered_at="timestamp", active="boolean",
        ),
        Table.of(
            "windows", key="id", indexes=(("code",),),
            id="text", code="text", name="text", unit_id="text",
            staff_count="integer", opened_at="timestamp", active="boolean",
        ),
        Table.of(
            "staff", key="id", indexes=(("login",), ("unit_id", "login")), id="text",
            login="text", name="text", role="text", unit_id="text", window_id="text",
            enrolled_at="timestamp", active="boolean",
        ),
        Table.of(
            "leaders", key="id", indexes=(("code",),),
            id="text", code="text", name="text", title="text",
            level="text", unit_id="text", appointed_at="timestamp", active="boolean",
        ),
        Table.of(
            "enterprises", key="id", indexes=(("credit_code",),),
            id="text", credit_code="text", name="text",
            key_enterprise="boolean", registered_at="timestamp", ownership="text",
            active="boolean",
        ),
    )


    @handles(Unit.Registered)
    def _unit_registered(self, event: Unit.Registered, view: ViewTx) -> None:
        # Windows and staff of the unit may have been counted already: the unit's events and
        # theirs need not arrive in log order (Kafka keeps order per aggregate only).
        counted = view.get("units", event.originator_id) or {}
        view.upsert("units", {
            "id": event.originator_id, "code": event.code, "name": event.name,
            "window_count": counted.get("window_count") or 0,
            "staff_count": counted.get("staff_count") or 0, "registered_at": event.timestamp,
            "active": True,
        })

    @handles(Unit.Renamed)
    def _unit_renamed(self, event: Unit.Renamed, view: ViewTx) -> None:
        view.upsert("units", {"id": event.originator_id, "name": event.name})

    @handles(Window.Opened)
    def _window_opened(self, event: Window.Opened, view: ViewTx) -> None:
        counted = view.get("windows", event.originator_id) or {}
        view.upsert("windows", {
            "id": event.originator_id, "code": event.code, "name": event.name,
            "unit_id": event.unit_id, "staff_count": counted.get("staff_count") or 0,
            "opened_at": event.timestamp, "active": True,
        })
        view.increment("units", event.unit_id, "window_count")

    @handles(Staff.Enrolled)
    def _staff_enrolled(self, event: Staff.Enrolled, view: ViewTx) -> None:
        view.upsert("staff", {
            "id": event.originator_id, "login": event.login, "name": event.name,
            "role": event.role, "unit_id": event.unit_id, "window_id": event.window_id,
            "enrolled_at": event.timestamp, "active": True,
        })
        _count_staff(view, event.unit_id, event.window_id, +1)

    @handles(Staff.Reassigned)
    def _staff_reassigned(self, event: Staff.Reassigned, view: ViewTx) -> None:
        before = view.get("staff", event.originator_id) or {}
        _count_staff(view, before.get("unit_id"), before.get("window_id"), -1)
        view.upsert("staff", {
            "id": event.originator_id, "role": event.role, "unit_id": event.unit_id,
            "window_id": event.window_id,
        })
        _count_staff(view, event.unit_id, event.window_id, +1)

    @handles(Leader.Appointed)
    def _leader_appointed(self, event: Leader.Appointed, view: ViewTx) -> None:
        view.upsert("leaders", {
            "id": event.originator_id, "code": event.code, "name": event.name,
            "title": event.title, "level": event.level, "unit_id": event.unit_id,
            "appointed_at": event.timestamp, "active": True,
        })

    @handles(Enterprise.Registered)
    def _enterprise_registered(self, event: Enterprise.Registered, view: ViewTx) -> None:
        view.upsert("enterprises", {
            "id": event.originator_id, "credit_code": event.credit_code, "name": event.name,
            "key_enterprise": event.key_enterprise, "registered_at": event.timestamp,
            "ownership": getattr(event, "ownership", UNSPECIFIED), "active": True,
        })

    @handles(Enterprise.KeyFlagSet)
    def _key_flag_set(self, event: Enterprise.KeyFlagSet, view: ViewTx) -> None:
        view.upsert("enterprises", {
            "id": event.originator_id, "key_enterprise": event.key_enterprise,
        })


    @handles(*(kind.Amended for kind in ENTRY_TABLES))
    def _amended(self, event: DirectoryEntry.Amended, view: ViewTx) -> None:
        changes = {k: (v or None) for k, v in event.changes.items()}
        view.upsert(_table_of(event), {"id": event.originator_id, **changes})

    @handles(*(kind.Deactivated for kind in ENTRY_TABLES))
    def _deactivated(self, event: DirectoryEntry.Deactivated, view: ViewTx) -> None:
        view.upsert(_table_of(event), {"id": event.originator_id, "active": False})

    @handles(*(kind.Reactivated for kind in ENTRY_TABLES))
    def _reactivated(self, event: DirectoryEntry.Reactivated, view: ViewTx) -> None:
        view.upsert(_table_of(event), {"id": event.originator_id, "active": True})


def _count_staff(view: ViewTx, unit_id: Any, window_id: Any, by: int) -> None:
    if unit_id is not None:
        view.increment("units", unit_id, "staff_count", by)
    if window_id is not None:
        view.increment("windows", window_id, "staff_count", by)
