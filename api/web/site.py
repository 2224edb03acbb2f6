"""Mounting the web pages on the API's app: its container, its identity store, its role rules.

``api.http.app.create_app`` calls ``mount``; the page modules use ``api.http``'s access rules, so
they are imported when mounting, not when this module is, to keep the two packages free of an
import cycle.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.http.including import include
from api.web.context import WebConfig
from api.web.security import Signer, web_key
from infra.container import Container

STATIC = Path(__file__).parent / "static"
PAGES = (
    "auth", "desk", "cases", "dossier", "portal", "inspect", "dashboards", "exports", "admin",
    "inbox", "directory_admin", "supervision", "circulars", "visits", "rectify",
    "merit", "projects", "quarterly",
    "stationed", "accounts",
)


def mount(app: FastAPI, *, key: bytes | None = None) -> None:
    """Add the pages to ``app`` (made by ``api.http.app.create_app``); ``key`` signs the cookies
    (by default the store's ``web.key``)."""
    container = app.state.container
    assert isinstance(container, Container)
    app.state.web = WebConfig(Signer(key or web_key(container.settings)))
    for name in PAGES:
        module = importlib.import_module(f"api.web.routes.{name}")
        include(app, module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
