"""``casetrail users add`` and ``casetrail tokens issue|revoke``: who may use the API.

A user signs in with a password (``--password-stdin``) or a bearer token printed by ``tokens
issue``; only digests are stored, so a lost token is revoked and a new one issued.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from api.cli.common import UsageError, open_app, parse_id
from domain.actors import Actor, Role
from domain.identity import USER_ROLES
from infra.identity import Accounts

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

    tokens = subparsers.add_parser("tokens", help="issue and revoke API bearer tokens")
    token_actions = tokens.add_subparsers(title="actions", metavar="ACTION", required=True)
    issue = token_actions.add_parser("issue", help="print a new bearer token for a user")
    issue.add_argument("login")
    issue.add_argument("--label", default="cli", help="what the token is for")
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


def issue_token(args: argparse.Namespace) -> int:
    app = open_app()
    try:
        issued = Accounts(app).issue_token(args.login, actor=operator(), label=args.label)
    finally:
        app.close()
    print(issued.token)
    print(
        f"token id {issued.token_id} (revoke with: casetrail tokens revoke {issued.token_id})",
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
