"""``casetrail verify``: recompute the hash chains and report the first break, if any.

Without an id it walks the whole log; with one it checks that record's chain and its links
into the log. Exit 0 when intact, 1 at a break (or a hash that differs from ``--expect``).
"""

from __future__ import annotations

import argparse

from api.cli.common import UsageError, open_app, parse_id
from domain.services.base import ServiceBase
from infra.integrity.checkpoints import claim_reader, record_checkpoint
from infra.integrity.tables import ChainTables, NoChainError, chain_of
from infra.integrity.verify_log import verify_log
from infra.integrity.verify_record import verify_record


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="check that no stored event was altered, removed, reordered or inserted",
        description="Recompute every hash chain from the stored rows (or one record's, with"
        " ID) and name the first break: record, version, position and kind.",
    )
    parser.add_argument("id", metavar="ID", nargs="?", help="check only this record")
    parser.add_argument(
        "--checkpoint",
        action="store_true",
        help="when intact, record a checkpoint at the end of the log and print its hash",
    )
    parser.add_argument(
        "--expect",
        action="append",
        default=[],
        metavar="POSITION:HASH",
        help="a log hash kept outside the database (from a checkpoint or an earlier run)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    expected = [_expectation(value) for value in args.expect]
    record = str(parse_id(args.id)) if args.id else None
    app = open_app()
    try:
        return verify(app, record, expected, checkpoint=args.checkpoint)
    finally:
        app.close()


def verify(
    app: ServiceBase, record: str | None, expected: list[tuple[int, str]], *, checkpoint: bool
) -> int:
    try:
        chain = chain_of(app.recorder)
    except NoChainError as error:
        raise UsageError(str(error)) from None
    claim = claim_reader(app.mapper)
    if record is None:
        report = verify_log(chain, claim)
        intact, summary = report.first_break is None, report.summary()
    else:
        single = verify_record(chain, claim, record)
        intact, summary = single.first_break is None, single.summary()
    print(summary)
    if not intact or not _as_expected(chain, expected):
        return 1
    if checkpoint:
        recorded = record_checkpoint(app, "on demand")
        if recorded is None:
            print("the end of the log is checkpointed already")
        else:
            print(
                f"checkpoint recorded: log hash at position {recorded.position} is"
                f" {recorded.global_hash} (keep a copy outside the database)"
            )
    return 0


def _as_expected(chain: ChainTables, expected: list[tuple[int, str]]) -> bool:
    for position, digest in expected:
        row = chain.chain_row_at(position)
        if row is None:
            print(f"BROKEN: removed: position {position} is no longer in the log chain")
            return False
        if row.global_hash.hex() != digest:
            print(
                f"BROKEN: checkpoint: the log hash at position {position} is"
                f" {row.global_hash.hex()}, not the expected {digest}: history up to that"
                " position was rewritten"
            )
            return False
    return True


def _expectation(value: str) -> tuple[int, str]:
    position, _, digest = value.partition(":")
    if not position.isdigit() or len(digest) != 64:
        raise UsageError(f"--expect takes POSITION:HASH (64 hex digits), not {value!r}")
    return int(position), digest.lower()
