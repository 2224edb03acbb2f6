"""The browser tests' world: a real server over a real store, headless Chromium, and the checks
every page passes (nothing fetched from another host, a language, a label on every field).

Debian's chromium is driven by Playwright (``scripts/browser`` installs it; Playwright's own
browser download is never used). Without the browser the tests are skipped on a workstation
and fail under CI=true. Screenshots go to docs/screenshots/ (linked from the README) only
when asked (``CASETRAIL_SCREENSHOTS=update``): a test run must not rewrite them.
"""

from __future__ import annotations

import os
import re
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn

from api.http.app import create_app
from infra.container import Container, build_container
from tests.e2e.api_world import FAST_HASHER, PASSWORD, USERS, settings_for
from tests.support.app import ADMIN, official_years
from tests.support.oversight_world import seed_oversight

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SCRATCH = Path(tempfile.gettempdir()) / "casetrail-screenshots"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
# Where a document names something to fetch (forms too: a post to another host leaks data).
ASSET_ATTRIBUTES = {"src", "href", "srcset", "data", "action", "poster", "xlink:href", "formaction"}
FETCHING_TAGS = {
    "link", "script", "img", "source", "iframe", "embed", "object", "video", "audio",
    "track", "image", "use", "form", "input", "button", "feimage",
}  # fmt: skip
URL = re.compile(r"""(?:https?:)?//[^\s"'()<>,]+""", re.IGNORECASE)


def browser_missing(reason: str) -> None:
    """A missing browser fails the run in CI and skips the test elsewhere."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI needs the browser tests (run scripts/browser)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class LiveServer:
    """The app served by uvicorn in a thread, on a free port of 127.0.0.1."""

    def __init__(self, container: Container) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(container), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the web server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


class AssetFinder(HTMLParser):
    """Every URL a page would fetch: attributes of fetching tags, and url(...) in styles."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.lang: str | None = None
        self.controls: list[dict[str, str]] = []
        self.labels: set[str] = set()
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = values.get("lang")
        if tag in FETCHING_TAGS:
            for name, value in values.items():
                if name in ASSET_ATTRIBUTES and value:
                    self.urls += [u.strip().split(" ")[0] for u in value.split(",")]
        if "style" in values:
            self.urls += URL.findall(values["style"])
        if tag in ("input", "select", "textarea") and values.get("type") not in (
            "hidden",
            "submit",
        ):
            self.controls.append(values)
        if tag == "label" and values.get("for"):
            self.labels.add(values["for"])
        self._in_style = tag == "style"

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls += URL.findall(data)


def foreign_assets(html: str, own_host: str) -> list[str]:
    """The URLs in ``html`` that point at another host than ``own_host``."""
    finder = AssetFinder()
    finder.feed(html)
    return [u for u in finder.urls if _host(u) not in ("", own_host)]


def _host(url: str) -> str:
    if url.startswith("//"):
        url = "http:" + url
    parts = urlsplit(url)
    return parts.netloc if parts.scheme in ("http", "https", "") else parts.scheme + ":"


def unlabelled_controls(html: str) -> list[str]:
    """Form controls with neither a <label for> nor an enclosing-label-friendly aria name.

    Radio buttons and check boxes are wrapped in their <label>; those carry no id."""
    finder = AssetFinder()
    finder.feed(html)
    missing = []
    for control in finder.controls:
        if control.get("type") in ("radio", "checkbox"):
            continue
        if control.get("aria-label") or control.get("id") in finder.labels:
            continue
        missing.append(control.get("name") or control.get("id") or "?")
    return missing


@dataclass
class Pages:
    """One browser tab on the live server, checking each page it lands on."""

    page: Any
    base: str
    requests: list[str] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("request", lambda request: self.requests.append(request.url))

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.check()

    def check(self) -> None:
        """Nothing from another host, a language, a label on every field, no server error."""
        self.page.wait_for_load_state("load")
        html = self.page.content()
        url = self.page.url
        own = urlsplit(self.base).netloc
        assert foreign_assets(html, own) == [], f"{url} references another host"
        assert unlabelled_controls(html) == [], f"{url} has fields without a label"
        finder = AssetFinder()
        finder.feed(html)
        assert finder.lang in ("zh-CN", "en"), f"{url} has no lang attribute"
        assert "Traceback" not in html
        assert "problem+json" not in html
        elsewhere = [r for r in self.requests if urlsplit(r).netloc not in (own, "")]
        assert elsewhere == [], f"the browser fetched from another host: {elsewhere}"
        self.seen.append(url)

    def submit(self, button: str, *, within: str = "body") -> None:
        """Click a submit button by its text and check the page that comes back."""
        with self.page.expect_navigation():
            self.page.locator(within).get_by_role("button", name=button, exact=True).click()
        self.check()

    def shot(self, name: str, *, full_page: bool = True) -> Path:
        """Render the page to a PNG: into docs/screenshots/ when CASETRAIL_SCREENSHOTS=update,
        else into a scratch folder, so an ordinary test run leaves the checkout unchanged."""
        folder = SCREENSHOTS if os.environ.get("CASETRAIL_SCREENSHOTS") == "update" else SCRATCH
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


_RUNNING: dict[str, Any] = {}
"""One Playwright and one browser per test run: each module that imports ``chromium`` gets its
own session fixture, and a second Playwright cannot start inside the first one's loop."""


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    started = "browser" not in _RUNNING
    if started:
        if not CHROMIUM.exists():
            browser_missing(f"no browser at {CHROMIUM}")
        try:
            from playwright.sync_api import sync_playwright  # noqa: PLC0415 - optional
        except ImportError:
            browser_missing("playwright is not installed")
        playwright = sync_playwright().start()
        _RUNNING["playwright"] = playwright
        _RUNNING["browser"] = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
    yield _RUNNING["browser"]
    if started:
        _RUNNING.pop("browser").close()
        _RUNNING.pop("playwright").stop()


def open_pages(
    chromium: Any,
    server: LiveServer,
    viewport: dict[str, int] = DESKTOP,
    *,
    javascript: bool = True,
) -> Pages:
    context = chromium.new_context(
        viewport=viewport, locale="zh-CN", java_script_enabled=javascript
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return Pages(page, server.base)


def sign_in(pages: Pages, login: str, password: str) -> None:
    pages.goto("/login")
    pages.page.get_by_label("登录名").fill(login)
    pages.page.get_by_label("密码").fill(password)
    pages.submit("登录")


def test_a_page_naming_another_host_is_caught() -> None:
    html = (
        '<html lang="zh-CN"><head><link rel="stylesheet" href="https://cdn.example.com/x.css">'
        '<script src="/static/casetrail.js"></script></head><body>'
        '<img src="//fonts.example.net/a.png" srcset="/a.png 1x, http://cdn.example.org/b.png 2x">'
        '<div style="background:url(https://tracker.example.com/p.gif)"></div>'
        '<svg xmlns="http://www.w3.org/2000/svg"></svg><a href="https://example.com/">ok</a>'
        "</body></html>"
    )
    assert foreign_assets(html, "127.0.0.1:8000") == [
        "https://cdn.example.com/x.css",
        "//fonts.example.net/a.png",
        "http://cdn.example.org/b.png",
        "https://tracker.example.com/p.gif",
    ]
    assert foreign_assets('<img src="http://127.0.0.1:8000/a.png">', "127.0.0.1:8000") == []


def test_a_field_without_a_label_is_caught() -> None:
    html = (
        '<form><label for="a">A</label><input id="a" name="a"><input name="b">'
        '<input type="hidden" name="csrf"><label><input type="radio" name="r"> R</label>'
        '<textarea name="c" aria-label="C"></textarea></form>'
    )
    assert unlabelled_controls(html) == ["b"]


@dataclass
class WebWorld:
    """The API's test directory and users (tests/e2e/api_world.py), served for a browser."""

    container: Container
    clock: Any
    server: LiveServer

    @property
    def app(self) -> Any:
        return self.container.app


@pytest.fixture
def web_world(tmp_path: Path, clock: Any) -> Iterator[WebWorld]:
    container = build_container(
        settings_for(tmp_path / "home"), clock=clock, official_years=official_years,
        hasher=FAST_HASHER,
    )  # fmt: skip
    seed_oversight(container.app)
    for login, (role, unit, enterprise, leader) in USERS.items():
        container.accounts.add_user(
            login, role, actor=ADMIN, unit=unit, enterprise=enterprise, leader=leader,
            password=PASSWORD,
        )  # fmt: skip
    with LiveServer(container) as server:
        yield WebWorld(container, clock, server)
    container.close()
