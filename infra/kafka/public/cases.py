"""The public events of a case. Free text (summaries, notes, reasons, replies) is never published:
it may name the filer or a third party. A confidential case (every 举报, and any filer who asked)
is published without its enterprise and without the visit it came from."""

from __future__ import annotations

from typing import Any

from domain.case import Case
from domain.disclosure import withheld
from infra.kafka.public.spec import Field, Publication, Withheld


def _confidential_case(event: Any) -> frozenset[str]:
    # The one disclosure rule (domain.disclosure), applied to the event's own fields.
    return withheld({"confidential": bool(getattr(event, "confidential", False))})


POLICY = Field("policy_version", "string", description="the policy the figures were computed under")
DEADLINE = Field("deadline", "deadline", description="the time limit now in force")

PUBLICATIONS = (
    Publication(
        Case.Filed, "case.filed", "A demand was filed and its time limit started.",
        (
            Field("case_type", "string", description="consultation, help, complaint, report…"),
            Field("channel", "string"),
            Field("enterprise_id", "uuid", nullable=True, description="null when confidential"),
            Field("real_name", "boolean"),
            Field("confidential", "boolean"),
            Field("emergency", "boolean"),
            Field("source_visit_id", "uuid", nullable=True),
            Field("service_item", "string", nullable=True),
            Field("owner", "string", nullable=True, description="the first-asker responsible"),
            DEADLINE,
            POLICY,
        ),
        mask=_confidential_case,
    ),
    Publication(Case.Received, "case.received", "A staff member took the case on (首问负责)."),
    Publication(
        Case.HandedOver, "case.handed_over", "Ownership moved to another staff member.",
        (Field("from_owner", "string", nullable=True), Field("to_owner", "string")),
    ),
    Publication(Case.AnsweredDirectly, "case.answered_directly", "Answered at once, no dispatch."),
    Publication(
        Case.Dispatched, "case.dispatched", "Routed to a lead unit, optionally with co-handlers.",
        (
            Field("lead_unit_id", "uuid"),
            Field("co_unit_ids", "uuids"),
            Field("return_due", "date", description="last day the unit may ask to return it"),
            POLICY,
        ),
    ),
    Publication(Case.ReturnRequested, "case.return_requested", "The unit asked to return it."),
    Publication(
        Case.ReturnDecided, "case.return_decided", "The dispatcher decided on a return request.",
        (Field("approved", "boolean"), Field("unit_id", "uuid", nullable=True)),
    ),
    Publication(Case.SignedFor, "case.signed_for", "The lead unit signed for the case (签收)."),
    Publication(
        Case.EnterpriseContacted, "case.enterprise_contacted", "The handler contacted the filer."
    ),
    Publication(Case.SiteVisited, "case.site_visited", "The handler visited the site."),
    Publication(
        Case.Paused, "case.paused", "The clock stopped (补正, hearing, testing, expert review).",
        (Field("pause_kind", "string"),),
    ),
    Publication(Case.Resumed, "case.resumed", "The clock runs again.", (DEADLINE,)),
    Publication(
        Case.ExtensionRequested, "case.extension_requested", "An extension (延期) was requested.",
        (Field("working_days", "integer"), Field("new_due", "date"), POLICY),
    ),
    Publication(
        Case.ExtensionDecided, "case.extension_decided", "The head decided on the extension.",
        (
            Field("approved", "boolean"),
            Field("working_days", "integer"),
            Field("deadline", "deadline", nullable=True, description="null when refused"),
        ),
    ),
    Publication(Case.Replied, "case.replied", "The filer was given the reply."),
    Publication(
        Case.CallbackRecorded, "case.callback_recorded", "The callback (回访) was recorded.",
        (Field("resolved", "boolean"), Field("satisfied", "boolean")),
    ),
    Publication(
        Case.Closed, "case.closed", "The case was closed; the outcome is recorded separately.",
        (Field("outcome", "string"), Field("on_time", "boolean")),
    ),
    Publication(
        Case.Reopened, "case.reopened", "The case was reopened (重办): a new cycle.", (DEADLINE,)
    ),
    Publication(
        Case.TerminationRequested, "case.termination_requested",
        "The handler asked the head to end handling (终止办理).",
    ),
    Publication(
        Case.TerminationRefused, "case.termination_refused",
        "The head refused the termination request: handling goes on.",
    ),
    Publication(
        Case.Terminated, "case.terminated", "Handling was ended with approval (终止办理).",
        (Field("requested_by", "string"),),
    ),
    Publication(
        Case.DeadlineRecomputed, "case.deadline_recomputed",
        "The time limit was recomputed (e.g. a working calendar was published).", (DEADLINE,),
    ),
    Publication(
        Case.TimeLimitAlerted, "case.time_limit_alerted",
        "The deadline watcher raised a yellow or red card, a reminder or a criticism.",
        (
            Field("level", "string", description="yellow, red, reminder or criticism"),
            Field("due", "date"),
            Field("cycle", "integer"),
            POLICY,
        ),
    ),
    Publication(
        Case.DispatchLimitAlerted, "case.dispatch_limit_alerted",
        "An emergency was not dispatched within the policy's hours of its intake.",
        (
            Field("due_at", "datetime", description="when it had to be dispatched by"),
            Field("hours", "integer", description="the policy's dispatch limit in hours"),
            POLICY,
        ),
    ),
)

WITHHELD: tuple[Withheld, ...] = ()
