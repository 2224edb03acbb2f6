"""The quarterly evaluation by market entities as rows: per department and quarter, the number
of answers and the sums their figures are means of; and, for the response rate's denominator,
when each enterprise of the directory was registered and (if it is) deactivated.

Sums, not answers: a department's figures for a quarter are one row, so the dashboard reads a
page of rows per quarter and never the answers (nor who gave them; the enterprise is not here).
The sums are whole numbers (scores, and overall scores in millionths) kept in sorted order, so
the rows are the same whatever order the answers of different enterprises arrive in (Kafka
partitions keep order per aggregate only): a float sum would differ in its last digits.
"""

from __future__ import annotations

from typing import Any

from domain.directory import Enterprise
from domain.quarterly import QuarterlyEvaluation
from projections.base import Projection, Table, ViewTx, handles


class QuarterlyEvaluationProjection(Projection):
    name = "quarterly"
    version = "1"
    tables = (
        Table.of(
            "quarterly_totals",
            key=("quarter", "unit_id"),
            quarter="text",
            unit_id="text",
            answers="integer",
            overall_micros="integer",
            score_micros="integer",
            question_sums="json",
            question_counts="json",
            last_answered_at="timestamp",
        ),
        Table.of(
            "quarterly_enterprises",
            key="id",
            indexes=(("registered_at",), ("deactivated_at",)),
            id="text",
            registered_at="timestamp",
            deactivated_at="timestamp",
        ),
    )

    @handles(QuarterlyEvaluation.Answered)
    def _answered(self, event: QuarterlyEvaluation.Answered, view: ViewTx) -> None:
        key = {"quarter": event.quarter, "unit_id": str(event.unit_id)}
        row: dict[str, Any] = view.get("quarterly_totals", key) or {}
        sums = dict(row.get("question_sums") or {})
        counts = dict(row.get("question_counts") or {})
        for question, score in event.scores.items():
            sums[question] = sums.get(question, 0) + score
            counts[question] = counts.get(question, 0) + 1
        last = row.get("last_answered_at")
        view.upsert(
            "quarterly_totals",
            {
                **key,
                "answers": (row.get("answers") or 0) + 1,
                "overall_micros": (row.get("overall_micros") or 0) + micros(event.overall),
                "score_micros": (row.get("score_micros") or 0) + micros(normalised(event)),
                "question_sums": dict(sorted(sums.items())),
                "question_counts": dict(sorted(counts.items())),
                "last_answered_at": max(event.timestamp, last) if last else event.timestamp,
            },
        )

    @handles(Enterprise.Registered)
    def _registered(self, event: Enterprise.Registered, view: ViewTx) -> None:
        view.upsert(
            "quarterly_enterprises",
            {"id": event.originator_id, "registered_at": event.timestamp, "deactivated_at": None},
        )

    @handles(Enterprise.Deactivated)
    def _deactivated(self, event: Enterprise.Deactivated, view: ViewTx) -> None:
        view.upsert(
            "quarterly_enterprises", {"id": event.originator_id, "deactivated_at": event.timestamp}
        )

    @handles(Enterprise.Reactivated)
    def _reactivated(self, event: Enterprise.Reactivated, view: ViewTx) -> None:
        view.upsert("quarterly_enterprises", {"id": event.originator_id, "deactivated_at": None})


def micros(value: float) -> int:
    """A score in millionths (scores are published at six decimals)."""
    return round(value * 1_000_000)


def normalised(event: QuarterlyEvaluation.Answered) -> float:
    """The answer's overall score on 0..1 (scale minimum 0, maximum 1), comparable with rates."""
    return (event.overall - event.scale_min) / (event.scale_max - event.scale_min)
