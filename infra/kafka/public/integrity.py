"""Log checkpoints go on the stream: a reader who keeps one can later prove the history up to
its position was not rewritten (see docs/integrity.md)."""

from __future__ import annotations

from domain.integrity import LogCheckpoint
from infra.kafka.public.spec import Field, Publication, Withheld

PUBLICATIONS = (
    Publication(
        LogCheckpoint.Recorded, "log_checkpoint.recorded",
        "The hash of the whole event log at a position was recorded.",
        (
            Field("position", "integer", description="the log position it covers"),
            Field("global_hash", "string", description="64 hex digits: the log chain's hash"),
            Field(
                "trigger", "string", read=lambda e: e.reason,
                description="periodic, on demand or chain adopted",
            ),
        ),
    ),
)

WITHHELD: tuple[Withheld, ...] = ()
