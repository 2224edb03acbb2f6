"""``casetrail notify``: counts, preferences, and clear refusals (exit 2) for what makes no
sense, before anything is stored."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import CommandRunner


def test_status_prefs_and_refusals(tmp_path: Path) -> None:
    casetrail = CommandRunner(tmp_path / "home")
    assert casetrail.ok("notify", "status").startswith("pending 0 delivered 0 dead 0")

    unknown = casetrail("notify", "prefs", "li.na", "--channels", "email,pigeon")
    assert unknown.returncode == 2
    assert "unknown channel: pigeon" in unknown.stderr

    no_channel = casetrail("notify", "run", "--until-idle")
    assert no_channel.returncode == 2
    assert "CASETRAIL_NOTIFY_SMTP_HOST" in no_channel.stderr

    casetrail.env["CASETRAIL_NOTIFY_WEBHOOK_URL"] = "http://127.0.0.1:9/hook"
    unsigned = casetrail("notify", "run", "--until-idle")
    assert unsigned.returncode == 2
    assert "CASETRAIL_NOTIFY_WEBHOOK_SECRET" in unsigned.stderr

    assert "saved" in casetrail.ok("notify", "prefs", "li.na", "--email", "li.na@amr.example",
                                   "--kinds", "red,supervision")
    assert casetrail.ok("notify", "replay-dead").startswith("0 dead-lettered")
    assert casetrail.ok("notify", "dead") == ""
