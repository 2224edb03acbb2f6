"""Notifications: the inbox (a read model), delivery state, channels and the sender.

``open_notify_store`` puts delivery state next to the event store; ``open_sender`` composes a
sender from settings; ``start_sender`` runs it beside the API in ``casetrail serve`` when a
channel is configured. See docs/notifications.md.
"""

from __future__ import annotations

import logging
import threading

from domain.application import Casetrail
from infra.notify.channels import configured_channels
from infra.notify.sender import Retry, Sender
from infra.notify.store import NotifyStore, PostgresNotifyStore, SqliteNotifyStore
from infra.persistence import persistence_env
from infra.projections.log import EventLog
from infra.projections.runner import ProjectionRunner
from infra.settings import Settings
from infra.views import postgres_conninfo
from projections.notices import NoticeProjection
from projections.store import ViewStore

__all__ = ["NotifyStore", "Sender", "SenderThread", "open_notify_store", "open_sender"]
logger = logging.getLogger("casetrail.notify")


def open_notify_store(settings: Settings) -> NotifyStore:
    backend = settings.backend
    if backend == "memory":
        return SqliteNotifyStore(":memory:")
    if backend == "sqlite":
        settings.home.mkdir(parents=True, exist_ok=True)
        return SqliteNotifyStore(settings.sqlite_path)
    conninfo, schema = postgres_conninfo(persistence_env(settings))
    return PostgresNotifyStore(conninfo, schema=schema)


def retry_of(settings: Settings) -> Retry:
    return Retry(
        first=settings.notify_retry_first_seconds, most=settings.notify_retry_most_seconds,
        attempts=settings.notify_max_attempts, lease=settings.notify_lease_seconds,
    )


def open_sender(
    app: Casetrail, settings: Settings, views: ViewStore, store: NotifyStore,
    *, follow_log: bool = True,
) -> Sender:
    """A sender over ``views``; with ``follow_log`` it also keeps the notices view up to date
    itself (a standalone ``casetrail notify run``), safe beside any other runner."""
    runner = (
        ProjectionRunner(EventLog.of(app), views, [NoticeProjection()]) if follow_log else None
    )
    return Sender(
        views, store, configured_channels(settings), tz=app.policy.tz, retry=retry_of(settings),
        runner=runner,
    )


class SenderThread:
    """The sender on a thread of its own, beside the API (``casetrail serve``)."""

    def __init__(self, sender: Sender) -> None:
        self.sender = sender
        self._thread = threading.Thread(target=self._run, name="notify-sender", daemon=True)

    def start(self) -> SenderThread:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self.sender._stopping.is_set():
            try:
                self.sender.run()
            except Exception:  # a bug must be loud, but must not take the API down with it
                logger.exception("the notification sender stopped; restarting in 5 s")
                self.sender._stopping.wait(5.0)

    def stop(self, timeout: float = 15.0) -> None:
        self.sender.stop()
        self._thread.join(timeout)
