"""RFC 9457 problem details: every 4xx and 5xx answer of the API, made in this one place.

Domain errors map to statuses by kind (see ``STATUS``); a refused step and a stale version are
409 with what the client needs to recover (the allowed steps, the current version); invalid
requests are 422 with one entry per field. A 500 says only that something failed and gives an
id to quote; the trace goes to the log, never to the client. The Open311 routes answer the same
errors in GeoReport v2's own format (``api/http/open311_errors.py``).
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any
from uuid import uuid4

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.http import open311_errors, outage
from api.http.schemas.common import CONTROL_CHARACTER
from domain.errors import (
    AlreadyExistsError,
    BrokenRecordError,
    BusyError,
    ConflictError,
    DomainError,
    IllegalStepError,
    InvalidInputError,
    NotFoundError,
    NotPermittedError,
    TooManyAttemptsError,
)
from infra.identity import AuthenticationError

logger = logging.getLogger("casetrail.api")

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:casetrail:problem:"

# Domain error -> (status, problem type, title). Looked up along the error's class hierarchy.
STATUS: dict[type[DomainError], tuple[int, str, str]] = {
    TooManyAttemptsError: (429, "too-many-attempts", "Too many failed sign-ins"),
    BusyError: (503, "busy", "The server is busy"),
    ConflictError: (409, "version-conflict", "The record changed since you read it"),
    # Data damaged outside the application: the server's fault, and retrying will not help.
    BrokenRecordError: (500, "record-broken", "The record's stored history is damaged"),
    IllegalStepError: (409, "step-not-allowed", "The step is not allowed in this state"),
    AlreadyExistsError: (409, "already-exists", "It exists already"),
    NotPermittedError: (403, "not-permitted", "Your role may not take this step"),
    NotFoundError: (404, "not-found", "Not found"),
    InvalidInputError: (422, "invalid-input", "A value is missing or out of range"),
    DomainError: (400, "refused", "The request was refused"),
}


class FieldError(BaseModel):
    field: str = Field(examples=["body.case_type"])
    message: str = Field(examples=["Input should be 'consultation', 'help' or 'complaint'"])
    type: str = Field(examples=["literal_error"])


class Problem(BaseModel):
    """An error, as RFC 9457 problem details (``application/problem+json``)."""

    type: str = Field(examples=[f"{TYPE_PREFIX}version-conflict"])
    title: str = Field(examples=["The record changed since you read it"])
    status: int = Field(examples=[409])
    detail: str | None = Field(default=None, examples=["reload it and try again"])
    instance: str | None = Field(default=None, examples=["/api/v1/cases/0b4.../reply"])
    errors: list[FieldError] | None = None
    current_version: int | None = Field(default=None, description="on a version conflict")
    allowed: list[str] | None = Field(default=None, description="steps allowed now")
    error_id: str | None = Field(default=None, description="on a 500: quote it to support")
    code: str | None = Field(
        default=None,
        description="on a refused command: the rule, stable, to translate the refusal by",
        examples=["step-not-allowed"],
    )
    params: dict[str, Any] | None = Field(
        default=None, description="on a refused command: the values the refusal quotes"
    )


class ProblemError(Exception):
    """Raised by the API layer itself for a problem that is not a domain error."""

    def __init__(
        self,
        status: int,
        kind: str,
        title: str,
        detail: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or title)
        self.status, self.kind, self.title, self.detail = status, kind, title, detail
        self.headers, self.extra = headers or {}, extra


def problem_response(
    request: Request | None,
    status: int,
    kind: str,
    title: str,
    detail: str | None = None,
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + kind if kind != "about:blank" else kind,
        "title": title,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if request is not None:
        body["instance"] = request.url.path
    body.update({k: v for k, v in extra.items() if v is not None})
    if request is not None and open311_errors.speaks_open311(request.url.path):
        return open311_errors.response(request.url.path, body, status, headers)
    return JSONResponse(body, status_code=status, headers=headers, media_type=MEDIA_TYPE)


def problem_bytes(status: int, kind: str, title: str, detail: str) -> bytes:
    """A problem body for the ASGI middlewares that answer before the app is reached."""
    response = problem_response(None, status, kind, title, detail)
    return bytes(response.body)


def _domain_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, DomainError)
    kind = next(k for k in type(error).__mro__ if k in STATUS)
    status, slug, title = STATUS[kind]
    extra: dict[str, Any] = {}
    if isinstance(error, ConflictError):
        extra["current_version"] = error.current
    elif isinstance(error, IllegalStepError):
        extra["allowed"] = error.allowed
    extra["code"], extra["params"] = error.code, _json_params(error.params)
    headers = None
    if isinstance(error, TooManyAttemptsError | BusyError):
        headers = {"Retry-After": str(error.retry_after_seconds)}
    return problem_response(request, status, slug, title, str(error), headers=headers, **extra)


def _json_params(params: dict[str, object]) -> dict[str, Any]:
    """Params as JSON values: numbers, booleans, text and lists stay; the rest become text."""

    def plain(value: object) -> Any:
        if value is None or isinstance(value, bool | int | float | str):
            return value
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return str(value)

    return {key: plain(value) for key, value in params.items()}


def _problem_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ProblemError)
    return problem_response(
        request,
        error.status,
        error.kind,
        error.title,
        error.detail,
        headers=error.headers,
        **error.extra,
    )


def _unauthenticated(request: Request, error: Exception) -> Response:
    return problem_response(
        request,
        401,
        "unauthenticated",
        "Sign in first",
        f"{error}; send Authorization: Bearer <token>",
        headers={"WWW-Authenticate": 'Bearer realm="casetrail"'},
    )


def _invalid_request(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    fields = [
        {
            "field": ".".join(str(p) for p in e.get("loc", ())),
            "message": str(e.get("msg", "invalid")),
            "type": str(e.get("type", "invalid")),
        }
        for e in error.errors()
    ]
    return problem_response(
        request,
        422,
        "invalid-request",
        "The request does not match the schema",
        f"{len(fields)} field(s) invalid",
        errors=fields,
        **control_character_code(error.errors()),
    )


def control_character_code(errors: Any) -> dict[str, Any]:
    """A control character in a field is refused with the domain's code, so a client words the
    refusal alike whichever layer caught it (domain/text.py)."""
    for entry in errors:
        if entry.get("type") == CONTROL_CHARACTER:
            context = entry.get("ctx") or {}
            params = {"field": str(context.get("field")), "character": context.get("character")}
            return {"code": "control-character", "params": params}
    return {}


def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    headers = dict(error.headers or {})
    detail = error.detail if isinstance(error.detail, str) else None
    return problem_response(
        request,
        error.status_code,
        "about:blank",
        _reason(error.status_code),
        detail,
        headers=headers,
    )


def _unexpected(request: Request, error: Exception) -> Response:
    error_id = uuid4().hex[:12]
    logger.error("unexpected failure %s on %s", error_id, request.url.path, exc_info=error)
    return problem_response(
        request,
        500,
        "internal-error",
        "Something failed on our side",
        "the failure was logged; quote the error id when you report it",
        error_id=error_id,
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(ProblemError, _problem_error)
    app.add_exception_handler(AuthenticationError, _unauthenticated)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
    outage.install(app, problem_response, unexpected=_unexpected)  # no store: 503, Retry-After


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
