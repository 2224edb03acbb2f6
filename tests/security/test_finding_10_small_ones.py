"""Finding 10, the small ones: the CSRF token was not bound to the session; Open311 ``api_key``
values appeared in the access log; a leader saw every visit in the views but only their own at
``/visits/{id}``; a POST outside the caller's unit answered 403 naming the owning unit where the
GET answers 404; a clerk could hand a case to an inspector, who has no step on it."""

from __future__ import annotations

import io
import logging
import re
from uuid import UUID

from api.cli.serve import server_config
from api.http.app import create_app
from domain.actors import Actor, Role
from tests.e2e.api_world import World, world
from tests.security.confidential_world import web_session

__all__ = ["world"]


def _csrf(client: object, path: str = "/desk") -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)  # type: ignore[attr-defined]
    assert found is not None
    return found.group(1)


def test_a_csrf_token_from_one_session_is_refused_in_another(world: World) -> None:
    victim = web_session(world, "li.na")
    attacker = web_session(world, "zhao.lei")
    token = _csrf(attacker)
    # The attacker plants their own nonce in the victim's browser, with the token it goes with.
    victim.cookies.set("ct_csrf", attacker.cookies.get("ct_csrf"))
    forged = victim.post("/logout", data={"csrf": token}, follow_redirects=False)
    assert forged.status_code in (400, 403), forged.status_code
    assert victim.get("/desk").status_code == 200  # still signed in: the post was refused
    own = victim.post("/logout", data={"csrf": _csrf(victim)}, follow_redirects=False)
    assert own.status_code == 303


def test_open311_api_keys_never_reach_the_access_log(world: World) -> None:
    server_config(create_app(world.container), "127.0.0.1", 0)
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    access = logging.getLogger("uvicorn.access")
    access.addHandler(handler)
    try:
        key = world.tokens["li.na"]
        access.info(
            '%s - "%s %s HTTP/%s" %d',
            "127.0.0.1:5000", "GET", f"/open311/v2/requests.json?api_key={key}&status=open",
            "1.1", 200,
        )
    finally:
        access.removeHandler(handler)
    assert key not in out.getvalue()
    assert "api_key=[redacted]&status=open" in out.getvalue()


def test_a_leader_sees_only_their_own_visits_in_the_views_too(world: World) -> None:
    app = world.container.app
    theirs = app.record_visit(
        kind="visit", place="别处", started_at=app.now(), duration=1,
        actor=Actor("county-02", Role.LEADER), findings=["路面破损"],
    )
    mine = world.step(
        "county-01",
        "/api/v1/visits",
        {"kind": "visit", "place": "某处", "started_at": app.now().isoformat(), "duration": 1},
    )
    assert world.get("county-01", f"/api/v1/visits/{theirs.id}").status_code == 404
    for table in ("visits", "visit_findings"):
        rows = world.get("county-01", f"/api/v1/views/engagement/{table}").json()["items"]
        assert str(theirs.id) not in {str(r.get("id") or r.get("visit_id")) for r in rows}
    rows = world.get("county-01", "/api/v1/views/engagement/visits").json()["items"]
    assert mine["id"] in {r["id"] for r in rows}
    every = world.get("chen.jie", "/api/v1/views/engagement/visits").json()["items"]
    assert str(theirs.id) in {r["id"] for r in every}


def test_a_command_outside_the_unit_is_the_same_404_as_the_read(world: World) -> None:
    order = world.step(
        "chen.jie",
        "/api/v1/supervision-orders",
        {"unit": "HRS", "instruction": "限期办结", "required_response": "办理结果",
         "working_days": 3},
    )
    read = world.get("wang.qiang", f"/api/v1/supervision-orders/{order['id']}")  # AMR's head
    acted = world.post(
        "wang.qiang", f"/api/v1/supervision-orders/{order['id']}/responses", {"response": "已办"}
    )
    assert read.status_code == acted.status_code == 404, acted.text
    assert "HRS" not in acted.text


def test_a_leader_acting_on_anothers_visit_gets_the_same_404_as_reading_it(
    world: World,
) -> None:
    app = world.container.app
    theirs = app.record_visit(
        kind="visit", place="别处", started_at=app.now(), duration=1,
        actor=Actor("county-02", Role.LEADER), findings=["路面破损"],
    )
    path = f"/api/v1/visits/{theirs.id}"
    answers = [
        world.get("county-01", path),
        world.post("county-01", f"{path}/findings", {"description": "另一问题"}),
        world.post("county-01", f"{path}/findings/1/on-site-resolution", {"note": "已解决"}),
        world.post("county-01", f"{path}/findings/1/case", {"case_type": "help"}),
    ]
    assert [a.status_code for a in answers] == [404] * 4, [a.text for a in answers]
    assert not any("county-02" in a.text for a in answers)


def test_a_case_is_handed_only_to_someone_who_can_take_its_steps(world: World) -> None:
    filed = world.step(
        "li.na", "/api/v1/cases", {"case_type": "help", "channel": "window", "summary": "求助",
                                   "filer_name": "张伟"},
    )
    handed = world.post(
        "li.na", f"/api/v1/cases/{filed['id']}/hand-over", {"to": "zhou.min", "reason": "转交"}
    )
    assert handed.status_code == 422, handed.text
    assert handed.json()["code"] == "hand-over-to-non-handler"
    assert world.container.app.case(UUID(filed["id"])).owner == "li.na"


def test_a_command_without_if_match_acts_on_the_latest(world: World) -> None:
    filed = world.step(
        "li.na", "/api/v1/cases", {"case_type": "help", "channel": "window", "summary": "求助",
                                   "filer_name": "张伟"},
    )
    world.step("li.na", f"/api/v1/cases/{filed['id']}/dispatch", {"lead_unit": "AMR"})
    signed = world.post("li.na", f"/api/v1/cases/{filed['id']}/sign-for")
    assert signed.status_code == 200, signed.text
