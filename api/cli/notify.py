"""``casetrail notify status|run|dead|replay-dead|prefs``: notifications by e-mail, webhook, SMS.

``run`` follows the log and delivers (``serve`` runs the same sender beside the API when a
channel is configured); ``status`` counts deliveries by state; ``replay-dead`` gives
dead-lettered deliveries a fresh set of attempts; ``prefs`` sets how a person is reached.
"""

from __future__ import annotations

import argparse
import logging
import signal
import time
from types import FrameType
from typing import Any

from api.cli.common import UsageError
from infra.bootstrap import bootstrap
from infra.notify import open_notify_store, open_sender
from infra.notify.channels import configured_channels
from infra.notify.store import Preferences
from infra.settings import Settings
from infra.views import open_view_store
from projections.notices import KINDS

CHANNELS = ("email", "webhook", "sms")


def register(subparsers: Any) -> None:
    notify = subparsers.add_parser(
        "notify", help="deliver notices by e-mail, webhook and SMS (docs/notifications.md)"
    )
    actions = notify.add_subparsers(title="actions", metavar="ACTION", required=True)
    status = actions.add_parser("status", help="pending, delivered and dead-lettered counts")
    status.set_defaults(handler=show_status)
    run = actions.add_parser(
        "run", help="follow the log and deliver notices until stopped",
        description="Keep the notices view up to date, record a delivery per configured"
        " channel and recipient, and send them; SIGTERM/SIGINT stop after the current send.",
    )
    run.add_argument("--until-idle", action="store_true",
                     help="exit 0 once nothing is pending (retries that are not due yet wait)")
    run.set_defaults(handler=run_sender)
    dead = actions.add_parser("dead", help="list dead-lettered deliveries")
    dead.add_argument("--limit", type=int, default=50)
    dead.set_defaults(handler=list_dead)
    replay = actions.add_parser("replay-dead", help="try dead-lettered deliveries again")
    replay.add_argument("ids", nargs="*", metavar="DELIVERY_ID",
                        help="only these deliveries (default: all of them)")
    replay.set_defaults(handler=replay_dead)
    prefs = actions.add_parser("prefs", help="set how a person is reached and about what")
    prefs.add_argument("login")
    prefs.add_argument("--email")
    prefs.add_argument("--phone")
    prefs.add_argument("--language", choices=("zh-CN", "en"))
    prefs.add_argument("--channels", help=f"comma-separated, of {', '.join(CHANNELS)}")
    prefs.add_argument("--kinds", help=f"comma-separated, of {', '.join(KINDS)}")
    prefs.set_defaults(handler=set_prefs)


def show_status(args: argparse.Namespace) -> int:
    settings = Settings()
    store = open_notify_store(settings)
    try:
        counts = store.counts()
        channels = [c.name for c in configured_channels(settings)] or ["none"]
    finally:
        store.close()
    print(f"pending {counts['pending'] + counts['sending']} delivered {counts['delivered']}"
          f" dead {counts['dead']} (channels: {', '.join(channels)})")
    return 0


def run_sender(args: argparse.Namespace) -> int:
    settings = Settings()
    try:
        channels = configured_channels(settings)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if not channels:
        raise UsageError(
            "no channel is configured: set CASETRAIL_NOTIFY_SMTP_HOST,"
            " CASETRAIL_NOTIFY_WEBHOOK_URL or CASETRAIL_NOTIFY_SMS_URL"
        )
    app = bootstrap(settings)
    views, store = open_view_store(settings, app.clock), open_notify_store(settings)
    sender = open_sender(app, settings, views, store)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    def stop(signum: int, _frame: FrameType | None) -> None:
        sender.stop()

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        sender.run(until_idle=args.until_idle)
        return 0
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        store.close()
        views.close()
        app.close()


def list_dead(args: argparse.Namespace) -> int:
    store = open_notify_store(Settings())
    try:
        for d in store.list("dead", max(args.limit, 1)):
            print(f"{d.id}  {d.channel:<8} {d.recipient:<20} {d.kind:<18} {d.attempts} attempts"
                  f"  {d.last_error or ''}")
    finally:
        store.close()
    return 0


def replay_dead(args: argparse.Namespace) -> int:
    store = open_notify_store(Settings())
    try:
        count = store.replay_dead(time.time(), args.ids or None)
    finally:
        store.close()
    print(f"{count} dead-lettered deliveries will be tried again")
    return 0


def _choices(text: str | None, allowed: tuple[str, ...], label: str) -> tuple[str, ...] | None:
    if text is None:
        return None
    chosen = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [c for c in chosen if c not in allowed]
    if unknown:
        raise UsageError(f"unknown {label}: {', '.join(unknown)} (known: {', '.join(allowed)})")
    return chosen


def set_prefs(args: argparse.Namespace) -> int:
    channels = _choices(args.channels, CHANNELS, "channel")
    kinds = _choices(args.kinds, KINDS, "kind of notice")
    if args.email is not None and (args.email.count("@") != 1 or any(
            c.isspace() for c in args.email)):
        raise UsageError(f"{args.email!r} is not an e-mail address (one @, no spaces)")
    if args.phone is not None and not args.phone.lstrip("+").replace(" ", "").replace(
            "-", "").isdigit():
        raise UsageError(f"{args.phone!r} is not a mobile number (digits only)")
    store = open_notify_store(Settings())
    try:
        known = store.preferences(args.login)
        store.set_preferences(Preferences(
            args.login,
            email=args.email if args.email is not None else known.email,
            phone=args.phone if args.phone is not None else known.phone,
            language=args.language or known.language,
            channels=channels if channels is not None else known.channels,
            kinds=kinds if kinds is not None else known.kinds,
        ))
    finally:
        store.close()
    print(f"preferences of {args.login} saved")
    return 0
