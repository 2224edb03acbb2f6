"""``casetrail users add|list|disable|enable|set-password`` and ``casetrail tokens
issue|revoke``: who may use Casetrail.

A user signs in with a password or a bearer token printed by ``tokens issue``; only digests are
stored, so a lost token is revoked and a new one issued. Passwords are read from a prompt or
from standard input, never from the command line (which other users of the machine can see).
Disabling a user ends every token and web session of theirs at once.
"""

from __future__ import annotations

import argparse
import getpass
import json
import re
import sys
from datetime import datetime, timedelta
from typing import Any

from api.cli.common import UsageError, open_app, parse_id, parse_time
from domain.actors import Actor, Role
from domain.identity import USER_ROLES
from infra.identity import Accounts
from infra.settings import Settings

DURATION = re.compile(r"^(\d{1,5})([hd])$")

ROLE_NAMES = sorted(r.value for r in USER_ROLES)


def operator() -> Actor:
    """Who runs the command: recorded as an admin acting from the command line."""
    return Actor(f"cli.{getpass.getuser()}", Role.ADMIN)


def register(subparsers: Any) -> None:
    users = subparsers.add_parser("users", help="add users who sign in to the API")
    actions = users.add_subparsers(title="actions", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        help="add a user in one role",
        description="Add a user. Staff logins take their unit and must match their role in the"
        " directory; an enterprise user names its credit code; a leader acts as a leader code.",
    )
    add.add_argument("login")
    add.add_argument("--role", required=True, choices=ROLE_NAMES)
    add.add_argument("--unit", metavar="UNIT", help="unit code (window staff and unit heads)")
    add.add_argument("--enterprise", metavar="CREDIT_CODE", help="for an enterprise user")
    add.add_argument("--leader", metavar="CODE", help="leader code (default: the login)")
    add.add_argument(
        "--password-stdin", action="store_true", help="read a password for the web sign-in"
    )
    add.set_defaults(handler=add_user)

    listing = actions.add_parser("list", help="every user, and whether they may sign in")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=list_users)
    disable = actions.add_parser(
        "disable",
        help="stop a user signing in; their tokens and web sessions end at once",
    )
    disable.add_argument("login")
    disable.add_argument("--reason", required=True, help="why (recorded)")
    disable.set_defaults(handler=disable_user)
    enable = actions.add_parser(
        "enable", help="let a disabled user sign in again (earlier tokens stay ended)"
    )
    enable.add_argument("login")
    enable.add_argument("--reason", required=True, help="why (recorded)")
    enable.set_defaults(handler=enable_user)
    password = actions.add_parser(
        "set-password",
        help="set a user's password (asked for, or read from standard input); their sign-in"
        " sessions end",
    )
    password.add_argument("login")
    password.set_defaults(handler=set_password)

    tokens = subparsers.add_parser("tokens", help="issue and revoke API bearer tokens")
    token_actions = tokens.add_subparsers(title="actions", metavar="ACTION", required=True)
    issue = token_actions.add_parser("issue", help="print a new bearer token for a user")
    issue.add_argument("login")
    issue.add_argument("--label", default="cli", help="what the token is for")
    issue.add_argument(
        "--expires",
        metavar="WHEN",
        help="a lifetime like 30d or 12h, or a date or time (default: CASETRAIL_TOKEN_DAYS,"
        " 90 days)",
    )
    issue.set_defaults(handler=issue_token)
    revoke = token_actions.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("token_id", metavar="TOKEN_ID")
    revoke.add_argument("--reason", default="revoked from the command line")
    revoke.set_defaults(handler=revoke_token)


def add_user(args: argparse.Namespace) -> int:
    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UsageError("--password-stdin read an empty line")
    app = open_app()
    try:
        saved = Accounts(app).add_user(
            args.login,
            Role(args.role),
            actor=operator(),
            unit=args.unit,
            enterprise=args.enterprise,
            leader=args.leader,
            password=password,
        )
    finally:
        app.close()
    print(f"added user {args.login} ({args.role}), record {saved.id}")
    return 0


def list_users(args: argparse.Namespace) -> int:
    app = open_app()
    try:
        states = [u.state() for u in Accounts(app).users()]
    finally:
        app.close()
    if args.json:
        print(json.dumps(states, ensure_ascii=False, indent=2))
        return 0
    for state in states:
        status = "disabled" if state["disabled"] else "active"
        print(f"{state['login']}\t{state['role']}\t{status}")
    return 0


def disable_user(args: argparse.Namespace) -> int:
    app = open_app()
    try:
        Accounts(app).disable(args.login, args.reason, actor=operator())
    finally:
        app.close()
    print(f"disabled user {args.login}; their tokens and sessions no longer work")
    return 0


def enable_user(args: argparse.Namespace) -> int:
    app = open_app()
    try:
        Accounts(app).enable(args.login, args.reason, actor=operator())
    finally:
        app.close()
    print(f"enabled user {args.login}")
    return 0


def set_password(args: argparse.Namespace) -> int:
    password = read_password()
    app = open_app()
    try:
        Accounts(app).set_password(args.login, password, actor=operator())
    finally:
        app.close()
    print(f"set the password of {args.login}; their sign-in sessions ended")
    return 0


def read_password() -> str:
    """From a prompt (asked twice) at a terminal, else the first line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass("new password: ")
        if getpass.getpass("again: ") != first:
            raise UsageError("the two passwords differ")
    else:
        first = sys.stdin.readline().rstrip("\r\n")
    if len(first) < 8:
        raise UsageError("a password needs at least 8 characters")
    return first


def expiry(text: str | None, now: datetime, settings: Settings) -> datetime:
    """When a token issued now expires: ``30d``, ``12h``, a date or time, or the default."""
    if text is None:
        return now + timedelta(days=settings.token_days)
    found = DURATION.match(text.strip())
    if found:
        amount, unit = int(found.group(1)), found.group(2)
        if amount < 1:
            raise UsageError("--expires needs a lifetime of at least 1h")
        return now + (timedelta(days=amount) if unit == "d" else timedelta(hours=amount))
    when = parse_time(text, "--expires")
    if when <= now:
        raise UsageError(f"--expires {text} is not in the future")
    return when


def issue_token(args: argparse.Namespace) -> int:
    app = open_app()
    try:
        expires_at = expiry(args.expires, app.now(), Settings())
        issued = Accounts(app).issue_token(
            args.login, actor=operator(), label=args.label, expires_at=expires_at
        )
    finally:
        app.close()
    print(issued.token)
    print(
        f"token id {issued.token_id}, expires {expires_at.isoformat(timespec='minutes')}"
        f" (revoke with: casetrail tokens revoke {issued.token_id})",
        file=sys.stderr,
    )
    return 0


def revoke_token(args: argparse.Namespace) -> int:
    token_id = parse_id(args.token_id)
    app = open_app()
    try:
        Accounts(app).revoke_token(token_id, args.reason, actor=operator())
    finally:
        app.close()
    print(f"revoked token {token_id}")
    return 0
