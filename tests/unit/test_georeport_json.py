"""Open311's list of requests is written by pydantic-core (``georeport.requests_json``): the
bytes must be those ``JSONResponse`` writes of ``request_of``'s dicts, whatever the rows hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.responses import JSONResponse

from api.http.georeport import request_of, requests_json
from domain.case_rules import CASE_TYPES, OUTCOMES

CHINA = timezone(timedelta(hours=8))
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


def _as_before(rows: list[dict[str, Any]], units: dict[str, str], described: bool) -> bytes:
    return bytes(JSONResponse(_requests(rows, units, described)).body)


def _requests(rows: list[dict[str, Any]], units: dict[str, str], described: bool) -> list[Any]:
    return [request_of(r, units, CHINA, description=described) for r in rows]


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(ROWS, max_size=6), described=st.booleans(), named=st.none() | TEXT)
def test_the_list_is_the_bytes_jsonresponse_writes_of_its_dicts(
    rows: list[dict[str, Any]], described: bool, named: str | None
) -> None:
    units = {} if named is None else {UNIT: named}
    written = requests_json(rows, _requests(rows, units, described))
    assert written == _as_before(rows, units, described)


def test_rows_sharing_moments_and_an_empty_list() -> None:
    at = datetime(2026, 5, 1, 2, 3, 4, 567, tzinfo=UTC)
    rows = [
        {"id": str(n), "status": "closed", "outcome": "resolved", "case_type": "complaint",
         "summary": "施工许可审批超时", "lead_unit_id": UNIT, "filed_at": at, "updated_at": at,
         "due_at": at + timedelta(days=n), "location": {"lat": 22.5431, "long": 114.0579}}
        for n in range(3)
    ]
    units = {UNIT: "市场监督管理局"}
    assert requests_json(rows, _requests(rows, units, True)) == _as_before(rows, units, True)
    assert requests_json([], []) == b"[]"


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(ROWS, max_size=8), described=st.booleans())
def test_the_rows_of_a_list_sharing_what_they_wrote_are_each_written_as_alone(
    rows: list[dict[str, Any]], described: bool
) -> None:
    """A list's rows share the moments and labels (status, notes, service) already written:
    each request is the one its row gets alone."""
    moments: dict[datetime, str] = {}
    labels: dict[Any, tuple[str, ...]] = {}
    shared = [
        request_of(r, {}, CHINA, description=described, moments=moments, labels=labels)
        for r in rows + rows
    ]
    assert shared == _requests(rows + rows, {}, described)


def test_a_request_says_its_handling_and_its_service() -> None:
    row = {"id": "1", "status": "in_progress", "outcome": "partly_solved", "case_type": "complaint",
           "summary": None, "lead_unit_id": None, "filed_at": None, "updated_at": None,
           "due_at": None, "location": None}
    found = request_of(row, {}, CHINA)
    assert (found["status"], found["status_notes"]) == (
        "open", f"in progress: partly solved ({OUTCOMES['partly_solved']})"
    )
    assert (found["service_name"], found["service_code"]) == (
        f"{CASE_TYPES['complaint']} Complaint", "complaint"
    )
    assert found["lat"] is None
    assert found["address"] is None
