"""The public events of commendations and sanctions, and of clearing a falsely accused person.

A commendation or sanction is published with whom it is on and the published entry it cites,
not its reasons. The clearing of an accused person's name is published as its own circular (see
``circular.published``); the request for it, and the matter against the accuser, are published
as bare facts: the accuser, and the case that carried the accusation, never leave the store.
"""

from __future__ import annotations

from typing import Any

from domain.accountability import AccountabilityMatter
from domain.merit import MeritDecision
from infra.kafka.public.spec import Field, Publication, Withheld


def _cited(key: str) -> Any:
    return lambda event: event.cites.get(key)


PUBLICATIONS = (
    Publication(
        MeritDecision.Decided, "merit.decided",
        "A supervisor decided a commendation (表彰奖励) or a sanction (批评教育, 责令整改,"
        " 组织处理) on a staff member, window or unit, citing a published list or ranking entry.",
        (
            Field("decision", "string"),
            Field("subject_kind", "string"),
            Field("member", "string", description="a staff login, or a window or unit id"),
            Field("publication_id", "uuid", read=_cited("publication_id")),
            Field("period", "string", read=_cited("period")),
            Field("edition", "integer", read=_cited("edition")),
        ),
    ),
    Publication(
        MeritDecision.Withdrawn, "merit.withdrawn",
        "A commendation or sanction decided in error was withdrawn (the reason is not published).",
    ),
    Publication(
        AccountabilityMatter.ClearingCircularRequested, "accountability.clearing_requested",
        "The person cleared by a matter asked for the clearing to be published.",
    ),
    Publication(
        AccountabilityMatter.ClearingPublished, "accountability.clearing_published",
        "The clearing was published as a circular.",
        (Field("circular_id", "uuid"),),
    ),
    Publication(
        AccountabilityMatter.AccuserMatterOpened, "accountability.accuser_matter_opened",
        "A matter was opened against whoever made the false accusation (who, and the case that"
        " carried it, are not published).",
        (Field("matter_id", "uuid"),),
    ),
)

WITHHELD: tuple[Withheld, ...] = ()
