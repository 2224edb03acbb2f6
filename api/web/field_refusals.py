"""A refusal shown beside the form field it concerns (``params["field"]``), worded from the
catalogue's ``refusal.*`` sentences like every other refusal (``api.web.refusals``, which names
the field by its words in ``refused_field.*``)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from api.web.i18n import Locale, catalogue
from api.web.refusals import refusal as sentence
from domain.errors import DomainError


@dataclass(frozen=True)
class Refusal:
    field: str | None
    text: str


def field_label(locale: Locale, field: str | None) -> str:
    if not field:
        return ""
    return catalogue(locale.lang).get(f"entry_field.{field}", field)


def refusal(locale: Locale, error: DomainError) -> Refusal:
    field = error.params.get("field")
    return Refusal(str(field) if field else None, sentence(locale, error))


def refusal_text(locale: Locale, code: str, params: Mapping[str, object]) -> str:
    """The sentence for a refusal known by its code and parameters (an import's report)."""
    return sentence(locale, DomainError("", code=code, params=params))


FILING_FIELDS = {
    "summary-required": "summary",
    "filer-name-required": "filer_name",
    "unit-not-found": "reported_unit",
    "not-found": "enterprise",
}
"""The field of the filing forms (the desk's and the portal's) each refusal of a filing is about."""
CHOICE_FIELDS = {"case type": "case_type", "channel": "channel"}


def filing_refusal(locale: Locale, error: DomainError, fields: Collection[str]) -> Refusal:
    """A refused filing, placed beside the field it concerns when the form has that field."""
    return placed_refusal(locale, error, FILING_FIELDS | CHOICE_FIELDS, fields)


def placed_refusal(
    locale: Locale, error: DomainError, places: Mapping[str, str], fields: Collection[str]
) -> Refusal:
    """The refusal beside the form's field it concerns: ``places`` names that field by the
    refusal's code or by the field the refusal names; elsewhere (above the form) otherwise."""
    found = refusal(locale, error)
    field = places.get(error.code) or places.get(found.field or "") or found.field
    return Refusal(field if field in fields else None, found.text)
