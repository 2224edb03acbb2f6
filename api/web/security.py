"""Signed cookies and CSRF tokens for the web pages.

The session cookie carries the bearer token that signing in issued (the API's identity store
checks it on every request), signed with the web key so a tampered cookie is refused before the
store is asked. Every form carries a CSRF token: the HMAC of a random nonce that sits in its own
cookie and of the session it was made in, so a page on another site can neither read nor forge
it, and a token from one session (or from before signing in) is refused in another. The key
lives in the store's home directory (``web.key``), so sessions survive a restart; a memory store
gets a fresh one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from infra.settings import Settings

SESSION_COOKIE = "ct_session"
CSRF_COOKIE = "ct_csrf"
LANG_COOKIE = "ct_lang"
KEY_FILE = "web.key"


class Signer:
    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("the web key needs at least 32 bytes")
        self._key = key

    def _mac(self, purpose: str, value: str) -> str:
        digest = hmac.new(self._key, f"{purpose}|{value}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def sign(self, value: str) -> str:
        return f"{value}.{self._mac('cookie', value)}"

    def unsign(self, signed: str | None) -> str | None:
        """The value, if the signature is right; None otherwise."""
        if not signed or "." not in signed:
            return None
        value, _, mac = signed.rpartition(".")
        return value if hmac.compare_digest(mac, self._mac("cookie", value)) else None

    def csrf_token(self, nonce: str, session: str = "") -> str:
        """The form token for ``nonce`` within ``session`` (the session cookie; empty before
        signing in): a token made in one session is refused in any other, so a planted or
        leaked nonce does not let another site post as someone else."""
        return self._mac("csrf", f"{nonce}|{session}")

    def csrf_ok(self, nonce: str | None, token: str | None, session: str = "") -> bool:
        if not nonce or not token:
            return False
        return hmac.compare_digest(self.csrf_token(nonce, session), token)


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def web_key(settings: Settings) -> bytes:
    """The key in ``<home>/web.key``, made on first use (readable by the owner only)."""
    if settings.backend == "memory":
        return secrets.token_bytes(32)
    path = Path(settings.home) / KEY_FILE
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_bytes()
    with os.fdopen(descriptor, "wb") as file:
        file.write(key)
    return key
