"""The inbox over HTTP: each person reads their own notices in words, marks them read, pages
through them, and says how to be reached; the admin sees the delivery queue."""

from __future__ import annotations

from tests.e2e.api_world import World, world
from tests.support.notice_world import red_card, supervision
from tests.support.text import UUID_TEXT

__all__ = ["world"]


def test_a_red_card_is_in_the_units_inboxes_in_words_and_nobody_elses(world: World) -> None:
    red_card(world.container.app, world.clock)
    supervision(world.container.app)
    mine = world.get("li.na", "/api/v1/inbox").json()["items"]
    assert [n["kind"] for n in mine] == ["reminder", "red", "yellow"]
    assert mine[1]["subject"] == "红牌：投诉已超期"
    for notice in mine:
        assert not UUID_TEXT.search(notice["subject"] + notice["text"])
        assert notice["read"] is False
    english = world.get("li.na", "/api/v1/inbox", lang="en").json()["items"]
    assert english[1]["subject"] == "Red card: a complaint is overdue"
    theirs = world.get("zhao.lei", "/api/v1/inbox").json()["items"]
    assert [n["kind"] for n in theirs] == ["supervision"]


def test_marking_read_pages_and_a_cursor_that_was_never_handed_out(world: World) -> None:
    red_card(world.container.app, world.clock)
    first = world.get("li.na", "/api/v1/inbox", limit=2).json()
    assert len(first["items"]) == 2
    rest = world.get("li.na", "/api/v1/inbox", limit=2, after=first["next"]).json()
    assert [n["kind"] for n in rest["items"]] == ["yellow"]
    assert rest["next"] is None

    other = world.get("wang.qiang", "/api/v1/inbox").json()["items"][0]["id"]
    marked = world.post("li.na", "/api/v1/inbox/read",
                        {"ids": [first["items"][0]["id"], other]}).json()
    assert marked == {"marked": 1}, "another person's notice is not theirs to mark"
    again = world.get("li.na", "/api/v1/inbox").json()["items"]
    assert [n["read"] for n in again] == [True, False, False]
    assert world.get("wang.qiang", "/api/v1/inbox").json()["items"][0]["read"] is False

    bad = world.get("li.na", "/api/v1/inbox", after="not-a-cursor")
    assert bad.status_code in (400, 422)
    assert bad.json()["code"] == "inbox-cursor-unknown"


def test_preferences_round_trip_and_bad_addresses_are_refused(world: World) -> None:
    path = "/api/v1/inbox/preferences"
    prefs = {"email": "li.na@amr.example", "phone": "13800000000", "language": "en",
             "channels": ["email"], "kinds": ["red", "supervision"]}
    saved = world.client.put(path, json=prefs, headers=world.auth("li.na"))
    assert saved.status_code == 200, saved.text
    assert world.get("li.na", path).json() == prefs
    assert world.get("wang.qiang", path).json()["email"] is None
    bad = world.client.put(path, json={**prefs, "email": "no at sign"},
                           headers=world.auth("li.na"))
    assert bad.status_code == 422
    assert world.get("li.na", path).json() == prefs, "a refused change changes nothing"


def test_only_the_admin_sees_and_replays_the_delivery_queue(world: World) -> None:
    status = world.get("root", "/api/v1/notifications/status")
    assert status.json() == {"pending": 0, "sending": 0, "delivered": 0, "dead": 0}
    assert world.get("root", "/api/v1/notifications/dead").json() == []
    assert world.post("root", "/api/v1/notifications/dead/replay", {}).json() == {"replayed": 0}
    assert world.get("li.na", "/api/v1/notifications/status").status_code == 403


def test_the_inbox_read_model_is_not_served_on_the_public_views_api(world: World) -> None:
    red_card(world.container.app, world.clock)
    listed = [v["name"] for v in world.get("root", "/api/v1/views").json()]
    assert "notices" not in listed
    assert world.get("root", "/api/v1/views/notices/inbox").status_code == 404
