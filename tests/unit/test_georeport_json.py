"""Open311's list of requests is written by pydantic-core and kept per request
(``georeport.requests_json``): the bytes must be those ``JSONResponse`` writes of
``request_of``'s dicts, whatever the rows hold, and a request kept from an earlier list must
be the one its row, its unit's name and the reader's view write now."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.responses import JSONResponse

from api.http.georeport import REQUEST_COLUMNS, request_of, requests_json
from domain.case_rules import CASE_TYPES, OUTCOMES
from projections.cases import CaseProjection
from projections.values import Stored, encode

CHINA = timezone(timedelta(hours=8))
CASES = CaseProjection().table("cases")
UNIT = "6a2f41a0-2c3d-4e5f-8a9b-0c1d2e3f4a5b"
TEXT = st.text(max_size=30) | st.sampled_from(['a "quoted" \\ word', "中文\n\t\x00\x1f\x7f", "😀"])
MOMENTS = st.none() | st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
)
COORDINATES = st.none() | st.integers(-180, 180) | st.floats(-180, 180) | st.sampled_from(
    [0.0, -0.0, 1e-05, 0.0001, 22.5431, 114.0579, 90.0, -1e-07]
)
LOCATIONS = st.none() | st.fixed_dictionaries({}, optional={
    "lat": COORDINATES, "long": COORDINATES, "address_string": st.none() | TEXT,
    "address_id": st.none() | TEXT, "media_url": st.none() | TEXT,
})
ROWS = st.fixed_dictionaries({
    "id": st.uuids().map(str),
    "status": st.sampled_from(["received", "in_progress", "paused", "replied", "closed"]) | TEXT,
    "outcome": st.none() | st.sampled_from(sorted(OUTCOMES)) | TEXT,
    "case_type": st.sampled_from(sorted(CASE_TYPES)) | TEXT,
    "summary": st.none() | TEXT,
    "lead_unit_id": st.none() | st.just(UNIT) | st.uuids().map(str),
    "filed_at": MOMENTS,
    "updated_at": MOMENTS,
    "due_at": MOMENTS,
    "location": LOCATIONS,
})


def stored(row: dict[str, Any]) -> tuple[Stored, ...]:
    """A row as the view store holds it (``ViewStore.stored_page``)."""
    return tuple(encode(CASES.column(name), row[name]) for name in REQUEST_COLUMNS)


def _as_jsonresponse_writes(
    rows: list[dict[str, Any]], units: dict[str, str], described: bool
) -> bytes:
    requests = [
        request_of(stored(r), units.get(str(r["lead_unit_id"])), CHINA, description=described)
        for r in rows
    ]
    return bytes(JSONResponse(requests).body)


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(ROWS, max_size=6), described=st.booleans(), named=st.none() | TEXT)
def test_the_list_is_the_bytes_jsonresponse_writes_of_its_dicts(
    rows: list[dict[str, Any]], described: bool, named: str | None
) -> None:
    units = {} if named is None else {UNIT: named}
    expected = _as_jsonresponse_writes(rows, units, described)
    values = [stored(r) for r in rows]
    assert requests_json(values, units, CHINA, description=described) == expected
    # Written again, from what the first list kept.
    assert requests_json(values, units, CHINA, description=described) == expected
    # What each row's dict says, against its row itself rather than the shared writers.
    for row, request in zip(rows, json.loads(expected), strict=True):
        assert request["description"] == (row["summary"] if described else None)
        filed = row["filed_at"]
        assert request["requested_datetime"] == (
            None if filed is None else filed.astimezone(CHINA).isoformat(timespec="seconds")
        )


def test_a_kept_request_is_written_anew_when_its_row_its_unit_or_its_reader_changes() -> None:
    at = datetime(2026, 5, 1, 2, 3, 4, 567, tzinfo=UTC)
    row = {"id": "7", "status": "in_progress", "outcome": None, "case_type": "complaint",
           "summary": "施工许可审批超时", "lead_unit_id": UNIT, "filed_at": at,
           "updated_at": at, "due_at": at + timedelta(days=5),
           "location": {"lat": 22.5431, "long": 114.0579}}
    units = {UNIT: "市场监督管理局"}

    def written(changed: dict[str, Any], names: dict[str, str], described: bool) -> Any:
        wanted = {**row, **changed}
        found = requests_json([stored(wanted)], names, CHINA, description=described)
        assert found == _as_jsonresponse_writes([wanted], names, described)
        return json.loads(found)[0]

    first = written({}, units, True)
    assert (first["status"], first["agency_responsible"]) == ("open", "市场监督管理局")
    assert written({"status": "closed"}, units, True)["status"] == "closed"
    assert written({}, {UNIT: "市场监管局"}, True)["agency_responsible"] == "市场监管局"
    assert written({}, units, False)["description"] is None
    assert written({"location": {"lat": 1e-05}}, units, True)["lat"] == 1e-05
    assert written({}, units, True) == first
    assert requests_json([], units, CHINA) == b"[]"


def test_a_request_says_its_handling_and_its_service() -> None:
    row = {"id": "1", "status": "in_progress", "outcome": "partly_solved", "case_type": "complaint",
           "summary": None, "lead_unit_id": None, "filed_at": None, "updated_at": None,
           "due_at": None, "location": None}
    found = request_of(stored(row), None, CHINA)
    assert (found["status"], found["status_notes"]) == (
        "open", f"in progress: partly solved ({OUTCOMES['partly_solved']})"
    )
    assert (found["service_name"], found["service_code"]) == (
        f"{CASE_TYPES['complaint']} Complaint", "complaint"
    )
    assert found["lat"] is None
    assert found["address"] is None
