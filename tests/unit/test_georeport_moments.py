"""A request's moments are written in the jurisdiction's zone from their stored text, whatever
offset that text was stored with: one instant reads the same."""

from __future__ import annotations

from datetime import timedelta, timezone

from api.http.georeport import REQUEST_COLUMNS, request_of

CHINA = timezone(timedelta(hours=8))


def test_stored_moments_are_written_as_local_times_one_instant_alike() -> None:
    def row(filed: str | None, updated: str | None, due: str | None) -> tuple[str | None, ...]:
        values = {"id": "1", "case_type": "complaint", "status": "in_progress", "summary": "s",
                  "filed_at": filed, "updated_at": updated, "due_at": due}
        return tuple(values.get(name) for name in REQUEST_COLUMNS)

    found = request_of(
        row("2026-05-31T16:00:00.000000+00:00", "2026-06-01T00:00:00+08:00", None), None, CHINA
    )
    assert found["requested_datetime"] == "2026-06-01T00:00:00+08:00"
    assert found["updated_datetime"] == found["requested_datetime"]
    assert found["expected_datetime"] is None
    late = request_of(row(None, None, "2026-05-31T15:59:59.999999+00:00"), None, CHINA)
    assert late["expected_datetime"] == "2026-05-31T23:59:59+08:00"
    assert late["requested_datetime"] is None
