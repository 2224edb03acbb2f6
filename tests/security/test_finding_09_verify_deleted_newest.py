"""Finding 9: a record's newest event deleted with its chain row, mid-log, is named.

The record's own chain still holds together (it simply ends one version early), so the
evidence is the log chain's next entry, which records whose event came before it. Both
``verify ID`` and the full ``verify`` must name the record that lost the event, not the
record that happens to follow it.
"""

from __future__ import annotations

import pytest

from api.cli.verify import verify
from tests.integration.test_integrity_tamper import World, world  # noqa: F401  (the fixture)
from tests.support.app import ADMIN


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
