"""The public events of visits, supervision, named circulars, published lists and rankings,
the formal talks they lead to, and accountability.

Accountability matters (问责) are published as facts about a matter (opened, classified,
decided, cleared) without the person concerned, the allegation or the findings: those are for
inspectors, through the store, not for every system on the stream.
"""

from __future__ import annotations

from typing import Any

from domain.accountability import AccountabilityMatter
from domain.assessment import AssessmentTrigger
from domain.circular import Circular
from domain.publication import Publication as Publication_
from domain.supervision import Supervision
from domain.visit import Visit
from infra.kafka.public.spec import Field, Publication, Withheld

POLICY = Field("policy_version", "string")


def _finding_ids(event: Any) -> list[int]:
    return sorted(int(finding["id"]) for finding in event.findings)


def _named(event: Any) -> list[str]:
    """Who a circular names, as ``kind:who`` (a login or a unit or window); not why."""
    return [f"{subject['kind']}:{subject['who']}" for subject in event.subjects]


def _cited(key: str) -> Any:
    return lambda event: (event.cites or {}).get(key)


def _lines(side: str) -> Any:
    """A published edition's lines on one list (red, black) as ``dimension:member``, or
    (``ranked``) every ranked line as ``dimension:rank:member``, best first."""

    def read(event: Any) -> list[str]:
        found = []
        for dimension, lines in sorted(event.entries.items()):
            for line in lines:
                if side == "ranked" and line["rank"] is not None:
                    found.append(f"{dimension}:{line['rank']}:{line['member']}")
                elif line.get("side") == side:
                    found.append(f"{dimension}:{line['member']}")
        return found

    return read


VISIT = (
    Field("leader_id", "uuid"),
    Field("leader_code", "string"),
    Field("visit_kind", "string"),
    Field("enterprise_id", "uuid", nullable=True),
    Field("started_at", "datetime"),
    Field("duration", "number"),
    Field("duration_unit", "string", description="hours or days"),
    Field("finding_ids", "integers", read=_finding_ids),
)
VISIT_2 = (
    *VISIT,
    Field(
        "late", "boolean", nullable=True,
        description="recorded after record_by: kept, but meets no quota; null: before"
        " the rule",
    ),
    Field("record_by", "date", nullable=True),
    Field("policy_version", "string", nullable=True),
)
CIRCULAR = (
    Field("title", "string"),
    Field("source_kind", "string"),
    Field("source_ref", "string"),
    Field("named", "strings", read=_named, description="kind:who of each one named"),
)
RANKING = (Field("period", "string"), Field("bottom", "boolean"), Field("source", "string"))
TALK = (
    Field("periods", "strings"),
    Field("action", "string"),
    Field("consecutive_required", "integer"),
    POLICY,
)
EDITION = (
    Field("definitions", "string", read=lambda e: e.stamp["definitions"]),
    Field("figures_position", "integer", read=lambda e: e.stamp["position"]),
    POLICY,
    Field("objection_due", "deadline"),
    Field("red", "strings", read=_lines("red"), description="dimension:member"),
    Field("black", "strings", read=_lines("black"), description="dimension:member"),
    Field("ranked", "strings", read=_lines("ranked"), description="dimension:rank:member"),
)


def _confidential_case(event: Any) -> frozenset[str]:
    # A visit names the enterprise visited: its tie to a confidential case would name the
    # case's source, which no read shows (domain.disclosure).
    return frozenset({"case_id"}) if getattr(event, "confidential", False) else frozenset()


PUBLICATIONS = (
    Publication(
        Visit.Recorded, "visit.recorded",
        "A leader's visit, on-site office day or front-line week was recorded (the message's"
        " time is when).",
        (
            *VISIT_2,
            Field(
                "ended_on", "date", nullable=True,
                description="a front-line week's last day: its duration is the working days"
                " from started_at's day to this day; null: measured in hours or days",
            ),
        ),
        version=3,
    ),
    Publication(
        Visit.ConfirmedByEnterprise, "visit.confirmed_by_enterprise",
        "The enterprise visited confirmed the visit took place.",
    ),
    Publication(
        Visit.DisputedByEnterprise, "visit.disputed_by_enterprise",
        "The enterprise visited disputed the visit (its words are not published).",
    ),
    Publication(
        Visit.FindingAdded, "visit.finding_added", "A problem found on a visit was added.",
        (Field("finding_id", "integer"),),
    ),
    Publication(
        Visit.FindingCaseOpened, "visit.finding_case_opened", "A finding opened a case.",
        (
            Field("finding_id", "integer"),
            Field("case_id", "uuid", nullable=True, description="null when confidential"),
        ),
        version=2,
        mask=_confidential_case,
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
            *CIRCULAR,
            Field(
                "cites_publication_id", "uuid", nullable=True, read=_cited("publication_id"),
                description="the published lists or ranking its subjects are named from",
            ),
            Field("cites_edition", "integer", nullable=True, read=_cited("edition")),
        ),
        version=2,
    ),
    Publication(Circular.Withdrawn, "circular.withdrawn", "A named circular was withdrawn."),
    Publication(
        AssessmentTrigger.Started, "assessment_trigger.started",
        "A unit's consecutive-bottom count started.",
        (Field("unit_id", "uuid"), Field("period_kind", "string")),
    ),
    Publication(
        AssessmentTrigger.RankingRecorded, "assessment_trigger.ranking_recorded",
        "A period's result of the unit was read from a published ranking (bottom or not).",
        (
            *RANKING,
            Field("publication_id", "uuid", nullable=True, description="null: entered by hand"),
            Field("edition", "integer", nullable=True),
        ),
        version=2,
    ),
    Publication(
        AssessmentTrigger.FormalTalkTriggered, "assessment_trigger.formal_talk_triggered",
        "Consecutive bottom rankings triggered a formal talk (约谈).",
        (
            *TALK,
            Field(
                "recommendation", "string", nullable=True,
                description="recorded with the talk, e.g. the deputy in charge moved",
            ),
            Field("sources", "strings", read=lambda e: list(e.sources or [])),
        ),
        version=2,
    ),
    Publication(
        AssessmentTrigger.FormalTalkWithdrawn, "assessment_trigger.formal_talk_withdrawn",
        "A corrected publication took a period of the talk off the bottom; the talk is withdrawn.",
        (Field("periods", "strings"),),
    ),
    Publication(
        Publication_.Published, "publication.published",
        "A period's red and black lists or ranking was published, frozen.",
        (Field("what", "string", description="lists or ranking"), Field("period", "string"),
         *EDITION),
    ),
    Publication(
        Publication_.Corrected, "publication.corrected",
        "An upheld objection published a corrected edition.",
        (Field("edition", "integer"), Field("objection", "integer"), *EDITION),
    ),
    Publication(
        Publication_.ObjectionFiled, "publication.objection_filed",
        "A listed member objected to their line (the grounds are not published).",
        (
            Field("number", "integer"),
            Field("dimension", "string"),
            Field("member", "string"),
            Field("edition", "integer"),
        ),
    ),
    Publication(
        Publication_.ObjectionDecided, "publication.objection_decided",
        "A supervisor decided an objection.",
        (Field("number", "integer"), Field("upheld", "boolean")),
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

RETIRED = (
    Publication(
        Visit.Recorded, "visit.recorded",
        "A leader's visit or on-site office day was recorded (the message's time is when).",
        VISIT_2,
        version=2,
    ),
    Publication(
        Visit.FindingCaseOpened, "visit.finding_case_opened", "A finding opened a case.",
        (Field("finding_id", "integer"), Field("case_id", "uuid")),
    ),
    Publication(
        Visit.Recorded, "visit.recorded", "A leader's visit or on-site office day was recorded.",
        VISIT,
    ),
    Publication(
        Circular.Published, "circular.published", "A named circular (实名通报) was published.",
        CIRCULAR,
    ),
    Publication(
        AssessmentTrigger.RankingRecorded, "assessment_trigger.ranking_recorded",
        "A period's ranking of the unit was recorded (bottom or not).", RANKING,
    ),
    Publication(
        AssessmentTrigger.FormalTalkTriggered, "assessment_trigger.formal_talk_triggered",
        "Consecutive bottom rankings triggered a formal talk (约谈).", TALK,
    ),
)

WITHHELD: tuple[Withheld, ...] = ()
