"""`bokslut report trial-balance|income-statement|balance-sheet`: the reports on the command line.

    bokslut report KIND [--company ORGNR] [--year YYYY] [--final] [--accounts] [--format json|csv|xlsx] [--output PATH]

Without --output JSON and CSV go to stdout; XLSX is a file and needs --output. --company and --year work as for
`bokslut trial-balance`: the only company and the latest year when left out. Refusals are one line, exit 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.common import company_year
from core.errors import BokslutError
from core.reports.formats import FORMATS, render, write_file
from core.reports.statements import build_report
from core.text import json_safe, terminal_safe

EXIT_OK = 0

HELP = {
    "trial-balance": "saldobalans: every account's opening, movement and closing, and last year's closing",
    "income-statement": "resultaträkning grouped the BAS way, with the previous year beside it",
    "balance-sheet": "balansräkning grouped the BAS way, with the previous year beside it",
}


def register(commands: argparse._SubParsersAction) -> None:
    """Adds `report` and its three kinds to the CLI's subcommands."""
    report = commands.add_parser("report", help="trial balance, income statement or balance sheet as JSON, CSV or XLSX")
    kinds = report.add_subparsers(dest="report_kind", metavar="REPORT", required=True)
    for kind, help_text in HELP.items():
        sub = kinds.add_parser(kind, help=help_text)
        sub.add_argument("--company", help="organisation number (default: the only company in the store)")
        sub.add_argument("--year", type=int, help="the calendar year the fiscal year ends in (default: latest)")
        sub.add_argument("--final", action="store_true", help="include the closing entries (default: preliminary)")
        if kind != "trial-balance":
            sub.add_argument("--accounts", action="store_true", help="list the accounts under each line")
        sub.add_argument("--format", choices=FORMATS, default="json", help="default: json")
        sub.add_argument("--output", metavar="PATH", help="write to this file (required for xlsx)")
        sub.set_defaults(handler=cmd_report)


def cmd_report(args: argparse.Namespace, settings) -> int:

    if args.format == "xlsx" and not args.output:
        raise BokslutError("an XLSX report is a file: give it a path with --output PATH")
    output = Path(args.output) if args.output else None
    if output is not None and output.is_dir():
        raise BokslutError(f"{output} is a directory; give --output a file name")
    if output is not None and not output.parent.is_dir():
        raise BokslutError(f"{output.parent} does not exist; create it or give --output another path")
    db, company, fiscal_year = company_year(args, settings)
    report = build_report(
        db, company, fiscal_year, args.report_kind, final=args.final, accounts=getattr(args, "accounts", False)
    )
    data = render(report, args.format)
    if output is None:
        data = _for_stdout(data, args.format)
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)  # the bytes as rendered: UTF-8 whatever the locale says
        if buffer is not None:
            buffer.write(data)
            buffer.flush()
        else:
            sys.stdout.write(data.decode("utf-8"))
    else:
        write_file(output, data)
        print(f"wrote {output}")
    return EXIT_OK


def _for_stdout(data: bytes, format: str) -> bytes:
    """Stdout is often a terminal: names from a file must not clear it or write the clipboard (OSC 52)."""
    text = data.decode("utf-8")
    return (json_safe(text) if format == "json" else terminal_safe(text)).encode("utf-8")
