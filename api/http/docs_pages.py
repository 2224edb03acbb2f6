"""The interactive API documentation (Swagger UI at /docs, ReDoc at /redoc), served offline.

`fastapi-offline` ships both front ends inside the package, so the pages load nothing from a CDN.
ReDoc still names its maker's logo on another host; a content security policy on the two pages
keeps the browser from fetching it, or anything else from outside, at all.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGES = frozenset({"/docs", "/redoc", "/docs/oauth2-redirect"})
ASSETS = "/api-docs-assets"
# Swagger UI starts from an inline script and both inject styles; ReDoc searches in a blob worker.
POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline';"
    " img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self';"
    " frame-ancestors 'none'; base-uri 'none'"
)


class DocsPolicyMiddleware:
    """Adds the documentation pages' content security policy to their responses."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in PAGES:
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["Content-Security-Policy"] = POLICY
            await send(message)

        await self.app(scope, receive, sending)
