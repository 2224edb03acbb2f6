"""Open311 GeoReport v2 under ``/open311/v2/``: services, service definitions, requests (list,
one, create) and tokens, each as ``.json`` or ``.xml``, and the discovery document at
``/open311/discovery``. See ``api/http/georeport.py`` for how services and requests map to
demand types and cases.

Reads need no ``api_key``, as the spec has it (its clients send none on GET): without one a
caller sees non-confidential requests only, with the public fields policy allows
(``[open311]``); with one, the holder's own scope. Errors come in the spec's format
(``api/http/open311_errors.py``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.http import georeport
from api.http.access import CurrentPrincipal, guarded, open311_api_key, principal
from api.http.deps import ContainerDep
from api.http.middleware import BODY_KEY
from api.http.problems import ProblemError
from api.http.scope import confidential_desk, visible_filter
from domain.actors import Role
from domain.case_rules import CASE_TYPES
from domain.location import Location
from domain.text import forbidden_character
from infra.container import Container
from infra.identity import Principal
from projections.query import Compare, Filter, In, Not, all_of
from projections.store import PageQuery
from projections.values import Stored

V2 = "/open311/v2"
router = APIRouter(tags=["Open311 GeoReport v2"])
Format = Annotated[Literal["json", "xml"], Path(description="json or xml", examples=["json"])]
Jurisdiction = Annotated[str | None, Query(max_length=100, examples=["national"])]
MOST = 1000
RECENT_DAYS = 90


class EndpointOut(BaseModel):
    specification: str
    url: str
    changeset: str
    type: str
    formats: list[str]


class DiscoveryOut(BaseModel):
    changeset: str
    contact: str
    key_service: str
    endpoints: list[EndpointOut]


def optional_caller(request: Request) -> Principal | None:
    """The caller when a token or ``api_key`` came with the request (a wrong one is 401), else
    None: an anonymous reader, as Open311 allows."""
    if request.headers.get("authorization") or open311_api_key(request):
        return principal(request)
    return None


Caller = Annotated[Principal | None, Depends(optional_caller)]
ApiKey = Annotated[
    str | None, Query(max_length=200, description="a Casetrail token: shows your own scope")
]


class ServiceOut(BaseModel):
    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: str
    keywords: str
    group: str


class AttributeOut(BaseModel):
    variable: bool
    code: str
    datatype: str
    required: bool
    datatype_description: str | None
    order: int
    description: str
    values: list[dict[str, str]] | None = None


class DefinitionOut(BaseModel):
    service_code: str
    attributes: list[AttributeOut]


class RequestOut(BaseModel):
    service_request_id: str
    status: Literal["open", "closed"]
    status_notes: str | None
    service_name: str | None
    service_code: str
    description: str | None
    agency_responsible: str | None
    service_notice: str | None
    requested_datetime: str | None
    updated_datetime: str | None
    expected_datetime: str | None
    address: str | None
    address_id: str | None
    zipcode: str | None
    lat: float | None
    long: float | None
    media_url: str | None


class CreatedOut(BaseModel):
    service_request_id: str
    service_notice: str | None
    account_id: str | None


class TokenOut(BaseModel):
    service_request_id: str
    token: str


def _both(model: Any, status: int = 200) -> dict[int | str, dict[str, Any]]:
    """The answer as JSON (documented by ``model``) or as XML, as the path's suffix says."""
    xml = {"application/xml": {"schema": {"type": "string"}}}
    return {status: {"model": model, "content": xml}}


def _render(fmt: str, root: str, item: str | None, data: Any, status: int = 200) -> Response:
    if fmt == "xml":
        return Response(
            georeport.xml_document(root, item, data),
            status,
            media_type="application/xml; charset=utf-8",
        )
    return JSONResponse(data, status)


def _check_jurisdiction(container: Container, jurisdiction_id: str | None) -> None:
    if jurisdiction_id and jurisdiction_id != container.settings.jurisdiction:
        raise ProblemError(
            404,
            "unknown-jurisdiction",
            "This endpoint serves one jurisdiction",
            f"jurisdiction_id must be {container.settings.jurisdiction!r} or left out",
        )


@router.get(
    "/open311/discovery.{fmt}", responses=_both(DiscoveryOut), **guarded("open311.discovery")
)
def discovery(fmt: Format, request: Request) -> Response:
    """Where this Open311 endpoint is, which specification and formats it speaks, how to get
    a key (GeoReport v2 service discovery)."""
    return _render(fmt, "discovery", None, georeport.discovery(str(request.base_url)))


@router.get(
    f"{V2}/services.{{fmt}}", responses=_both(list[ServiceOut]), **guarded("open311.services")
)
def list_services(
    fmt: Format, container: ContainerDep, jurisdiction_id: Jurisdiction = None
) -> Response:
    """The services: one per demand type (咨询, 求助, 投诉, 举报, 建议)."""
    _check_jurisdiction(container, jurisdiction_id)
    return _render(fmt, "services", "service", georeport.services())


@router.get(
    f"{V2}/services/{{service_code}}.{{fmt}}",
    responses=_both(DefinitionOut),
    **guarded("open311.service"),
)
def service_definition(
    service_code: Annotated[str, Path(max_length=32, examples=["complaint"])],
    fmt: Format,
    container: ContainerDep,
    jurisdiction_id: Jurisdiction = None,
) -> Response:
    """A service's definition: the attributes a request may carry."""
    _check_jurisdiction(container, jurisdiction_id)
    _check_code(service_code)
    return _render(fmt, "service_definition", None, georeport.definition(service_code))


def _check_code(code: str) -> None:
    if code not in CASE_TYPES:
        raise ProblemError(
            404, "unknown-service", "No such service", f"service codes: {', '.join(CASE_TYPES)}"
        )


@router.get(
    f"{V2}/requests.{{fmt}}", responses=_both(list[RequestOut]), **guarded("open311.requests")
)
def list_requests(
    *,
    fmt: Format,
    container: ContainerDep,
    caller: Caller,
    jurisdiction_id: Jurisdiction = None,
    service_request_id: Annotated[
        str | None, Query(max_length=4000, description="ids, comma-separated")
    ] = None,
    service_code: Annotated[str | None, Query(max_length=400, examples=["complaint"])] = None,
    start_date: Annotated[datetime | None, Query(examples=["2026-03-01T00:00:00+08:00"])] = None,
    end_date: Annotated[datetime | None, Query(examples=["2026-03-31T00:00:00+08:00"])] = None,
    status: Annotated[str | None, Query(max_length=20, examples=["open"])] = None,
    api_key: ApiKey = None,
) -> Response:
    """Service requests (cases) you may see, newest first: at most 1000, by default from the
    last 90 days. Confidential cases are never listed; without a key, only public fields."""
    del api_key  # read by optional_caller
    _check_jurisdiction(container, jurisdiction_id)
    visible = _visible(container, caller)
    parts: list[Filter | None] = []
    if service_request_id:
        wanted = {i.strip() for i in service_request_id.split(",") if i.strip()}
        parts.append(In("id", tuple(wanted)))
    else:
        start, end = start_date, end_date
        if start is None and end is None:
            start = container.app.now() - timedelta(days=RECENT_DAYS)
        for bound in (start, end):
            if bound is not None and bound.tzinfo is None:
                raise ProblemError(400, "date-without-zone", "Give dates with their time zone")
        parts.append(Compare("filed_at", ">=", start) if start is not None else None)
        parts.append(Compare("filed_at", "<=", end) if end is not None else None)
    if service_code:
        parts.append(In("case_type", tuple({c.strip() for c in service_code.split(",")})))
    if status:
        states = {s.strip() for s in status.split(",")}
        if not states <= {"open", "closed"}:
            raise ProblemError(400, "bad-status", "status is open, closed or both")
        if states == {"open"}:
            parts.append(In("status", tuple(sorted(georeport.OPEN_VALUES))))
        elif states == {"closed"}:
            parts.append(Not(In("status", tuple(sorted(georeport.OPEN_VALUES)))))
    rows = _rows(container, lambda current: all_of(visible(current), *parts), MOST)
    if fmt == "json":  # headed as JSONResponse heads it
        agencies, tz, described = _written_as(container, rows, caller)
        written = georeport.requests_json(rows, agencies, tz, description=described)
        return Response(written, media_type="application/json")
    return _render(fmt, "service_requests", "request", _as_requests(container, rows, caller))


@router.get(
    f"{V2}/requests/{{service_request_id}}.{{fmt}}",
    responses=_both(list[RequestOut]),
    **guarded("open311.request"),
)
def show_request(
    *,
    service_request_id: Annotated[UUID, Path(examples=["0b9e3d4c-1f2a-4b5c-8d6e-7f8091a2b3c4"])],
    fmt: Format,
    container: ContainerDep,
    caller: Caller,
    jurisdiction_id: Jurisdiction = None,
    api_key: ApiKey = None,
) -> Response:
    """One service request (a list of one, as the spec has it)."""
    del api_key  # read by optional_caller
    _check_jurisdiction(container, jurisdiction_id)
    rows = _rows(container, _one(container, caller, service_request_id), 1)
    if not rows:
        raise ProblemError(404, "not-found", "No such service request")
    return _render(fmt, "service_requests", "request", _as_requests(container, rows, caller))


@router.get(
    f"{V2}/tokens/{{token_id}}.{{fmt}}",
    responses=_both(list[TokenOut]),
    **guarded("open311.token"),
)
def show_token(
    *,
    token_id: Annotated[UUID, Path(examples=["0b9e3d4c-1f2a-4b5c-8d6e-7f8091a2b3c4"])],
    fmt: Format,
    container: ContainerDep,
    caller: Caller,
    jurisdiction_id: Jurisdiction = None,
    api_key: ApiKey = None,
) -> Response:
    """The request a token stands for. Requests are created at once, so the token is the id."""
    del api_key  # read by optional_caller
    _check_jurisdiction(container, jurisdiction_id)
    if not _rows(container, _one(container, caller, token_id), 1):
        raise ProblemError(404, "not-found", "No such token")
    data = [{"service_request_id": str(token_id), "token": str(token_id)}]
    return _render(fmt, "service_requests", "request", data)


async def form_fields(request: Request) -> dict[str, str]:
    body = request.scope.get(BODY_KEY)
    raw = body if isinstance(body, bytes) else await request.body()
    try:
        return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False))
    except UnicodeDecodeError:
        raise ProblemError(400, "bad-form", "The form is not UTF-8") from None


FORM_SCHEMA = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["service_code", "description"],
                    "properties": {
                        "api_key": {"type": "string"},
                        "jurisdiction_id": {"type": "string"},
                        "service_code": {"type": "string", "enum": list(CASE_TYPES)},
                        "description": {"type": "string", "minLength": 1, "maxLength": 4000},
                        "first_name": {"type": "string"},
                        "last_name": {"type": "string"},
                        "email": {"type": "string"},
                        "phone": {"type": "string"},
                        "lat": {"type": "number", "minimum": -90, "maximum": 90},
                        "long": {"type": "number", "minimum": -180, "maximum": 180},
                        "address_string": {"type": "string", "maxLength": 400},
                        "address_id": {"type": "string", "maxLength": 200},
                        "media_url": {"type": "string", "format": "uri", "maxLength": 2000},
                        "attribute[enterprise]": {"type": "string"},
                        "attribute[service_item]": {"type": "string"},
                        "attribute[real_name]": {"type": "string", "enum": ["true", "false"]},
                        "attribute[confidential]": {"type": "string", "enum": ["true", "false"]},
                        "attribute[emergency]": {"type": "string", "enum": ["true", "false"]},
                    },
                },
                "example": {
                    "api_key": "ctk_...",
                    "service_code": "complaint",
                    "description": "施工许可审批超时",
                    "first_name": "伟",
                    "last_name": "张",
                    "lat": "22.5431",
                    "long": "114.0579",
                    "address_string": "深圳市福田区福中三路市民中心",
                },
            }
        },
    }
}


MAX_DESCRIPTION = 4000
"""As for a demand's summary in the JSON API (schemas.cases)."""


@router.post(
    f"{V2}/requests.{{fmt}}",
    status_code=201,
    responses=_both(list[CreatedOut], 201),
    **guarded("open311.create", FORM_SCHEMA),
)
def create_request(
    fmt: Format,
    container: ContainerDep,
    caller: CurrentPrincipal,
    form: Annotated[dict[str, str], Depends(form_fields)],
) -> Response:
    """File a demand as a service request (``api_key`` is a Casetrail token)."""
    _refuse_control_characters(form)
    _check_jurisdiction(container, form.get("jurisdiction_id"))
    code, description = form.get("service_code", ""), form.get("description", "").strip()
    _check_code(code)
    if not description:
        raise ProblemError(400, "description-required", "Say what the request is about")
    if len(description) > MAX_DESCRIPTION:
        raise ProblemError(
            400, "description-too-long",
            f"The description has {len(description)} characters; at most {MAX_DESCRIPTION}",
        )
    name = (form.get("last_name", "") + form.get("first_name", "")).strip() or None
    contact = ", ".join(v for v in (form.get("phone"), form.get("email")) if v) or None
    enterprise = form.get("attribute[enterprise]") or None
    app = container.app
    if caller.role is Role.ENTERPRISE:
        enterprise_id = caller.enterprise_id
    else:
        enterprise_id = app.enterprise(enterprise).id if enterprise else None
    saved = app.file_demand(
        case_type=code,
        channel="web",
        summary=description,
        actor=caller.actor,
        enterprise_id=enterprise_id,
        filer_name=name,
        filer_contact=contact,
        real_name=_flag(form, "real_name", default=name is not None),
        confidential=_flag(form, "confidential"),
        emergency=_flag(form, "emergency"),
        service_item=form.get("attribute[service_item]") or None,
        location=_location(form),
    )
    notice = f"filed; track it at /open311/v2/requests/{saved.id}.{fmt}"
    data = [{"service_request_id": str(saved.id), "service_notice": notice, "account_id": None}]
    return _render(fmt, "service_requests", "request", data, status=201)


def _flag(form: dict[str, str], name: str, *, default: bool = False) -> bool:
    value = form.get(f"attribute[{name}]")
    if value is None or value == "":
        return default
    if value not in ("true", "false"):
        raise ProblemError(400, "bad-attribute", f"attribute[{name}] is true or false")
    return value == "true"


def _refuse_control_characters(form: dict[str, str]) -> None:
    faults = [
        (name, found)
        for name, value in form.items()
        if (found := forbidden_character(name) or forbidden_character(value))
    ]
    if faults:
        name, character = faults[0]
        raise ProblemError(
            422,
            "invalid-request",
            "The request does not match the schema",
            f"{len(faults)} field(s) invalid",
            errors=[
                {
                    "field": f"form.{field}",
                    "message": f"contains a control character ({found}); only tab and line"
                    " breaks are allowed",
                    "type": "control_character",
                }
                for field, found in faults
            ],
            code="control-character",
            params={"field": name, "character": character},
        )


def _location(form: dict[str, str]) -> Location | None:
    """The spec's location fields; a point needs both ``lat`` and ``long``."""
    point: dict[str, float] = {}
    for name in ("lat", "long"):
        value = form.get(name, "").strip()
        if value:
            try:
                point[name] = float(value)
            except ValueError:
                raise ProblemError(
                    400, "bad-coordinate", f"{name} is a decimal number", f"not {value!r}"
                ) from None
    texts = {
        name: form[name].strip()
        for name in ("address_string", "address_id", "media_url")
        if form.get(name, "").strip()
    }
    if not (point or texts):
        return None
    return Location(
        lat=point.get("lat"),
        long=point.get("long"),
        address_string=texts.get("address_string"),
        address_id=texts.get("address_id"),
        media_url=texts.get("media_url"),
    )


def _visible(container: Container, caller: Principal | None) -> Callable[[bool], Filter]:
    """The cases the caller may see (anonymous callers, where policy allows it, see what a
    caller who sees every case does), never a confidential one: a filter the store answers,
    made of whether the case view is current (``scope.visible_filter``)."""
    if caller is None and not container.app.policy.open311.public_requests:
        raise ProblemError(
            401,
            "unauthenticated",
            "Sign in first",
            "requests are not public here; send api_key (a Casetrail token)",
            headers={"WWW-Authenticate": 'Bearer realm="casetrail"'},
        )
    desk = confidential_desk(container.app)

    def visible(current: bool) -> Filter:
        scope = None if caller is None else visible_filter(caller, desk=desk, co_units=current)
        return all_of(Not(Compare("confidential", "=", True)), scope)

    return visible


def _one(
    container: Container, caller: Principal | None, case_id: UUID
) -> Callable[[bool], Filter]:
    visible = _visible(container, caller)
    return lambda current: all_of(visible(current), Compare("id", "=", str(case_id)))


def _rows(
    container: Container, where: Callable[[bool], Filter], limit: int
) -> list[tuple[Stored, ...]]:
    """Newest first, at most ``limit``: one page the view store filters, orders and cuts,
    read with whether the view is current (``where`` depends on it), as the stored values of
    ``georeport.REQUEST_COLUMNS``."""
    read = container.read
    read.refresh(["cases", "directory"])

    def query(current: bool) -> PageQuery:
        return PageQuery(
            "filed_at", True, limit, where=where(current), columns=georeport.REQUEST_COLUMNS
        )

    return read.stored_page_at("cases", "cases", query)[1]


def _written_as(
    container: Container, rows: list[tuple[Stored, ...]], caller: Principal | None
) -> tuple[dict[str, str], timezone, bool]:
    """What requests are written with besides their rows: the names of their lead units,
    the local zone, and whether the demand's own words are shown."""
    found = container.read.lookup("directory", "units", "id", (r[georeport.LEAD] for r in rows))
    agencies = {key: str(u["name"]) for key, u in found.items()}
    policy = container.app.policy
    return agencies, policy.tz, caller is not None or policy.open311.public_descriptions


def _as_requests(
    container: Container, rows: list[tuple[Stored, ...]], caller: Principal | None
) -> list[dict[str, Any]]:
    agencies, tz, described = _written_as(container, rows, caller)
    return [
        georeport.request_of(r, agencies.get(str(r[georeport.LEAD])), tz, description=described)
        for r in rows
    ]
