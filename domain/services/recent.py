"""The aggregates commands touched last, kept so a command need not read before it writes.

A command on an aggregate this process saved a moment ago starts from the copy kept here
instead of reading its history again. Another process may have moved the aggregate on since:
the store's unique (id, version) key then refuses the write, and the service reloads and tries
once more (``ServiceBase.step``). Copies go in and come out deep-copied, so a command that
fails half-way never leaves a changed aggregate behind.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from copy import deepcopy
from typing import Any
from uuid import UUID

RECENT_AGGREGATES = 4096
"""How many aggregates a process keeps (a case is a few kilobytes)."""


class RecentAggregates:
    """A bounded, thread-safe, least-recently-used map from id to a saved aggregate."""

    def __init__(self, maxsize: int = RECENT_AGGREGATES) -> None:
        self.maxsize = maxsize
        self._kept: OrderedDict[UUID, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, aggregate_id: UUID) -> Any | None:
        with self._lock:
            found = self._kept.get(aggregate_id)
            if found is None:
                return None
            self._kept.move_to_end(aggregate_id)
        return deepcopy(found)

    def put(self, aggregate: Any, *, owned: bool = False) -> None:
        """Keep a saved aggregate; ``owned``: nobody else holds it, so it is kept uncopied."""
        if self.maxsize <= 0 or aggregate.pending_events:
            return
        copy = aggregate if owned else deepcopy(aggregate)
        with self._lock:
            kept = self._kept.get(aggregate.id)
            if kept is not None and kept.version > copy.version:
                return  # a later save of the same aggregate got here first
            self._kept[aggregate.id] = copy
            self._kept.move_to_end(aggregate.id)
            while len(self._kept) > self.maxsize:
                self._kept.popitem(last=False)

    def forget(self, aggregate_id: UUID) -> None:
        with self._lock:
            self._kept.pop(aggregate_id, None)

    def __len__(self) -> int:
        return len(self._kept)
