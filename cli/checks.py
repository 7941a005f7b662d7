"""`bokslut checks ...`: run, list and mark check results, switch checks off and on, add the user's own.

    bokslut checks run|list --company ORGNR --year YYYY [--period PERIOD] [--json]
    bokslut checks done ID|CHECK_ID [--company ORGNR --year YYYY --period PERIOD] [--json]

PERIOD is one of the year's periods as `bokslut period list` names them: 2025-03 (or 202503) for a year divided
into months, 2025Q1 for one divided into quarters.
    bokslut checks disable|enable CHECK_ID --company ORGNR
    bokslut checks add --company ORGNR --kind KIND --name NAME --params JSON
    bokslut checks vat-period month|quarter|year --company ORGNR [--json]
"""

from __future__ import annotations

import argparse
import json

from core import ledger
from core.checks import custom, engine, vat
from cli.common import EXIT_OK, named_company, print_json, say, company_year
from core.config import Settings
from core.errors import BokslutError
from core.store.db import open_store


def register(commands: argparse._SubParsersAction) -> None:
    checks = commands.add_parser("checks", help="transaction analysis: run the checks of a year and mark results done")
    actions = checks.add_subparsers(dest="checks_command", metavar="ACTION", required=True)
    for name, handler, help_text in (
        ("run", cmd_run, "run the enabled checks (the year and every unlocked period, or one --period)"),
        ("list", cmd_list, "the stored results, stale ones marked"),
    ):
        sub = actions.add_parser(name, help=help_text)
        _year_arguments(sub)
        sub.add_argument("--json", action="store_true")
        sub.set_defaults(handler=handler)
    sub = actions.add_parser("done", help="mark a red result done (by its id, or by check id with --year)")
    sub.add_argument("target", metavar="ID|CHECK_ID")
    _year_arguments(sub)
    sub.add_argument("--json", action="store_true")
    sub.set_defaults(handler=cmd_done)
    for name, enabled in (("disable", False), ("enable", True)):
        sub = actions.add_parser(name, help=f"{name} a check for the company")
        sub.add_argument("check_id", metavar="CHECK_ID")
        sub.add_argument("--company", help="organisation number (default: the only company in the store)")
        sub.set_defaults(handler=cmd_enable, enabled=enabled)
    sub = actions.add_parser("add", help="add an own check of a parameterised kind")
    sub.add_argument("--company", help="organisation number (default: the only company in the store)")
    sub.add_argument("--kind", required=True, choices=custom.KINDS)
    sub.add_argument("--name", required=True)
    sub.add_argument("--params", required=True, metavar="JSON", help='e.g. {"accounts": ["5410"], "above": "10000"}')
    sub.add_argument("--json", action="store_true")
    sub.set_defaults(handler=cmd_add)
    sub = actions.add_parser("vat-period", help="how often the company files its VAT return, which the VAT "
                             "settlement check follows (default: read from the books' settlements)")  # fmt: skip
    sub.add_argument("vat_period", metavar="PERIOD", choices=vat.VAT_PERIODS)
    sub.add_argument("--company", help="organisation number (default: the only company in the store)")
    sub.add_argument("--json", action="store_true")
    sub.set_defaults(handler=cmd_vat_period)


def _year_arguments(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--company", help="organisation number (default: the only company in the store)")
    sub.add_argument("--year", type=int, help="the calendar year the fiscal year ends in (default: latest)")
    sub.add_argument("--period", metavar="PERIOD", help="one period of the fiscal year: 2025-03 or 2025Q1, as the "
                     "year is divided (bokslut period list)")


def _show(results: list, as_json: bool) -> None:
    if as_json:
        print_json([engine.result_json(result) for result in results])
        return
    counts = {status: sum(r.status == status for r in results) for status in ("red", "orange", "green", "done")}
    stale = ", stale: run again" if any(r.stale for r in results) else ""
    say(", ".join(f"{n} {status}" for status, n in counts.items()) + stale)
    for result in results:
        done = f" (done by {result.done_by} {result.done_at:%Y-%m-%d %H:%M})" if result.status == "done" else ""
        stale = " (stale)" if result.stale else ""
        where = result.period or "year"
        say(f"{result.id:>6}  {result.status:<7}{where:<8}{result.check_id:<22}{result.message}{done}{stale}")


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    db, company, year = company_year(args, settings)
    _show(engine.run_checks(db, company, year, args.period), args.json)
    return EXIT_OK


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    db, company, year = company_year(args, settings)
    period = engine.check_period(year, args.period) if args.period else None
    _show(engine.list_results(db, company, year, period), args.json)
    return EXIT_OK


def cmd_done(args: argparse.Namespace, settings: Settings) -> int:
    db = open_store(settings.store)
    company = named_company(db, args.company)
    year = None if args.target.isdigit() else ledger.resolve_fiscal_year(db, company, args.year)
    period = engine.check_period(year, args.period) if year and args.period else ""
    result = engine.mark_done(db, engine.get_result(db, company, args.target, year, period))
    if args.json:
        print_json(engine.result_json(result))
    else:
        say(f"{result.check_id} {result.period or 'year'}: done by {result.done_by}")
    return EXIT_OK


def cmd_enable(args: argparse.Namespace, settings: Settings) -> int:
    db = open_store(settings.store)
    company = named_company(db, args.company)
    check = engine.set_enabled(db, company, args.check_id, args.enabled)
    say(f"{company.name}: {check.id} is {'enabled' if args.enabled else 'disabled'}")
    return EXIT_OK


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    try:
        params = json.loads(args.params)
    except json.JSONDecodeError as error:
        raise BokslutError(f"--params is not valid JSON ({error.msg} at column {error.colno}); "
                           'give an object like {"accounts": ["5410"], "above": "10000"}') from None  # fmt: skip
    db = open_store(settings.store)
    company = named_company(db, args.company)
    setting = custom.add_check(db, company, args.kind, args.name, params)
    if args.json:
        print_json({"check_id": setting.check_id, "kind": setting.kind, "name": setting.name,
                     "params": json.loads(setting.params), "enabled": setting.enabled})  # fmt: skip
    else:
        say(f"{company.name}: added check {setting.check_id} ({setting.kind})")
    return EXIT_OK


def cmd_vat_period(args: argparse.Namespace, settings: Settings) -> int:
    db = open_store(settings.store)
    company = vat.set_vat_period(db, named_company(db, args.company), args.vat_period)
    if args.json:
        print_json({"org_number": company.org_number, "vat_period": company.vat_period})
    else:
        say(f"{company.name}: the VAT period is a {company.vat_period}; run the checks again to apply it")
    return EXIT_OK
