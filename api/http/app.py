"""The app factory: routers, middlewares, problem handlers and the OpenAPI document."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from fastapi_offline import FastAPIOffline

from api.http import docs_pages, problems
from api.http.access import ACCESS, PUBLIC
from api.http.idempotency import IdempotencyMiddleware
from api.http.including import include
from api.http.metrics import Metrics
from api.http.middleware import BodyLimitMiddleware, MetricsMiddleware
from api.http.plain_text import PlainTextMiddleware
from api.http.routers import (
    case_queries,
    cases,
    directory,
    engagement,
    health,
    inbox,
    inspector,
    merit,
    open311,
    oversight,
    projects,
    publications,
    quarterly,
    reviews,
    session,
    stationed,
    users,
    views,
)
from api.web import site as web_site
from infra.container import Container

DESCRIPTION = """\
Casetrail's HTTP API: every case, review, visit, supervision order and accountability matter as
commands over an event store, and queries over read models that follow its log.

* **Sign in**: `POST /api/v1/session` with login and password (or a token from
  `casetrail tokens issue LOGIN`); send `Authorization: Bearer <token>`.
* **Commands** answer `{"id", "version", "position"}` with `ETag: W/"<version>"`. Send the
  version back as `If-Match` (a stale one is a 409 with the current version) and an
  `Idempotency-Key` on POST to make retries safe.
* **Queries** take `min_position` (a command's `position`) to read your own write.
* **Errors** are RFC 9457 problem details (`application/problem+json`).
"""
MODULES = (
    health,
    session,
    users,
    cases,
    case_queries,
    inspector,
    reviews,
    engagement,
    directory,
    oversight,
    publications,
    merit,
    projects,
    stationed,
    views,
    inbox,
    open311,
    quarterly,
)
ERROR_STATUSES = {
    400: "The request was refused",
    401: "Sign in first",
    403: "Your role may not call this route, or take this step",
    404: "Not found (or outside your scope)",
    409: "A version conflict, a step not allowed now, or a duplicate",
    413: "The body is too large",
    422: "A field is invalid",
    429: "Too many failed sign-ins: wait the Retry-After seconds",
    500: "Something failed on our side",
    503: "The store is unreachable for now; retry after the Retry-After seconds",
}


SIGN_IN_OPTIONAL = frozenset(
    {"session.open", "open311.requests", "open311.request", "open311.token"}
)
"""Public routes that still answer 401: a wrong password, or a wrong (or needed) Open311 key."""
OPEN311_ERRORS: dict[str, Any] = {
    "application/json": {
        "schema": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "description"],
                "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
            },
        },
        "example": [{"code": 404, "description": "No such service [unknown-service]"}],
    },
    "application/xml": {"schema": {"type": "string"}},
}


def create_app(container: Container, *, metrics: Metrics | None = None) -> FastAPI:
    # Swagger UI and ReDoc from files a package ships, not a CDN: a window's network may not
    # reach the internet, and no page of Casetrail fetches from another host.
    app = FastAPIOffline(
        title="Casetrail",
        version="1",
        description=DESCRIPTION,
        docs_url="/docs",
        redoc_url="/redoc",
        openapi_url="/openapi.json",
        static_url=docs_pages.ASSETS,
    )
    app.state.container = container
    app.state.metrics = metrics or Metrics()
    for module in MODULES:
        include(app, module.router)
    _check_every_route_is_declared(app)
    web_site.mount(app)  # the web pages (api/web) share this app's container and identity
    problems.install(app)
    app.add_middleware(
        IdempotencyMiddleware, store=container.idempotency, accounts=container.accounts
    )
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(PlainTextMiddleware)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    app.add_middleware(docs_pages.DocsPolicyMiddleware)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def api_routes(app: FastAPI | None = None) -> list[APIRoute]:
    """Every API route (the routers carry their full paths)."""
    del app
    return [r for m in MODULES for r in m.router.routes if isinstance(r, APIRoute)]


def _check_every_route_is_declared(app: FastAPI) -> None:
    missing = [r.path for r in api_routes(app) if r.name not in ACCESS]
    if missing:
        raise RuntimeError(f"routes without an access rule: {', '.join(missing)}")


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with every error as a problem and each route's roles and summary."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name, definition in (
        problems.Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        .get("$defs", {})
        .items()
    ):
        schemas[name] = definition
    problem_schema = problems.Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    problem_schema.pop("$defs", None)
    schemas["Problem"] = problem_schema
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    components["securitySchemes"] = {
        "bearer": {"type": "http", "scheme": "bearer", "description": "a token from sign-in"}
    }
    roles = {r.path_format + r.name: ACCESS[r.name] for r in api_routes(app)}
    by_operation = {r.operation_id: r for r in api_routes(app)}
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            route = by_operation.get(operation.get("operationId"))
            if route is None:
                continue
            public = roles[route.path_format + route.name] == PUBLIC
            description = (operation.get("description") or "").strip()
            if description:
                operation["summary"] = description.splitlines()[0].rstrip(".")
            responses = operation.setdefault("responses", {})
            for status, text in ERROR_STATUSES.items():
                signs_in = route.name in SIGN_IN_OPTIONAL and status == 401
                if public and status in (401, 403) and not signs_in:
                    continue
                if status == 429 and route.name != "session.open":
                    continue
                content: dict[str, Any] = {
                    problems.MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
                }
                if route.path.startswith("/open311/"):  # GeoReport's own error list
                    content = OPEN311_ERRORS
                responses[str(status)] = {"description": text, "content": content}
    app.openapi_schema = schema
    return schema
