"""The vault: per-subject keys that seal personal data, kept next to the event store."""

from __future__ import annotations

from infra.persistence import persistence_env
from infra.settings import Settings
from infra.vault.cipher import SubjectVault
from infra.vault.keys import KeyStore, MemoryKeyStore, PostgresKeyStore, SqliteKeyStore
from infra.views import postgres_conninfo

__all__ = ["KeyStore", "SubjectVault", "open_vault"]


def open_vault(settings: Settings, env: dict[str, str] | None = None) -> SubjectVault:
    """A vault whose keys live in the same database as the events they seal (as chosen by the
    event store's library settings ``env``, by default those of ``settings``)."""
    env = env or persistence_env(settings)
    module = env.get("PERSISTENCE_MODULE", "")
    keys: KeyStore
    if module.endswith("sqlite") and "memory" not in env.get("SQLITE_DBNAME", ":memory:"):
        keys = SqliteKeyStore(env["SQLITE_DBNAME"])
    elif module.endswith("postgres"):
        keys = PostgresKeyStore(postgres_conninfo(env)[0])
    else:
        keys = MemoryKeyStore()
    return SubjectVault(keys)
