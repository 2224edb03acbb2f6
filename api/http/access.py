"""Who may call what: one declarative table, route name -> the roles allowed to call it.

Every route of the API is declared with ``**guarded(name)``, which names it, adds the guard
and publishes the roles in the OpenAPI document (``x-roles``). A route missing from the table
cannot be declared, and the role x route matrix test is generated from this table.

What a role *sees* once allowed is its scope (``SCOPE``): window staff and unit heads their
unit's cases (lead or co-handling unit, or owned by someone in the unit), the unowned intake
queue, and the cases they took first (首问负责: the first asker follows a case up after handing
it over); an enterprise its own cases; every other role every case.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import Depends, Request

from api.http.middleware import BODY_KEY
from api.http.problems import ProblemError
from domain.actors import Role
from infra.identity import AuthenticationError, Principal

PUBLIC: frozenset[Role] = frozenset()
"""No sign-in needed."""

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
EVERYONE = frozenset({W, H, S, N, L, E, C, A})
STAFF = frozenset({W, H})
HEADS = frozenset({H, S})
READERS = frozenset({C, S, N, A, L})
"""Roles that read whole read models (no personal data is in them)."""
INSPECTING = frozenset({N, S, A, H, W})


class Scope(StrEnum):
    ALL = "all"
    UNIT = "unit"
    OWN = "own"


SCOPE: dict[Role, Scope] = {W: Scope.UNIT, H: Scope.UNIT, E: Scope.OWN}


def scope_of(role: Role) -> Scope:
    return SCOPE.get(role, Scope.ALL)


ACCESS: dict[str, frozenset[Role]] = {
    # Operations.
    "health.live": PUBLIC,
    "health.ready": PUBLIC,
    "health.metrics": PUBLIC,
    # Identity.
    "session.open": PUBLIC,
    "session.show": EVERYONE,
    "session.close": EVERYONE,
    "users.add": frozenset({A}),
    "users.list": frozenset({A}),
    "users.show": frozenset({A}),
    "users.disable": frozenset({A}),
    "users.enable": frozenset({A}),
    "users.set_password": frozenset({A}),
    # The directory's administration.
    "directory.list": frozenset({A}),
    "directory.create": frozenset({A}),
    "directory.amend": frozenset({A}),
    "directory.deactivate": frozenset({A}),
    "directory.reactivate": frozenset({A}),
    "directory.import": frozenset({A}),
    "users.issue_token": frozenset({A}),
    "tokens.revoke": frozenset({A}),
    # Case commands (the roles mirror domain/case_rules.STEPS; a test keeps them in step).
    "cases.file": frozenset({W, H, E, L, S}),
    "cases.receive": STAFF,
    "cases.hand_over": STAFF,
    "cases.answer_directly": STAFF,
    "cases.dispatch": STAFF | {S},
    "cases.request_return": STAFF,
    "cases.decide_return": STAFF | {S},
    "cases.sign_for": STAFF,
    "cases.record_contact": STAFF,
    "cases.record_site_visit": STAFF,
    "cases.pause": STAFF,
    "cases.resume": STAFF,
    "cases.request_extension": STAFF,
    "cases.decide_extension": frozenset({H}),
    "cases.reply": STAFF,
    "cases.record_callback": STAFF,
    "cases.close": STAFF,
    "cases.reopen": STAFF | {S},
    "cases.terminate": HEADS,
    "cases.request_termination": STAFF,
    "cases.refuse_termination": HEADS,
    "cases.rate": frozenset({E}),
    # Case queries and the inspector's views.
    "cases.list": EVERYONE,
    "cases.show": EVERYONE,
    "cases.history": INSPECTING,
    "cases.filer": frozenset({W, H, S, N}),
    "cases.as_of": INSPECTING,
    "cases.diff": INSPECTING,
    "cases.deadline": INSPECTING | {E, L},
    "records.history": frozenset({N, A}),
    "subjects.reads": frozenset({N}),
    # Reviews.
    "window_services.record": STAFF,
    "window_services.show": frozenset({W, H, S, N, A}),
    "ratings.rate_service": frozenset({E}),
    "ratings.rate_with_code": PUBLIC,
    "evaluations.show": frozenset({W, H, S, N, A, E}),
    "evaluations.rater": frozenset({N}),
    "evaluations.rerate": frozenset({E}),
    "evaluations.rerate_with_code": PUBLIC,
    "evaluations.appeal": frozenset({H}),
    "rectifications.show": frozenset({W, H, S, N, A}),
    "rectifications.callback": STAFF,
    "rectifications.verification": STAFF,
    "rectifications.measures": STAFF,
    "rectifications.extend": frozenset({H}),
    "rectifications.decide_extension": frozenset({S}),
    "rectifications.complete": frozenset({H}),
    "appeals.show": frozenset({H, S, N, A}),
    "appeals.decide": frozenset({S}),
    # Leaders, stationed staff and visits.
    "engagements.show": frozenset({S, N, A, L}),
    "engagements.link_leader": frozenset({S, A}),
    "engagements.unlink_leader": frozenset({S, A}),
    "engagements.station_staff": frozenset({S, A}),
    "engagements.withdraw_staff": frozenset({S, A}),
    "visits.record": frozenset({L}),
    "visits.show": frozenset({L, S, N, A, E}),
    "visits.confirm": frozenset({E}),
    "visits.add_finding": frozenset({L}),
    "visits.resolve_finding": frozenset({L}),
    "visits.open_case": frozenset({L}),
    # Stationed staff's activities and secondments.
    "stationed.record": STAFF,
    "stationed.show": frozenset({W, H, S, N, A, E}),
    "stationed.confirm": frozenset({E}),
    "stationed.open_case": STAFF,
    "secondments.arrange": frozenset({S, A}),
    "secondments.roster": frozenset({S, N, A, L, C}),
    "secondments.show": frozenset({S, N, A}),
    "secondments.end_early": frozenset({S, A}),
    # Supervision, circulars, accountability, rankings.
    "supervision.issue": frozenset({S}),
    "supervision.show": frozenset({S, H, N, A}),
    "supervision.respond": frozenset({H}),
    "supervision.close": frozenset({S}),
    "circulars.publish": frozenset({S}),
    "circulars.show": EVERYONE,
    "circulars.withdraw": frozenset({S}),
    "accountability.open": frozenset({N}),
    "accountability.show": frozenset({N, S}),
    "accountability.findings": frozenset({N}),
    "accountability.classify": frozenset({N}),
    "accountability.decide": frozenset({N}),
    "accountability.clear": frozenset({N}),
    "rankings.trigger": frozenset({S, N, A, H}),
    # Published lists and rankings: published and decided by supervisors, read by everyone,
    # objected to by the listed (their unit's head, or the staff member themself).
    "lists.publish": frozenset({S}),
    "lists.show": EVERYONE,
    "lists.object": STAFF,
    "lists.decide_objection": frozenset({S}),
    "rankings.publish": frozenset({S}),
    "rankings.show": EVERYONE,
    "rankings.object": frozenset({H}),
    "rankings.decide_objection": frozenset({S}),
    # Commendations and sanctions (cite published entries), the quarter's competition, records,
    # and the clearing of the falsely accused with the matter against their accuser.
    "merit.decide": frozenset({S}),
    "merit.show": frozenset({S, N, A}),
    "merit.withdraw": frozenset({S}),
    "competition.show": EVERYONE,
    "records.show": frozenset({S, N}),
    "accountability.clearing_request": frozenset({N, W, H}),
    "accountability.publish_clearing": frozenset({N}),
    "accountability.accuser_matter": frozenset({N}),
    # Read models.
    "views.list": READERS,
    "views.rows": READERS,
    # Notifications: everyone's own inbox; the admin's delivery queue.
    "inbox.list": EVERYONE,
    "inbox.read": EVERYONE,
    "inbox.preferences": EVERYONE,
    "inbox.set_preferences": EVERYONE,
    "notifications.status": frozenset({A}),
    "notifications.dead": frozenset({A}),
    "notifications.replay": frozenset({A}),
    # Open311 GeoReport v2: reads are public, as the spec has it (confidential requests and
    # filers never shown); an api_key shows its holder's own scope (routers/open311.py).
    "open311.discovery": PUBLIC,
    "open311.services": PUBLIC,
    "open311.service": PUBLIC,
    "open311.requests": PUBLIC,
    "open311.request": PUBLIC,
    "open311.token": PUBLIC,
    "open311.create": frozenset({W, H, E, L, S}),
    # Key projects (重点项目): opened by a supervisor, planned by the leader, worked by staff;
    # read by the roles that run them or hold them to account (tasks name the staff who answer
    # for them, so not by other platforms: the events are withheld from the public stream too).
    "projects.open": frozenset({S, A}),
    "projects.list": STAFF | {S, N, L, A},
    "projects.show": STAFF | {S, N, L, A},
    "projects.board": STAFF | {S, N, L, A},
    "projects.tasks": STAFF | {S, N, L, A},
    "projects.set_task_force": frozenset({L, S}),
    "projects.add_task": frozenset({L, S}),
    "projects.report_progress": STAFF,
    "projects.complete_task": STAFF,
    "projects.block_task": STAFF,
    "projects.answer_blockage": frozenset({L}),
    "projects.link": STAFF | {L, S},
    "projects.close": frozenset({L}),
    # The quarterly evaluation by market entities: the enterprise answers; the form is anyone's
    # to read; the results per department (sums, never who answered) are for those who read the
    # dashboards. An enterprise sees no department's results.
    "quarterly_evaluation.form": EVERYONE,
    "quarterly_evaluation.answer": frozenset({E}),
    "quarterly_evaluation.results": EVERYONE - {E},
}


def principal(request: Request) -> Principal:
    """The signed-in caller (``Authorization: Bearer``; Open311 also takes ``api_key``)."""
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        token = open311_api_key(request)
        if not token:
            raise AuthenticationError("no bearer token")
    found: Principal = request.app.state.container.accounts.authenticate(token.strip())
    request.state.principal = found
    return found


def open311_api_key(request: Request) -> str:
    """Open311 clients send ``api_key``: in the query, or in a POST's form body."""
    if not request.url.path.startswith("/open311/"):
        return ""
    key = request.query_params.get("api_key", "")
    body = request.scope.get(BODY_KEY)
    if not key and isinstance(body, bytes) and body:
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        key = form.get("api_key", "")
    return key


CurrentPrincipal = Annotated[Principal, Depends(principal)]


class RoleNotAllowedError(ProblemError):
    def __init__(self, name: str, role: Role, allowed: frozenset[Role]) -> None:
        super().__init__(
            403,
            "role-not-allowed",
            "Your role may not call this route",
            f"{name} is for: {', '.join(sorted(r.value for r in allowed))}; you are {role.value}",
        )


def _guard(name: str, roles: frozenset[Role]) -> Callable[..., Awaitable[None]]:
    # Both ``async``: a check without I/O need not take a worker thread (the caller it is given
    # was authenticated on one).
    if roles == PUBLIC:

        async def public() -> None:
            return None

        return public

    async def guard(caller: CurrentPrincipal) -> None:
        if caller.role not in roles:
            raise RoleNotAllowedError(name, caller.role, roles)

    return guard


def guarded(name: str, openapi: dict[str, Any] | None = None) -> dict[str, Any]:
    """Route keyword arguments: its name, its guard, and its roles in the OpenAPI document
    (plus ``openapi``, for what FastAPI cannot infer, such as a form body)."""
    roles = ACCESS[name]
    extra: dict[str, Any] = {"x-roles": sorted(r.value for r in roles) or ["public"]}
    extra |= openapi or {}
    if roles != PUBLIC:
        extra["security"] = [{"bearer": []}]
    return {
        "name": name,
        "operation_id": name.replace(".", "_"),
        "dependencies": [Depends(_guard(name, roles))],
        "openapi_extra": extra,
    }
