"""Checkpoints every N positions, adopting a store written before the chain, and concurrent
writers: the chain stays whole on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from uuid import UUID

from domain.actors import Actor, Role
from domain.application import Casetrail
from domain.integrity import LogCheckpoint
from infra.bootstrap import bootstrap
from infra.integrity.checkpoints import claim_reader, record_checkpoint
from infra.integrity.standalone import CHECKPOINT_TOPIC
from infra.integrity.tables import chain_of
from infra.integrity.verify_log import LogReport, verify_log
from tests.integration.test_integrity_tamper import RawStore
from tests.support.stores import StoreUnderTest

ADMIN = Actor("admin", Role.ADMIN)


def verified(app: Casetrail) -> LogReport:
    return verify_log(chain_of(app.recorder), claim_reader(app.mapper))


def checkpoints(app: Casetrail) -> list[tuple[int, int, str]]:
    """(own position, covered position, reason) of every checkpoint, in log order."""
    found = []
    for row in chain_of(app.recorder).event_rows_of_topic(CHECKPOINT_TOPIC):
        checkpoint: object = app.repository.get(UUID(row.originator_id))
        assert isinstance(checkpoint, LogCheckpoint)
        found.append((row.position, checkpoint.position, checkpoint.reason))
    return found


def test_a_checkpoint_follows_each_commit_that_crosses_a_multiple_of_the_interval(
    durable_store: StoreUnderTest,
) -> None:
    app = bootstrap(
        durable_store.settings,
        clock=durable_store.clock,
        env_override={"INTEGRITY_CHECKPOINT_EVERY": "10"},
    )
    durable_store.opened.append(app)
    start = chain_of(app.recorder).bounds()[1]
    first = checkpoints(app)

    for number in range(20):
        app.register_unit(f"U{number:02d}", f"单位{number}", actor=ADMIN)

    # Twenty one-event commits after `start`, each checkpoint taking the position after the
    # multiple of 10 it covers: the log ends 20 commands plus 2 checkpoints later.
    end = chain_of(app.recorder).bounds()[1]
    tens = [p for p in range(start + 1, end + 1) if p % 10 == 0]
    assert end == start + 22
    assert checkpoints(app)[len(first) :] == [(p + 1, p, "periodic") for p in tens]
    assert verified(app).first_break is None


def test_a_store_written_before_the_chain_is_adopted_and_sealed(
    durable_store: StoreUnderTest,
) -> None:
    settings = durable_store.settings
    library = "sqlite:SQLite" if settings.backend == "sqlite" else "postgres:Postgres"
    unchained = {"APPLICATION_RECORDER_TOPIC": f"eventsourcing.{library}ApplicationRecorder"}
    plain = bootstrap(settings, clock=durable_store.clock, env_override=unchained)
    for code in ("AMR", "HRS", "TAX"):
        plain.register_unit(code, code, actor=ADMIN)
    plain.close()
    written = RawStore(settings).sql("SELECT COUNT(*) FROM " + RawStore(settings).events)[0][0]

    app = durable_store.open()

    assert app.recorder.adopted == written  # type: ignore[attr-defined]
    assert checkpoints(app)[0] == (written + 1, written, "chain adopted")
    report = verified(app)
    assert report.first_break is None
    assert report.checkpoints == 1


def test_an_emptied_chain_table_is_not_silently_rebuilt(durable_store: StoreUnderTest) -> None:
    app = durable_store.open()
    app.register_unit("AMR", "市场监督管理局", actor=ADMIN)
    record_checkpoint(app, "on demand")
    durable_store.close()
    RawStore(durable_store.settings).sql("DROP TABLE event_hashes")

    reopened = durable_store.open()

    assert reopened.recorder.adopted is None  # type: ignore[attr-defined]
    found = verified(reopened).first_break
    assert found is not None
    assert (found.kind, found.detail) == (
        "removed",
        "the store holds events but no hash chain (the chain table was emptied)",
    )


def test_concurrent_writers_leave_one_unbroken_chain(durable_store: StoreUnderTest) -> None:
    writers = [durable_store.open(), durable_store.open()]

    def register(index: int) -> None:
        for number in range(25):
            writers[index].register_unit(f"W{index}-{number:02d}", "单位", actor=ADMIN)

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(register, [0, 1]))

    report = verified(writers[0])
    assert report.first_break is None
    assert report.events == chain_of(writers[0].recorder).bounds()[0]
    assert report.records >= 50
