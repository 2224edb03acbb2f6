"""A person's inbox: their notices, newest first, in words, with what they have read.

The notices come from the ``notices`` read model (one row per event and recipient, a query on
the recipient and the log position), the read marks and preferences from the notification
store. A page is at most ``limit`` rows; ``after`` is the opaque cursor of the last row seen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from domain.errors import InvalidInputError
from infra.notify.message import render
from infra.notify.store import NotifyStore, Preferences
from infra.readside import ReadSide
from projections.store import PageQuery

VIEW, TABLE = "notices", "inbox"


@dataclass(frozen=True)
class Entry:
    id: str
    kind: str
    subject: str
    text: str
    at: dt.datetime
    read: bool
    subject_kind: str
    subject_id: str
    cursor: str


class BadCursorError(InvalidInputError):
    """The cursor was not one this inbox handed out."""

    default_code = "inbox-cursor-unknown"


class Inbox:
    def __init__(self, read: ReadSide, store: NotifyStore, tz: dt.timezone) -> None:
        self.read, self.store, self.tz = read, store, tz

    def page(
        self, login: str, *, limit: int = 20, after: str | None = None,
        language: str | None = None,
    ) -> list[Entry]:
        self.read.refresh([VIEW])
        keyset = _keyset(after) if after else None
        rows = self.read.page(VIEW, TABLE, PageQuery(
            order="seq", descending=True, limit=limit, equals={"recipient": login}, after=keyset,
        ))
        seen = self.store.read_ids(login, [str(r["id"]) for r in rows])
        lang = language or self.store.preferences(login).language
        entries = []
        for row in rows:
            message = render(row["kind"], row["params"], lang, self.tz)
            entries.append(Entry(
                id=str(row["id"]), kind=str(row["kind"]), subject=message.subject,
                text=message.text, at=row["at"], read=str(row["id"]) in seen,
                subject_kind=str(row["subject_kind"]), subject_id=str(row["subject_id"]),
                cursor=f"{row['seq']}.{row['id']}",
            ))
        return entries

    def mark_read(self, login: str, notice_ids: Sequence[str]) -> int:
        """Mark the caller's own notices read; ids of other people's notices are ignored."""
        own = [
            notice_id for notice_id in dict.fromkeys(notice_ids)
            if self.read.page(VIEW, TABLE, PageQuery(
                order="seq", descending=False, limit=1,
                equals={"recipient": login, "id": notice_id},
            ))
        ]
        self.store.mark_read(login, own)
        return len(own)

    def preferences(self, login: str) -> Preferences:
        return self.store.preferences(login)

    def set_preferences(self, prefs: Preferences) -> None:
        self.store.set_preferences(prefs)


def _keyset(cursor: str) -> tuple[str, str]:
    seq, _, notice_id = cursor.partition(".")
    if not (seq.isdigit() and len(notice_id) == 36):
        raise BadCursorError(
            f"{cursor!r} is not a cursor this inbox handed out", params={"cursor": cursor}
        )
    return seq, notice_id
