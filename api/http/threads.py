"""How many requests a server process works on at once, and where waiting goes instead.

FastAPI runs each plain ``def`` route, and Casetrail's routes are that (they read and write
through blocking drivers), on a thread of anyio's default pool of forty. Python runs one thread
of a process at a time, so forty requests at once finish no sooner than two would: they take
turns at the interpreter lock, and a light request waits behind heavy ones for it again after
every read. Under load that made every request of a process late, the lightest most of all.
With two threads a process works on one request while the other waits on the database, and
the rest wait their turn in the order they came (measured in docs/benchmarks.md).

Waiting is not work, and must not hold a thread the work needs: an API read or a page waiting
until a view shows the caller's write, or the breaker asking a store that is down whether it
is back, runs on a pool of its own (``waiting``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, TypeVar

import anyio.to_thread
from anyio import CapacityLimiter
from anyio.lowlevel import RunVar
from fastapi import FastAPI

WORK_THREADS = 2
"""Requests a server process works on at once, unless ``casetrail serve --threads`` says."""
WAITING_THREADS = 40
"""Threads that only wait: as many as the default pool had for everything."""

T = TypeVar("T")
_waiting: RunVar[CapacityLimiter] = RunVar("casetrail_waiting_threads")


def limit_work_threads(app: FastAPI, threads: int) -> None:
    """Run at most ``threads`` requests of ``app`` at once (set as it starts, in its loop)."""
    if threads < 1:
        raise ValueError("a server needs at least one thread for requests")
    serving: Callable[[Any], AbstractAsyncContextManager[Any]] = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(started: Any) -> AsyncIterator[Any]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        async with serving(started) as state:
            yield state

    app.router.lifespan_context = lifespan


async def waiting(wait: Callable[..., T], *args: Any) -> T:
    """``wait(*args)`` on a thread of the waiting pool (see the module's note)."""
    try:
        limiter = _waiting.get()
    except LookupError:
        limiter = CapacityLimiter(WAITING_THREADS)
        _waiting.set(limiter)
    return await anyio.to_thread.run_sync(wait, *args, limiter=limiter)
