"""What any read shows of who filed a confidential case: nothing.

A confidential case (every 举报, and any filer who asked) names its filer in four ways: the
sealed name and contact, the enterprise that filed it, the visit it came from (which names the
enterprise visited), and the filer as the actor of the steps they took themselves (filing it
online, rating its answer). The sealed fields open only through the recorded identity read
(``PrivacyService.filer_identity``, inspectors and supervisors). The rest is withheld by the
functions here, which every read path applies: a case's state (``Case.state``), its history and
the history of records tied to it (``event_fields``, ``actor``), the rows of the read models
(``row``), the public stream (``FILER_FIELDS`` as the mask), and so the API, Open311, the web
pages and the figures' drill-downs alike. Nobody is exempt, inspectors included: an ordinary
read leaves no trace, so it may not show what only a recorded read may.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Any

from domain.actors import Role

CONFIDENTIAL = "[confidential]"
"""What stands in for a withheld value where a blank would read as "none" (an actor)."""

FILER_FIELDS = frozenset({"enterprise_id", "source_visit_id", "rater", "location"})
"""Fields that name a confidential case's filer, or lead to them (the place a demand is about
may be the filer's own premises)."""

FILER_ROLES = frozenset({Role.ENTERPRISE.value, Role.LEADER.value})
"""Roles in which the filer itself acts on the record: an enterprise filing online or rating,
a leader filing from a visit. Neither takes a handling step, so hiding them hides nobody
who handled the case."""


FILER_LINKS: dict[tuple[str, str], str] = {("engagement", "visit_findings"): "case_id"}
"""Read-model columns that tie a record naming an enterprise (a visit) to a case: to a
confidential case, the tie itself would name the filer's source, so reads leave it out."""


def withheld(record: Mapping[str, Any]) -> frozenset[str]:
    """The fields of ``record`` (a state, a view row, an event's fields) to withhold."""
    return FILER_FIELDS if record.get("confidential") else frozenset()


def row(record: Mapping[str, Any], *, confidential: bool | None = None) -> dict[str, Any]:
    """``record`` with what names a confidential filer blanked (None). ``confidential``
    overrides the record's own flag, for records tied to a case that carry none."""
    hidden = FILER_FIELDS if confidential else withheld(record)
    return {k: None if k in hidden and v is not None else v for k, v in record.items()}


def actor(actor_id: str, actor_role: str, *, confidential: bool) -> str:
    """Who took a step, as a read shows it: a confidential filer acting itself is withheld."""
    return CONFIDENTIAL if confidential and actor_role in FILER_ROLES else actor_id


def event_fields(fields: Mapping[str, Any], *, confidential: bool) -> dict[str, Any]:
    """An event's own fields as a history shows them."""
    if not confidential:
        return dict(fields)
    hidden = FILER_FIELDS
    return {k: CONFIDENTIAL if k in hidden and v is not None else v for k, v in fields.items()}


def unlinked(
    record: Mapping[str, Any], column: str, confidential_cases: Set[str]
) -> dict[str, Any]:
    """``record`` without its tie (``column``) to a confidential case."""
    tied = record.get(column)
    if tied is not None and str(tied) in confidential_cases:
        return {**record, column: None}
    return dict(record)


def filters_filer(columns: set[str] | frozenset[str]) -> bool:
    """Whether filtering or sorting on ``columns`` would pick out confidential cases by their
    filer (such a query then leaves confidential rows out, rather than answer by omission)."""
    return bool(FILER_FIELDS & set(columns))
