"""People, units and enterprises by name, from the directory read model (ids are for machines).

A page names the few people and units it shows: each name is looked up by its key when first
asked for (one indexed row) and kept for the rest of the request. The pickers and the admin's
directory that list a whole table read it as one bounded, ordered page: a directory grows with
the units and staff of a jurisdiction (hundreds), not with the events.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from infra.readside import ReadSide
from projections.store import PageQuery

Row = dict[str, Any]
DIRECTORY_PAGE = 2000
"""The most rows a picker or the admin's directory lists of one directory table."""


class Names:
    def __init__(self, read: ReadSide) -> None:
        self._read = read
        self._found: dict[tuple[str, str], dict[str, Row]] = {}
        self._listed: dict[str, dict[str, Row]] = {}

    def _row(self, table: str, column: str, value: Any) -> Row | None:
        key = str(value)
        return self._known(table, column, [key]).get(key) or None

    def _known(self, table: str, column: str, keys: Iterable[str]) -> dict[str, Row]:
        """The rows found so far by ``column``, after looking up those of ``keys`` not yet
        asked for in one read (a row found missing is kept as empty)."""
        known = self._found.setdefault((table, column), {})
        wanted = [k for k in keys if k not in known]
        if wanted:
            known.update(self._read.lookup("directory", table, column, wanted))
            for key in wanted:
                known.setdefault(key, {})
        return known

    def know_units(self, unit_ids: Iterable[Any]) -> None:
        """Look up every one of these units at once: a page that names many (the board's
        rows) reads one page of the directory, not one per unit."""
        self._known("units", "id", [str(u) for u in unit_ids if u is not None])

    def _listing(self, table: str, key: str, order: str) -> dict[str, Row]:
        if table not in self._listed:
            query = PageQuery(order, False, DIRECTORY_PAGE)
            rows = self._read.page("directory", table, query)
            self._listed[table] = {str(r[key]): r for r in rows}
        return self._listed[table]

    @property
    def units(self) -> dict[str, Row]:
        return self._listing("units", "id", "code")

    @property
    def windows(self) -> dict[str, Row]:
        return self._listing("windows", "id", "code")

    @property
    def staff(self) -> dict[str, Row]:
        """By login."""
        return self._listing("staff", "login", "login")

    @property
    def leaders(self) -> dict[str, Row]:
        return self._listing("leaders", "id", "code")

    @property
    def enterprises(self) -> dict[str, Row]:
        return self._listing("enterprises", "id", "credit_code")

    def unit(self, unit_id: Any) -> str:
        return self._name("units", unit_id)

    def window(self, window_id: Any) -> str:
        return self._name("windows", window_id)

    def leader(self, leader_id: Any) -> str:
        row = self._row("leaders", "id", leader_id) if leader_id is not None else None
        return f"{row['name']}（{row['title']}）" if row else str(leader_id or "—")

    def enterprise(self, enterprise_id: Any) -> str:
        return self._name("enterprises", enterprise_id)

    def of_id(self, key: str) -> str | None:
        """The name of the unit, window, leader or enterprise ``key`` is the id of, if any."""
        for table in ("units", "windows", "enterprises"):
            row = self._row(table, "id", key)
            if row:
                return str(row["name"])
        return self.leader(key) if self._row("leaders", "id", key) else None

    def of_login(self, login: str) -> str | None:
        """The name of the staff member who signs in as ``login``, if any."""
        row = self._row("staff", "login", login)
        return str(row["name"]) if row else None

    def enterprise_by_code(self, credit_code: str) -> str | None:
        found = self._row("enterprises", "credit_code", credit_code)
        return str(found["name"]) if found else None

    def person(self, login: Any) -> str:
        """A staff member as 'name (login)'; other actors (system, enterprises) as they are."""
        if login is None:
            return "—"
        row = self._row("staff", "login", login)
        if row is not None:
            return f"{row['name']} ({login})"
        enterprise = self.enterprise_by_code(str(login))
        return enterprise or str(login)

    def unit_of(self, login: Any) -> str | None:
        row = self._row("staff", "login", login) if login is not None else None
        return str(row["unit_id"]) if row and row.get("unit_id") else None

    def sorted_units(self) -> list[Row]:
        return list(self.units.values())

    def _name(self, table: str, key: Any) -> str:
        if key is None:
            return "—"
        row = self._row(table, "id", key)
        return str(row["name"]) if row else str(key)


def load_names(read: ReadSide) -> Names:
    read.refresh(["directory"])
    return Names(read)
