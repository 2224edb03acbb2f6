"""The public events of the quarterly evaluation by market entities (每季度直接评价).

An answer is published with the department, the quarter and the scores, never with the
enterprise that gave it (the actor appears by role alone, as every rater does) nor with its
comment: a department must not learn who rated it, nor press them.
"""

from __future__ import annotations

from domain.quarterly import QuarterlyEvaluation
from infra.kafka.public.spec import Field, Publication, Withheld

PUBLICATIONS = (
    Publication(
        QuarterlyEvaluation.Answered, "quarterly_evaluation.answered",
        "An enterprise answered the quarter's evaluation of a department.",
        (
            Field("unit_id", "uuid"),
            Field("quarter", "string", description="2026-Q3"),
            Field("questions", "strings", read=lambda e: list(e.scores)),
            Field(
                "scores", "integers", read=lambda e: list(e.scores.values()),
                description="one per question, in the order of questions",
            ),
            Field("scale_min", "integer"),
            Field("scale_max", "integer"),
            Field("overall", "number", description="weighted mean of the scores"),
            Field("policy_version", "string"),
        ),
    ),
)

WITHHELD: tuple[Withheld, ...] = ()
