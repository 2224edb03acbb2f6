"""Pages of the directory for the admin: filtered, searched and ordered by the view store.

Entries come from the directory read model, a keyset page at a time. Links and stationed staff
come from the engagement read model, filtered by the store to the current ones, a keyset page
(enterprise, then leader or login) at a time. Users are read
from the log itself (their events hold credentials, so they never leave the store and no read
model fed by the stream may hold them): the ``User.Added`` notifications, a page at a time.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from eventsourcing.utils import get_topic

from domain.application import Casetrail
from domain.errors import InvalidInputError
from domain.identity import User
from infra.readside import ReadSide
from projections.base import Row
from projections.store import PageQuery

# kind -> (view, table, order column, searched columns)
TABLES: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "units": ("directory", "units", "code", ("code", "name")),
    "windows": ("directory", "windows", "code", ("code", "name")),
    "staff": ("directory", "staff", "login", ("login", "name")),
    "enterprises": ("directory", "enterprises", "credit_code", ("credit_code", "name")),
    "leaders": ("directory", "leaders", "code", ("code", "name", "title")),
}
LINKS: dict[str, tuple[str, str]] = {
    "links": ("leader_links", "linked"),
    "stationed": ("stationed_staff", "stationed"),
}
PAGE = 25
MAX_PAGE = 200


@dataclass(frozen=True)
class ListPage:
    rows: list[Row]
    next: str | None
    """The cursor of the next page (None: this is the last)."""
    position: int


def list_entries(
    read: ReadSide, kind: str, *, search: str = "", cursor: str | None = None, limit: int = PAGE
) -> ListPage:
    limit = max(1, min(limit, MAX_PAGE))
    if kind in LINKS:
        return _links(read, kind, search, cursor, limit)
    view, table, order, searched = TABLES[kind]
    read.refresh([view])
    position = read.position(view)
    text = search.strip()
    query = PageQuery(
        order=order,
        descending=False,
        limit=limit + 1,
        after=_after(cursor),
        search=(searched, text) if text else None,
    )
    rows = read.page(view, table, query)
    more = len(rows) > limit
    rows = rows[:limit]
    following = _cursor(str(rows[-1][order]), str(rows[-1]["id"])) if more and rows else None
    return ListPage(rows, following, position)


def _links(read: ReadSide, kind: str, search: str, cursor: str | None, limit: int) -> ListPage:
    """The current links (or stationings), a keyset page at a time in enterprise order, as the
    store filters and searches them (on the table's text columns: the enterprise and the
    leader or login)."""
    table, flag = LINKS[kind]
    read.refresh(["engagement", "directory"])
    spec = read.projection("engagement").table(table)
    first, second = spec.key
    text = search.strip()
    searched = tuple(c.name for c in spec.columns if c.type == "text")
    after = _after(cursor)
    query = PageQuery(
        order=first,
        descending=False,
        limit=limit + 1,
        equals={flag: True},
        after=(after[0], after[0], after[1]) if after else None,
        search=(searched, text) if text else None,
    )
    rows = read.page("engagement", table, query)
    more = len(rows) > limit
    rows = rows[:limit]
    following = _cursor(str(rows[-1][first]), str(rows[-1][second])) if more and rows else None
    return ListPage(rows, following, read.position("engagement"))


def list_users(
    app: Casetrail, *, search: str = "", cursor: str | None = None, limit: int = PAGE
) -> ListPage:
    """Users in the order they were added, with whether each is disabled or has a password."""
    limit = max(1, min(limit, MAX_PAGE))
    after = _after(cursor)
    start = int(after[1]) + 1 if after and after[1].isdigit() else 1
    topic, text = get_topic(User.Added), search.strip().lower()
    rows: list[Row] = []
    last = 0
    while len(rows) <= limit:
        batch = app.recorder.select_notifications(start, 500, topics=[topic])
        if not batch:
            break
        for notification in batch:
            last = notification.id
            event: Any = app.mapper.to_domain_event(notification)
            if text and text not in event.login.lower() and text not in event.acts_as.lower():
                continue
            user = app.load(User, event.originator_id)
            rows.append({**user.state(), "position": notification.id})
            if len(rows) > limit:
                break
        start = last + 1
    more = len(rows) > limit
    rows = rows[:limit]
    following = _cursor("", str(rows[-1]["position"])) if more and rows else None
    return ListPage(rows, following, last)


def _cursor(value: str, last_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([value, last_id]).encode()).decode()


def _after(cursor: str | None) -> tuple[str, str] | None:
    if not cursor:
        return None
    try:
        value, last_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return str(value), str(last_id)
    except (ValueError, TypeError):
        raise InvalidInputError(
            "the page cursor is not one this server gave",
            code="bad-cursor",
            params={"field": "cursor"},
        ) from None
