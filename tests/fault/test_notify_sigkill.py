"""A notification sender killed with SIGKILL mid-run, again and again, duplicates nothing.

Each delivery's attempt is committed before it is sent, and every send carries the delivery's
id; a sender killed between a send and its mark leaves the delivery leased, the next sender
sends it again once the lease lapses, and the receivers (which drop an id they already took,
as docs/notifications.md asks of them) end up with every notice exactly once. On the wire at
most one send per kill is repeated: the one in flight.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from infra.bootstrap import bootstrap
from infra.notify import open_notify_store
from infra.notify.store import Preferences
from infra.settings import Settings, shipped_policy_path
from tests.support.clock import FakeClock
from tests.support.notice_world import FILED, red_card, seed_people, supervision
from tests.support.receivers import HttpReceiver, SmtpReceiver

pytestmark = [pytest.mark.fault]

KILLS = 5
SECRET = "sigkill-secret"
PEOPLE = ("li.na", "wang.qiang", "zhao.lei", "sun.li")


def _env(settings: Settings, smtp: SmtpReceiver, http: HttpReceiver) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASETRAIL_")}
    env.update({
        "CASETRAIL_STORE": settings.store, "CASETRAIL_DATABASE_URL": settings.database_url or "",
        "CASETRAIL_HOME": str(settings.home),
        "CASETRAIL_NOTIFY_SMTP_HOST": "127.0.0.1", "CASETRAIL_NOTIFY_SMTP_PORT": str(smtp.port),
        "CASETRAIL_NOTIFY_WEBHOOK_URL": http.url, "CASETRAIL_NOTIFY_WEBHOOK_SECRET": SECRET,
        "CASETRAIL_NOTIFY_LEASE_SECONDS": "1", "CASETRAIL_NOTIFY_RETRY_FIRST_SECONDS": "0.2",
    })
    return env


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    url = request.getfixturevalue("fresh_postgres_url") if request.param == "postgres" else None
    return Settings(store=request.param, database_url=url, home=tmp_path / "home",
                    policy_file=shipped_policy_path(), jurisdiction="national")


def test_a_sender_killed_mid_run_delivers_every_notice_once_to_deduping_receivers(
    settings: Settings,
) -> None:
    clock = FakeClock(FILED)
    app = bootstrap(settings, clock=clock)
    seed_people(app)
    store = open_notify_store(settings)
    for login in PEOPLE:
        store.set_preferences(Preferences(login, email=f"{login}@example.org"))
    for number in range(12):
        supervision(app, f"第{number + 1}号督办：说明超时原因")
    red_card(app, clock)
    smtp, http = SmtpReceiver().start(), HttpReceiver(SECRET, delay=0.03).start()
    env, rng = _env(settings, smtp, http), random.Random(9)
    command = [sys.executable, "-m", "api.cli.main", "notify", "run"]
    try:
        for _ in range(KILLS):
            before = len(http.inbox.raw) + len(smtp.inbox.raw)
            sender = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 20
            while (len(http.inbox.raw) + len(smtp.inbox.raw) < before + 3
                   and time.monotonic() < deadline):
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 0.1))
            sender.kill()
            sender.wait(10)
        assert store.counts()["pending"] > 0, "the kills should land while work is left"
        finished = subprocess.run([*command, "--until-idle"], env=env, timeout=120, check=False,
                                  stderr=subprocess.DEVNULL)
        assert finished.returncode == 0
    finally:
        smtp.stop()
        http.stop()

    notices = Counter((item["recipient"], item["kind"]) for item in http.inbox.received.values())
    assert notices[("zhao.lei", "supervision")] == notices[("sun.li", "supervision")] == 12
    for login in ("li.na", "wang.qiang"):
        assert notices[(login, "red")] == notices[(login, "reminder")] == 1
    expected = sum(notices.values())
    assert expected == 12 * 2 + 3 * 2
    assert len({item["notice"] for item in http.inbox.received.values()}) == expected
    assert len(smtp.inbox.received) == expected
    assert len(http.inbox.raw) - len(http.inbox.received) <= KILLS
    assert len(smtp.inbox.raw) - len(smtp.inbox.received) <= KILLS
    counts = store.counts()
    store.close()
    app.close()
    assert counts == {"pending": 0, "sending": 0, "delivered": 2 * expected, "dead": 0}
