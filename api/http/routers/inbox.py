"""The caller's inbox (their notices, read marks, how they are reached) and the admin's view of
the delivery queue (counts, dead letters, replay)."""

from __future__ import annotations

import time
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.http.access import CurrentPrincipal, guarded
from api.http.deps import ContainerDep
from api.http.schemas.inbox import (
    DeadDelivery,
    DeliveryCounts,
    Marked,
    Notice,
    NoticesPublic,
    PreferencesPublic,
    ReadMarks,
    Replay,
    Replayed,
)
from infra.notify.store import Preferences

router = APIRouter(prefix="/api/v1", tags=["notifications"])


@router.get("/inbox", response_model=NoticesPublic, **guarded("inbox.list"))
def list_notices(
    container: ContainerDep,
    caller: CurrentPrincipal,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    after: Annotated[str | None, Query(max_length=120)] = None,
    lang: Annotated[Literal["zh-CN", "en"] | None, Query()] = None,
) -> NoticesPublic:
    """Your notices, newest first, in your language (or `lang`)."""
    entries = container.inbox().page(caller.login, limit=limit, after=after, language=lang)
    items = [Notice.model_validate(e, from_attributes=True) for e in entries]
    return NoticesPublic(items=items, next=items[-1].cursor if len(items) == limit else None)


@router.post("/inbox/read", response_model=Marked, **guarded("inbox.read"))
def mark_read(body: ReadMarks, container: ContainerDep, caller: CurrentPrincipal) -> Marked:
    """Mark some of your notices as read."""
    return Marked(marked=container.inbox().mark_read(caller.login, body.ids))


@router.get("/inbox/preferences", response_model=PreferencesPublic,
            **guarded("inbox.preferences"))
def show_preferences(container: ContainerDep, caller: CurrentPrincipal) -> PreferencesPublic:
    """How you are reached, and about what."""
    prefs = container.inbox().preferences(caller.login)
    return PreferencesPublic.model_validate({
        "email": prefs.email, "phone": prefs.phone, "language": prefs.language,
        "channels": list(prefs.channels) if prefs.channels is not None else None,
        "kinds": list(prefs.kinds) if prefs.kinds is not None else None,
    })


@router.put("/inbox/preferences", response_model=PreferencesPublic,
            **guarded("inbox.set_preferences"))
def set_preferences(
    body: PreferencesPublic, container: ContainerDep, caller: CurrentPrincipal
) -> PreferencesPublic:
    """Set how you are reached (addresses, language) and which channels and kinds you want."""
    container.inbox().set_preferences(Preferences(
        caller.login, email=body.email, phone=body.phone, language=body.language,
        channels=tuple(body.channels) if body.channels is not None else None,
        kinds=tuple(body.kinds) if body.kinds is not None else None,
    ))
    return body


@router.get("/notifications/status", response_model=DeliveryCounts,
            **guarded("notifications.status"))
def delivery_status(container: ContainerDep) -> DeliveryCounts:
    """Deliveries by state: pending, being sent, delivered, dead-lettered."""
    return DeliveryCounts.model_validate(container.notify.counts())


@router.get("/notifications/dead", response_model=list[DeadDelivery],
            **guarded("notifications.dead"))
def dead_letters(
    container: ContainerDep, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[DeadDelivery]:
    """Deliveries that used up their attempts, oldest first."""
    return [DeadDelivery.model_validate(d, from_attributes=True)
            for d in container.notify.list("dead", limit)]


@router.post("/notifications/dead/replay", response_model=Replayed,
             **guarded("notifications.replay"))
def replay_dead(body: Replay, container: ContainerDep) -> Replayed:
    """Give dead-lettered deliveries (all, or those named) a fresh set of attempts."""
    return Replayed(replayed=container.notify.replay_dead(time.time(), body.ids))
