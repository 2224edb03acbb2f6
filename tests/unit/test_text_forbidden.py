"""Every event's values are searched for control characters; the search skips the calls it
can, and must still report the same first character, looking in the same order, as the plain
walk over strings, dicts (keys, then values), lists, tuples and sets."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.text import (
    ControlCharacterError,
    first_forbidden,
    forbidden_character,
    refuse_control_characters,
)


def plain_walk(value: Any) -> str | None:
    if isinstance(value, str):
        return forbidden_character(value)
    if isinstance(value, dict):
        items: list[Any] = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple | set | frozenset):
        items = list(value)
    else:
        return None
    for item in items:
        found = plain_walk(item)
        if found:
            return found
    return None


texts = st.text(alphabet=st.sampled_from("ab \t\n\x00\x1b\x7f\ud800\ufffe中"), max_size=4)
scalars = texts | st.integers() | st.booleans() | st.none() | st.uuids()
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.lists(inner, max_size=3).map(tuple)
        | st.frozensets(texts, max_size=3)
        | st.dictionaries(texts, inner, max_size=3)
    ),
    max_leaves=12,
)


@given(values)
def test_finds_the_first_forbidden_character_the_plain_walk_finds(value: Any) -> None:
    assert first_forbidden(value) == plain_walk(value)


@given(st.dictionaries(st.sampled_from(["note", "reason", "deadline", "tags"]), values))
def test_refuses_the_first_field_holding_one_with_its_character(fields: dict[str, Any]) -> None:
    expected = next(((name, found) for name, v in fields.items() if (found := plain_walk(v))), None)
    if expected is None:
        refuse_control_characters(fields)
        return
    with pytest.raises(ControlCharacterError) as refused:
        refuse_control_characters(fields)
    assert refused.value.params == {"field": expected[0], "character": expected[1]}
