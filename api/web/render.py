"""Pages from templates, and the one place where a web request's failures become pages.

``WebRoute`` wraps every page route: no session sends the visitor to sign in, a role that does
not use the page gets a 403 page, a record outside the caller's scope a 404 page, a refused
form a page that says so. No failure of a page ever shows a stack trace or a JSON problem.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit
from uuid import uuid4

from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.exceptions import HTTPException

from api.http.outage import OUTAGE_ERRORS, RETRY_AFTER_SECONDS
from api.web.casefacts import in_language
from api.web.context import (
    CsrfError,
    ForbiddenPageError,
    LoginRequiredError,
    Web,
    until_written_shows,
    web_context,
)
from api.web.refusals import refusal
from api.web.security import CSRF_COOKIE, SESSION_COOKIE
from domain.errors import BrokenRecordError, DomainError, NotFoundError

logger = logging.getLogger("casetrail.web")
TEMPLATES = Path(__file__).parent / "templates"
SECURITY_HEADERS = {
    # Everything comes from this server: no CDN, no font or script from elsewhere.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self';"
    " script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html", "svg"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.globals["in_language"] = in_language


def page(web: Web, template: str, *, status: int = 200, **values: Any) -> Response:
    locale = web.locale
    html = environment.get_template(template).render(
        web=web,
        t=locale.t,
        label=locale.label,
        loc=locale,
        lang=locale.lang,
        csrf=web.csrf_token,
        user=web.principal,
        nav=web.nav(),
        path=web.request.url.path,
        **values,
    )
    return finish(web, HTMLResponse(html, status))


def redirect(web: Web, url: str) -> Response:
    return finish(web, RedirectResponse(url, status_code=303))


def finish(web: Web, response: Response) -> Response:
    secure = web.request.url.scheme == "https"
    if web.fresh_nonce:
        response.set_cookie(
            CSRF_COOKIE, web.csrf_nonce, httponly=True, samesite="lax", secure=secure, path="/"
        )
    if web.stale_session:
        response.delete_cookie(SESSION_COOKIE, path="/")
    response.headers.update(SECURITY_HEADERS)
    return response


def local_path(target: str | None, fallback: str = "/") -> str:
    """Only a path on this site (never ``//host`` or a scheme): no open redirects."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    return target


Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class WebRoute(APIRoute):
    def get_route_handler(self) -> Handler:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                response = await original(request)
            except LoginRequiredError:
                web = await run_in_threadpool(web_context, request)
                expired = "&expired=1" if web.stale_session else ""
                return redirect(web, f"/login?next={_return_to(request)}{expired}")
            except ForbiddenPageError:
                return await _error(request, 403, "error.forbidden")
            except CsrfError:
                return await _error(request, 403, "error.csrf")
            except NotFoundError:
                return await _error(request, 404, "error.not_found")
            except BrokenRecordError as error:
                return await _error(request, 500, "error.broken", str(error.aggregate_id))
            except DomainError as error:
                return await _error(request, 400, "error.refused", refused=error)
            except RequestValidationError:
                return await _error(request, 400, "error.invalid")
            except OUTAGE_ERRORS as error:  # the store is down, or a read ran past its limit
                logger.warning("web page not answered on %s: %s", request.url.path, error)
                unanswered = await _error(request, 503, "error.unavailable")
                unanswered.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
                return unanswered
            except HTTPException:
                raise
            except Exception as error:
                # The trace goes to the log with an id to quote; the page shows only the id.
                error_id = uuid4().hex[:12]
                logger.error("web page failed %s on %s", error_id, request.url.path, exc_info=error)
                return await _error(request, 500, "error.internal", error_id)
            await until_written_shows(request)
            return response

        return handler


def _return_to(request: Request) -> str:
    """Where to come back after signing in: this page, or for a form the page it was on."""
    if request.method == "GET":
        query = f"?{request.url.query}" if request.url.query else ""
        target = request.url.path + query
    else:
        referer = urlsplit(request.headers.get("referer", ""))
        same_site = referer.netloc == request.url.netloc
        target = referer.path + (f"?{referer.query}" if referer.query else "") if same_site else "/"
    return quote(local_path(target), safe="/")


async def _error(
    request: Request, status: int, key: str, detail: str = "", refused: DomainError | None = None
) -> Response:
    web = await run_in_threadpool(web_context, request)
    if refused is not None:
        detail = refusal(web.locale, refused)
    return page(web, "error.html", status=status, message_key=key, detail=detail)
