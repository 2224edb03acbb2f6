"""``Idempotency-Key`` on POST: a retried request gets the first response, not a second effect.

The key is looked at only once the caller is authenticated: it belongs to that user (their
login), and a request that is not authenticated runs as if it had no key, so it adds nothing
to the store (the route answers it: 401, or a public route's own answer). A key names one
request: the same key with another method, path, ``If-Match`` or body is refused with 422.
Responses below 500 are stored (a refusal is an answer too); after a 5xx the key is released so
the retry runs again. Two requests racing under one key: the second is told to retry (409).

A response that carries a secret (a bearer token, a receipt's rating code: routes mark it with
``withhold``, which sends ``Cache-Control: no-store``) is not stored; a retry is told, with 409,
that the first request succeeded and its answer is not kept.
"""

from __future__ import annotations

import hashlib
import re

from anyio import to_thread
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.middleware import BODY_KEY, send_problem
from infra.idempotency import IdempotencyStore, StoredResponse
from infra.identity import Accounts, AuthenticationError, Principal

HEADER = b"idempotency-key"
KEY = re.compile(r"^[\x21-\x7e]{1,200}$")
PREFIX = "/api/v1/"
TOKEN_MARK = b'"ctk_'
"""A bearer token in a JSON body: never stored, even if a route forgot to mark its answer."""


SECRET_HEADERS = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def withhold(response: Response) -> None:
    """Mark an answer that carries a secret shown once: no cache keeps it, and no
    idempotency key stores it."""
    response.headers.update(SECRET_HEADERS)


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, store: IdempotencyStore, accounts: Accounts) -> None:
        self.app, self.store, self.accounts = app, store, accounts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", ()))
        key_bytes = headers.get(HEADER)
        applies = scope["type"] == "http" and scope["method"] == "POST"
        if not applies or key_bytes is None or not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        key = key_bytes.decode("latin-1")
        if not KEY.match(key):
            await send_problem(
                send,
                400,
                "bad-idempotency-key",
                "The Idempotency-Key is not usable",
                "use 1 to 200 visible ASCII characters, for example a UUID",
            )
            return
        principal = await to_thread.run_sync(self._authenticate, headers)
        if principal is None:
            await self.app(scope, receive, send)
            return
        # The route's guard finds the caller here and does not authenticate a second time.
        scope.setdefault("state", {})["principal"] = principal
        caller = principal.login
        fingerprint = _fingerprint(scope, headers)
        found = await to_thread.run_sync(self.store.reserve, caller, key, fingerprint)
        if found.outcome == "replay":
            assert found.response is not None
            if found.response.withheld:
                await send_problem(
                    send,
                    409,
                    "idempotent-response-not-kept",
                    "The first request with this key succeeded; its answer is not kept",
                    f"it was answered {found.response.status} with a secret (a token or a rating"
                    " code), which is shown once and never stored: sign in again, or have a new"
                    " token issued",
                )
                return
            await _send_stored(send, found.response)
            return
        if found.outcome == "different_request":
            await send_problem(
                send,
                422,
                "idempotency-key-reused",
                "This Idempotency-Key was used for another request",
                "a key names one request: same method, path, If-Match and body",
            )
            return
        if found.outcome == "in_progress":
            await send_problem(
                send,
                409,
                "idempotency-key-in-use",
                "A request with this key is still running",
                "retry in a moment to get its response",
            )
            return
        await self._run(scope, receive, send, caller, key)

    def _authenticate(self, headers: dict[bytes, bytes]) -> Principal | None:
        scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        try:
            return self.accounts.authenticate(token.strip())
        except AuthenticationError:
            return None

    async def _run(self, scope: Scope, receive: Receive, send: Send, caller: str, key: str) -> None:
        status, headers, body = 500, list[tuple[str, str]](), bytearray()

        async def capturing(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers.extend(
                    (k.decode("latin-1"), v.decode("latin-1")) for k, v in message["headers"]
                )
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, capturing)
        except BaseException:
            await to_thread.run_sync(self.store.release, caller, key)
            raise
        if status >= 500:
            await to_thread.run_sync(self.store.release, caller, key)
            return
        stored = StoredResponse(status, headers, bytes(body))
        if _carries_secret(headers) or TOKEN_MARK in body:
            stored = StoredResponse.withholding(status)
        await to_thread.run_sync(self.store.complete, caller, key, stored)


def _carries_secret(headers: list[tuple[str, str]]) -> bool:
    return any(
        name.lower() == "cache-control" and "no-store" in value.lower() for name, value in headers
    )


def _fingerprint(scope: Scope, headers: dict[bytes, bytes]) -> str:
    digest = hashlib.sha256()
    for part in (
        scope["method"].encode(),
        scope["path"].encode(),
        scope.get("query_string", b""),
        headers.get(b"if-match", b""),
        scope.get(BODY_KEY, b""),
    ):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


async def _send_stored(send: Send, response: StoredResponse) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers]
    headers.append((b"idempotent-replayed", b"true"))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})
