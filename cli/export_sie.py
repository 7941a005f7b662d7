"""`bokslut export-closing-sie`: the closing entries of a year as a SIE 4I file for the bookkeeping program."""

from __future__ import annotations

import argparse

from cli.common import EXIT_OK, company_year, place_for_file, print_json, say
from core.config import Settings
from core.export.sie import export_closing_sie


def register(commands: argparse._SubParsersAction) -> None:
    sub = commands.add_parser(
        "export-closing-sie", help="write the year's closing entries not yet exported as a SIE 4I file"
    )
    sub.add_argument("--company", metavar="ORGNR", help="organisation number (default: the only company)")
    sub.add_argument("--year", type=int, required=True, metavar="YYYY", help="the calendar year the fiscal year ends in")
    sub.add_argument("path", metavar="PATH", help="the new file, e.g. bokslut-2025.si (never overwritten)")
    sub.add_argument("--json", action="store_true", help="print the outcome as JSON")
    sub.set_defaults(handler=cmd_export_closing_sie)


def cmd_export_closing_sie(args: argparse.Namespace, settings: Settings) -> int:
    path = place_for_file(args.path)  # an existing file is refused by export_closing_sie, under the year's lock
    db, company, year = company_year(args, settings)
    report = export_closing_sie(db, company, year, path)
    if args.json:
        print_json(report.to_json())
    else:
        say(report.summary())
    return EXIT_OK
