"""One login in the admin's users page: disable it, enable it again, set a new password.

The rules are the identity store's (``Accounts``), as the API's and the CLI's are; a reason or
a password the form lacks is said beside its field, in the page's language.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Response

from api.web.context import ADMIN, WebDep
from api.web.field_refusals import Refusal, refusal
from api.web.names import load_names
from api.web.render import WebRoute, page, redirect
from api.web.routes.directory_admin import _acts_as
from domain.errors import DomainError, NotFoundError

router = APIRouter(route_class=WebRoute, include_in_schema=False)
Text = Annotated[str, Form(max_length=1000)]
STEPS = ("disable", "enable", "password")
LEAST_PASSWORD = 8


@router.get("/admin/users/{login}")
def account(web: WebDep, login: str, done: str = "") -> Response:
    web.require(ADMIN)
    return _page(web, login, done=done if done in STEPS else "")


@router.post("/admin/users/{login}/{step}")
def change(
    web: WebDep, login: str, step: str, *, csrf: Text = "", reason: Text = "", password: Text = ""
) -> Response:
    web.check_csrf(csrf)
    admin = web.require(ADMIN)
    if step not in STEPS:
        raise NotFoundError(f"no step {step!r} on a login")
    accounts, t = web.container.accounts, web.locale.t
    values = {"step": step, "reason": reason}
    if step == "password" and len(password) < LEAST_PASSWORD:
        return _page(web, login, values=values, error=Refusal("password", t("users.short")))
    if step != "password" and not reason.strip():
        return _page(web, login, values=values, error=Refusal("reason", t("users.reason_needed")))
    try:
        if step == "disable":
            accounts.disable(login, reason.strip(), actor=admin.actor)
        elif step == "enable":
            accounts.enable(login, reason.strip(), actor=admin.actor)
        else:
            accounts.set_password(login, password, actor=admin.actor)
    except DomainError as error:
        found = refusal(web.locale, error)
        field = found.field if found.field in ("reason", "password") else "reason"
        if step == "password":
            field = "password"
        return _page(web, login, values=values, error=Refusal(field, found.text))
    return redirect(web, f"/admin/users/{login}?done={step}")


def _page(
    web: WebDep,
    login: str,
    *,
    done: str = "",
    values: dict[str, str] | None = None,
    error: Refusal | None = None,
) -> Response:
    user = web.container.accounts.user(login)  # an unknown login is a 404 page
    state = user.state()
    names = load_names(web.container.read)
    return page(
        web,
        "admin_user.html",
        status=422 if error else 200,
        account=state,
        who=_acts_as(state, names),
        done=done,
        values={"step": "", "reason": ""} | (values or {}),
        error=error,
    )
