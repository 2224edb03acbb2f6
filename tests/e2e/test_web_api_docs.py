"""The API's interactive documentation works on a network with no internet: Swagger UI at /docs
and ReDoc at /redoc load their scripts and styles from Casetrail itself, and render the routes."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.e2e.test_web_world import WebWorld, chromium, foreign_assets, web_world

__all__ = ["chromium", "web_world"]


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_docs_pages_name_only_files_casetrail_serves(web_world: WebWorld, path: str) -> None:
    base = web_world.server.base
    page = httpx.get(base + path)
    assert page.status_code == 200
    assert foreign_assets(page.text, urlsplit(base).netloc) == []
    assets = [a for a in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js")
              if a in page.text]  # fmt: skip
    assert assets, f"{path} names none of the documentation's scripts"
    for asset in assets:
        fetched = httpx.get(f"{base}/api-docs-assets/{asset}")
        assert fetched.status_code == 200, asset
        assert len(fetched.content) > 10_000, asset


def offline_page(chromium: Any, web_world: WebWorld) -> tuple[Any, list[str]]:
    """A tab whose requests to any other host fail, as on a network with no internet."""
    own = urlsplit(web_world.server.base).netloc
    blocked: list[str] = []
    context = chromium.new_context(locale="en")
    page = context.new_page()
    page.set_default_timeout(15_000)

    def only_own_host(route: Any) -> None:
        if urlsplit(route.request.url).netloc in (own, ""):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_own_host)
    return page, blocked


def test_swagger_ui_renders_every_tag_offline(chromium: Any, web_world: WebWorld) -> None:
    page, blocked = offline_page(chromium, web_world)
    page.goto(web_world.server.base + "/docs")
    page.wait_for_selector(".opblock-tag")
    headings = page.locator(".opblock-tag").all_inner_texts()
    shown = {text.strip().splitlines()[0] for text in headings}
    document = httpx.get(web_world.server.base + "/openapi.json").json()
    tags = {tag for operation in _operations(document) for tag in operation.get("tags", [])}
    assert tags
    assert tags <= shown
    assert blocked == []


def test_redoc_renders_the_operations_offline(chromium: Any, web_world: WebWorld) -> None:
    page, blocked = offline_page(chromium, web_world)
    page.goto(web_world.server.base + "/redoc")
    page.wait_for_selector("h1")
    page.get_by_text("Casetrail's HTTP API", exact=False).first.wait_for()
    document = httpx.get(web_world.server.base + "/openapi.json").json()
    summaries = [o["summary"] for o in _operations(document) if o.get("summary")]
    page.locator("h2", has_text=summaries[0]).first.wait_for()
    assert blocked == []


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [op for item in document["paths"].values() for op in item.values()]
