"""``casetrail erase-subject`` and ``casetrail identity``: personal data at the command line."""

from __future__ import annotations

import argparse

from api.cli.common import UsageError, open_app, parse_id
from domain.actors import Actor, Role


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    erase = subparsers.add_parser(
        "erase-subject",
        help="erase a data subject's personal data (destroys their key; history stays)",
        description="Destroy the key that seals a data subject's personal data (PIPL erasure at"
        " the end of retention or on request). Every copy becomes unreadable, the history and"
        " its integrity chain stay intact, and an erasure event tells stream consumers to drop"
        " their copies. A case's subject id is shown by `casetrail replay CASE` (filer_subject).",
    )
    erase.add_argument("subject", metavar="SUBJECT", help="the data subject's id")
    erase.add_argument("--reason", required=True, help="why (retention ended, request, …)")
    erase.set_defaults(handler=run_erase)

    identity = subparsers.add_parser(
        "identity",
        help="show a case filer's name and contact to a reader with a need (the read is kept)",
        description="Open a case's filer identity (name, contact, enterprise) as a staff member."
        " A confidential identity (举报, or asked for) opens only for inspectors and supervisors;"
        " every read is recorded with its purpose (`casetrail identity-reads SUBJECT`).",
    )
    identity.add_argument("case", metavar="CASE", help="the case id")
    identity.add_argument("--as", dest="login", required=True, help="the reader's staff login")
    identity.add_argument("--purpose", required=True, help="why the identity is needed")
    identity.set_defaults(handler=run_identity)

    reads = subparsers.add_parser(
        "identity-reads",
        help="list every recorded read of a data subject's identity (who, when, why)",
        description="List the recorded reads of a data subject's identity, oldest first: the"
        " reader, their role, the time, the purpose and the case. A case's subject id is its"
        " filer_subject (`casetrail replay CASE`).",
    )
    reads.add_argument("subject", metavar="SUBJECT", help="the data subject's id")
    reads.set_defaults(handler=run_reads)


def run_erase(args: argparse.Namespace) -> int:
    subject = parse_id(args.subject)
    if not args.reason.strip():
        raise UsageError("--reason must say why the data is erased")
    app = open_app()
    try:
        saved = app.erase_subject(subject, args.reason, actor=Actor("admin", Role.ADMIN))
    finally:
        app.close()
    print(f"erased data subject {saved.id}: its key is destroyed; the history is unchanged")
    return 0


def run_identity(args: argparse.Namespace) -> int:
    case_id = parse_id(args.case)
    app = open_app()
    try:
        identity = app.filer_identity(case_id, args.purpose, actor=app.staff_actor(args.login))
        enterprise = app.enterprise(identity.enterprise_id) if identity.enterprise_id else None
    finally:
        app.close()
    print(f"name: {identity.name or '-'}\ncontact: {identity.contact or '-'}")
    if enterprise is not None:
        print(f"enterprise: {enterprise.name} ({enterprise.credit_code})")
    return 0


def run_reads(args: argparse.Namespace) -> int:
    subject = parse_id(args.subject)
    app = open_app()
    try:
        found = app.identity_reads(subject)
    finally:
        app.close()
    for read in found:
        when = read.at.isoformat(timespec="seconds")
        print(f"{when}  {read.reader}  {read.role}  case {read.case_id}  {read.purpose}")
    if not found:
        print(f"no recorded reads of data subject {subject}")
    return 0
