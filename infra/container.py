"""Everything the HTTP API needs, built once from settings: the container the app factory takes.

It reuses the composition root (``bootstrap``) for the application and adds the read side (view
store, projection runner), accounts and the idempotency-key store, all on the configured
database. ``close()`` releases them; ``serve`` also starts the background threads.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from argon2 import PasswordHasher

from domain.application import Casetrail
from domain.services.base import Clock
from infra.bootstrap import ArrangementSource, bootstrap
from infra.idempotency import SCHEMA as IDEMPOTENCY_SCHEMA
from infra.idempotency import IdempotencyStore
from infra.identity import Accounts, HashGate
from infra.kafka.service import RelayThread, start_relay
from infra.leader import (
    ADVISORY_KEY,
    AdvisoryLeadership,
    AlwaysLeader,
    FileLeadership,
    Leadership,
)
from infra.notify import NotifyStore, SenderThread, open_notify_store, open_sender
from infra.notify.channels import configured_channels
from infra.notify.inbox import Inbox
from infra.persistence import persistence_env
from infra.projections.log import EventLog
from infra.projections.runner import ProjectionRunner
from infra.publishing import Publisher
from infra.readside import ReadSide
from infra.runtime import Background
from infra.settings import Settings
from infra.side_tables import open_side_table
from infra.sign_in_limits import SCHEMA as SIGN_IN_SCHEMA
from infra.sign_in_limits import SignInGuard, SignInLimits
from infra.views import open_view_store, postgres_conninfo
from projections.registry import log_projections

PUBLISH_WAIT_SECONDS = 30.0


@dataclass
class Container:
    settings: Settings
    app: Casetrail
    accounts: Accounts
    read: ReadSide
    idempotency: IdempotencyStore
    notify: NotifyStore
    background: Background | None = field(default=None)
    relay: RelayThread | None = field(default=None)
    sender: SenderThread | None = field(default=None)

    @property
    def clock(self) -> Clock:
        return self.app.clock

    def inbox(self) -> Inbox:
        """People's notices, read marks and preferences (docs/notifications.md)."""
        return Inbox(self.read, self.notify, self.app.policy.tz)

    def publisher(self) -> Publisher:
        """Publishes lists and rankings from the views, brought to the head of the log first."""
        read = self.read
        views = list(read.projections)
        return Publisher(
            self.app,
            read.store,
            catch_up=lambda: read.wait_for(read.log.head(), views, PUBLISH_WAIT_SECONDS),
        )

    def start_background(
        self, *, watch_every: float = 60.0, on_alerts: Callable[[int], None] | None = None
    ) -> Background:
        if self.background is None:
            self.background = Background(
                self.app, self.read, watch_every=watch_every, on_alerts=on_alerts,
                leadership=open_leadership(self.settings),
                on_lead=self._start_once_per_store, on_follow=self._stop_once_per_store,
            )
            self.background.start()
        return self.background

    def _start_once_per_store(self) -> None:
        """The work beside the runner that must run once per store, started by the holder of
        the background lock: the event stream, when a broker is configured
        (CASETRAIL_KAFKA_BOOTSTRAP), and notifications, when a channel is
        (docs/notifications.md)."""
        self.relay = start_relay(self.app, self.settings)
        if configured_channels(self.settings):
            self.sender = SenderThread(open_sender(
                self.app, self.settings, self.read.store, self.notify, follow_log=False,
            )).start()

    def _stop_once_per_store(self) -> None:
        if self.sender is not None:
            self.sender.stop()
            self.sender = None
        if self.relay is not None:
            self.relay.stop()
            self.relay = None

    def close(self) -> None:
        if self.background is not None:
            self.background.stop()
            self.background = None
        self._stop_once_per_store()
        self.idempotency.close()
        self.notify.close()
        self.accounts.guard.close()
        self.read.store.close()
        self.app.close()


def build_container(
    settings: Settings,
    *,
    clock: Clock | None = None,
    official_years: ArrangementSource | None = None,
    hasher: PasswordHasher | None = None,
    serving: bool = False,
) -> Container:
    """The parts of Casetrail on the configured store; ``serving``: for a server process
    (``open_view_store``)."""
    app = bootstrap(settings, clock=clock, official_years=official_years)
    views = open_view_store(settings, app.clock, serving=serving)
    runner = ProjectionRunner(EventLog.of(app), views, log_projections())
    return Container(
        settings=settings,
        app=app,
        accounts=open_accounts(settings, app, hasher),
        read=ReadSide(runner.log, views, runner),
        idempotency=open_idempotency(settings, app),
        notify=open_notify_store(settings),
    )


def open_leadership(settings: Settings) -> Leadership:
    """The lock that decides which process runs the background work on this store."""
    backend = settings.backend
    if backend == "memory":
        return AlwaysLeader()
    if backend == "sqlite":
        return FileLeadership(settings.home / "background.lock")
    conninfo, schema = postgres_conninfo(persistence_env(settings))
    # Stores in different schemas of one database each have their own holder.
    key = ADVISORY_KEY ^ zlib.crc32((schema or "").encode())
    return AdvisoryLeadership(conninfo, key=key)


def open_accounts(
    settings: Settings, app: Casetrail, hasher: PasswordHasher | None = None
) -> Accounts:
    """Accounts whose sign-in counts are shared by every process on the store."""
    limits = SignInLimits(open_side_table(settings, SIGN_IN_SCHEMA))
    gate = HashGate(settings.sign_in_concurrency, settings.sign_in_wait_seconds)
    return Accounts(app, hasher, guard=SignInGuard(app, limits), gate=gate)


def open_idempotency(settings: Settings, app: Casetrail) -> IdempotencyStore:
    keep = timedelta(hours=app.policy.idempotency.keep_hours)
    return IdempotencyStore(open_side_table(settings, IDEMPOTENCY_SCHEMA), app.clock, keep)
