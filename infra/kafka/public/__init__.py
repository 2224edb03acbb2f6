"""The public event catalogue: every internal event class is either published or withheld.

``publication_of(event)`` gives the public form of an internal event (or ``None`` when the class
is deliberately withheld); an event of a class in neither list is an error, so a new internal
event cannot reach the stream, or silently miss it, without someone deciding which.

A public shape never changes: when an event's public form must carry more, it is published under
the next version of its type, and the form it replaces is *retired*: no longer emitted, its
schema still documented for the messages already on the topic.
"""

from __future__ import annotations

from functools import cache

from infra.kafka.public import (
    accounts,
    cases,
    directory,
    integrity,
    merit,
    oversight,
    privacy,
    projects,
    quarterly,
    reviews,
    stationed,
)
from infra.kafka.public.spec import Field, Publication, Withheld

__all__ = [
    "Field", "Publication", "UnmappedEventError", "Withheld", "by_type", "is_mapped",
    "publication_of", "publications", "retired", "withheld",
]

_MODULES = (
    directory, cases, reviews, oversight, integrity, accounts, privacy, merit, projects,
    quarterly,
    stationed,
)


class UnmappedEventError(LookupError):
    """An internal event class has no public mapping and is not withheld either."""


@cache
def publications() -> tuple[Publication, ...]:
    found = tuple(p for module in _MODULES for p in module.PUBLICATIONS)
    _check_unique([p.type for p in found + retired()], "public type")
    _check_unique([p.event_class.__qualname__ for p in found], "published class")
    return found


@cache
def retired() -> tuple[Publication, ...]:
    """Earlier public forms of events now published under a later version of their type."""
    return tuple(p for module in _MODULES for p in getattr(module, "RETIRED", ()))


@cache
def withheld() -> tuple[Withheld, ...]:
    return tuple(w for module in _MODULES for w in module.WITHHELD)


@cache
def _by_class() -> dict[type[object], Publication | None]:
    mapped: dict[type[object], Publication | None] = {p.event_class: p for p in publications()}
    for entry in withheld():
        if entry.event_class in mapped:
            raise ValueError(f"{entry.event_class.__qualname__} is both published and withheld")
        mapped[entry.event_class] = None
    return mapped


@cache
def by_type() -> dict[str, Publication]:
    return {p.type: p for p in publications()}


def publication_of(event: object) -> Publication | None:
    """The public form of ``event``'s class, ``None`` if withheld; raises if unmapped."""
    try:
        return _by_class()[type(event)]
    except KeyError:
        raise UnmappedEventError(
            f"{type(event).__module__}.{type(event).__qualname__} has no public mapping:"
            " add it to infra/kafka/public (published or withheld)"
        ) from None


def is_mapped(event_class: type[object]) -> bool:
    return event_class in _by_class()


def _check_unique(values: list[str], label: str) -> None:
    twice = sorted({v for v in values if values.count(v) > 1})
    if twice:
        raise ValueError(f"{label}(s) listed twice: {', '.join(twice)}")
