"""The administration's view of the directory: one kind of entry per form, sheet or CSV file,
each a row of named text fields, read into typed values by the rules below.

The web forms, the API, the CLI and the import all hand rows to the same rules, so an entry is
refused for the same reason, naming the same field, whichever way it came in. Values may be
written as the codes (``state``) or as the words a Chinese spreadsheet uses (``国有``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from domain.directory import LEADER_LEVELS, OWNERSHIPS, STAFF_ROLES
from domain.errors import InvalidInputError

KINDS = ("units", "windows", "staff", "enterprises", "leaders", "links", "stationed")
"""In the order an import of a whole workbook takes them: each may name the ones before it."""

FIELDS: dict[str, tuple[str, ...]] = {
    "units": ("code", "name"),
    "windows": ("code", "name", "unit"),
    "staff": ("login", "name", "role", "unit", "window"),
    "enterprises": ("credit_code", "name", "ownership", "key_enterprise"),
    "leaders": ("code", "name", "title", "level", "unit"),
    "links": ("leader", "enterprise", "note"),
    "stationed": ("login", "enterprise"),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "units": ("code", "name"),
    "windows": ("code", "name", "unit"),
    "staff": ("login", "name", "role"),
    "enterprises": ("credit_code", "name", "ownership"),
    "leaders": ("code", "name", "title", "level"),
    "links": ("leader", "enterprise"),
    "stationed": ("login", "enterprise"),
}
KEYS: dict[str, tuple[str, ...]] = {
    "units": ("code",),
    "windows": ("code",),
    "staff": ("login",),
    "enterprises": ("credit_code",),
    "leaders": ("code",),
    "links": ("leader", "enterprise"),
    "stationed": ("login", "enterprise"),
}
STAFF_ROLE_NAMES = tuple(sorted(r.value for r in STAFF_ROLES))

_ALIASES: dict[str, dict[str, str]] = {
    "ownership": {
        "国有": "state", "国有企业": "state", "集体": "collective", "集体企业": "collective",
        "私营": "private", "民营": "private", "民营企业": "private", "私营企业": "private",
        "外资": "foreign", "外商投资": "foreign", "外资企业": "foreign", "港澳台": "hmt",
        "港澳台资": "hmt", "其他": "other",
    },
    "level": {
        "县级": "county", "县级领导": "county", "部门": "department", "部门领导": "department",
        "窗口": "window", "窗口负责人": "window",
    },
    "role": {
        "窗口工作人员": "window_staff", "部门负责人": "unit_head", "督查室": "supervisor",
        "纪检监察": "inspector", "领导干部": "leader", "管理员": "admin",
    },
}  # fmt: skip
_YES = {"1", "yes", "y", "true", "是", "重点", "key"}
_NO = {"", "0", "no", "n", "false", "否", "一般"}
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MAX_TEXT = 200


@dataclass(frozen=True)
class DirectoryRow:
    """A row read by the rules: typed values under the kind's field names."""

    kind: str
    values: dict[str, str | bool | None]
    given: frozenset[str] = frozenset()
    """The fields the row names at all (a sheet's columns, a request's keys), empty or not: an
    amendment changes only those, so a sheet without a column leaves that attribute alone."""

    def text(self, name: str) -> str:
        value = self.values.get(name)
        assert isinstance(value, str), f"{self.kind}.{name} is not text"
        return value

    def optional(self, name: str) -> str | None:
        value = self.values.get(name)
        return value if isinstance(value, str) else None

    @property
    def key(self) -> str:
        return " / ".join(self.text(k) for k in KEYS[self.kind])


def check_kind(kind: str) -> str:
    if kind not in FIELDS:
        raise InvalidInputError(
            f"{kind!r} is not a kind of directory entry (kinds: {', '.join(KINDS)})",
            code="unknown-kind",
            params={"field": "kind", "value": kind, "choices": list(KINDS)},
        )
    return kind


def read_row(kind: str, raw: Mapping[str, object], *, partial: bool = False) -> DirectoryRow:
    """The row's fields, checked one by one; the first wrong field is refused by name. A
    ``partial`` row (an amendment) needs only the key and the fields it names."""
    check_kind(kind)
    required = [
        n for n in REQUIRED[kind] if not partial or n in KEYS[kind] or n in raw
    ]
    values: dict[str, str | bool | None] = {}
    for name in FIELDS[kind]:
        text = _text(raw.get(name))
        if not text:
            if name in required:
                raise InvalidInputError(
                    f"{name.replace('_', ' ')} must not be empty",
                    code="required",
                    params={"field": name},
                )
            values[name] = False if name == "key_enterprise" else None
            continue
        if len(text) > MAX_TEXT:
            raise InvalidInputError(
                f"{name.replace('_', ' ')} is longer than {MAX_TEXT} characters",
                code="too-long",
                params={"field": name, "length": len(text), "most": MAX_TEXT},
            )
        values[name] = _value(kind, name, text)
    return DirectoryRow(kind, values, frozenset(n for n in FIELDS[kind] if n in raw))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():  # a spreadsheet's 1 arrives as 1.0
        value = int(value)
    return str(value).strip()


def _value(kind: str, name: str, text: str) -> str | bool:
    if name in ("credit_code", "enterprise"):
        # Checked in full when an enterprise is registered; a reference (or an amendment of an
        # enterprise registered earlier) only has to name one that exists.
        return text.upper()
    if name in ("code", "login", "unit", "window", "leader"):
        if not _CODE.match(text):
            raise InvalidInputError(
                f"{text!r} is not a code: letters, digits, '.', '_' and '-', without spaces",
                code="code-malformed",
                params={"field": name, "value": text},
            )
        return text
    if name == "key_enterprise":
        if text.lower() in _YES:
            return True
        if text.lower() in _NO:
            return False
        raise InvalidInputError(
            f"key enterprise must be yes or no, not {text!r}",
            code="not-yes-no",
            params={"field": name, "value": text},
        )
    if name in _ALIASES:
        value = _ALIASES[name].get(text, text.lower())
        choices = {"ownership": OWNERSHIPS, "level": LEADER_LEVELS, "role": STAFF_ROLE_NAMES}[name]
        if value not in choices:
            raise InvalidInputError(
                f"{name} {text!r} is unknown (choose: {', '.join(choices)})",
                code="unknown-choice",
                params={"field": name, "value": text, "choices": list(choices)},
            )
        return value
    return text
