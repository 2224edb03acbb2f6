"""Read a policy TOML file (see ``policy/default.toml``) into ``domain.policy.Policy``.

Every number must be in the file: a value left out would silently fall back to a default in
code, and published figures must be reproducible from the policy version alone. Unknown keys
are refused too, because a misspelt key would otherwise be ignored.
"""

from __future__ import annotations

import tomllib
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

from domain.errors import InvalidInputError
from domain.policy import Policy

# Policy fields kept in a table of their own in the file, for readability.
LOCATIONS: dict[str, tuple[str, ...]] = {
    "emergency_dispatch_hours": ("emergency", "dispatch_hours"),
    "emergency_handle_hours": ("emergency", "handle_hours"),
    "emergency_extension_max_hours": ("emergency", "extension_max_hours"),
    "return_window_working_days": ("returns", "window_working_days"),
}

# Tables that may be empty: a jurisdiction may make no service commitments at all.
MAY_BE_EMPTY = frozenset({"service_commitments"})

Key = tuple[str, ...]


class PolicyFileError(ValueError):
    """The policy file is missing, is not TOML, or has a missing, unknown or mistyped key."""

    def __init__(self, path: Path, problem: str, key: Key | None = None) -> None:
        self.path, self.key = path, ".".join(key) if key else None
        where = f" at key '{self.key}'" if self.key else ""
        super().__init__(f"policy file {path}{where}: {problem}")


def load_policy(path: Path) -> Policy:
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except FileNotFoundError:
        raise PolicyFileError(
            path, "no such file (set CASETRAIL_POLICY_FILE to a policy like policy/default.toml)"
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise PolicyFileError(path, f"not valid TOML: {error}") from None
    return _PolicyReader(path, data).read()


class _PolicyReader:
    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path, self.data = path, data
        self.used: set[Key] = set()

    def read(self) -> Policy:
        hints = get_type_hints(Policy)
        values: dict[str, Any] = {}
        for field in fields(Policy):
            kind = hints[field.name]
            if is_dataclass(kind):
                values[field.name] = self._section(field.name, kind)
            elif get_origin(kind) is dict:
                values[field.name] = self._mapping((field.name,), get_args(kind)[1])
            else:
                values[field.name] = self._value(LOCATIONS.get(field.name, (field.name,)), kind)
        self._refuse_unknown(self.data, ())
        return Policy(**values)

    def _section(self, name: str, kind: Any) -> Any:
        hints = get_type_hints(kind)
        values = {
            f.name: (
                self._mapping((name, f.name), get_args(hints[f.name])[1])
                if get_origin(hints[f.name]) is dict
                else self._value((name, f.name), hints[f.name])
            )
            for f in fields(kind)
        }
        try:
            return kind(**values)
        except InvalidInputError as error:  # numbers that contradict each other
            raise PolicyFileError(self.path, str(error), (name,)) from None

    def _mapping(self, key: Key, kind: type) -> dict[str, Any]:
        table = self._lookup(key)
        if not isinstance(table, dict) or not (table or key[0] in MAY_BE_EMPTY):
            raise PolicyFileError(self.path, "must be a table with at least one entry", key)
        values = {name: self._check(value, kind, (*key, name)) for name, value in table.items()}
        for name, value in values.items():
            if kind is int and value < 1:  # integer tables are time limits in working days
                raise PolicyFileError(self.path, f"must be at least 1, not {value}", (*key, name))
        return values

    def _value(self, key: Key, kind: Any) -> Any:
        return self._check(self._lookup(key), kind, key)

    def _lookup(self, key: Key) -> Any:
        node: Any = self.data
        for depth, part in enumerate(key):
            if not isinstance(node, dict):
                raise PolicyFileError(self.path, "must be a table", key[:depth])
            if part not in node:
                raise PolicyFileError(self.path, "missing (every policy number is explicit)", key)
            node = node[part]
        self.used.add(key)
        return node

    def _check(self, value: Any, kind: Any, key: Key) -> Any:
        if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if kind is int and isinstance(value, int) and not isinstance(value, bool):
            return value
        if kind is str and isinstance(value, str) and value.strip():
            return value
        if kind is bool and isinstance(value, bool):
            return value
        wanted = {
            float: "a number",
            int: "a whole number",
            str: "non-empty text",
            bool: "true or false",
        }.get(kind, str(kind))
        raise PolicyFileError(self.path, f"must be {wanted}, not {value!r}", key)

    def _refuse_unknown(self, table: dict[str, Any], prefix: Key) -> None:
        for name, value in table.items():
            key = (*prefix, name)
            if key in self.used:
                continue
            if isinstance(value, dict) and any(u[: len(key)] == key for u in self.used):
                self._refuse_unknown(value, key)
                continue
            raise PolicyFileError(self.path, "unknown key (misspelt, or not a policy setting)", key)
