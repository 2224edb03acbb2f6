"""A record's dossier, written by ``casetrail export``, checks offline with the standalone file
alone, and fails when anything in it is edited.

The checker is copied to an empty directory and run with ``python -I -S``: no project code and
no installed packages are importable, only the standard library.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from domain.actors import Actor, Role
from infra.integrity import standalone
from infra.integrity.checkpoints import record_checkpoint
from tests.integration.test_integrity_tamper import file_and_pass_around
from tests.support.app import seed_directory
from tests.support.cli import CommandRunner
from tests.support.stores import StoreUnderTest

ZHAO = Actor("zhao.lei", Role.WINDOW_STAFF)


@dataclass
class Exported:
    case: UUID
    dossier: dict[str, Any]
    checker: Path
    directory: Path
    sealed_at: int
    """The position the checkpoint covers; versions 1-4 are at or before it, version 5 after."""

    def check(self, dossier: dict[str, Any], *extra: str) -> subprocess.CompletedProcess[str]:
        path = self.directory / "edited.json"
        path.write_text(json.dumps(dossier), encoding="utf-8")
        return subprocess.run(
            [sys.executable, "-I", "-S", str(self.checker), str(path), *extra],
            cwd=self.directory,
            capture_output=True,
            text=True,
            check=False,
        )


@pytest.fixture
def exported(durable_store: StoreUnderTest, tmp_path: Path) -> Exported:
    app = durable_store.open()
    seed_directory(app)
    case_id = file_and_pass_around(app)
    checkpoint = record_checkpoint(app, "on demand")
    assert checkpoint is not None
    app.hand_over(case_id, "li.na", "退回首问", actor=ZHAO)
    durable_store.close()

    settings = durable_store.settings
    casetrail = CommandRunner(settings.home, settings.database_url)
    assert casetrail.ok("verify", str(case_id)).startswith(
        f"intact: record {case_id}, versions 1-5"
    )
    out = tmp_path / "dossier.json"
    assert f"wrote {out}: 5 events, 1 checkpoints" in casetrail.ok(
        "export", str(case_id), "--out", str(out)
    )
    offline = tmp_path / "offline"
    offline.mkdir()
    checker = offline / "verify_dossier.py"
    shutil.copy(standalone.__file__, checker)
    dossier = json.loads(out.read_text(encoding="utf-8"))
    return Exported(case_id, dossier, checker, offline, checkpoint.position)


def test_the_dossier_verifies_offline_with_the_standard_library_alone(
    exported: Exported,
) -> None:
    done = exported.check(exported.dossier)

    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == (
        f"intact: {exported.case}, 5 events (versions 1-5), 4 of them sealed by checkpoints"
    )
    assert lines[1].startswith(f"  checkpoint: log hash at position {exported.sealed_at} is ")
    head = exported.dossier["head"]
    assert lines[2] == (
        f"  head at export: log hash at position {head['position']} is {head['global_hash']}"
    )


def test_a_changed_byte_in_an_exported_event_fails_the_check(exported: Exported) -> None:
    edited = json.loads(json.dumps(exported.dossier))
    event = edited["events"][1]
    state = bytearray(base64.b64decode(event["state"]))
    state[-3] ^= 0x01
    event["state"] = base64.b64encode(bytes(state)).decode()

    done = exported.check(edited)

    assert done.returncode == 1
    assert done.stdout.strip() == (
        f"NOT INTACT: altered: the stored bytes of version 2 (position {event['position']})"
        " do not match the chain"
    )


def test_leaving_out_the_last_event_fails_the_check(exported: Exported) -> None:
    edited = json.loads(json.dumps(exported.dossier))
    dropped = edited["events"].pop()

    done = exported.check(edited)

    assert done.returncode == 1
    assert done.stdout.strip() == (
        f"NOT INTACT: removed: the log chain records version 5 at position {dropped['position']},"
        " the dossier leaves it out"
    )


def test_an_edited_checkpoint_fails_the_check(exported: Exported) -> None:
    edited = json.loads(json.dumps(exported.dossier))
    checkpoint = edited["checkpoints"][0]
    fields = json.loads(base64.b64decode(checkpoint["state"]))
    fields["global_hash"] = "f" * 64
    checkpoint["state"] = base64.b64encode(json.dumps(fields).encode()).decode()

    done = exported.check(edited)

    assert done.returncode == 1
    assert done.stdout.startswith("NOT INTACT: checkpoint altered: the checkpoint at position")


def test_an_edited_log_entry_breaks_the_log_chain(exported: Exported) -> None:
    edited = json.loads(json.dumps(exported.dossier))
    entries = edited["log"][0]["entries"]
    entries[0][3] = "0" * 64
    position = entries[0][0]

    done = exported.check(edited)

    assert done.returncode == 1
    assert done.stdout.startswith(f"NOT INTACT: the log chain breaks at position {position}")


def test_a_hash_held_elsewhere_is_compared_when_given(exported: Exported) -> None:
    sealed = exported.dossier["checkpoints"][0]
    claimed = json.loads(base64.b64decode(sealed["state"]))["global_hash"]
    position = exported.sealed_at

    assert exported.check(exported.dossier, "--expect", f"{position}:{claimed}").returncode == 0
    wrong = exported.check(exported.dossier, "--expect", f"{position}:{'a' * 64}")
    assert wrong.returncode == 1
    assert f"the log hash at position {position} is {claimed}, not the expected" in wrong.stdout
