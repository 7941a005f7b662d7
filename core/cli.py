"""The `bokslut` command line: a stable interface that scripts and tests rely on.

Exit 0 on success and 2 on bad input, with one line on stderr; `--json` prints one document on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import sys
import tempfile
import threading
import traceback
from collections.abc import AsyncIterator, Sequence
from typing import NoReturn
from pathlib import Path

from core import activity, ledger
from core.config import Settings, load_settings
from core.errors import BokslutError, user_message
from core.importer import import_sie
from core.money import format_amount
from core.store.orgnr import format_org_number
from core.text import printable
from core.store.db import open_store

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_INTERNAL_ERROR = 1


def _say(text: str) -> None:
    """Text output may carry names from SIE files; each line is printed with its control characters defused."""
    print("\n".join(printable(line) for line in text.splitlines()))


def _print_json(document: object) -> None:
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def cmd_import_sie(args: argparse.Namespace, settings: Settings) -> int:
    db = open_store(settings.store)
    result = import_sie(
        db,
        Path(args.path),
        company_org=args.company,
        confirm_org_mismatch=args.yes,
        limits=settings.sie_limits(),
    )
    if args.json:
        _print_json(result.to_json())
    else:
        _say(result.summary())
    return EXIT_OK


def cmd_companies(args: argparse.Namespace, settings: Settings) -> int:
    db = open_store(settings.store)
    companies = ledger.list_companies(db)
    if args.json:
        _print_json([company.to_json() for company in companies])
    elif not companies:
        print("No companies yet. Import one with: bokslut import-sie FILE")
    else:
        for company in companies:
            years = ", ".join(f"{year.start}..{year.end}" for year in company.fiscal_years)
            _say(f"{company.org_number}  {company.name}  ({years})")
    return EXIT_OK


def cmd_company_add(args: argparse.Namespace, settings: Settings) -> int:
    db = open_store(settings.store)
    company = ledger.add_company(db, args.name, args.org_number, args.source)
    if args.json:
        _print_json(company.to_json())
    else:
        _say(f"added {company.name} ({format_org_number(company.org_number)}), data source {company.source}")
    return EXIT_OK


def cmd_company_source(args: argparse.Namespace, settings: Settings) -> int:
    db = open_store(settings.store)
    company = named_company(db, args.company)
    ledger.set_source(db, company, args.source)
    _say(f"{company.name}: data source is now {company.source}")
    return EXIT_OK


def cmd_activity(args: argparse.Namespace, settings: Settings) -> int:
    db = open_store(settings.store)
    company_id = named_company(db, args.company).id if args.company else None
    entries = activity.list_activity(db, company_id=company_id, kind=args.kind, limit=args.limit)
    if args.json:
        _print_json([entry.to_json() for entry in entries])
        return EXIT_OK
    for entry in entries:
        when = entry.started.isoformat(sep=" ") if entry.started else ""
        _say(f"{when}  {entry.kind:<10} {entry.status:<7} {entry.company_name}  {entry.message}")
    return EXIT_OK


def _stdin_lines() -> AsyncIterator[str]:
    """Lines typed or piped while the listener waits, read by a daemon thread: a blocked read must not keep the
    process alive once the browser's redirect has arrived (an executor thread would, until Enter)."""

    async def lines() -> AsyncIterator[str]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[str | None] = asyncio.Queue()

        def read() -> None:
            try:
                for line in sys.stdin:
                    loop.call_soon_threadsafe(queue.put_nowait, line)
                loop.call_soon_threadsafe(queue.put_nowait, None)
            except RuntimeError:  # the loop has closed: connecting finished without this input
                return

        threading.Thread(target=read, name="stdin", daemon=True).start()
        while (line := await queue.get()) is not None:
            yield line

    return lines()


def _open_browser(url: str) -> None:
    """Only where a graphical browser can exist: over SSH webbrowser would start a text browser in this terminal."""
    import webbrowser

    if sys.platform in ("darwin", "win32") or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        webbrowser.open(url)


def cmd_connect(args: argparse.Namespace, settings: Settings) -> int:
    from core.fortnox.connection import connect_company

    db = open_store(settings.store)
    company = named_company(db, args.company)

    def show_url(url: str) -> None:
        print(f"Open this address in a browser, on this or any other machine, and approve in Fortnox:\n\n{url}\n", flush=True)
        if not args.no_browser:
            _open_browser(url)

    def show_listener(state: str) -> None:
        print(state, flush=True)

    result = asyncio.run(
        connect_company(settings, company, pasted=_stdin_lines(), on_url=show_url, on_listening=show_listener)
    )
    _say(
        f"Connected {company.name} to Fortnox: {result.company.name} ({format_org_number(result.company.org_number)}). "
        f"The connection lasts {result.days_left} days and is renewed by every import and export; "
        f"the token is kept in {result.store_kind}."
    )
    if result.warning:
        _say(result.warning)
    return EXIT_OK


def cmd_import_fortnox(args: argparse.Namespace, settings: Settings) -> int:
    from core.fortnox.importer import import_from_fortnox

    db = open_store(settings.store)
    company = named_company(db, args.company)
    step = None if args.json else (lambda text: print(f"{text} ...", file=sys.stderr, flush=True))
    result = asyncio.run(import_from_fortnox(db, settings, company, all_years=args.all_years, on_step=step))
    if args.json:
        _print_json(result.to_json())
    else:
        _say(result.summary())
    return EXIT_OK


def cmd_disconnect(args: argparse.Namespace, settings: Settings) -> int:
    from core.fortnox.connection import disconnect_company

    db = open_store(settings.store)
    company = named_company(db, args.company)
    revoked = asyncio.run(disconnect_company(settings, company))
    _say(f"{company.name} is disconnected from Fortnox" + ("." if revoked else " (Fortnox had already let the token go)."))
    return EXIT_OK


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from core.fortnox.connection import company_status

    db = open_store(settings.store)
    companies = [named_company(db, args.company)] if args.company else ledger.list_companies(db)
    statuses = [company_status(settings, company) for company in companies]
    if args.json:
        _print_json(statuses)
        return EXIT_OK
    for status in statuses:
        days = f", {status['days_left']} days left" if status["days_left"] is not None else ""
        store = f", token in {status['token_store']}" if status["token_store"] else ""
        _say(
            f"{format_org_number(status['org_number'])}  {status['company']}: source {status['source']}, "
            f"Fortnox {status['connection']}{days}{store}, last import {status['last_import'] or 'never'}"
        )
    return EXIT_OK


def cmd_sandbox(args: argparse.Namespace, settings: Settings) -> int:
    from core.fortnox.sandbox.app import SandboxConfig
    from core.fortnox.sandbox.serve import serve_forever

    serve_forever(args.port, SandboxConfig(auto_consent=args.auto_consent, vouchers_per_year=args.vouchers))
    return EXIT_OK


def named_company(db, org_number: str | None):
    """The CLI's way to name a company is --company, so a refusal says so."""
    try:
        return ledger.resolve_company(db, org_number)
    except ledger.SeveralCompanies as error:
        raise ledger.SeveralCompanies(f"{error}. Name one with --company ORGNR.") from None


def company_year(args: argparse.Namespace, settings: Settings):
    """(store, company, fiscal year) from --company and --year: what most commands start with."""
    db = open_store(settings.store)
    company = named_company(db, args.company)
    return db, company, ledger.resolve_fiscal_year(db, company, args.year)


def cmd_trial_balance(args: argparse.Namespace, settings: Settings) -> int:
    db, company, year = company_year(args, settings)
    balance = ledger.trial_balance(db, company, year, final=args.final)
    if args.json:
        _print_json(balance.to_json())
    else:
        _say(render_trial_balance(balance))
    return EXIT_OK


def render_trial_balance(balance: ledger.TrialBalance) -> str:
    lines = [
        f"{balance.company_name} ({balance.org_number}), {balance.start}..{balance.end}: "
        f"{balance.vouchers} vouchers, {balance.transactions} transactions, "
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

    db, company, year = company_year(args, settings)
    header, balances, vouchers = ledger.export_year(db, company, year)
    write_sie4e(Path(args.path), header, balances, vouchers)
    print(f"wrote {args.path}")
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
        _say(result.summary())
    company = ledger.resolve_company(db, spec.org_number)
    _say(render_trial_balance(ledger.trial_balance(db, company, ledger.resolve_fiscal_year(db, company, None))))
    _say(DEMO_WALK)
    return EXIT_OK


DEMO_WALK = """
The Fortnox walk-through (bokslut --sandbox serves a Fortnox sandbox on 127.0.0.1):
  n            new company: Nordljus Konsult AB, 556123-4567, data source Fortnox
  c            connect (the import settings open after creating it; s opens them later); Ctrl+O approves in
               the sandbox, as a browser on any other machine would
  f            import from Fortnox: three years
  t, enter     transactions, drill down; F1 explains every screen, F2 shows the activity log
  e            closing entries: n new, t template, x choose the Fortnox series, check and export"""


def _fail(message: str) -> int:
    print(printable(f"bokslut: {message}"), file=sys.stderr)
    return EXIT_BAD_INPUT


class _Parser(argparse.ArgumentParser):
    """Usage mistakes are bad input too: one line on stderr and exit 2, like every other refusal."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message}. See '{self.prog} --help'.\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="bokslut", description="Year-end closing for Swedish companies.")
    parser.add_argument("--data-dir", help="where the store lives (default: the user's data directory)")
    parser.add_argument("--config", help="settings file (default: config.toml in the user's config directory)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub = commands.add_parser("import-sie", help="import a SIE file (types 1-4)")
    sub.add_argument("path")
    sub.add_argument("--company", help="organisation number of the company to import into")
    sub.add_argument("--yes", action="store_true", help="import even if the file's #ORGNR differs")
    sub.add_argument("--json", action="store_true")
    sub.set_defaults(handler=cmd_import_sie)

    company = commands.add_parser("company", help="add a company or change its data source")
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

    sub = commands.add_parser("activity", help="the activity log: imports, exports, connects, disconnects")
    sub.add_argument("--company")
    sub.add_argument("--kind", choices=activity.KINDS)
    sub.add_argument("--limit", type=int, default=200)
    sub.add_argument("--json", action="store_true")
    sub.set_defaults(handler=cmd_activity)

    sub = commands.add_parser("connect", help="connect a company to Fortnox (consent in a browser, here or elsewhere)")
    sub.add_argument("--company")
    sub.add_argument("--no-browser", action="store_true", help="only print the address; do not try to open a browser")
    sub.set_defaults(handler=cmd_connect)

    sub = commands.add_parser("import-fortnox", help="import vouchers and balances from Fortnox")
    sub.add_argument("--company")
    sub.add_argument("--all-years", action="store_true", help="every financial year, not only the recent ones")
    sub.add_argument("--json", action="store_true")
    sub.set_defaults(handler=cmd_import_fortnox)

    sub = commands.add_parser("disconnect", help="revoke the company's Fortnox connection and forget its token")
    sub.add_argument("--company")
    sub.set_defaults(handler=cmd_disconnect)

    sub = commands.add_parser("status", help="each company's data source, Fortnox connection and last import")
    sub.add_argument("--company")
    sub.add_argument("--json", action="store_true")
    sub.set_defaults(handler=cmd_status)

    sub = commands.add_parser("sandbox", help="serve the built-in Fortnox sandbox on 127.0.0.1")
    sub.add_argument("--port", type=int, default=0, help="default: a free port")
    sub.add_argument("--auto-consent", action="store_true", help="consent at once for the first company (demos, tests)")
    sub.add_argument("--vouchers", type=int, default=600, help="vouchers per financial year (up to 200000)")
    sub.set_defaults(handler=cmd_sandbox)

    sub = commands.add_parser("companies", help="list the companies in the store")
    sub.add_argument("--json", action="store_true")
    sub.set_defaults(handler=cmd_companies)

    sub = commands.add_parser("trial-balance", help="opening, movement and closing per account")
    sub.add_argument("--company")
    sub.add_argument("--year", type=int, help="the calendar year the fiscal year ends in (default: latest)")
    sub.add_argument("--final", action="store_true", help="include the closing entries (default: preliminary)")
    sub.add_argument("--json", action="store_true")
    sub.set_defaults(handler=cmd_trial_balance)

    sub = commands.add_parser("export-sie", help="write a company year as a SIE 4E file")
    sub.add_argument("--company", required=True)
    sub.add_argument("--year", type=int, required=True)
    sub.add_argument("path")
    sub.set_defaults(handler=cmd_export_sie)

    sub = commands.add_parser("demo", help="import the generated demo company and print its trial balance")
    sub.set_defaults(handler=cmd_demo)

    # Imported here, not at the top: these modules use this one's helpers.
    from core import period_commands
    from core.checks import commands as check_commands
    from core.closing import commands as closing_commands
    from core.export import fortnox_commands, sie_commands
    from core.reports import commands as report_commands

    for module in (closing_commands, fortnox_commands, sie_commands, report_commands, period_commands, check_commands):
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    settings = None
    try:
        settings = load_settings(args.data_dir, args.config)
        return args.handler(args, settings)
    except (BokslutError, OSError) as error:
        return _fail(user_message(error))
    except KeyboardInterrupt:
        return 130
    except Exception:  # a bug of ours: the user gets one line, the traceback goes to a file
        log = _write_crash_report(settings)
        print(f"bokslut: internal error; the details are in {log}. Please report it.", file=sys.stderr)
        return EXIT_INTERNAL_ERROR


def _write_crash_report(settings: Settings | None) -> Path:
    directory = settings.data_dir if settings else Path(tempfile.gettempdir())
    directory.mkdir(parents=True, exist_ok=True)
    log = directory / "crash.log"
    with log.open("a", encoding="utf-8") as handle:
        handle.write(f"--- {datetime.datetime.now().isoformat(timespec='seconds')}\n{traceback.format_exc()}\n")
    return log


if __name__ == "__main__":
    sys.exit(main())
