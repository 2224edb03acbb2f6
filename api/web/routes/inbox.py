"""The inbox page: the signed-in person's notices in their language, marking them read, and how
they want to be reached (e-mail, SMS, which channels and kinds)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Response

from api.web.context import CASE_PAGE, PORTAL, WebDep
from api.web.render import WebRoute, page, redirect
from api.web.routes.projects import VIEWERS as PROJECT_VIEWERS
from domain.actors import Role
from infra.notify.inbox import Entry
from infra.notify.store import Preferences
from projections.notices import KINDS

router = APIRouter(route_class=WebRoute, include_in_schema=False)
EVERYONE = frozenset(Role) - {Role.SYSTEM}
CHANNELS = ("email", "webhook", "sms")
PAGE = 30
Text = Annotated[str, Form(max_length=254)]
Many = Annotated[list[str], Form(max_length=200)]


def link(entry: Entry, role: Role) -> str | None:
    """Where a notice leads, when the reader's role has a page for it."""
    if entry.subject_kind == "project":
        return f"/projects/{entry.subject_id}" if role in PROJECT_VIEWERS else None
    if entry.subject_kind != "case":
        return None
    if role in CASE_PAGE:
        return f"/cases/{entry.subject_id}"
    return f"/portal/cases/{entry.subject_id}" if role in PORTAL else None


@router.get("/inbox")
def inbox(web: WebDep, after: str | None = None, saved: str | None = None) -> Response:
    return _inbox(web, after=after, saved=saved == "1")


def _inbox(
    web: WebDep, *, after: str | None = None, saved: bool = False, error: str | None = None,
    prefs: Preferences | None = None,
) -> Response:
    caller = web.require(EVERYONE)
    box = web.container.inbox()
    entries = box.page(caller.login, limit=PAGE, after=after, language=web.locale.lang)
    return page(
        web, "inbox.html", status=400 if error else 200, entries=entries,
        link=lambda e: link(e, caller.role),
        next=entries[-1].cursor if len(entries) == PAGE else None,
        prefs=prefs or box.preferences(caller.login), kinds=KINDS, channels=CHANNELS,
        saved=saved, error=error,
    )


@router.post("/inbox/read")
def mark_read(web: WebDep, csrf: Annotated[str, Form(max_length=200)] = "",
              ids: Many = []) -> Response:  # noqa: B006 - FastAPI copies form defaults
    caller = web.require(EVERYONE)
    web.check_csrf(csrf)
    web.container.inbox().mark_read(caller.login, ids)
    return redirect(web, "/inbox")


@router.post("/inbox/preferences")
def save_preferences(
    web: WebDep,
    *,
    csrf: Annotated[str, Form(max_length=200)] = "",
    email: Text = "",
    phone: Text = "",
    channels: Many = [],  # noqa: B006
    kinds: Many = [],  # noqa: B006
) -> Response:
    caller = web.require(EVERYONE)
    web.check_csrf(csrf)
    email, phone = email.strip(), phone.strip()
    wanted = Preferences(
        caller.login, email=email or None, phone=phone or None, language=web.locale.lang,
        channels=tuple(c for c in CHANNELS if c in channels),
        kinds=tuple(k for k in KINDS if k in kinds),
    )
    # A refused form is shown again, as typed, with the reason in the page's language.
    if email and (email.count("@") != 1 or any(c.isspace() for c in email)):
        return _inbox(web, error=web.locale.t("notice.email_invalid"), prefs=wanted)
    if phone and not phone.lstrip("+").replace(" ", "").replace("-", "").isdigit():
        return _inbox(web, error=web.locale.t("notice.phone_invalid"), prefs=wanted)
    web.container.inbox().set_preferences(wanted)
    return redirect(web, "/inbox?saved=1")
