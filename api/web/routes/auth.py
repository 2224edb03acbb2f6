"""Signing in and out, the language switch, and the home page that sends each role on."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Response

from api.http.routers.session import client_address
from api.web.context import HOME, Web, WebDep
from api.web.i18n import LANGUAGES
from api.web.render import WebRoute, local_path, page, redirect
from api.web.security import LANG_COOKIE, SESSION_COOKIE
from domain.errors import BusyError, TooManyAttemptsError
from infra.identity import AuthenticationError

router = APIRouter(route_class=WebRoute, include_in_schema=False)
Text = Annotated[str, Form(max_length=4000)]


@router.get("/")
def home(web: WebDep) -> Response:
    if web.principal is None:
        return redirect(web, "/login")
    return redirect(web, HOME[web.principal.role])


@router.get("/login")
def login_form(web: WebDep, next: str = "", expired: str = "") -> Response:
    if web.principal is not None:
        return redirect(web, local_path(next, HOME[web.principal.role]))
    return page(
        web, "login.html", next=local_path(next, ""), error=False, login="", expired=bool(expired)
    )


@router.post("/login")
def login(
    web: WebDep,
    login: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    csrf: Text = "",
    next: Text = "",
) -> Response:
    web.check_csrf(csrf)
    accounts = web.container.accounts
    try:
        issued = accounts.sign_in(login.strip(), password, address=client_address(web.request))
    except AuthenticationError:
        return _refused(web, 401, login, next, "login.failed")
    except TooManyAttemptsError as locked:
        minutes = max(1, (locked.retry_after_seconds + 59) // 60)
        response = _refused(web, 429, login, next, "login.locked", minutes=minutes)
        response.headers["Retry-After"] = str(locked.retry_after_seconds)
        return response
    except BusyError as busy:
        response = _refused(web, 503, login, next, "login.busy")
        response.headers["Retry-After"] = str(busy.retry_after_seconds)
        return response
    principal = accounts.authenticate(issued.token)
    response = redirect(web, local_path(next, HOME[principal.role]))
    response.set_cookie(
        SESSION_COOKIE,
        web.signer.sign(issued.token),
        max_age=accounts.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=web.request.url.scheme == "https",
        path="/",
    )
    return response


def _refused(web: Web, status: int, login: str, next: str, message: str, **values: int) -> Response:
    return page(
        web,
        "login.html",
        status=status,
        next=local_path(next, ""),
        error=web.locale.t(message, **values),
        login=login,
        expired=False,
    )


@router.post("/logout")
def logout(web: WebDep, csrf: Text = "") -> Response:
    web.check_csrf(csrf)
    if web.principal is not None:
        web.container.accounts.revoke_token(
            web.principal.token_id, "signed out", actor=web.principal.actor
        )
    response = redirect(web, "/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/lang")
def switch_language(web: WebDep, lang: Text = "", csrf: Text = "", next: Text = "") -> Response:
    web.check_csrf(csrf)
    response = redirect(web, local_path(next))
    if lang in LANGUAGES:
        response.set_cookie(
            LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax", path="/", httponly=True
        )
    return response
