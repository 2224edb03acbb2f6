"""The view store contract: rows and position move together, or not at all (memory and SQLite)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from infra.views import SqliteViewStore
from projections.base import Projection, Table, ViewTx, handles
from projections.memory import MemoryViewStore
from projections.store import PositionMovedError, ProjectionFailedError, ViewStore
from tests.support.clock import FakeClock


@dataclass
class Deposited:
    account: str
    amount: int


@dataclass
class Tagged:
    account: str
    tags: list[str]
    at: datetime
    frozen: bool


@dataclass
class Broken:
    account: str


@dataclass
class Closed:
    account: str


@dataclass
class Audited:
    label: str


class Ledger(Projection):
    """Sums deposits per account: applying an event twice would show in the balance."""

    name = "ledger"
    version = "1"
    tables = (
        Table.of(
            "balances", key="account", positions=("last_position",), account="text",
            balance="integer", deposits="integer", tags="json", tagged_at="timestamp",
            frozen="boolean", last_position="integer",
        ),
        Table.of("audits", key="label", label="text", frozen="json", untagged="json"),
    )

    @handles(Deposited)
    def _deposited(self, event: Deposited, view: ViewTx) -> None:
        view.increment("balances", event.account, "balance", event.amount)
        view.increment("balances", event.account, "deposits")
        view.upsert("balances", {"account": event.account, "last_position": view.position})

    @handles(Tagged)
    def _tagged(self, event: Tagged, view: ViewTx) -> None:
        view.upsert("balances", {
            "account": event.account, "tags": event.tags, "tagged_at": event.at,
            "frozen": event.frozen,
        })

    @handles(Closed)
    def _closed(self, event: Closed, view: ViewTx) -> None:
        view.delete("balances", event.account)

    @handles(Audited)
    def _audited(self, event: Audited, view: ViewTx) -> None:
        view.upsert("audits", {
            "label": event.label,
            "frozen": [r["account"] for r in view.select("balances", frozen=True)],
            "untagged": [r["account"] for r in view.select("balances", tags=None)],
        })

    @handles(Broken)
    def _broken(self, event: Broken, view: ViewTx) -> None:
        raise ValueError(f"cannot project {event.account}")


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ViewStore]:
    clock = FakeClock()
    opened: ViewStore = (
        MemoryViewStore(clock) if request.param == "memory"
        else SqliteViewStore(str(tmp_path / "views.db"), clock)
    )
    opened.ensure(Ledger())
    yield opened
    opened.close()


def position(store: ViewStore) -> int | None:
    found = store.position("ledger")
    return found.position if found else None


def balances(store: ViewStore) -> dict[str, tuple[int, int]]:
    rows = store.rows(Ledger.tables[0])
    return {r["account"]: (r["balance"], r["deposits"]) for r in rows}


def test_a_new_view_starts_at_position_zero_under_its_definition(store: ViewStore) -> None:
    found = store.position("ledger")
    assert found is not None
    assert (found.position, found.definition_version) == (0, "1")


def test_a_batch_writes_its_rows_and_its_position_together(store: ViewStore) -> None:
    events = [(1, Deposited("a", 10)), (2, Deposited("b", 5)), (4, Deposited("a", 7))]

    store.apply_batch(Ledger(), 0, events, 6)

    assert balances(store) == {"a": (17, 2), "b": (5, 1)}
    assert position(store) == 6
    assert store.rows(Ledger.tables[0])[0]["last_position"] == 4


def test_a_failing_handler_leaves_neither_rows_nor_position(store: ViewStore) -> None:
    store.apply_batch(Ledger(), 0, [(1, Deposited("a", 10))], 1)
    batch = [(2, Deposited("a", 5)), (3, Deposited("c", 1)), (4, Broken("a"))]

    with pytest.raises(ProjectionFailedError, match="position 4: ValueError: cannot project a"):
        store.apply_batch(Ledger(), 1, batch, 4)

    assert balances(store) == {"a": (10, 1)}
    assert position(store) == 1


def test_a_batch_read_from_a_stale_position_is_refused(store: ViewStore) -> None:
    store.apply_batch(Ledger(), 0, [(1, Deposited("a", 10))], 1)

    with pytest.raises(PositionMovedError):
        store.apply_batch(Ledger(), 0, [(1, Deposited("a", 10))], 1)

    assert balances(store) == {"a": (10, 1)}


def test_reset_empties_the_view_and_starts_it_over(store: ViewStore) -> None:
    store.apply_batch(Ledger(), 0, [(1, Deposited("a", 10))], 1)

    store.reset(Ledger())

    assert balances(store) == {}
    assert position(store) == 0


def test_values_read_back_as_they_were_written(store: ViewStore) -> None:
    at = datetime(2026, 3, 2, 9, 30, tzinfo=timezone(timedelta(hours=8)))
    store.apply_batch(Ledger(), 0, [(1, Tagged("a", ["vip", "北京"], at, True))], 1)

    [row] = store.rows(Ledger.tables[0])

    assert row["tags"] == ["vip", "北京"]
    assert row["tagged_at"] == datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
    assert row["frozen"] is True
    assert row["balance"] is None


def test_an_upsert_changes_only_the_columns_it_names(store: ViewStore) -> None:
    at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    events = [(1, Deposited("a", 10)), (2, Tagged("a", [], at, False))]

    store.apply_batch(Ledger(), 0, events, 2)

    [row] = store.rows(Ledger.tables[0])
    assert (row["balance"], row["deposits"], row["frozen"], row["tags"]) == (10, 1, False, [])


def test_handlers_can_select_and_delete_rows_in_their_batch(store: ViewStore) -> None:
    at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    events = [
        (1, Deposited("c", 1)), (2, Tagged("b", ["x"], at, True)), (3, Deposited("a", 2)),
        (4, Tagged("d", [], at, True)), (5, Tagged("e", [], at, False)), (6, Closed("d")),
        (7, Audited("q1")),
    ]

    store.apply_batch(Ledger(), 0, events, 7)

    [audit] = store.rows(Ledger.tables[1])
    assert audit == {"label": "q1", "frozen": ["b"], "untagged": ["a", "c"]}
    assert sorted(balances(store)) == ["a", "b", "c", "e"]
