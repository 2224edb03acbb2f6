"""Row operations in SQL, shared by the SQLite and PostgreSQL view stores.

Both databases accept the same statements here (double-quoted names, ``INSERT … ON CONFLICT``
with ``excluded``); only the parameter marker and the column types differ. Table and column names
were checked against ``[a-z][a-z0-9_]*`` by the table spec, so quoting them is enough.
"""

from __future__ import annotations

from typing import Any, Protocol

from projections.base import ColumnType, Key, Projection, Row, Table
from projections.store import RowOpsBase
from projections.values import decode_row, encode_row

VIEW_PREFIX = "view_"


class Cursor(Protocol):
    def execute(self, query: Any, params: Any = ..., /) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


def view_table(table: Table) -> str:
    return f'"{VIEW_PREFIX}{table.name}"'


def create_table_sql(table: Table, types: dict[ColumnType, str]) -> str:
    columns = [
        f'"{c.name}" {types[c.type]}' + (" NOT NULL" if c.name in table.key else "")
        for c in table.columns
    ]
    key = ", ".join(f'"{k}"' for k in table.key)
    columns.append(f"PRIMARY KEY ({key})")
    return f"CREATE TABLE IF NOT EXISTS {view_table(table)} ({', '.join(columns)})"


def select_sql(table: Table) -> str:
    columns = ", ".join(f'"{c.name}"' for c in table.columns)
    return f"SELECT {columns} FROM {view_table(table)}"


def order_sql(table: Table) -> str:
    return " ORDER BY " + ", ".join(f'"{k}"' for k in table.key)


class SqlViewTx(RowOpsBase):
    """``ViewTx`` over a cursor that is inside the batch's transaction."""

    def __init__(self, projection: Projection, cursor: Cursor, marker: str) -> None:
        super().__init__(projection)
        self.cursor, self.marker = cursor, marker

    def _where(self, spec: Table, equals: dict[str, Any]) -> tuple[str, list[Any]]:
        clauses, params = [], []
        for name, value in encode_row(spec, equals).items():
            if value is None:
                clauses.append(f'"{name}" IS NULL')
            else:
                clauses.append(f'"{name}" = {self.marker}')
                params.append(value)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def get(self, table: str, key: Key) -> Row | None:
        spec = self.projection.table(table)
        where, params = self._where(spec, self.key_row(spec, key))
        self.cursor.execute(select_sql(spec) + where, params)
        found = self.cursor.fetchone()
        return None if found is None else self._decode(spec, found)

    def upsert(self, table: str, row: Row) -> None:
        spec = self.projection.table(table)
        spec.key_values(row)  # a row without its whole key is a programming error
        stored = encode_row(spec, row)
        names = list(stored)
        columns = ", ".join(f'"{n}"' for n in names)
        markers = ", ".join(self.marker for _ in names)
        updates = [f'"{n}" = excluded."{n}"' for n in names if n not in spec.key]
        key = ", ".join(f'"{k}"' for k in spec.key)
        action = f"DO UPDATE SET {', '.join(updates)}" if updates else "DO NOTHING"
        self.cursor.execute(
            f"INSERT INTO {view_table(spec)} ({columns}) VALUES ({markers})"
            f" ON CONFLICT ({key}) {action}",
            [stored[n] for n in names],
        )

    def delete(self, table: str, key: Key) -> None:
        spec = self.projection.table(table)
        where, params = self._where(spec, self.key_row(spec, key))
        self.cursor.execute(f"DELETE FROM {view_table(spec)}{where}", params)

    def select(self, table: str, **equals: Any) -> list[Row]:
        spec = self.projection.table(table)
        where, params = self._where(spec, equals)
        self.cursor.execute(select_sql(spec) + where + order_sql(spec), params)
        return [self._decode(spec, found) for found in self.cursor.fetchall()]

    @staticmethod
    def _decode(spec: Table, found: Any) -> Row:
        return decode_row(spec, dict(zip([c.name for c in spec.columns], found, strict=True)))

