"""The public events of visits, supervision, named circulars, rankings and accountability.

Accountability matters (问责) are published as facts about a matter (opened, classified,
decided, cleared) without the person concerned, the allegation or the findings: those are for
inspectors, through the store, not for every system on the stream.
"""

from __future__ import annotations

from typing import Any

from domain.accountability import AccountabilityMatter
from domain.assessment import AssessmentTrigger
from domain.circular import Circular
from domain.supervision import Supervision
from domain.visit import Visit
from infra.kafka.public.spec import Field, Publication, Withheld

POLICY = Field("policy_version", "string")


def _finding_ids(event: Any) -> list[int]:
    return sorted(int(finding["id"]) for finding in event.findings)


def _named(event: Any) -> list[str]:
    """Who a circular names, as ``kind:who`` (a login or a unit or window); not why."""
    return [f"{subject['kind']}:{subject['who']}" for subject in event.subjects]


PUBLICATIONS = (
    Publication(
        Visit.Recorded, "visit.recorded", "A leader's visit or on-site office day was recorded.",
        (
            Field("leader_id", "uuid"),
            Field("leader_code", "string"),
            Field("visit_kind", "string"),
            Field("enterprise_id", "uuid", nullable=True),
            Field("started_at", "datetime"),
            Field("duration", "number"),
            Field("duration_unit", "string", description="hours or days"),
            Field("finding_ids", "integers", read=_finding_ids),
        ),
    ),
    Publication(
        Visit.FindingAdded, "visit.finding_added", "A problem found on a visit was added.",
        (Field("finding_id", "integer"),),
    ),
    Publication(
        Visit.FindingCaseOpened, "visit.finding_case_opened", "A finding opened a case.",
        (Field("finding_id", "integer"), Field("case_id", "uuid")),
    ),
    Publication(
        Visit.FindingResolvedOnSite, "visit.finding_resolved_on_site",
        "A finding was solved on the spot.", (Field("finding_id", "integer"),),
    ),
    Publication(
        Supervision.Issued, "supervision.issued", "A supervision order (督办) was issued.",
        (
            Field("target_kind", "string", description="case or unit"),
            Field("target_id", "uuid"),
            Field("unit_id", "uuid"),
            Field("deadline", "deadline"),
        ),
    ),
    Publication(
        Supervision.Responded, "supervision.responded", "The unit responded to the order.",
        (Field("late", "boolean"),),
    ),
    Publication(Supervision.Closed, "supervision.closed", "The supervision order was closed."),
    Publication(
        Circular.Published, "circular.published", "A named circular (实名通报) was published.",
        (
            Field("title", "string"),
            Field("source_kind", "string"),
            Field("source_ref", "string"),
            Field("named", "strings", read=_named, description="kind:who of each one named"),
        ),
    ),
    Publication(Circular.Withdrawn, "circular.withdrawn", "A named circular was withdrawn."),
    Publication(
        AssessmentTrigger.Started, "assessment_trigger.started",
        "A unit's consecutive-bottom count started.",
        (Field("unit_id", "uuid"), Field("period_kind", "string")),
    ),
    Publication(
        AssessmentTrigger.RankingRecorded, "assessment_trigger.ranking_recorded",
        "A period's ranking of the unit was recorded (bottom or not).",
        (Field("period", "string"), Field("bottom", "boolean"), Field("source", "string")),
    ),
    Publication(
        AssessmentTrigger.FormalTalkTriggered, "assessment_trigger.formal_talk_triggered",
        "Consecutive bottom rankings triggered a formal talk (约谈).",
        (
            Field("periods", "strings"),
            Field("action", "string"),
            Field("consecutive_required", "integer"),
            POLICY,
        ),
    ),
    Publication(
        AccountabilityMatter.Opened, "accountability.opened",
        "An accountability matter was opened (the person concerned is not published).",
        (Field("subject_kind", "string"),),
    ),
    Publication(
        AccountabilityMatter.FindingsRecorded, "accountability.findings_recorded",
        "Findings were recorded on the matter (their text is not published).",
    ),
    Publication(
        AccountabilityMatter.Classified, "accountability.classified",
        "The matter was classified under the three distinctions (三个区分开来).",
        (Field("classification", "string_map"),),
    ),
    Publication(
        AccountabilityMatter.OutcomeDecided, "accountability.outcome_decided",
        "The outcome was decided (criticism, rectification, organisational handling, exemption).",
        (Field("outcome", "string"),),
    ),
    Publication(
        AccountabilityMatter.Cleared, "accountability.cleared",
        "The person concerned was cleared of a false accusation.",
    ),
)

WITHHELD: tuple[Withheld, ...] = ()
