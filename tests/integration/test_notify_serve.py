"""``casetrail serve`` delivers notices by itself when a channel is configured: the sender runs
beside the projection runner and the deadline watcher, and stops with them."""

from __future__ import annotations

import time
from pathlib import Path

from infra.container import build_container
from infra.settings import Settings, shipped_policy_path
from tests.support.app import official_years
from tests.support.clock import FakeClock
from tests.support.notice_world import FILED, red_card, seed_people
from tests.support.receivers import HttpReceiver


def test_serve_runs_the_sender_and_a_red_card_arrives_by_webhook(tmp_path: Path) -> None:
    http = HttpReceiver("serve-secret").start()
    settings = Settings(
        store="sqlite", home=tmp_path, policy_file=shipped_policy_path(),
        notify_webhook_url=http.url, notify_webhook_secret="serve-secret",
    )
    clock = FakeClock(FILED)
    container = build_container(settings, clock=clock, official_years=official_years)
    try:
        seed_people(container.app)
        container.start_background(watch_every=3600)
        assert container.sender is not None
        red_card(container.app, clock)
        deadline = time.monotonic() + 20
        while len(http.inbox.received) < 6 and time.monotonic() < deadline:
            time.sleep(0.05)
        kinds = sorted((i["recipient"], i["kind"]) for i in http.inbox.received.values())
        assert kinds == sorted(
            (login, kind) for login in ("li.na", "wang.qiang")
            for kind in ("yellow", "red", "reminder")
        )
    finally:
        container.close()
        http.stop()
    assert container.sender is None
