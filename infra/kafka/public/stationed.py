"""The public events of stationed staff's work (驻企服务员) and secondments (选派干部服务锻炼).

An activity is published as a fact (who, for which enterprise, what kind, which day, the case
it opened) without its words: what an enterprise told the staff member stationed with it is
for the enterprise and the departments, not for every system on the stream. A secondment is
published without the person's name (a home and a host, with the dates, are the fact).
"""

from __future__ import annotations

from typing import Any

from domain.secondment import Secondment
from domain.stationed import StationedActivity
from infra.kafka.public.spec import Field, Publication, Withheld


def _confidential_case(event: Any) -> frozenset[str]:
    return frozenset({"case_id"}) if getattr(event, "confidential", False) else frozenset()


PUBLICATIONS = (
    Publication(
        StationedActivity.Recorded,
        "stationed_activity.recorded",
        "A stationed staff member recorded a policy explained, a service provided or a problem"
        " taken up for their enterprise (its words are not published).",
        (
            Field("staff_id", "uuid"),
            Field("login", "string"),
            Field("enterprise_id", "uuid"),
            Field("activity_kind", "string"),
            Field("happened_on", "date"),
            Field(
                "late",
                "boolean",
                description="recorded after record_by: kept, but counts for no coverage",
            ),
            Field("record_by", "date"),
            Field("policy_version", "string"),
        ),
    ),
    Publication(
        StationedActivity.ConfirmedByEnterprise,
        "stationed_activity.confirmed_by_enterprise",
        "The enterprise served confirmed the activity.",
    ),
    Publication(
        StationedActivity.DisputedByEnterprise,
        "stationed_activity.disputed_by_enterprise",
        "The enterprise served disputed the activity (its words are not published).",
    ),
    Publication(
        StationedActivity.CaseOpened,
        "stationed_activity.case_opened",
        "A problem taken up opened a case on the enterprise's behalf.",
        (Field("case_id", "uuid", nullable=True, description="null when confidential"),),
        mask=_confidential_case,
    ),
    Publication(
        Secondment.Arranged,
        "secondment.arranged",
        "A secondment was arranged (the person's name is not published).",
        (
            Field("direction", "string"),
            Field("home_id", "uuid"),
            Field("host_id", "uuid"),
            Field("starts_on", "date"),
            Field("ends_on", "date"),
            Field("minimum_months", "integer"),
            Field("policy_version", "string"),
        ),
    ),
    Publication(
        Secondment.EndedEarly,
        "secondment.ended_early",
        "A secondment ended before its planned end (the reason is not published).",
        (Field("ended_on", "date"),),
    ),
)

WITHHELD: tuple[Withheld, ...] = ()
