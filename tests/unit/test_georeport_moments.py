"""A list's rows share the local times already written (``request_of``'s ``moments``): each row
still reads exactly as it does alone, the same instant given in another zone included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from api.http.georeport import request_of

CHINA = timezone(timedelta(hours=8))


def test_shared_moments_write_each_row_as_it_reads_alone() -> None:
    at = datetime(2026, 5, 31, 16, 0, tzinfo=UTC)
    rows = [
        {
            "id": str(n),
            "status": "in_progress",
            "case_type": "complaint",
            "summary": "s",
            "lead_unit_id": None,
            "location": None,
            "filed_at": at - timedelta(hours=n),
            "updated_at": at.astimezone(CHINA),
            "due_at": at if n % 2 else None,
        }
        for n in range(4)
    ]
    moments: dict[datetime, str] = {}
    shared = [request_of(r, {}, CHINA, moments=moments) for r in rows]
    assert shared == [request_of(r, {}, CHINA) for r in rows]
    assert shared[1]["expected_datetime"] == "2026-06-01T00:00:00+08:00"
    assert shared[0]["updated_datetime"] == shared[1]["expected_datetime"]
