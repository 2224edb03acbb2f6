"""Every event class of the domain, and a made-up instance of each, built from its type hints.

The public catalogue is checked against these: each class must be mapped, and each sample's
public form must satisfy its schema. A new event class is covered the day it is written.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import types
import typing
from datetime import date, datetime, timedelta, timezone
from typing import Any
from uuid import UUID, uuid5

import domain
from domain.base import Tracked

CHINA = timezone(timedelta(hours=8))
AT = datetime(2026, 3, 2, 9, 30, tzinfo=CHINA)
BASE_FIELDS = {"originator_id", "originator_version", "timestamp", "originator_topic"}
_DEADLINE = {
    "due": "2026-03-20", "due_at": "2026-03-21T00:00:00+08:00", "provisional": False,
    "derivation": {"start": "2026-03-02"},
}
_ROW = {"id": 1, "description": "a finding", "kind": "staff", "who": "li.na", "why": "late"}


def domain_event_classes() -> list[type[Any]]:
    """Each event class nested in an aggregate of ``domain`` (bases ``Event``/``Created`` aside)."""
    found: dict[str, type[Any]] = {}
    for info in pkgutil.iter_modules(domain.__path__):
        module = importlib.import_module(f"domain.{info.name}")
        for aggregate in vars(module).values():
            if not (inspect.isclass(aggregate) and issubclass(aggregate, Tracked)):
                continue
            for name, value in vars(aggregate).items():
                if name in ("Event", "Created") or not inspect.isclass(value):
                    continue
                if issubclass(value, Tracked.Event) or issubclass(value, Tracked.Created):
                    found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[key] for key in sorted(found)]


def sample_event(event_class: type[Any], role: str = "window_staff", **overrides: Any) -> Any:
    """An instance with a plausible value for every field (``overrides`` win)."""
    hints = typing.get_type_hints(event_class)
    originator_id = uuid5(UUID(int=0), event_class.__qualname__)
    values: dict[str, Any] = {
        "originator_id": originator_id, "originator_version": 1, "timestamp": AT,
        "actor_id": "li.na", "actor_role": role,
    }
    if "originator_topic" in hints:
        values["originator_topic"] = "domain.case:Case"
    for name, hint in hints.items():
        if name in values or typing.get_origin(hint) is typing.ClassVar:
            continue
        values[name] = _value(name, hint)
    values.update(overrides)
    return event_class(**values)


_LINE = {
    "member": "li.na", "rank": 1, "score": 0.5, "second": 0.1, "sample": 6, "side": "black",
    "figures": {"good_review_rate": 0.5}, "struck_by_objection": None,
}
_BY_NAME: dict[str, Any] = {
    "entries": {"staff": [_LINE], "unit": [], "window": []},
    "stamp": {
        "definitions": "metrics-2026.2", "position": 812, "as_of": AT.isoformat(),
        "calendar_version": 24,
    },
    "rules": {"min_sample": 5},
    "record_by": "2026-03-05",
    "cites": {
        "publication_id": str(uuid5(UUID(int=1), "cites")), "edition": 1, "period": "2026-Q2",
    },
    "scores": {"environment": 4, "efficiency": 5},
    "weights": {"environment": 1.0, "efficiency": 1.0},
}
"""Sample values of structured fields whose shape their type hint does not tell."""


def _value(name: str, hint: Any) -> Any:
    if name in _BY_NAME:
        return _BY_NAME[name]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return _value(name, next(a for a in args if a is not type(None)))
    if origin is list:
        item = args[0] if args else str
        return [_ROW if typing.get_origin(item) is dict else _value(name, item)]
    if origin is dict:
        return {"2026-10-01": "国庆节"} if args and args[1] is str else dict(_DEADLINE)
    simple: dict[Any, Any] = {
        str: f"{name} text", int: 2, float: 1.5, bool: True,
        UUID: uuid5(UUID(int=1), name), datetime: AT, date: AT.date(),
    }
    if hint is str and (name.endswith("due") or name.endswith("_on")):
        return "2026-03-20"  # dates travel as ISO text in these fields
    if hint in simple:
        return simple[hint]
    raise TypeError(f"no sample value for {name}: {hint!r}")
