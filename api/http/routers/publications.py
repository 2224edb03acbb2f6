"""Published red and black lists (红黑榜) and annual rankings: publish a finished period, read
every edition, object to a line, decide objections (an upheld one publishes a corrected
edition)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from api.http.access import guarded
from api.http.deps import AppDep, CommandDep, ContainerDep, done, etag
from api.http.schemas.publications import (
    ObjectionCreate,
    ObjectionDecision,
    ObjectionFiled,
    Publication,
    PublicationCreate,
    Published,
)
from domain.publication import Kind
from domain.services.publishing import Published as PublishedSaved

router = APIRouter(prefix="/api/v1", tags=["lists and rankings"])
PeriodPath = Annotated[str, Path(min_length=4, max_length=20, examples=["2026-Q2"])]
Number = Annotated[int, Path(ge=1, le=10_000, examples=[1])]
PATHS = {Kind.LISTS: "lists", Kind.RANKING: "rankings"}


def _published(saved: PublishedSaved, response: Response) -> Published:
    result = done(saved.saved, response)
    return Published(**result.model_dump(), formal_talks=[str(u) for u in saved.formal_talks])


def _show(app: AppDep, what: Kind, period: str, response: Response) -> Publication:
    publication = app.publication(what, period)
    response.headers["ETag"] = etag(publication.version)
    return Publication.model_validate(publication.state())


def _routes(what: Kind) -> None:
    path, name = PATHS[what], PATHS[what]

    @router.post(
        f"/{path}",
        status_code=201,
        response_model=Published,
        description=f"Publish a finished period's {what.value}, frozen; open to objection.",
        **guarded(f"{name}.publish"),
    )
    def publish(
        body: PublicationCreate, cmd: CommandDep, container: ContainerDep, response: Response
    ) -> Published:
        saved = container.publisher().publish(what, body.period, actor=cmd.actor)
        response.headers["Location"] = f"/api/v1/{path}/{body.period}"
        return _published(saved, response)

    @router.get(
        f"/{path}/{{period}}",
        response_model=Publication,
        description=f"A period's published {what.value}: every edition and every objection.",
        **guarded(f"{name}.show"),
    )
    def show(period: PeriodPath, app: AppDep, response: Response) -> Publication:
        return _show(app, what, period, response)

    @router.post(
        f"/{path}/{{period}}/objections",
        status_code=201,
        response_model=ObjectionFiled,
        description=f"Object to your own line of the {what.value}, within the objection period.",
        **guarded(f"{name}.object"),
    )
    def object_to(
        period: PeriodPath, body: ObjectionCreate, cmd: CommandDep, response: Response
    ) -> ObjectionFiled:
        filed = cmd.app.object_to(
            what, period, body.dimension, body.member, body.grounds, actor=cmd.actor
        )
        result = done(filed.saved, response)
        return ObjectionFiled(**result.model_dump(), number=filed.number)

    @router.post(
        f"/{path}/{{period}}/objections/{{number}}/decision",
        response_model=Published,
        description="Decide an objection; an upheld one publishes a corrected edition.",
        **guarded(f"{name}.decide_objection"),
    )
    def decide(
        *,
        period: PeriodPath,
        number: Number,
        body: ObjectionDecision,
        cmd: CommandDep,
        container: ContainerDep,
        response: Response,
    ) -> Published:
        saved = container.publisher().decide(
            what, period, number, upheld=body.upheld, reason=body.reason, actor=cmd.actor
        )
        return _published(saved, response)


for _what in Kind:
    _routes(_what)
