"""Companies and their activity: `companies`, `company add|source|rename|remove`, `year remove`, `activity`."""

from __future__ import annotations

import argparse

from cli.common import EXIT_BAD_INPUT, EXIT_OK, named_company, print_json, say
from core import activity, ledger
from core.config import Settings
from core.store.db import open_store
from core.store.orgnr import format_org_number
from core.text import counted


def cmd_companies(args: argparse.Namespace, settings: Settings) -> int:
    db = open_store(settings.store)
    companies = ledger.list_companies(db)
    if args.json:
        print_json([company.to_json() for company in companies])
    elif not companies:
        print("No companies yet. Import one with: bokslut import-sie FILE")
    else:
        for company in companies:
            years = ", ".join(f"{year.start}..{year.end}" for year in company.fiscal_years)
            say(f"{company.org_number}  {company.name}  ({years})")
    return EXIT_OK


def cmd_company_add(args: argparse.Namespace, settings: Settings) -> int:
    db = open_store(settings.store)
    company = ledger.add_company(db, args.name, args.org_number, args.source)
    if args.json:
        print_json(company.to_json())
    else:
        say(f"added {company.name} ({format_org_number(company.org_number)}), data source {company.source}")
    return EXIT_OK


def cmd_company_source(args: argparse.Namespace, settings: Settings) -> int:
    db = open_store(settings.store)
    company = named_company(db, args.company)
    ledger.set_source(db, company, args.source)
    say(f"{company.name}: data source is now {company.source}")
    return EXIT_OK


def cmd_company_rename(args: argparse.Namespace, settings: Settings) -> int:
    db = open_store(settings.store)
    company = named_company(db, args.company)
    before = company.name
    ledger.rename_company(db, company, args.name)
    if args.json:
        print_json(company.to_json())
    else:
        say(f"{before} is now called {company.name}")
    return EXIT_OK


def _removed(args: argparse.Namespace, what: str, gone: ledger.Removal, done: bool) -> int:
    """What goes is said before --yes removes it, and again after; without --yes nothing changes (exit 2)."""
    if args.json:
        print_json({**gone.to_json(), "removed": done})
    else:
        years = ", ".join(f"{start}..{end}" for start, end in gone.years) or "no fiscal years"
        say(f"{what}: {years}; {counted(gone.vouchers, 'voucher', 'vouchers')}, "
            f"{counted(gone.closing_entries, 'closing entry', 'closing entries')}")
        say("removed; the activity log keeps its entries" if done else "nothing removed: add --yes to remove it")
    return EXIT_OK if done else EXIT_BAD_INPUT


def cmd_company_remove(args: argparse.Namespace, settings: Settings) -> int:
    db = open_store(settings.store)
    company = named_company(db, args.company)
    what = f"{company.name} ({format_org_number(company.org_number or '')})"
    gone = ledger.remove_company(db, company, settings) if args.yes else ledger.removal(db, company)
    return _removed(args, what, gone, args.yes)


def cmd_year_remove(args: argparse.Namespace, settings: Settings) -> int:
    db = open_store(settings.store)
    company = named_company(db, args.company)
    year = ledger.resolve_fiscal_year(db, company, args.year)
    what = f"{company.name}, fiscal year {year.start}..{year.end}"
    gone = ledger.remove_fiscal_year(db, company, year) if args.yes else ledger.removal(db, company, year)
    return _removed(args, what, gone, args.yes)


def cmd_activity(args: argparse.Namespace, settings: Settings) -> int:
    db = open_store(settings.store)
    company_id = named_company(db, args.company).id if args.company else None
    entries = activity.list_activity(db, company_id=company_id, kind=args.kind, limit=args.limit)
    if args.json:
        print_json([entry.to_json() for entry in entries])
        return EXIT_OK
    for entry in entries:
        when = entry.started.isoformat(sep=" ") if entry.started else ""
        say(f"{when}  {entry.kind:<10} {entry.status:<7} {entry.company_name}  {entry.message}")
    return EXIT_OK



def register(commands: argparse._SubParsersAction) -> None:
    sub = commands.add_parser("companies", help="list the companies in the store")
    sub.add_argument("--json", action="store_true")
    sub.set_defaults(handler=cmd_companies)

    company = commands.add_parser("company", help="add, rename or remove a company, or change its data source")
    company_commands = company.add_subparsers(dest="company_command", metavar="ACTION", required=True)
    sub = company_commands.add_parser("add", help="add a company by organisation number and name")
    sub.add_argument("--org-number", required=True)
    sub.add_argument("--name", required=True)
    sub.add_argument("--source", choices=ledger.SOURCES, default="sie-file", help="where its books come from")
    sub.add_argument("--json", action="store_true")
    sub.set_defaults(handler=cmd_company_add)
    sub = company_commands.add_parser("source", help="switch the company's data source")
    sub.add_argument("source", choices=ledger.SOURCES)
    sub.add_argument("--company")
    sub.set_defaults(handler=cmd_company_source)
    sub = company_commands.add_parser("rename", help="give the company another name (its organisation number stays)")
    sub.add_argument("name")
    sub.add_argument("--company")
    sub.add_argument("--json", action="store_true")
    sub.set_defaults(handler=cmd_company_rename)
    sub = company_commands.add_parser("remove", help="remove the company and its books (the activity log stays)")
    sub.add_argument("--company")
    sub.add_argument("--yes", action="store_true", help="remove it; without, only say what would go")
    sub.add_argument("--json", action="store_true")
    sub.set_defaults(handler=cmd_company_remove)

    year = commands.add_parser("year", help="remove a fiscal year")
    year_commands = year.add_subparsers(dest="year_command", metavar="ACTION", required=True)
    sub = year_commands.add_parser("remove", help="remove one fiscal year and what hangs on it (the activity log stays)")
    sub.add_argument("year", type=int, help="the calendar year the fiscal year ends in")
    sub.add_argument("--company")
    sub.add_argument("--yes", action="store_true", help="remove it; without, only say what would go")
    sub.add_argument("--json", action="store_true")
    sub.set_defaults(handler=cmd_year_remove)

    sub = commands.add_parser("activity", help="the activity log: imports, exports, connects, disconnects")
    sub.add_argument("--company")
    sub.add_argument("--kind", choices=activity.KINDS)
    sub.add_argument("--limit", type=int, default=200)
    sub.add_argument("--json", action="store_true")
    sub.set_defaults(handler=cmd_activity)
