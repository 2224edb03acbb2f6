"""Stored events decoded for a replay: the library mapper's result, for less of its Python.

A rebuild decodes every event of the log, and the mapper's generic path was a third of the case
read model's CPU time: each JSON object of an event's state goes through the transcoder's
general hook, and each value it marks as a UUID or a datetime through a ``Transcoding`` object's
method. ``EventDecoder`` gives the same event, of the same class with the same attributes (a
test compares the two on every kind of event the demo writes): the JSON parsed by pydantic-core
in one go, then the encoded values converted, the commonest by plain functions, and a UUID made
once per distinct value (the ids a case's events name recur through its history).

It applies only to what it reproduces exactly: the application's ``JSONTranscoder`` with no
cipher and no compressor, the library's own transcodings for the types they handle. Anything
else (an encrypted store, a custom transcoding) is decoded by the mapper itself.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    StoredEvent,
    TranscodingNotRegisteredError,
    UUIDAsHex,
    find_id_convertor,
    pass_through_convertor,
)
from eventsourcing.utils import resolve_topic
from pydantic_core import from_json

Decode = Callable[[Any], Any]


@lru_cache(maxsize=100_000)
def _uuid(data: str) -> UUID:
    # UUIDs are immutable: one object per value serves every event that names it.
    return UUID(data)


_PLAIN: dict[type, Decode] = {
    DatetimeAsISO: datetime.fromisoformat, UUIDAsHex: _uuid, DecimalAsStr: Decimal,
}
"""The library's transcodings as the functions they amount to."""


class EventDecoder:
    """``decode(stored)`` equals ``mapper.to_domain_event(stored)``."""

    def __init__(self, mapper: Mapper[Any]) -> None:
        self._mapper = mapper
        transcoder = mapper.transcoder
        lean = (
            type(transcoder) is JSONTranscoder
            and mapper.cipher is None and mapper.compressor is None
        )
        self.lean = lean
        self.decode: Callable[[StoredEvent], object] = (
            self._decode if lean else mapper.to_domain_event
        )
        if lean:
            names = cast(JSONTranscoder, transcoder).names
            self._by_name: dict[str, Decode] = {
                name: _PLAIN.get(type(t), t.decode) for name, t in names.items()
            }
        self._classes: dict[str, tuple[type[Any], int]] = {}
        self._convertors: dict[tuple[type[Any], type], Decode] = {}

    def _state(self, data: bytes) -> dict[str, Any]:
        """The event's state as the transcoder reads it back. pydantic-core parses the whole
        text at once, where the standard library's parser called a Python hook for every object
        in it and took twice as long; the transcoder's rule is then applied as that hook did,
        innermost values first. (What pydantic-core refuses and the standard library reads, a
        lone surrogate in a string, goes to the mapper's own path.)

        Most events hold their encoded values (the time, the ids) at the top and plain data
        below (a deadline's derivation, a calendar's days): walking all of it in Python cost as
        much as the parsing. The text tells how many objects could be encoded values (a
        ``"_type_"`` key, as the transcoder writes it; text that only looks like one costs a
        walk, never a value left encoded); when the top holds that many,
        each of plain text, nothing below can hold another, and nothing below is walked."""
        state: dict[str, Any] = from_json(data)
        marked = data.count(b'"_type_"')
        if not marked:
            return state
        top = [
            name for name, value in state.items()
            if type(value) is dict and len(value) == 2 and "_type_" in value
            and type(value.get("_data_")) is str
        ]
        if len(top) < marked:
            walked: dict[str, Any] = self._object(state)
            return walked
        for name in top:
            state[name] = self._value(state[name])
        return state

    def _object(self, found: dict[str, Any]) -> Any:
        for name, value in found.items():
            kind = type(value)
            if kind is dict:
                found[name] = self._object(value)
            elif kind is list:
                self._list(value)
        # The transcoder's rule: an object of exactly ``_type_`` and ``_data_`` is an encoded
        # value; every other object is data.
        if len(found) == 2 and "_type_" in found and "_data_" in found:
            return self._value(found)
        return found

    def _value(self, encoded: dict[str, Any]) -> Any:
        name = encoded["_type_"]
        decode = self._by_name.get(name)
        if decode is None:
            raise TranscodingNotRegisteredError(
                f"Data serialized with name '{name}' is not deserializable."
            )
        return decode(encoded["_data_"])

    def _list(self, found: list[Any]) -> None:
        for number, value in enumerate(found):
            kind = type(value)
            if kind is dict:
                found[number] = self._object(value)
            elif kind is list:
                self._list(value)

    def _class(self, topic: str) -> tuple[type[Any], int]:
        found = self._classes.get(topic)
        if found is None:
            cls = resolve_topic(topic)
            found = self._classes[topic] = (cls, getattr(cls, "class_version", 1))
        return found

    def _decode(self, stored: StoredEvent) -> object:
        return self.decode_parts(
            stored.originator_id, stored.originator_version, stored.topic, stored.state
        )

    def decode_parts(
        self, originator_id: Any, originator_version: int, topic: str, data: bytes
    ) -> object:
        """``decode`` of the stored event with these fields, without making it first (a replay
        reads them straight from the log's rows)."""
        if not self.lean:
            return self._mapper.to_domain_event(
                StoredEvent(originator_id, originator_version, topic, data)
            )
        cls, class_version = self._class(topic)
        try:
            state = self._state(data)
        except Exception:
            # The mapper's own path says what failed, in its own words.
            return self._mapper.to_domain_event(
                StoredEvent(originator_id, originator_version, topic, data)
            )
        id_type = type(originator_id)
        convert = self._convertors.get((cls, id_type))
        if convert is None:
            convert = find_id_convertor(cast(Hashable, cls), cast(Hashable, id_type))
            self._convertors[cls, id_type] = convert
        # The library's pass-through is most events' (an id read as a UUID): not called.
        state["originator_id"] = (
            originator_id if convert is pass_through_convertor else convert(originator_id)
        )
        state["originator_version"] = originator_version
        from_version = state.pop("class_version", 1)
        while from_version < class_version:
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(state)
            from_version += 1
        event = object.__new__(cls)
        object.__setattr__(event, "__dict__", state)
        return event
