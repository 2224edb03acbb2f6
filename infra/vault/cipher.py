"""Sealing with AES-256-GCM under each data subject's own key.

Sealed text: ``sealed:v1:<subject uuid hex>:<base64url(nonce ‖ ciphertext ‖ tag)>``; the
subject id is the associated data, so a sealed value cannot be moved to another subject. Once a
subject's key is destroyed nothing opens its values, wherever copies went.
"""

from __future__ import annotations

import base64
import os
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.privacy import SEALED
from infra.vault.keys import KeyStore

PREFIX = f"{SEALED}v1:"
NONCE_BYTES = 12


class SubjectVault:
    """Implements ``domain.privacy.Vault`` over a key store."""

    def __init__(self, keys: KeyStore) -> None:
        self.keys = keys

    def seal(self, subject: UUID, value: str) -> str:
        key = self.keys.create(subject)
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(key).encrypt(nonce, value.encode(), subject.bytes)
        token = base64.urlsafe_b64encode(nonce + sealed).decode()
        return f"{PREFIX}{subject.hex}:{token}"

    def open(self, sealed: str) -> str | None:
        subject, blob = parse(sealed)
        key = self.keys.get(subject)
        if key is None:
            return None
        nonce, body = blob[:NONCE_BYTES], blob[NONCE_BYTES:]
        return AESGCM(key).decrypt(nonce, body, subject.bytes).decode()

    def erase(self, subject: UUID) -> bool:
        return self.keys.destroy(subject)


def parse(sealed: str) -> tuple[UUID, bytes]:
    if not sealed.startswith(PREFIX):
        raise ValueError("not a value sealed by this vault (sealed:v1:…)")
    subject, _, token = sealed[len(PREFIX) :].partition(":")
    return UUID(hex=subject), base64.urlsafe_b64decode(token)
