"""Reading the versioned policy file: the shipped one, and the mistakes an admin can make."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from domain.policy import ExtensionPolicy, Policy, WarningPolicy
from infra.policy_file import PolicyFileError, load_policy
from infra.settings import shipped_policy_path

SHIPPED_NAME = "Default: Guangdong 12345 time limits (2022), seed directive lists and triggers"


def edited_policy(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the shipped policy with one line changed."""
    text = shipped_policy_path().read_text(encoding="utf-8")
    assert old in text, f"the shipped policy no longer contains {old!r}"
    path = tmp_path / "policy.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_shipped_policy_holds_the_documented_defaults() -> None:
    # Policy's field defaults are the numbers DOMAIN.md gives; the shipped file repeats them.
    # Service commitments are local promises, not a default: the file names the demo's.
    assert load_policy(shipped_policy_path()) == Policy(
        version="2026.4",
        name=SHIPPED_NAME,
        service_commitments={"GSC-help": 5, "GSC-consultation": 1, "TAX-complaint": 10},
    )


def test_shipped_policy_places_the_sectioned_numbers_where_the_domain_reads_them() -> None:
    policy = load_policy(shipped_policy_path())

    assert policy.working_days_for("complaint") == 15
    assert policy.working_days_for("consultation") == 2
    assert (policy.emergency_dispatch_hours, policy.emergency_handle_hours) == (1, 24)
    assert policy.return_window_working_days == 2
    assert policy.extension == ExtensionPolicy(max_count=1, max_working_days=10)
    assert policy.assessment_weights["return_rate"] == -0.1


def test_the_archived_policy_2026_1_loads_with_its_own_weights() -> None:
    archived = load_policy(shipped_policy_path().parent / "archive" / "2026.1.toml")
    current = load_policy(shipped_policy_path())
    assert archived.version == "2026.1"
    # What changed: 重办率 entered the ranking, and service commitments were named.
    assert set(current.assessment_weights) - set(archived.assessment_weights) == {"reopen_rate"}
    assert archived.service_commitments == {}
    assert (archived.lists, archived.warnings) == (current.lists, current.warnings)


def test_the_archived_policies_2026_2_and_2026_3_weigh_no_quarterly_evaluation() -> None:
    current = load_policy(shipped_policy_path())
    for version in ("2026.2", "2026.3"):
        archived = load_policy(shipped_policy_path().parent / "archive" / f"{version}.toml")
        # 2026.3 added the list floors, the trigger's source and recommendation and the visits'
        # recording limit, which 2026.2's figures never read; 2026.4 weighs the quarterly
        # evaluation in the ranking, which neither had: its weight there is nothing.
        assert archived.version == version
        assert archived.quarterly_evaluation.ranking_weight == 0
        evaluation = replace(current.quarterly_evaluation, ranking_weight=0.0)
        assert replace(archived, version=current.version) == replace(
            current, quarterly_evaluation=evaluation
        )


def test_a_changed_number_is_read_from_the_file(tmp_path: Path) -> None:
    path = edited_policy(tmp_path, "complaint = 15", "complaint = 10")

    assert load_policy(path).working_days_for("complaint") == 10


def test_a_whole_number_is_accepted_where_a_fraction_is_expected(tmp_path: Path) -> None:
    path = edited_policy(tmp_path, "yellow_fraction_elapsed = 0.75", "yellow_fraction_elapsed = 1")

    assert load_policy(path).warnings == WarningPolicy(yellow_fraction_elapsed=1.0)


def test_a_missing_file_is_named_in_the_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"

    with pytest.raises(PolicyFileError, match=r"nowhere\.toml: no such file"):
        load_policy(missing)


def test_a_file_that_is_not_toml_is_named_with_the_line(tmp_path: Path) -> None:
    path = edited_policy(tmp_path, "[extension]", "[extension")

    with pytest.raises(PolicyFileError, match=r"policy.toml: not valid TOML: .*line \d+"):
        load_policy(path)


def test_a_missing_number_is_named_by_its_key(tmp_path: Path) -> None:
    path = edited_policy(tmp_path, "max_working_days = 10\n", "")

    with pytest.raises(PolicyFileError) as error:
        load_policy(path)

    assert error.value.key == "extension.max_working_days"
    assert error.value.path == path
    assert "missing" in str(error.value)


def test_a_misspelt_table_is_reported_as_the_number_it_should_hold(tmp_path: Path) -> None:
    path = edited_policy(tmp_path, "[returns]", "[returns_misspelt]")

    with pytest.raises(PolicyFileError) as error:
        load_policy(path)

    assert error.value.key == "returns.window_working_days"


def test_a_number_written_as_text_is_refused(tmp_path: Path) -> None:
    path = edited_policy(tmp_path, "max_count = 1", 'max_count = "one"')

    expected = "'extension.max_count': must be a whole number, not 'one'"
    with pytest.raises(PolicyFileError, match=re.escape(expected)):
        load_policy(path)


def test_a_fraction_where_days_are_counted_is_refused(tmp_path: Path) -> None:
    path = edited_policy(tmp_path, "help = 10", "help = 10.5")

    with pytest.raises(PolicyFileError) as error:
        load_policy(path)

    assert error.value.key == "working_days_by_type.help"


def test_a_misspelt_key_is_refused_rather_than_ignored(tmp_path: Path) -> None:
    path = edited_policy(tmp_path, "red_size = 3", "red_size = 3\nred_sise = 5")

    with pytest.raises(PolicyFileError, match="unknown key") as error:
        load_policy(path)

    assert error.value.key == "lists.red_sise"


def test_an_empty_version_is_refused(tmp_path: Path) -> None:
    path = edited_policy(tmp_path, 'version = "2026.4"', 'version = ""')

    with pytest.raises(PolicyFileError) as error:
        load_policy(path)

    assert error.value.key == "version"
