"""PostgreSQL stopped and started again under a write load, against ``casetrail serve``.

Clients file demands over HTTP the whole time, each with its own Idempotency-Key, and send a
command again (same key) when told 503; two more keep reading a case. While the server is down
the API answers 503 with ``Retry-After`` at once (requests already inside the store wait until
it is back); once it is back the same API process answers 201 again; and every demand that was
ever answered 201 is in the store afterwards.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.actors import Actor, Role
from infra.bench.api_load import wait_ready
from infra.bench.processes import casetrail_env, free_port, running, tail
from infra.bootstrap import bootstrap
from infra.identity import Accounts
from infra.settings import Settings, shipped_policy_path
from tests.fault.private_postgres import PrivatePostgres
from tests.support.app import ADMIN, seed_directory

pytestmark = [pytest.mark.fault, pytest.mark.postgres]

PROBLEM = "urn:casetrail:problem:"
WRITERS = 3
READERS = 2
DOWN_SECONDS = 6.0
CLERK = Actor("li.na", Role.WINDOW_STAFF)
BODY = {"case_type": "complaint", "channel": "window", "summary": "审批超时", "filer_name": "张伟"}


@dataclass
class Answers:
    created: dict[str, tuple[UUID, int]] = field(default_factory=dict)
    """Idempotency key -> (case id, version) of each 201."""
    statuses: list[tuple[float, int, bool]] = field(default_factory=list)
    """(when, status, whether Retry-After was sent)."""
    reads: list[tuple[float, int, bool]] = field(default_factory=list)
    """The same for a client that keeps reading one case."""
    kinds: set[str] = field(default_factory=set)
    """Problem types of the answers that were neither 201 nor 503."""
    lock: threading.Lock = field(default_factory=threading.Lock)


def _post(port: int, token: str, key: str) -> tuple[int, dict[str, Any], bool]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(
            "POST", "/api/v1/cases", json.dumps(BODY),
            {"Authorization": f"Bearer {token}", "Idempotency-Key": key,
             "Content-Type": "application/json"},
        )
        response = connection.getresponse()
        body = json.loads(response.read() or b"{}")
        return response.status, body, response.getheader("Retry-After") is not None
    finally:
        connection.close()


def _write(port: int, token: str, answers: Answers, stop: threading.Event) -> None:
    while not stop.is_set():
        key = uuid4().hex
        for _ in range(200):  # the same command until it is answered for good
            status, body, retry_after = _post(port, token, key)
            with answers.lock:
                answers.statuses.append((time.monotonic(), status, retry_after))
                if status == 201:
                    answers.created[key] = (UUID(str(body["id"])), int(str(body["version"])))
                elif status != 503:
                    answers.kinds.add(str(body.get("type")))
            if status != 503:
                break
            time.sleep(0.2)


def _read(port: int, token: str, path: str, answers: Answers, stop: threading.Event) -> None:
    """A client reading one case over and over, as people keep looking during an outage; like
    any client it gives up on a request after a few seconds and asks again."""
    while not stop.is_set():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
        try:
            connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
            response = connection.getresponse()
            response.read()
            retry_after = response.getheader("Retry-After") is not None
            with answers.lock:
                answers.reads.append((time.monotonic(), response.status, retry_after))
        except TimeoutError:
            pass  # a request already inside the store when it went away: ask again
        finally:
            connection.close()
        time.sleep(0.1)


def _settings(url: str) -> Settings:
    return Settings(
        store="postgres", database_url=url, policy_file=shipped_policy_path(),
        jurisdiction="national",
    )


def test_a_restarted_database_gives_503_with_retry_after_and_loses_no_answered_command(
    private_postgres: PrivatePostgres, tmp_path: Path
) -> None:
    app = bootstrap(_settings(private_postgres.url))
    seed_directory(app)
    Accounts(app).add_user("li.na", Role.WINDOW_STAFF, actor=ADMIN)
    token = Accounts(app).issue_token("li.na", actor=ADMIN).token
    case_id = app.file_demand(
        case_type="complaint", channel="window", summary="在办", actor=CLERK, filer_name="张伟"
    ).id
    app.close()
    port, log = free_port(), tmp_path / "serve.log"
    answers, stop = Answers(), threading.Event()
    clients = [
        threading.Thread(target=_write, args=(port, token, answers, stop), daemon=True)
        for _ in range(WRITERS)
    ] + [
        threading.Thread(
            target=_read, args=(port, token, f"/api/v1/cases/{case_id}", answers, stop),
            daemon=True,
        )
        for _ in range(READERS)
    ]
    env = casetrail_env(private_postgres.url)
    with running(["serve", "--port", str(port), "--watch-every", "1e9"], env, log) as server:
        wait_ready(port, 60)
        for client in clients:
            client.start()
        time.sleep(2.0)
        private_postgres.stop("fast")
        went_down = time.monotonic()
        time.sleep(DOWN_SECONDS)
        came_back = time.monotonic()
        private_postgres.start()
        time.sleep(4.0)
        stop.set()
        for client in clients:
            client.join(60)
        assert server.poll() is None, f"the API process died:\n{tail(log)}"

    statuses = {status for _, status, _ in answers.statuses}
    # A key whose request the outage cut is released when the store is back, and a filing
    # whose commit reached the server as the connection dropped is recognised by its retry as
    # saved (tests/security/test_finding_03_landed_write.py). Under a real restart on a loaded
    # machine a 409 of one of these two kinds still shows now and then: a known gap, never a
    # loss (docs/benchmarks.md, "Fault tests"); anything else fails.
    assert statuses <= {201, 503, 409}, f"unexpected answers {statuses}:\n{tail(log, 60)}"
    assert answers.kinds <= {PROBLEM + "idempotency-key-in-use", PROBLEM + "version-conflict"}
    # From a second after the server went away (when the API next asks it), answers come at once.
    while_down = [(s, retry) for at, s, retry in answers.reads if went_down + 2.0 < at < came_back]
    assert len(while_down) >= 3, f"{len(while_down)} answers while the database was down"
    assert set(while_down) == {(503, True)}
    assert all(retry for _, status, retry in answers.statuses if status == 503)
    after = [s for at, s, _ in answers.statuses if at > came_back + 2.0]
    assert 201 in after, "the API did not recover once the database was back"

    assert len(answers.created) >= 10
    reopened = bootstrap(_settings(private_postgres.url))
    try:
        lost = [
            (case_id, version) for case_id, version in answers.created.values()
            if not reopened.exists(case_id) or reopened.case(case_id).version < version
        ]
    finally:
        reopened.close()
    assert lost == []
