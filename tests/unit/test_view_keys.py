"""A key's stored form is the same whichever way a handler gives it, and a bad key is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import pytest

from infra.views.sql import given_key, stored_key
from projections.base import Table

CASE = UUID("12345678-1234-5678-1234-567812345678")
BY_ID = Table.of("by_id", key="id", id="text", n="integer")
BY_TWO = Table.of("by_two", key=("unit", "state"), unit="text", state="text", n="integer")
BY_NUMBER = Table.of("by_number", key="n", n="integer")
BY_TIME = Table.of("by_time", key=("unit", "at"), unit="text", at="timestamp")
EIGHT = timezone(timedelta(hours=8))


@pytest.mark.parametrize(("table", "key"), [
    (BY_ID, CASE), (BY_ID, str(CASE)), (BY_ID, (CASE,)), (BY_ID, {"id": CASE}),
    (BY_ID, {"id": str(CASE), "n": 3}),
    (BY_TWO, ("u1", "closed")), (BY_TWO, {"unit": "u1", "state": "closed", "n": 1}),
    (BY_TWO, {"unit": CASE, "state": "closed"}),
    (BY_NUMBER, 7), (BY_NUMBER, {"n": 7}),
    (BY_TIME, ("u1", datetime(2025, 7, 8, 15, tzinfo=EIGHT))),
    (BY_TIME, {"unit": "u1", "at": datetime(2025, 7, 8, 7, tzinfo=UTC)}),
])
def test_a_key_is_stored_as_the_general_path_stores_it(table: Table, key: Any) -> None:
    assert given_key(table, key) == stored_key(table, table.key_values(key))


@pytest.mark.parametrize(("table", "key"), [
    (BY_ID, {"n": 3}), (BY_ID, {"id": None}), (BY_ID, None),
    (BY_TWO, {"unit": "u1"}), (BY_TWO, ("u1",)), (BY_TWO, "u1"),
])
def test_a_key_missing_a_column_is_refused(table: Table, key: Any) -> None:
    with pytest.raises(ValueError, match="key"):
        given_key(table, key)
