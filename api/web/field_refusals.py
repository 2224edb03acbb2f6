"""A refusal shown beside the form field it concerns: the field (``params["field"]``) is named
by its label in the page's language, and the sentence comes from the catalogue's ``[refusal]``
section like every other refusal (``api.web.refusals``)."""

from __future__ import annotations

from collections.abc import Mapping
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
    # The same refusal with the field's label in place of its name (built without __init__,
    # whose arguments differ between refusal classes).
    worded = type(error).__new__(type(error))
    worded.__dict__.update(error.__dict__)
    worded.params = {**error.params, "field": field_label(locale, str(field) if field else None)}
    return Refusal(str(field) if field else None, sentence(locale, worded))


def refusal_text(locale: Locale, code: str, params: Mapping[str, object]) -> str:
    """The sentence for a refusal known by its code and parameters (an import's report)."""
    return refusal(locale, DomainError("", code=code, params=params)).text
