"""`bokslut export-fortnox` and `bokslut fortnox-series`: closing entries to Fortnox from the command line."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING

from cli.common import EXIT_BAD_INPUT, EXIT_OK, print_json, say, company_year
from core.config import Settings
from core.errors import BokslutError
from core.text import printable

if TYPE_CHECKING:  # the export itself loads only when a command runs, keeping every other command quick
    from core.export.fortnox import Preflight


def register(commands: argparse._SubParsersAction) -> None:
    sub = commands.add_parser(
        "export-fortnox", help="send the year's closing entries not yet exported to Fortnox, each exactly once"
    )
    sub.add_argument("--company", help="organisation number (default: the only company)")
    sub.add_argument("--year", type=int, required=True, help="the calendar year the fiscal year ends in")
    sub.add_argument("--series", required=True, help="a manual Fortnox voucher series, e.g. I (see fortnox-series)")
    sub.add_argument("--yes", action="store_true", help="send without asking once the preflight is clean")
    sub.add_argument("--json", action="store_true")
    sub.set_defaults(handler=cmd_export_fortnox)

    sub = commands.add_parser(
        "fortnox-series", help="the year's Fortnox voucher series; closing entries need a manual one"
    )
    sub.add_argument("--company", help="organisation number (default: the only company)")
    sub.add_argument("--year", type=int, required=True, help="the calendar year the fiscal year ends in")
    sub.add_argument("--json", action="store_true")
    sub.set_defaults(handler=cmd_fortnox_series)


def cmd_fortnox_series(args: argparse.Namespace, settings: Settings) -> int:
    from core.export.fortnox import voucher_series

    db, company, year = company_year(args, settings)
    choices = asyncio.run(voucher_series(db, settings, company, year))
    if args.json:
        print_json([choice.to_json() for choice in choices])
        return EXIT_OK
    for choice in choices:
        kind = "manual" if choice.manual else "not manual (Fortnox's modules fill it; cannot be chosen)"
        say(f"{choice.code:<4}{choice.description:<28}{kind}{'  (preselected)' if choice.preselected else ''}")
    return EXIT_OK


def cmd_export_fortnox(args: argparse.Namespace, settings: Settings) -> int:
    from core.export.fortnox import ExportStopped, PreflightNotClean, export_to_fortnox

    db, company, year = company_year(args, settings)
    confirm = _warn_and_go if args.yes else _ask if sys.stdin.isatty() else _refuse_unasked
    progress = None if args.json else (lambda result: say(f"entry {result.entry_id}: {result.message}"))
    try:
        report = asyncio.run(
            export_to_fortnox(
                db, settings, company, year, args.series, confirm_clean_preflight=confirm, on_entry=progress
            )
        )
    except PreflightNotClean as refusal:
        if args.json:
            print_json(refusal.preflight.to_json())
        print(printable(f"bokslut: {refusal}"), file=sys.stderr)
        for line in refusal.preflight.problem_lines():
            print(printable(line), file=sys.stderr)
        return EXIT_BAD_INPUT
    except ExportStopped as stopped:
        if args.json:
            print_json(stopped.report.to_json())
        raise
    if args.json:
        print_json(report.to_json())
    else:
        say(report.summary())
    counts = report.counts
    if counts["failed"] or counts["unsent"]:
        print(
            printable(
                f"bokslut: {counts['failed']} entries failed and {counts['unsent']} were not sent; "
                "see each entry's reason above, fix them and export again"
            ),
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    return EXIT_OK


def _warn(check: Preflight) -> None:
    """What only Fortnox can decide (a locked period), on stderr so --json stays one document."""
    for line in check.warning_lines():
        print(printable(f"bokslut: warning: {line}."), file=sys.stderr)


def _warn_and_go(check: Preflight) -> bool:
    """--yes: the warnings are said, and the export goes ahead; Fortnox's answer is recorded per entry."""
    _warn(check)
    return True


def _ask(check: Preflight) -> bool:
    """Shows what will be sent, then asks: nothing goes to Fortnox before the user says yes."""
    say(
        f"The preflight is clean. {len(check.entries)} closing entries will be sent to Fortnox series {check.series} "
        f"(financial year {check.year_start}..{check.year_end}):"
    )
    for item in check.to_json()["entries"]:
        say(f"  {item['id']:>5}  {item['date']}  {item['amount']:>14}  {item['text']}")
    _warn(check)
    try:
        answer = input("Send them to Fortnox? [y/N] ")
    except EOFError:  # the terminal closed: no answer is no
        return False
    return answer.strip().lower() in ("y", "yes", "j", "ja")


def _refuse_unasked(check: Preflight) -> bool:
    _warn(check)
    raise BokslutError(
        f"export-fortnox would send {len(check.entries)} closing entries to Fortnox series {check.series} but cannot "
        "ask for confirmation here (no terminal); add --yes to send them"
    )
