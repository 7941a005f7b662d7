"""Fortnox as a data source: `connect`, `import-fortnox`, `disconnect`, `status`, and the `sandbox` stand-in."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import threading
from collections.abc import AsyncIterator

from cli.books import ALLOW_LOCKED_HELP
from cli.common import EXIT_OK, named_company, print_json, say
from core import ledger
from core.config import Settings
from core.store.db import open_store
from core.store.orgnr import format_org_number


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
        connect_company(
            settings,
            company,
            pasted=_stdin_lines(),
            on_url=show_url,
            on_listening=show_listener,
            service_account=args.service_account,
            tenant_id=args.tenant_id,
        )
    )
    lasts = (
        "As a service account it lasts until an administrator revokes the consent in Fortnox"
        if result.service_account
        else f"The connection lasts {result.days_left} days and is renewed by every import and export"
    )
    say(
        f"Connected {company.name} to Fortnox: {result.company.name} ({format_org_number(result.company.org_number)}). "
        f"{lasts}; the token is kept in {result.store_kind}."
    )
    if result.warning:
        say(result.warning)
    return EXIT_OK


def cmd_import_fortnox(args: argparse.Namespace, settings: Settings) -> int:
    from core.fortnox.importer import import_from_fortnox

    db = open_store(settings.store)
    company = named_company(db, args.company)
    step = None if args.json else (lambda text: print(f"{text} ...", file=sys.stderr, flush=True))
    result = asyncio.run(
        import_from_fortnox(
            db, settings, company, all_years=args.all_years, confirm_locked_changes=args.allow_locked, on_step=step
        )
    )
    if args.json:
        print_json(result.to_json())
    else:
        say(result.summary())
    return EXIT_OK


def cmd_disconnect(args: argparse.Namespace, settings: Settings) -> int:
    from core.fortnox.connection import company_status, disconnect_company

    db = open_store(settings.store)
    company = named_company(db, args.company)
    service = company_status(settings, company)["account"] == "service"
    revoked = asyncio.run(disconnect_company(settings, company))
    if service:
        say(
            f"{company.name} is disconnected from Fortnox here; the service account's consent stays in Fortnox "
            "until an administrator revokes it."
        )
    else:
        say(f"{company.name} is disconnected from Fortnox" + ("." if revoked else " (Fortnox had already let the token go)."))
    return EXIT_OK


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from core.fortnox.connection import company_status

    db = open_store(settings.store)
    companies = [named_company(db, args.company)] if args.company else ledger.list_companies(db)
    statuses = [company_status(settings, company) for company in companies]
    if args.json:
        print_json(statuses)
        return EXIT_OK
    for status in statuses:
        days = f", {status['days_left']} days left" if status["days_left"] is not None else ""
        account = {"service": " (service account)", "user": " (user login)"}.get(status["account"] or "", "")
        store = f", token in {status['token_store']}" if status["token_store"] else ""
        say(
            f"{format_org_number(status['org_number'])}  {status['company']}: source {status['source']}, "
            f"Fortnox {status['connection']}{account}{days}{store}, last import {status['last_import'] or 'never'}"
        )
    return EXIT_OK


def cmd_sandbox(args: argparse.Namespace, settings: Settings) -> int:
    from fortnox_sandbox.app import SandboxConfig
    from fortnox_sandbox.serve import serve_forever

    config = SandboxConfig(
        auto_consent=args.auto_consent,
        vouchers_per_year=args.vouchers,
        auto_lock_months=args.auto_lock_months,
        lean_voucher_lists=args.lean_voucher_lists,
    )
    serve_forever(args.port, config)
    return EXIT_OK



def register(commands: argparse._SubParsersAction) -> None:
    sub = commands.add_parser("connect", help="connect a company to Fortnox (consent in a browser, here or elsewhere)")
    sub.add_argument("--company")
    sub.add_argument("--no-browser", action="store_true", help="only print the address; do not try to open a browser")
    sub.add_argument(
        "--service-account", action="store_true",
        help="connect as Fortnox service account (an administrator consents once; no expiry until revoked)",
    )
    sub.add_argument(
        "--tenant-id", type=int, metavar="ID",
        help="the company's Fortnox tenant id (DatabaseNumber) when its service-account consent is already given: "
        "no browser needed",
    )
    sub.set_defaults(handler=cmd_connect)

    sub = commands.add_parser("import-fortnox", help="import vouchers and balances from Fortnox")
    sub.add_argument("--company")
    sub.add_argument("--all-years", action="store_true", help="every financial year, not only the recent ones")
    sub.add_argument("--allow-locked", action="store_true", help=ALLOW_LOCKED_HELP)
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
    sub.add_argument(
        "--auto-lock-months", type=int, metavar="N",
        help="Fortnox's automatic locking: every month up to N months before today is locked",
    )
    sub.add_argument(
        "--lean-voucher-lists", action="store_true",
        help="voucher lists without Comments, as some real Fortnox answers are (the export then reads single vouchers)",
    )
    sub.set_defaults(handler=cmd_sandbox)
