"""How the composition root turns the hash chain on: recorder topics and the checkpointer.

The library picks its application recorder class from ``APPLICATION_RECORDER_TOPIC``; we name
our chained subclasses there for the SQLite and PostgreSQL stores. The in-memory store stays
unchained: it keeps nothing to tamper with once the process ends.

On PostgreSQL the chained recorder also stores the keys of new data subjects, in the statement
that stores the events sealed with them, when the vault's keys live in the events' database.
"""

from __future__ import annotations

from domain.services.base import ServiceBase
from infra.integrity.checkpoints import Checkpointer, checkpoint_interval, record_checkpoint
from infra.integrity.postgres import ChainedPostgresApplicationRecorder
from infra.integrity.tables import ChainTables
from infra.vault.cipher import SubjectVault
from infra.vault.keys import NewKeys, PostgresKeyStore

RECORDER_KEY = "APPLICATION_RECORDER_TOPIC"
CHAINED_RECORDERS = {
    "eventsourcing.sqlite": "infra.integrity.sqlite:ChainedSQLiteApplicationRecorder",
    "eventsourcing.postgres": "infra.integrity.postgres:ChainedPostgresApplicationRecorder",
}


def chained_env(env: dict[str, str]) -> dict[str, str]:
    """``env`` with the chained recorder named for its store, unless a recorder is named."""
    topic = CHAINED_RECORDERS.get(env.get("PERSISTENCE_MODULE", ""))
    if topic is None or RECORDER_KEY in env:
        return env
    return {**env, RECORDER_KEY: topic}


def install_checkpoints(app: ServiceBase) -> None:
    """Record periodic checkpoints after commits; seal a log the chain has just adopted."""
    recorder = app.recorder
    if not isinstance(recorder, ChainTables):
        return
    recorder.commit_listener = Checkpointer(app, checkpoint_interval(app))
    if recorder.adopted:
        record_checkpoint(app, "chain adopted")


def store_new_keys_with_events(app: ServiceBase, events_conninfo: str | None) -> bool:
    """Have new subjects' keys committed with the events that seal with them (one commit per
    filing instead of two); True when done. Only for the chained PostgreSQL recorder and a key
    store on the events' own database (``events_conninfo``): elsewhere keys are committed by
    the key store before the events, as before."""
    vault, recorder = app.vault, app.recorder
    if not (
        isinstance(recorder, ChainedPostgresApplicationRecorder)
        and isinstance(vault, SubjectVault)
        and isinstance(vault.keys, PostgresKeyStore)
        and vault.keys.conninfo == events_conninfo
    ):
        return False
    recorder.new_keys = vault.keys.new_keys = NewKeys()
    return True
