"""A clerk's list finds the cases their unit co-handles in ``case_co_units``; while a new
definition of the case view is rebuilt beside a serving view of an older one (which has no such
rows), it reads the serving rows' ``co_unit_ids`` instead, so no co-handled case goes missing
from the list meanwhile."""

from __future__ import annotations

from domain.actors import Actor, Role
from infra.views.store import POSITION_TABLE, SqlViewStore
from tests.e2e.api_world import World, world

__all__ = ["world"]

ZHAO = Actor("zhao.lei", Role.WINDOW_STAFF)


def _listed(world: World) -> set[str]:
    found = world.get("li.na", "/api/v1/cases", limit=200)
    assert found.status_code == 200, found.text
    return {item["id"] for item in found.json()["items"]}


def test_a_co_handled_case_stays_in_the_list_while_the_view_is_rebuilt(world: World) -> None:
    app = world.container.app
    # Another unit's clerk files and keeps it; AMR (li.na's unit) only co-handles it.
    case_id = app.file_demand(
        case_type="help", channel="window", summary="社保补缴", actor=ZHAO, filer_name="王"
    ).id
    app.dispatch(case_id, "HRS", ["AMR"], actor=ZHAO)
    assert str(case_id) in _listed(world)
    # As a store holds it while an older definition still serves: its rows, no co-units.
    store = world.container.read.store
    assert isinstance(store, SqlViewStore)
    with store._write() as cursor:
        cursor.execute(f"UPDATE {POSITION_TABLE} SET definition_version = 'older'"
                       " WHERE projection = 'cases'")
        cursor.execute('DELETE FROM "view_case_co_units"')
    assert not world.container.read.is_current("cases")
    assert str(case_id) in _listed(world)
