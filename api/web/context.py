"""What every web request knows: the container, the signed-in user, the language, the CSRF nonce.

Pages declare the roles they serve with ``Web.require``; the role rules are the API's (the same
principal, the same scopes), so a page never shows what the API would refuse.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from api.http.threads import waiting
from api.web.i18n import Locale, pick_language
from api.web.security import CSRF_COOKIE, LANG_COOKIE, SESSION_COOKIE, Signer, new_nonce
from domain.actors import Role
from domain.application import Casetrail
from infra.container import Container
from infra.identity import AuthenticationError, Principal

W, H, S, N, L, E, C, A = (
    Role.WINDOW_STAFF,
    Role.UNIT_HEAD,
    Role.SUPERVISOR,
    Role.INSPECTOR,
    Role.LEADER,
    Role.ENTERPRISE,
    Role.API_CONSUMER,
    Role.ADMIN,
)
DESK = frozenset({W, H, S})
CASE_PAGE = frozenset({W, H, S, N, A})
PORTAL = frozenset({E})
INSPECT = frozenset({N, S, A, H, W})
DASHBOARDS = frozenset({W, H, S, N, L, A, C})
ADMIN = frozenset({A})
HOME: dict[Role, str] = {
    W: "/desk",
    H: "/desk",
    S: "/desk",
    E: "/portal",
    N: "/inspect",
    L: "/dashboards",
    C: "/dashboards",
    A: "/admin",
}


class LoginRequiredError(Exception):
    """No valid session: the page sends the visitor to sign in."""


class ForbiddenPageError(Exception):
    """Signed in, but the role does not use this page."""


class CsrfError(Exception):
    """A form came without the token this site put in it."""


@dataclass(frozen=True)
class WebConfig:
    signer: Signer


@dataclass
class Web:
    request: Request
    container: Container
    signer: Signer
    locale: Locale
    principal: Principal | None
    csrf_nonce: str
    fresh_nonce: bool
    stale_session: bool = False

    @property
    def app(self) -> Casetrail:
        return self.container.app

    @property
    def session_binding(self) -> str:
        """The signed-in session the CSRF token is bound to (empty when nobody is signed in)."""
        if self.principal is None:
            return ""
        return self.request.cookies.get(SESSION_COOKIE, "")

    @property
    def csrf_token(self) -> str:
        return self.signer.csrf_token(self.csrf_nonce, self.session_binding)

    def require(self, roles: Collection[Role]) -> Principal:
        if self.principal is None:
            raise LoginRequiredError
        if self.principal.role not in roles:
            raise ForbiddenPageError
        return self.principal

    def check_csrf(self, token: str | None) -> None:
        if self.fresh_nonce or not self.signer.csrf_ok(
            self.csrf_nonce, token, self.session_binding
        ):
            raise CsrfError

    def read_your_write(self, position: int | None, views: list[str]) -> None:
        """Hold the answer (briefly) until the read models show a write, so the next page
        lists it (``until_written_shows``, once the page's own work is done)."""
        if position is not None:
            wait_to_show(self.request, position, views)

    def nav(self) -> list[tuple[str, str]]:
        """The sections the user's role uses, as (path, message key)."""
        if self.principal is None:
            return []
        role = self.principal.role
        sections = [
            ("/desk", "nav.desk", DESK),
            ("/desk/new", "nav.new_case", DESK - {S}),
            ("/desk/rectifications", "nav.rectifications", DESK),
            ("/portal", "nav.portal", PORTAL),
            ("/supervision", "nav.supervision", frozenset({S, H, W})),
            ("/approvals", "nav.approvals", frozenset({H})),
            ("/circulars", "nav.circulars", frozenset({S})),
            ("/competition", "competition.nav", frozenset({S})),
            ("/matters", "matters_page.nav", frozenset({N})),
            ("/portal/visits", "nav.visits", PORTAL),
            ("/portal/quarterly", "quarterly.nav", PORTAL),
            ("/leader", "nav.leader", frozenset({L})),
            ("/projects", "project.nav", frozenset({S, A, N, L, H, W})),
            ("/stationed", "stationed.nav", frozenset({W, H})),
            ("/portal/stationed", "stationed.portal_nav", PORTAL),
            ("/secondments", "secondment.nav", frozenset({S, A})),
            ("/my-record", "my_record.nav", frozenset({H, W})),
            ("/inspect", "nav.inspect", frozenset({N, S, A})),
            ("/dashboards", "nav.dashboards", DASHBOARDS),
            ("/admin", "nav.admin", ADMIN),
            ("/inbox", "nav.inbox", frozenset(Role) - {C}),
        ]
        return [(path, key) for path, key, roles in sections if role in roles]


WRITTEN = "casetrail_written"
"""Where a request keeps the write its answer waits for: (log position, views)."""
SHOW_WRITE_SECONDS = 2.0


def wait_to_show(request: Request, position: int, views: list[str]) -> None:
    """Have the answer to ``request`` wait until ``views`` reach ``position`` (with any write
    the request asked for before: the later position, every view)."""
    before: tuple[int, list[str]] | None = getattr(request.state, WRITTEN, None)
    if before is not None:
        position, views = max(position, before[0]), sorted({*before[1], *views})
    setattr(request.state, WRITTEN, (position, views))


async def until_written_shows(request: Request) -> None:
    """Wait, at most ``SHOW_WRITE_SECONDS``, for the write the request's page asked to see
    (``wait_to_show``), on a thread that only waits: a page's work runs on one of the few
    threads of its process (``api.http.threads``), and a view that lags (being rebuilt after
    a deploy, say) would hold that thread for the whole wait, and every request behind it."""
    written: tuple[int, list[str]] | None = getattr(request.state, WRITTEN, None)
    if written is not None:
        container = request.app.state.container
        assert isinstance(container, Container)
        await waiting(container.read.wait_for, *written, SHOW_WRITE_SECONDS)


def web_context(request: Request) -> Web:
    container = request.app.state.container
    config = request.app.state.web
    assert isinstance(container, Container)
    assert isinstance(config, WebConfig)
    locale = Locale(pick_language(request.cookies.get(LANG_COOKIE)), container.app.policy.tz)
    nonce = request.cookies.get(CSRF_COOKIE)
    fresh = not nonce
    principal, stale = None, False
    token = config.signer.unsign(request.cookies.get(SESSION_COOKIE))
    if token is not None:
        try:
            principal = container.accounts.authenticate(token)
        except AuthenticationError:
            stale = True
    elif request.cookies.get(SESSION_COOKIE):
        stale = True
    return Web(
        request=request,
        container=container,
        signer=config.signer,
        locale=locale,
        principal=principal,
        csrf_nonce=nonce or new_nonce(),
        fresh_nonce=fresh,
        stale_session=stale,
    )


WebDep = Annotated[Web, Depends(web_context)]
