"""Notices reach people once, by e-mail (a real SMTP server), a signed webhook and an SMS
gateway (a real HTTP receiver), on SQLite and PostgreSQL: a red card, a 督办 and a
rectification due each arrive once, and with the receivers down they arrive once they return."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest

from domain.application import Casetrail
from infra.notify import open_notify_store, open_sender
from infra.notify.sender import Sender
from infra.notify.store import NotifyStore, Preferences
from infra.settings import Settings
from infra.views import open_view_store
from tests.support.clock import FakeClock
from tests.support.notice_world import (
    FILED,
    rectification_due,
    red_card,
    seed_people,
    supervision,
)
from tests.support.receivers import HttpReceiver, SmtpReceiver
from tests.support.stores import StoreUnderTest

SECRET = "a-shared-webhook-secret"
PEOPLE = {
    "li.na": "li.na@amr.example", "wang.qiang": "wang.qiang@amr.example",
    "zhao.lei": "zhao.lei@hrs.example", "sun.li": "sun.li@hrs.example",
}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(FILED)


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    receiver = SmtpReceiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def http() -> Iterator[HttpReceiver]:
    receiver = HttpReceiver(SECRET)
    yield receiver
    receiver.stop()


def notify_settings(base: Settings, smtp: SmtpReceiver, http: HttpReceiver) -> Settings:
    return base.model_copy(update={
        "notify_smtp_host": "127.0.0.1", "notify_smtp_port": smtp.port,
        "notify_webhook_url": http.url, "notify_webhook_secret": SECRET,
        "notify_sms_url": f"http://127.0.0.1:{http.port}/sms",
        "notify_sms_templates": {"red": "SMS_100", "supervision": "SMS_200"},
        "notify_retry_first_seconds": 5.0, "notify_retry_most_seconds": 60.0,
    })


class World:
    def __init__(self, app: Casetrail, settings: Settings) -> None:
        self.app = app
        self.views = open_view_store(settings, app.clock)
        self.store: NotifyStore = open_notify_store(settings)
        self.now = 1_000_000.0
        self.sender: Sender = open_sender(app, settings, self.views, self.store)
        self.sender.clock = lambda: self.now
        for login, email in PEOPLE.items():
            language = "en" if login == "zhao.lei" else None
            self.store.set_preferences(Preferences(login, email=email, phone="13800000000",
                                                   language=language))

    def close(self) -> None:
        self.store.close()
        self.views.close()


@pytest.fixture
def world(durable_store: StoreUnderTest, smtp: SmtpReceiver, http: HttpReceiver,
          clock: FakeClock) -> Iterator[World]:
    durable_store.settings = notify_settings(durable_store.settings, smtp, http)
    app = durable_store.open()
    seed_people(app)
    found = World(app, durable_store.settings)
    yield found
    found.close()


def told(receiver_items: list[dict[str, object]], field: str) -> Counter[tuple[object, ...]]:
    return Counter((item[field],) for item in receiver_items)


def make_news(world: World, clock: FakeClock) -> None:
    red_card(world.app, clock)
    supervision(world.app)
    rectification_due(world.app, clock)


def webhook_kinds(http: HttpReceiver) -> Counter[tuple[str, str]]:
    return Counter(
        (str(item["recipient"]), str(item["kind"]))
        for item in http.inbox.received.values() if item["path"] == "/hook"
    )


def test_a_red_card_a_supervision_order_and_a_rectification_due_each_arrive_once(
    world: World, smtp: SmtpReceiver, http: HttpReceiver, clock: FakeClock
) -> None:
    smtp.start()
    http.start()
    make_news(world, clock)
    world.sender.run(until_idle=True, poll=0.01)
    world.sender.run(until_idle=True, poll=0.01)  # a second pass sends nothing again

    kinds = webhook_kinds(http)
    for login in ("li.na", "wang.qiang"):
        assert kinds[(login, "red")] == 1
        assert kinds[(login, "rectification_due")] == 1
    for login in ("zhao.lei", "sun.li"):
        assert kinds[(login, "supervision")] == 1
    assert len(http.inbox.raw) == len(http.inbox.received), "nothing was sent twice"
    assert http.bad_signatures == 0

    mails = list(smtp.inbox.received.values())
    assert len(smtp.inbox.raw) == len(mails)
    red = [m for m in mails if m["to"] == ["li.na@amr.example"] and "红牌" in str(m["subject"])]
    assert len(red) == 1
    english = [m for m in mails if m["to"] == ["zhao.lei@hrs.example"]]
    hrs = "人力资源和社会保障局"
    assert [m["subject"] for m in english] == [f"Supervision order: {hrs}"]
    for mail in mails:  # words, not ids or enum values
        assert "complaint" not in str(mail["text"]).split()
        assert not any(len(word) == 36 and word.count("-") == 4
                       for word in str(mail["text"]).split())

    sms = [item for item in http.inbox.received.values() if item["path"] == "/sms"]
    assert Counter(str(s["template_id"]) for s in sms) == {"SMS_100": 2, "SMS_200": 2}
    assert all(s["phone"] == "13800000000" and s["sign_name"] for s in sms)
    assert world.store.counts()["delivered"] == len(http.inbox.raw) + len(mails)


def test_with_the_receivers_down_notices_wait_and_arrive_once_when_they_return(
    world: World, smtp: SmtpReceiver, http: HttpReceiver, clock: FakeClock
) -> None:
    make_news(world, clock)
    assert world.sender.run_once() > 0  # enqueued, every send failed
    counts = world.store.counts()
    assert counts["delivered"] == 0
    assert counts["pending"] > 0
    pending = world.store.list("pending")
    assert all(d.attempts == 1 and d.next_at > world.now for d in pending)
    world.now += 2  # the first retry waits 2.5 to 5 s (5 s, jittered): nothing is tried yet
    world.sender.run_once()
    assert all(d.attempts == 1 for d in world.store.list("pending"))

    smtp.start()
    http.start()
    world.now += 120
    world.sender.run(until_idle=True, poll=0.01)
    kinds = webhook_kinds(http)
    assert kinds[("li.na", "red")] == kinds[("sun.li", "supervision")] == 1
    assert kinds[("wang.qiang", "rectification_due")] == 1
    assert len(http.inbox.raw) == len(http.inbox.received)
    assert len(smtp.inbox.raw) == len(smtp.inbox.received) > 0
    assert world.store.counts()["pending"] == 0


def test_a_receiver_that_stays_down_dead_letters_and_a_replay_delivers(
    world: World, smtp: SmtpReceiver, http: HttpReceiver, clock: FakeClock
) -> None:
    supervision(world.app)
    for _ in range(12):
        world.sender.run_once()
        world.now += 120
    counts = world.store.counts()
    assert counts["dead"] > 0
    assert counts["pending"] == 0
    smtp.start()
    http.start()
    assert world.store.replay_dead(world.now) == counts["dead"]
    world.sender.run(until_idle=True, poll=0.01)
    assert webhook_kinds(http)[("zhao.lei", "supervision")] == 1
    assert world.store.counts()["dead"] == 0
