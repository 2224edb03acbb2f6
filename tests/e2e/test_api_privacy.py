"""A reporter's identity over HTTP: hidden from the unit, opened for inspectors with a record,
gone after erasure while the history still verifies."""

from __future__ import annotations

from uuid import UUID

from domain.actors import Actor, Role
from domain.privacy import DataSubject
from infra.integrity.checkpoints import claim_reader
from infra.integrity.tables import chain_of
from infra.integrity.verify_log import verify_log
from tests.e2e.api_world import World, world

__all__ = ["world"]
SECRET = ("举报人甲", "13912345678")


def file_report(world: World) -> str:
    filed = world.step(
        "li.na",
        "/api/v1/cases",
        {
            "case_type": "report",
            "channel": "hotline_12345",
            "summary": "窗口人员索要好处费",
            "filer_name": SECRET[0],
            "filer_contact": SECRET[1],
        },
    )
    return f"/api/v1/cases/{filed['id']}"


def test_no_route_the_unit_can_call_shows_the_reporters_identity(world: World) -> None:
    case = file_report(world)
    # A report goes to the receiving desk set in policy, not to the unit of the clerk who took
    # the call: the unit cannot even dispatch it, let alone read who filed it.
    assert world.post("li.na", f"{case}/dispatch", {"lead_unit": "AMR"}).status_code == 404
    for login in ("li.na", "wang.qiang"):
        for path in (case, f"{case}/history", f"{case}/as-of?version=1", "/api/v1/cases"):
            body = world.get(login, path).text
            assert SECRET[0] not in body
            assert SECRET[1] not in body
        refused = world.get(login, f"{case}/filer", purpose="想知道是谁")
        assert refused.status_code in (403, 404), refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")


def test_an_inspector_opens_it_and_the_read_is_an_event(world: World) -> None:
    case = file_report(world)
    opened = world.get("zhou.min", f"{case}/filer", purpose="核查举报线索")
    assert opened.status_code == 200, opened.text
    identity = opened.json()
    assert (identity["name"], identity["contact"], identity["erased"]) == (*SECRET, False)
    app = world.container.app
    reads = [
        e for e in app.history(UUID(identity["subject"])) if isinstance(e, DataSubject.Revealed)
    ]
    assert [(e.actor_id, e.purpose) for e in reads] == [("zhou.min", "核查举报线索")]


def test_after_erasure_nothing_shows_the_data_and_the_store_still_verifies(world: World) -> None:
    case = file_report(world)
    subject = world.get("zhou.min", f"{case}/filer", purpose="核查").json()["subject"]
    app = world.container.app
    app.erase_subject(UUID(subject), "保存期限届满", actor=Actor("root", Role.ADMIN))
    again = world.get("zhou.min", f"{case}/filer", purpose="复核").json()
    assert (again["name"], again["contact"], again["erased"]) == ("[erased]", "[erased]", True)
    for path in (case, f"{case}/history"):
        assert SECRET[0] not in world.get("zhou.min", path).text
    assert verify_log(chain_of(app.recorder), claim_reader(app.mapper)).first_break is None
