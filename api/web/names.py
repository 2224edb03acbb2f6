"""People, units and enterprises by name, from the directory read model (ids are for machines)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from infra.readside import ReadSide

Row = dict[str, Any]


@dataclass(frozen=True)
class Names:
    units: dict[str, Row]
    windows: dict[str, Row]
    staff: dict[str, Row]
    """By login."""
    leaders: dict[str, Row]
    enterprises: dict[str, Row]
    position: int

    def unit(self, unit_id: Any) -> str:
        return _name(self.units, unit_id)

    def window(self, window_id: Any) -> str:
        return _name(self.windows, window_id)

    def leader(self, leader_id: Any) -> str:
        row = self.leaders.get(str(leader_id))
        return f"{row['name']}（{row['title']}）" if row else str(leader_id or "—")

    def enterprise(self, enterprise_id: Any) -> str:
        return _name(self.enterprises, enterprise_id)

    def enterprise_by_code(self, credit_code: str) -> str | None:
        found = next(
            (r for r in self.enterprises.values() if r["credit_code"] == credit_code), None
        )
        return str(found["name"]) if found else None

    def person(self, login: Any) -> str:
        """A staff member as 'name (login)'; other actors (system, enterprises) as they are."""
        if login is None:
            return "—"
        row = self.staff.get(str(login))
        if row is not None:
            return f"{row['name']} ({login})"
        enterprise = self.enterprise_by_code(str(login))
        return enterprise or str(login)

    def unit_of(self, login: Any) -> str | None:
        row = self.staff.get(str(login))
        return str(row["unit_id"]) if row and row.get("unit_id") else None

    def sorted_units(self) -> list[Row]:
        return sorted(self.units.values(), key=lambda r: str(r["code"]))


def load_names(read: ReadSide) -> Names:
    read.refresh(["directory"])
    position = read.position("directory")

    def table(name: str, key: str = "id") -> dict[str, Row]:
        return {str(r[key]): r for r in read.rows("directory", name)}

    return Names(
        units=table("units"),
        windows=table("windows"),
        staff=table("staff", "login"),
        leaders=table("leaders"),
        enterprises=table("enterprises"),
        position=position,
    )


def _name(rows: dict[str, Row], key: Any) -> str:
    if key is None:
        return "—"
    row = rows.get(str(key))
    return str(row["name"]) if row else str(key)
