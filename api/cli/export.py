"""``casetrail export ID --out FILE``: a dossier an inspector can verify offline.

The dossier holds the record's stored events, byte for byte, with the stretches of the log
chain that tie them to checkpoints. ``python infra/integrity/standalone.py FILE`` checks it with
nothing but the Python standard library (docs/integrity.md).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from api.cli.common import UsageError, open_app, parse_id
from domain.services.base import ServiceBase
from infra.integrity.checkpoints import claim_reader
from infra.integrity.dossier import build_dossier
from infra.integrity.tables import NoChainError, chain_of
from infra.integrity.verify_record import verify_record

CHECKER = "infra/integrity/standalone.py"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write a record's tamper-evident dossier for offline checking",
        description="Write the JSON dossier of one record: its stored events and the log chain"
        f" that ties them to checkpoints. Check it anywhere with `python {CHECKER} FILE`.",
    )
    parser.add_argument("id", metavar="ID", help="the record's id")
    parser.add_argument("--out", required=True, type=Path, metavar="FILE", help="where to write")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    record = str(parse_id(args.id))
    app = open_app()
    try:
        return export(app, record, args.out)
    finally:
        app.close()


def export(app: ServiceBase, record: str, out: Path) -> int:
    try:
        chain = chain_of(app.recorder)
    except NoChainError as error:
        raise UsageError(str(error)) from None
    claim = claim_reader(app.mapper)
    report = verify_record(chain, claim, record)
    if report.first_break is not None:
        print(f"not exported: {report.summary()}")
        return 1
    dossier = build_dossier(chain, claim, record, app.now())
    out.write_text(json.dumps(dossier, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    entries = sum(len(segment["entries"]) for segment in dossier["log"])
    print(
        f"wrote {out}: {len(dossier['events'])} events, {len(dossier['checkpoints'])}"
        f" checkpoints, {entries} log chain entries; check it with `python {CHECKER} {out}`"
    )
    return 0
