"""Liveness, readiness and metrics, for orchestrators and Prometheus."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field

from api.http.access import guarded
from api.http.deps import ContainerDep
from api.http.metrics import Metrics
from infra.store_probe import store_answers

router = APIRouter(tags=["operations"])


class Alive(BaseModel):
    status: str = Field(examples=["alive"])


class ViewLag(BaseModel):
    name: str = Field(examples=["cases"])
    position: int
    head: int
    lag_events: int
    lag_seconds: float
    state: str = Field(examples=["caught up"])


class Ready(BaseModel):
    status: str = Field(examples=["ready"])
    store: str = Field(examples=["sqlite"])
    head: int | None = Field(description="the log's last position")
    views: list[ViewLag]
    following: bool = Field(description="whether a background runner follows the log")
    detail: str | None = None


@router.get("/healthz", response_model=Alive, **guarded("health.live"))
def alive() -> Alive:
    """The process is up and answering."""
    return Alive(status="alive")


@router.get(
    "/readyz", response_model=Ready, responses={503: {"model": Ready}}, **guarded("health.ready")
)
def ready(container: ContainerDep) -> Any:
    """The event store answers; each read model's position and lag behind the log."""
    store = container.settings.backend
    try:
        # Ask the store first, briefly: reads through the pool wait and retry for minutes
        # when the server is gone, and an orchestrator needs its answer in a second.
        if not store_answers(container.settings):
            raise ConnectionError("no answer within a second")
        head = container.read.log.head()
        views = [
            ViewLag(
                name=s.name,
                position=s.position,
                head=s.head,
                lag_events=s.lag_events,
                lag_seconds=s.lag_seconds,
                state=s.state,
            )
            for s in container.read.status()
        ]
    except Exception as error:  # unreachable store: say so, with the reason's kind only
        body = Ready(
            status="unavailable",
            store=store,
            head=None,
            views=[],
            following=False,
            detail=f"the store did not answer ({type(error).__name__})",
        )
        return JSONResponse(body.model_dump(), status_code=503)
    return Ready(
        status="ready",
        store=store,
        head=head,
        views=views,
        following=container.read.following.is_set(),
    )


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    **guarded("health.metrics"),
    responses={
        200: {
            "content": {
                "text/plain": {"example": 'casetrail_commands_total{command="cases.file"} 3.0'},
                "application/openmetrics-text": {"schema": {"type": "string"}},
            }
        }
    },
)
def metrics(request: Request, container: ContainerDep) -> Response:
    """Prometheus metrics: requests, latencies, commands by type, projection lag, process_*
    (OpenMetrics when the Accept header asks for it)."""
    found: Metrics = request.app.state.metrics
    try:
        lag = [(s.name, s.position, s.lag_events) for s in container.read.status()]
    except Exception:  # metrics must answer even when the store does not
        lag = []
    body, content_type = found.exposition(lag, request.headers.get("accept"))
    return Response(body, headers={"Content-Type": content_type})
