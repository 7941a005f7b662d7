"""Books in and out: `import-sie`, `trial-balance`, `export-sie` and the `demo` company."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.common import EXIT_OK, company_year, file_to_write, print_json, say
from core import ledger
from core.closing.entries import count_not_in_books
from core.config import Settings
from core.importer import import_sie
from core.money import format_amount
from core.store.db import open_store
from core.text import counted

# Its own flag, not --yes: replacing reconciled periods is a graver decision than a file's organisation number.
ALLOW_LOCKED_HELP = (
    "replace the books even where the import changes vouchers in locked periods (refused without it, naming the "
    "periods and the number of vouchers)"
)


def cmd_import_sie(args: argparse.Namespace, settings: Settings) -> int:
    db = open_store(settings.store)
    result = import_sie(
        db,
        Path(args.path),
        company_org=args.company,
        confirm_org_mismatch=args.yes,
        confirm_locked_changes=args.allow_locked,
        limits=settings.sie_limits(),
    )
    if args.json:
        print_json(result.to_json())
    else:
        say(result.summary())
    return EXIT_OK


def cmd_trial_balance(args: argparse.Namespace, settings: Settings) -> int:
    db, company, year = company_year(args, settings)
    balance = ledger.trial_balance(db, company, year, final=args.final)
    if args.json:
        print_json(balance.to_json())
    else:
        say(render_trial_balance(balance))
    return EXIT_OK


def render_trial_balance(balance: ledger.TrialBalance) -> str:
    """A year known only from balances has no vouchers to count: its figures are the file's #IB, #UB and #RES."""
    source = (
        "known only from balances (opening, closing and result balances, no vouchers)"
        if balance.balances_only
        else f"{counted(balance.vouchers, 'voucher', 'vouchers')}, {counted(balance.transactions, 'transaction', 'transactions')}"
    )
    lines = [
        f"{balance.company_name} ({balance.org_number}), {balance.start}..{balance.end}: {source}, "
        + ("final (with closing entries)" if balance.final else "preliminary"),
        f"{'account':<8}{'name':<44}{'opening':>16}{'movement':>16}{'closing':>16}",
    ]
    for row in balance.accounts:
        lines.append(
            f"{row.number:<8}{row.name[:43]:<44}{format_amount(row.opening):>16}"
            f"{format_amount(row.movement):>16}{format_amount(row.closing):>16}"
        )
    lines.extend(f"check {check.status:<8}{check.message}" for check in balance.checks)
    return "\n".join(lines)


def cmd_export_sie(args: argparse.Namespace, settings: Settings) -> int:
    from core.sie.writer import write_sie4e

    path = file_to_write(args.path, overwrite=args.overwrite)  # before any work: a mistyped path costs nothing
    db, company, year = company_year(args, settings)
    header, balances, vouchers = ledger.export_year(db, company, year)
    write_sie4e(path, header, balances, vouchers)  # 0600: the company's books
    print(f"wrote {args.path}")
    if left_out := count_not_in_books(year.id):  # the file's #UB and #RES are preliminary while entries are not in it
        say(f"the file holds the imported books; {counted(left_out, 'closing entry', 'closing entries')} not yet in "
            "them are not included (bokslut closing list shows them; export-closing-sie or export-fortnox sends "
            "those for the bookkeeping)")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """A SIE-file company to look at; the Fortnox company is left for the user to create, connect and import
    (`bokslut --sandbox`, which `make demo` opens next, serves its Fortnox)."""
    from core.demo import SECOND_DEMO, write_demo_sie

    spec = SECOND_DEMO
    db = open_store(settings.store)
    files_dir = settings.data_dir / "demo-files"
    files_dir.mkdir(parents=True, exist_ok=True)
    for year_index in range(-(spec.years - 1), 1):
        path = write_demo_sie(spec, files_dir / f"demo-year{year_index}.se", year_index=year_index)
        result = import_sie(db, path, limits=settings.sie_limits())
        say(result.summary())
    company = ledger.resolve_company(db, spec.org_number)
    say(render_trial_balance(ledger.trial_balance(db, company, ledger.resolve_fiscal_year(db, company, None))))
    say(DEMO_WALK)
    return EXIT_OK


DEMO_WALK = """
The Fortnox walk-through (bokslut --sandbox serves a Fortnox sandbox on 127.0.0.1):
  n            new company: Nordljus Konsult AB, 556123-4567, data source Fortnox
  c            connect (the import settings open after creating it; s opens them later); Ctrl+O approves in
               the sandbox, as a browser on any other machine would; its three years are imported then
  i            on the overview: import from Fortnox again
  t, enter     transactions, drill down; F1 explains every screen, F2 shows the activity log
  e            closing entries: n new, t template, x choose the Fortnox series, check and export"""



def register(commands: argparse._SubParsersAction) -> None:
    sub = commands.add_parser("import-sie", help="import a SIE file (types 1-4)")
    sub.add_argument("path")
    sub.add_argument("--company", help="organisation number of the company to import into")
    sub.add_argument("--yes", action="store_true", help="import even if the file's #ORGNR differs")
    sub.add_argument("--allow-locked", action="store_true", help=ALLOW_LOCKED_HELP)
    sub.add_argument("--json", action="store_true")
    sub.set_defaults(handler=cmd_import_sie)

    sub = commands.add_parser("trial-balance", help="opening, movement and closing per account")
    sub.add_argument("--company")
    sub.add_argument("--year", type=int, help="the calendar year the fiscal year ends in (default: latest)")
    sub.add_argument("--final", action="store_true", help="include the closing entries (default: preliminary)")
    sub.add_argument("--json", action="store_true")
    sub.set_defaults(handler=cmd_trial_balance)

    sub = commands.add_parser("export-sie", help="write a company year as a SIE 4E file (the imported books, "
                              "without closing entries not yet in them)")
    sub.add_argument("--company", help="organisation number (default: the only company)")
    sub.add_argument("--year", type=int, required=True)
    sub.add_argument("path", metavar="PATH", help="the file to write, e.g. bokslut-2025.se (an existing one is refused)")
    sub.add_argument("--overwrite", action="store_true", help="replace PATH if it exists")
    sub.set_defaults(handler=cmd_export_sie)

    sub = commands.add_parser("demo", help="import the generated demo company and print its trial balance")
    sub.set_defaults(handler=cmd_demo)
