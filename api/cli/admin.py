"""``casetrail admin``: the directory from the command line, as the admin pages do it.

    casetrail admin import directory city.xlsx        # every sheet, named after its kind
    casetrail admin import enterprises 企业.csv
    casetrail admin add units code=AMR name=市场监督管理局
    casetrail admin edit enterprises credit_code=91350100M000100Y43 ownership=state
    casetrail admin deactivate windows AMR-W1 --reason "窗口合并"
    casetrail admin list staff --search 李

Refusals (a bad value, an unknown reference, an entry that exists already) exit 2 with the
reason; an import records its valid rows, lists the refused ones and exits 2 if any.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from api.cli.common import UsageError, open_app
from api.cli.users import operator
from domain.directory_rows import FIELDS, KINDS
from domain.errors import DomainError
from domain.services.administration import Put
from infra.container import build_container
from infra.directory_import import ALL, MAX_BYTES, import_directory
from infra.directory_list import TABLES, list_entries, list_users
from infra.settings import Settings

ENTRY_KINDS = tuple(TABLES)


def register(subparsers: Any) -> None:
    admin = subparsers.add_parser(
        "admin", help="the directory: units, windows, staff, enterprises, leaders, links"
    )
    actions = admin.add_subparsers(title="actions", metavar="ACTION", required=True)

    imports = actions.add_parser(
        "import",
        help="import entries from a CSV or XLSX file, with a report of refused rows",
        description="Valid rows are recorded; refused rows change nothing and are listed with"
        " their row number, field and reason. Importing the same file again records nothing"
        f" new. Kind '{ALL}' reads every sheet of a workbook, each named after its kind.",
    )
    imports.add_argument("kind", choices=(ALL, *KINDS))
    imports.add_argument("file", type=Path)
    imports.set_defaults(handler=import_file)

    for name, mode, text in (
        ("add", "create", "register an entry"),
        ("edit", "update", "amend an entry (name its key field and the fields to change)"),
    ):
        action = actions.add_parser(
            name,
            help=text,
            description="Fields as name=value; per kind: "
            + "; ".join(f"{k}: {', '.join(f)}" for k, f in FIELDS.items()),
        )
        action.add_argument("kind", choices=KINDS)
        action.add_argument("fields", nargs="+", metavar="FIELD=VALUE")
        action.set_defaults(handler=put_entry, mode=mode)

    for name, active in (("deactivate", False), ("reactivate", True)):
        action = actions.add_parser(name, help=f"{name} an entry (it keeps its history)")
        action.add_argument("kind", choices=ENTRY_KINDS)
        action.add_argument("key", help="its code, login or credit code")
        action.add_argument("--reason", required=True)
        action.set_defaults(handler=set_active, active=active)

    listing = actions.add_parser("list", help="list entries or users, a page at a time")
    listing.add_argument("kind", choices=(*KINDS, "users"))
    listing.add_argument("--search", default="", help="text in a code or a name")
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--cursor", help="the cursor printed under the previous page")
    listing.set_defaults(handler=list_kind)


def _fields(pairs: list[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for pair in pairs:
        name, sign, value = pair.partition("=")
        if not sign or not name.strip():
            raise UsageError(f"{pair!r} is not FIELD=VALUE")
        fields[name.strip()] = value
    return fields


def put_entry(args: argparse.Namespace) -> int:
    fields = _fields(args.fields)
    unknown = sorted(set(fields) - set(FIELDS[args.kind]))
    if unknown:
        raise UsageError(
            f"{args.kind} have no field {unknown[0]!r} (fields: {', '.join(FIELDS[args.kind])})"
        )
    app = open_app()
    try:
        put = app.put_entry(args.kind, fields, actor=operator(), mode=args.mode)
    except DomainError as error:
        raise UsageError(_refusal(error)) from None
    finally:
        app.close()
    _print_put(put)
    return 0


def set_active(args: argparse.Namespace) -> int:
    app = open_app()
    try:
        put = app.set_entry_active(args.kind, args.key, args.active, args.reason, actor=operator())
    except DomainError as error:
        raise UsageError(_refusal(error)) from None
    finally:
        app.close()
    _print_put(put)
    return 0


def import_file(args: argparse.Namespace) -> int:
    path: Path = args.file
    if not path.is_file():
        raise UsageError(f"{path} is not a file")
    if path.stat().st_size > MAX_BYTES:
        raise UsageError(f"{path} is larger than {MAX_BYTES // 1024 // 1024} MB")
    app = open_app()
    try:
        report = import_directory(app, args.kind, path.name, path.read_bytes(), actor=operator())
    except DomainError as error:
        raise UsageError(_refusal(error)) from None
    finally:
        app.close()
    print(
        f"{path.name}: {report.created} created, {report.updated} updated,"
        f" {report.unchanged} unchanged, {len(report.refused)} refused"
    )
    for refusal in report.refused:
        where = f"{refusal.kind} row {refusal.row}"
        field = f", {refusal.field}" if refusal.field else ""
        print(f"  {where}{field}: {refusal.message}")
    return 2 if report.refused else 0


def list_kind(args: argparse.Namespace) -> int:
    if not 1 <= args.limit <= 200:
        raise UsageError("--limit must be between 1 and 200")
    container = build_container(Settings())
    try:
        if args.kind == "users":
            page = list_users(
                container.app, search=args.search, cursor=args.cursor, limit=args.limit
            )
            columns: tuple[str, ...] = ("login", "role", "acts_as", "disabled")
        else:
            page = list_entries(
                container.read, args.kind, search=args.search, cursor=args.cursor,
                limit=args.limit,
            )  # fmt: skip
            columns = _columns(args.kind)
    except DomainError as error:
        raise UsageError(_refusal(error)) from None
    finally:
        container.close()
    print("\t".join(columns))
    for row in page.rows:
        print("\t".join("" if row.get(c) is None else str(row.get(c)) for c in columns))
    if page.next:
        print(f"more: --cursor {page.next}")
    return 0


def _columns(kind: str) -> tuple[str, ...]:
    if kind == "links":
        return ("enterprise_id", "leader_id", "changed_at")
    if kind == "stationed":
        return ("enterprise_id", "login", "changed_at")
    named = {"unit": "unit_id", "window": "window_id"}
    return (*(named.get(f, f) for f in FIELDS[kind]), "active")


def _refusal(error: DomainError) -> str:
    field = error.params.get("field")
    return f"{field}: {error}" if field else str(error)


def _print_put(put: Put) -> None:
    print(f"{put.kind} {put.key}: {put.outcome}")
