"""A refusal shown beside the form field it concerns (``params["field"]``), worded from the
catalogue's ``refusal.*`` sentences like every other refusal (``api.web.refusals``, which names
the field by its words in ``refused_field.*``)."""

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
    return Refusal(str(field) if field else None, sentence(locale, error))


def refusal_text(locale: Locale, code: str, params: Mapping[str, object]) -> str:
    """The sentence for a refusal known by its code and parameters (an import's report)."""
    return sentence(locale, DomainError("", code=code, params=params))
