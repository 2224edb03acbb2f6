"""Finding 9: a record's newest event deleted with its chain row, mid-log, is named.

The record's own chain still holds together (it simply ends one version early), so the
evidence is the log chain's next entry, which records whose event came before it. Both
``verify ID`` and the full ``verify`` must name the record that lost the event, not the
record that happens to follow it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest

from api.cli.verify import verify
from tests.e2e.api_world import World as ApiWorld
from tests.e2e.api_world import open_world, settings_for
from tests.integration.test_integrity_tamper import World, world  # noqa: F401  (the fixture)
from tests.support.app import ADMIN
from tests.support.clock import FakeClock


@pytest.fixture
def api_world(tmp_path: Path, clock: FakeClock) -> Iterator[ApiWorld]:
    opened = open_world(settings_for(tmp_path / "home"), clock)
    yield opened
    opened.container.close()


def delete_newest(world: World) -> int:  # noqa: F811
    """Delete the case's version 4 and its chain row; more records follow it in the log."""
    world.app.register_unit("TAX", "税务局", actor=ADMIN)  # one more entry after the checkpoint
    position = world.raw.position_of(world.case, 4)
    world.raw.delete(world.case, 4)
    world.raw.sql("DELETE FROM event_hashes WHERE notification_id = %s", (position,))
    return position


def test_verify_of_the_record_names_its_lost_newest_event(
    world: World,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    delete_newest(world)

    found = world.record_break()

    assert found is not None
    assert (found.kind, found.originator_id, found.version) == ("removed", str(world.case), 4)
    assert verify(world.app, str(world.case), [], checkpoint=False) == 1
    out = capsys.readouterr().out
    assert out.startswith("BROKEN")
    assert f"record {world.case}, version 4" in out


def test_the_full_verify_blames_the_record_that_lost_the_event_not_the_next_one(
    world: World,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    position = delete_newest(world)

    found = world.first_break()

    assert found is not None
    assert (found.kind, found.originator_id, found.version) == ("removed", str(world.case), 4)
    assert f"after position {position - 1}" in found.detail
    assert verify(world.app, None, [], checkpoint=False) == 1
    assert f"record {world.case}, version 4" in capsys.readouterr().out


def test_a_record_whose_history_does_not_replay_is_a_problem_document_not_a_bare_500(
    api_world: ApiWorld,
) -> None:
    body = {"case_type": "complaint", "channel": "window", "summary": "审批", "filer_name": "张伟"}
    case = api_world.post("li.na", "/api/v1/cases", body).json()["id"]
    api_world.step("li.na", f"/api/v1/cases/{case}/dispatch", {"lead_unit": "AMR"}, version=1)
    api_world.step("li.na", f"/api/v1/cases/{case}/sign-for", version=2)
    with sqlite3.connect(api_world.container.settings.sqlite_path) as connection:
        connection.execute(
            "DELETE FROM stored_events WHERE originator_id = ? AND originator_version = 2",
            (UUID(case).hex,),
        )

    answer = api_world.get("li.na", f"/api/v1/cases/{case}")

    assert answer.status_code == 500
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert (problem["code"], problem["params"]["id"]) == ("record-broken", case)
    assert f"casetrail verify {case}" in problem["detail"]
