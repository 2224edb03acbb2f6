"""Signed cookies, CSRF tokens, the web key and redirects that never leave the site."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from api.web.render import local_path
from api.web.security import KEY_FILE, Signer, web_key
from infra.settings import Settings

KEY = b"k" * 32


def test_a_signed_value_comes_back_and_a_tampered_one_does_not() -> None:
    signer = Signer(KEY)
    signed = signer.sign("ctk_abc_secret")
    assert signer.unsign(signed) == "ctk_abc_secret"
    assert signer.unsign(signed.replace("secret", "secreT")) is None
    assert signer.unsign(signed[:-2] + "xx") is None
    assert Signer(b"o" * 32).unsign(signed) is None
    assert signer.unsign("") is None
    assert signer.unsign("no-signature") is None


def test_a_csrf_token_belongs_to_its_nonce_and_key() -> None:
    signer = Signer(KEY)
    token = signer.csrf_token("nonce-1")
    assert signer.csrf_ok("nonce-1", token)
    assert not signer.csrf_ok("nonce-2", token)
    assert not Signer(b"o" * 32).csrf_ok("nonce-1", token)
    assert not signer.csrf_ok(None, token)
    assert not signer.csrf_ok("nonce-1", "")


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        Signer(b"short")


def test_the_web_key_is_made_once_readable_by_its_owner_only(tmp_path: Path) -> None:
    settings = Settings(store="sqlite", home=tmp_path / "home")
    first = web_key(settings)
    assert len(first) == 32
    assert web_key(settings) == first  # sessions survive a restart
    mode = (tmp_path / "home" / KEY_FILE).stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_a_memory_store_gets_a_fresh_key_and_writes_nothing(tmp_path: Path) -> None:
    settings = Settings(store="memory", home=tmp_path / "home")
    assert web_key(settings) != web_key(settings)
    assert not (tmp_path / "home").exists()


@pytest.mark.parametrize(
    ("target", "kept"),
    [
        ("/desk", "/desk"),
        ("/cases/1?done=reply", "/cases/1?done=reply"),
        ("//evil.example.com/", "/"),
        ("https://evil.example.com/", "/"),
        ("/\\evil.example.com", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_after_signing_in_the_site_only_sends_you_to_its_own_pages(
    target: str | None, kept: str
) -> None:
    assert local_path(target) == kept
