"""`bokslut period ...`: list, lock and unlock the periods of period closing, and choose months or quarters."""

from __future__ import annotations

import argparse

from core import periods
from cli.common import EXIT_OK, print_json, say, company_year
from core.config import Settings
from core.store.models import Company, FiscalYear, Period


def _line(period: Period, state: str) -> str:
    changed = f"  {period.changed_by} {period.changed_at.isoformat(sep=' ')} UTC" if period.changed_at else ""
    return f"{periods.label(period):<10}{period.start}..{period.end}  {state:<12}{changed}".rstrip()


def _show(db, company: Company, fiscal_year: FiscalYear, as_json: bool) -> None:
    rows = periods.periods(db, fiscal_year)
    row_states = periods.states(rows)
    if as_json:
        print_json(
            {
                "company": company.name,
                "org_number": company.org_number or "",
                "fiscal_year": {"start": fiscal_year.start.isoformat(), "end": fiscal_year.end.isoformat()},
                "kind": fiscal_year.period_kind,
                "periods": [periods.period_json(p, s) for p, s in zip(rows, row_states)],
            }
        )
        return
    say(f"{company.name}, fiscal year {fiscal_year.start}..{fiscal_year.end}, periods by {fiscal_year.period_kind}")
    say("\n".join(_line(p, s) for p, s in zip(rows, row_states)))


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    _show(*company_year(args, settings), args.json)
    return EXIT_OK


def _changed(lock: bool):
    def run(args: argparse.Namespace, settings: Settings) -> int:
        db, company, fiscal_year = company_year(args, settings)
        change = periods.lock_period if lock else periods.unlock_period
        period = change(db, fiscal_year, args.period)
        rows = periods.periods(db, fiscal_year)
        state = periods.states(rows)[[p.id for p in rows].index(period.id)]
        if args.json:
            print_json(periods.period_json(period, state))
        else:
            say(f"{company.name}: {_line(period, state)}")
        return EXIT_OK

    return run


def cmd_kind(args: argparse.Namespace, settings: Settings) -> int:
    db, company, fiscal_year = company_year(args, settings)
    periods.set_period_kind(db, fiscal_year, args.kind)
    _show(db, company, fiscal_year, args.json)
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    period = commands.add_parser("period", help="period closing: list, lock and unlock a year's periods")
    actions = period.add_subparsers(dest="period_command", metavar="ACTION", required=True)

    def add(name: str, handler, help: str):
        sub = actions.add_parser(name, help=help, description=help)
        sub.add_argument("--company", help="organisation number (default: the only company)")
        sub.add_argument("--year", type=int, required=True, help="the calendar year the fiscal year ends in")
        sub.add_argument("--json", action="store_true")
        sub.set_defaults(handler=handler)
        return sub

    add("list", cmd_list, "the year's periods and which are locked")
    what = periods.PERIOD_FORMS
    sub = add("lock", _changed(lock=True), "lock a period; every earlier period must be locked")
    sub.add_argument("period", metavar="PERIOD", help=what)
    sub = add("unlock", _changed(lock=False), "unlock a locked period temporarily; the next period waits")
    sub.add_argument("period", metavar="PERIOD", help=what)
    sub = add("kind", cmd_kind, "divide the year into months or quarters (before any period is locked)")
    sub.add_argument("kind", choices=periods.KINDS)
