"""`bokslut report trial-balance|income-statement|balance-sheet`: the reports on the command line.

    bokslut report KIND [--company ORGNR] [--year YYYY] [--final] [--accounts] [--format json|csv|xlsx|text]
                        [--rounding ore|krona|thousand] [--purchases handelsvaror|ravaror_och_fornodenheter]
                        [--output PATH]

Without --output JSON, CSV and text go to stdout; XLSX is a file and needs --output. Text is the report for a
person to read, in the report's own language (Swedish, as the files are), its notices (a balance sheet that does
not balance, accounts left out, amounts moved by their sign, rounding differences) as lines under it; a file
written with --output is followed by the same notices. --company and --year work as for `bokslut trial-balance`:
the only company and the latest year when left out. Refusals are one line, exit 2.
"""

from __future__ import annotations

import argparse
import sys

from cli.common import company_year, place_for_file, say
from core.errors import BokslutError
from core.reports.bas import PURCHASE_LINES
from core.reports.formats import CSV_STYLES, FORMATS, UNIT_TEXTS, render, write_file
from core.reports.statements import ROUNDINGS, Report, build_report, company_line
from core.text import terminal_safe

EXIT_OK = 0
TEXT = "text"  # the command line's own format: the report for a person, not a file for a program
STATEMENT_OPTIONS = ("accounts", "rounding", "purchases")  # the statements take them, the trial balance does not

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
            sub.add_argument(
                "--rounding", choices=tuple(ROUNDINGS), default="ore",
                help="amounts in öre (default), whole kronor or thousands (tkr); totals still add up",
            )  # fmt: skip
            sub.add_argument(
                "--purchases", choices=PURCHASE_LINES, default=PURCHASE_LINES[0],
                help=f"the income statement line purchases 4000-4899 go to (default: {PURCHASE_LINES[0]})",
            )  # fmt: skip
        sub.add_argument("--format", choices=(*FORMATS, TEXT), default="json", help="default: json")
        sub.add_argument("--output", metavar="PATH", help="write to this file (required for xlsx)")
        sub.add_argument(
            "--csv-style", choices=CSV_STYLES, default="plain",
            help="plain: comma and decimal point, for programs (default); excel-sv: semicolon and decimal comma",
        )  # fmt: skip
        sub.set_defaults(handler=cmd_report)


def cmd_report(args: argparse.Namespace, settings) -> int:

    if args.format == "xlsx" and not args.output:
        raise BokslutError("an XLSX report is a file: give it a path with --output PATH")
    output = place_for_file(args.output, option="--output") if args.output else None
    db, company, fiscal_year = company_year(args, settings)
    statement_options = {name: getattr(args, name) for name in STATEMENT_OPTIONS if hasattr(args, name)}
    report = build_report(db, company, fiscal_year, args.report_kind, final=args.final, **statement_options)
    data = render_text(report).encode("utf-8") if args.format == TEXT else render(report, args.format, args.csv_style)
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
        say("\n".join([f"wrote {output}", *report.notes]))
    return EXIT_OK


def render_text(report: Report) -> str:
    """The report as a person reads it on a terminal: the XLSX sheet's header lines, the rows indented by level
    with the amounts in columns, and the notices last."""
    width = max([len(column.label) for column in report.columns] + [14])
    rows = [
        (
            "  " * row.level + (f"{row.account} {row.heading}".strip() if row.account else row.heading),
            ["" if value is None else report.format(value) for value in row.values],
        )
        for row in report.rows
    ]
    heading_width = max(len(heading) for heading, _values in rows) if rows else 0
    lines = [
        report.title,
        company_line(report),
        f"Räkenskapsår {report.start.isoformat()}–{report.end.isoformat()}, {report.status}",
        report.sign_convention + UNIT_TEXTS[report.rounding],
        "",
        " " * heading_width + "".join(f"  {column.label:>{width}}" for column in report.columns),
        *(f"{heading:<{heading_width}}" + "".join(f"  {value:>{width}}" for value in values) for heading, values in rows),
    ]
    if report.notes:
        lines += ["", *report.notes]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _for_stdout(data: bytes, format: str) -> bytes:
    """Stdout is often a terminal: names from a file must not clear it or write the clipboard (OSC 52). JSON has
    its controls escaped already (json_text), losslessly."""
    return data if format == "json" else terminal_safe(data.decode("utf-8")).encode("utf-8")
