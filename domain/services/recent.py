"""The aggregates commands touched last, kept so a command need not read before it writes.

A command on an aggregate this process saved a moment ago starts from the copy kept here
instead of reading its history again. Another process may have moved the aggregate on since:
the store's unique (id, version) key then refuses the write, and the service reloads and tries
once more (``ServiceBase.step``).

A command takes the aggregate out and puts it back only once it is saved, so a command that
fails half-way never leaves a changed aggregate behind, and no copy is made on the way: copying
a case in and out cost a quarter of a command's own work. Two commands on one aggregate at once
cannot share it: the second finds nothing kept and reads the store, and the (id, version) key
decides between them as between two processes.
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

    def take(self, aggregate_id: UUID) -> Any | None:
        """The kept aggregate, no longer kept: the caller owns it until it puts it back."""
        with self._lock:
            return self._kept.pop(aggregate_id, None)

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
