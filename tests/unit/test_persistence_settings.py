"""Settings choose the store; persistence turns them into the library's configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.persistence import PersistenceConfigError, persistence_env, postgres_env
from infra.settings import Settings, shipped_policy_path


def test_settings_default_to_sqlite_under_the_local_home() -> None:
    settings = Settings(home=Path(".casetrail"), database_url=None, store="auto")

    assert settings.backend == "sqlite"
    assert settings.sqlite_path == Path(".casetrail/casetrail.db")
    assert settings.policy_file == shipped_policy_path()
    assert settings.policy_file.is_file()


def test_a_database_url_switches_the_store_to_postgres() -> None:
    settings = Settings(database_url="postgresql://casetrail@db:5432/casetrail", store="auto")

    assert settings.backend == "postgres"


def test_settings_are_read_from_prefixed_environment_variables(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The one test that sets variables: it checks the names the README documents.
    monkeypatch.setenv("CASETRAIL_HOME", str(tmp_path))
    monkeypatch.setenv("CASETRAIL_JURISDICTION", "guangdong")
    monkeypatch.setenv("CASETRAIL_POLICY_FILE", "")

    settings = Settings()

    assert (settings.home, settings.jurisdiction) == (tmp_path, "guangdong")
    assert settings.policy_file == shipped_policy_path()


def test_sqlite_store_lives_in_the_home_directory_which_is_created(tmp_path: Path) -> None:
    home = tmp_path / "state" / "casetrail"

    env = persistence_env(Settings(home=home, store="sqlite"))

    assert env == {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(home / "casetrail.db"),
        "CREATE_TABLE": "y",
    }
    assert home.is_dir()


def test_memory_store_keeps_nothing_on_disk(tmp_path: Path) -> None:
    env = persistence_env(Settings(home=tmp_path / "unused", store="memory"))

    assert env == {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    assert not (tmp_path / "unused").exists()


def test_postgres_url_is_split_into_the_library_keys() -> None:
    env = postgres_env("postgresql://case%40trail:p%2Fss@db.internal:6543/casetrail")

    assert env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"]) == ("db.internal", "6543")
    assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == ("case@trail", "p/ss")
    assert env["POSTGRES_DBNAME"] == "casetrail"
    assert env["CREATE_TABLE"] == "y"


def test_postgres_url_without_port_or_password_uses_the_usual_defaults() -> None:
    env = postgres_env("postgres://casetrail@127.0.0.1/events")

    assert (env["POSTGRES_PORT"], env["POSTGRES_PASSWORD"]) == ("5432", "")


def test_postgres_url_options_tune_the_connection_pool() -> None:
    env = postgres_env("postgresql://u@h/db?pool_size=20&connect_timeout=3&schema=casetrail")

    assert (env["POSTGRES_POOL_SIZE"], env["POSTGRES_CONNECT_TIMEOUT"]) == ("20", "3")
    assert env["POSTGRES_SCHEMA"] == "casetrail"


def test_a_url_for_another_database_is_refused_without_showing_its_password() -> None:
    with pytest.raises(PersistenceConfigError, match="must start with postgresql://") as error:
        postgres_env("mysql://root:secret@127.0.0.1:3306/casetrail")

    assert "secret" not in str(error.value)
    assert "mysql://root:***@127.0.0.1:3306/casetrail" in str(error.value)


def test_a_url_without_a_database_name_is_refused() -> None:
    with pytest.raises(PersistenceConfigError, match="names no database"):
        postgres_env("postgresql://casetrail@127.0.0.1:5432")


def test_an_unknown_url_option_is_refused_with_the_known_ones() -> None:
    with pytest.raises(PersistenceConfigError, match=r"unknown option 'sslmod'.*pool_size"):
        postgres_env("postgresql://u@h/db?sslmod=require")


def test_the_postgres_store_without_a_url_is_refused() -> None:
    with pytest.raises(PersistenceConfigError, match="needs CASETRAIL_DATABASE_URL"):
        persistence_env(Settings(store="postgres", database_url=None))
