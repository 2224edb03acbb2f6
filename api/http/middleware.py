"""ASGI middlewares: a request body limit and request metrics.

The body limit reads the whole body (it is small by definition) before the app sees it, so an
oversized request is refused with 413 whether it announced its length or not; the buffered body
is handed on, and later middlewares (idempotency keys) read it from the scope.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.metrics import Metrics
from api.http.problems import MEDIA_TYPE, problem_bytes

BODY_LIMIT = 64 * 1024
UPLOAD_LIMIT = 6 * 1024 * 1024
"""Directory imports (a city's workbook) may be larger; their paths end in ``/import``."""
BODY_KEY = "casetrail.body"
WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})


async def send_problem(send: Send, status: int, kind: str, title: str, detail: str) -> None:
    body = problem_bytes(status, kind, title, detail)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, limit: int = BODY_LIMIT) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WITH_BODY:
            await self.app(scope, receive, send)
            return
        limit = UPLOAD_LIMIT if str(scope.get("path", "")).endswith("/import") else self.limit
        announced = dict(scope["headers"]).get(b"content-length")
        if announced is not None and announced.isdigit() and int(announced) > limit:
            await self._too_large(send)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._too_large(send)
                return
            chunks.append(chunk)
            more = bool(message.get("more_body", False))
        body = b"".join(chunks)
        scope[BODY_KEY] = body
        await self.app(scope, _replay(body, receive), send)

    async def _too_large(self, send: Send) -> None:
        await send_problem(
            send,
            413,
            "body-too-large",
            "The request body is too large",
            f"request bodies are limited to {self.limit} bytes",
        )


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


class MetricsMiddleware:
    """Counts each request under its route template (not its path, which has ids in it)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began, status = time.perf_counter(), 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route: Any = scope.get("route")
            template = getattr(route, "path_format", None) or (
                scope["path"] if status != 404 else "unmatched"
            )
            self.metrics.observe(scope["method"], template, status, time.perf_counter() - began)
            if scope["method"] == "POST" and status < 300 and getattr(route, "name", None):
                self.metrics.command(str(route.name))
