"""`bokslut closing ...`: closing entries, templates and rates from the command line, all through core.closing."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path

from cli.common import EXIT_BAD_INPUT, EXIT_OK, company_year, print_json, say
from core.closing import entries, history, rates
from core.closing.templates import TEMPLATES, template_draft
from core.config import Settings
from core.errors import BokslutError
from core.money import format_amount
from core.store.db import open_store
from core.store.models import Account, ClosingEntry
from core.text import printable

Handler = Callable[[argparse.Namespace, Settings], int]


def _reporting_problems(handler: Handler) -> Handler:
    """An invalid entry prints every problem on its own line (main() would join them into one)."""

    def run(args: argparse.Namespace, settings: Settings) -> int:
        try:
            return handler(args, settings)
        except entries.ClosingEntryInvalid as error:
            lines = str(error).split("\n")
            print(printable(f"bokslut: {lines[0]}"), file=sys.stderr)
            for line in lines[1:]:
                print(printable(line), file=sys.stderr)
            return EXIT_BAD_INPUT

    return run


def _read_draft(source: str) -> entries.EntryDraft:
    """JSON numbers become Decimal, never float; `-` is stdin."""
    name = "standard input" if source == "-" else source
    shape = 'give an entry as {"date", "text", "rows": [...]}'
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BokslutError(f"{name} is not UTF-8 text; {shape} in UTF-8") from None
    try:
        document = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        where = f"{error.msg} at line {error.lineno}, column {error.colno}"
        raise BokslutError(f"{name} is not valid JSON ({where}); {shape}") from None
    except ValueError as error:  # e.g. an integer beyond Python's digit limit
        raise BokslutError(f"{name} could not be read as JSON ({error}); {shape}") from None
    return entries.parse_entry(document, name)


def _amount(text: str) -> Decimal:
    try:
        amount = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount; give it like 1234.50") from None
    if not amount.is_finite():
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount; give it like 1234.50")
    return amount


def _status_words(entry: ClosingEntry) -> str:
    words = [entry.status.replace("_", " ")]
    if entry.fortnox_number is not None:
        words.append(f"Fortnox {entry.fortnox_series} {entry.fortnox_number} (year id {entry.fortnox_year})")
    elif entry.sie_file:
        words.append(entry.sie_file)
    if entry.booked:
        words.append("booked")
    if entry.deleted:
        words.append("deleted")
    if entry.failure:
        words.append(f"failed: {entry.failure}")
    return ", ".join(words)


def render_entry(entry: ClosingEntry) -> str:
    names = dict(Account.select(Account.number, Account.name).where(Account.company == entry.company_id).tuples())
    extra = f", template {entry.template}" if entry.template else ""
    extra += f", reverses entry {entry.reverses_id}" if entry.reverses_id else ""
    lines = [f"entry {entry.id}  {entry.date}  {entry.text}  [{_status_words(entry)}{extra}]"]
    for row in entries.rows_of(entry):
        debit = format_amount(row.amount) if row.amount > 0 else ""
        credit = format_amount(-row.amount) if row.amount < 0 else ""
        objects = " ".join(
            f"{label} {code}" for label, code in (("cc", row.cost_center), ("project", row.project)) if code
        )
        name = names.get(row.account, "")[:36]
        lines.append(f"  {row.account:<6}{name:<38}{debit:>15}{credit:>15}  {objects} {row.text}".rstrip())
    return "\n".join(lines)


def _show(entry: ClosingEntry, as_json: bool) -> int:
    if as_json:
        print_json(entries.entry_json(entry))
    else:
        say(render_entry(entry))
    return EXIT_OK


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    db, company, year = company_year(args, settings)
    draft = _read_draft(args.from_json)
    return _show(entries.create_entry(db, company, year, draft), args.json)


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    db, company, year = company_year(args, settings)
    found = entries.list_entries(db, year, include_deleted=args.deleted)
    if args.json:
        print_json([entries.entry_json(entry) for entry in found])
    elif not found:
        say(f"{company.name} has no closing entries for {year.start}..{year.end}; add one with bokslut closing add")
    else:
        say("\n".join(render_entry(entry) for entry in found))
    return EXIT_OK


def _history_details(details: dict) -> str:
    """The details of a history line as `name value` pairs; an edit's former content as its date, text and sum."""
    words = []
    for name, value in details.items():
        if value in (None, "", False):
            continue
        if name == "before":
            debit = sum((Decimal(row["debit"]) for row in value["rows"]), Decimal(0))
            value = f"{value['date']} {value['text']!r} {format_amount(debit)}"
        words.append(f"{name} {value}")
    return ", ".join(words)


def render_history(lines: list[dict]) -> str:
    """One line per change, oldest first: when (UTC), who, what, and the status it left."""
    return "\n".join(
        f"  {line['at'].replace('T', ' ')} UTC  {line['by']:<12}{line['action']:<16}"
        f"{line['status'].replace('_', ' ')}{', deleted' if line['deleted'] else ''}"
        f"{'  (' + _history_details(line['details']) + ')' if _history_details(line['details']) else ''}"
        for line in lines
    )


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    """The entry, then its history."""
    db = open_store(settings.store)
    entry = entries.get_entry(db, args.id)
    lines = history.history_json(entry)
    if args.json:
        print_json({**entries.entry_json(entry), "history": lines})
    else:
        say(render_entry(entry) + ("\nhistory:\n" + render_history(lines) if lines else ""))
    return EXIT_OK


def cmd_history(args: argparse.Namespace, settings: Settings) -> int:
    db = open_store(settings.store)
    entry = entries.get_entry(db, args.id)
    lines = history.history_json(entry)
    if args.json:
        print_json({"id": entry.id, "history": lines})
    elif not lines:
        say(f"closing entry {entry.id} has no history: it was made before bokslut kept one")
    else:
        say(f"entry {entry.id}  {entry.text}\n{render_history(lines)}")
    return EXIT_OK


def cmd_edit(args: argparse.Namespace, settings: Settings) -> int:
    db = open_store(settings.store)
    entry = entries.get_entry(db, args.id)
    draft = _read_draft(args.from_json)
    return _show(entries.update_entry(db, entry, draft), args.json)


def _simple(action: Callable) -> Handler:
    """delete, restore, reverse: one entry in, the changed (or new) entry printed."""

    def run(args: argparse.Namespace, settings: Settings) -> int:
        db = open_store(settings.store)
        return _show(action(db, entries.get_entry(db, args.id)), args.json)

    return run


def cmd_not_applicable(args: argparse.Namespace, settings: Settings) -> int:
    db = open_store(settings.store)
    return _show(entries.set_not_applicable(db, entries.get_entry(db, args.id), not args.undo), args.json)


def cmd_template(args: argparse.Namespace, settings: Settings) -> int:
    db, company, year = company_year(args, settings)
    draft = template_draft(db, year, args.name, amount=args.amount, account=args.account)
    if args.print:
        print_json(entries.draft_json(draft))
        return EXIT_OK
    return _show(entries.create_entry(db, company, year, draft, template=args.name), args.json)


def cmd_rates(args: argparse.Namespace, settings: Settings) -> int:
    db, _, year = company_year(args, settings)
    for setting in args.set or ():
        name, equals, value = setting.partition("=")
        if not equals:
            raise BokslutError(f"--set {setting!r}: give NAME=PERCENT (an empty PERCENT goes back to the default)")
        rates.set_rate(db, year, name.strip(), value)
    listed = rates.rates_json(db, year)
    if args.json:
        print_json(listed)
        return EXIT_OK
    for item in listed:
        source = f"own value; the default is {item['default'] or 'none'}" if item["overridden"] else "default"
        say(f"{item['name']:<20}{item['value'] or 'not set':>8} %  ({source})")
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    closing = commands.add_parser("closing", help="closing entries: add, list, edit, delete, templates and rates")
    actions = closing.add_subparsers(dest="closing_command", metavar="ACTION", required=True)

    def add(name: str, handler: Handler, help: str, *, year: bool = False, entry: bool = False, **options):
        sub = actions.add_parser(name, help=help, description=help, **options)
        if year:
            sub.add_argument("--company", help="organisation number (default: the only company)")
            sub.add_argument("--year", type=int, required=True, help="the calendar year the fiscal year ends in")
        if entry:
            sub.add_argument("id", type=int, help="the entry's id, as closing list shows it")
        sub.add_argument("--json", action="store_true")
        sub.set_defaults(handler=_reporting_problems(handler))
        return sub

    sub = add("add", cmd_add, "add a closing entry from JSON", year=True)
    sub.add_argument("--from-json", required=True, metavar="FILE", help='{"date", "text", "rows": [...]}; - is stdin')
    sub = add("list", cmd_list, "the year's closing entries", year=True)
    sub.add_argument("--deleted", action="store_true", help="include deleted entries")
    add("show", cmd_show, "one closing entry and its history", entry=True)
    add("history", cmd_history, "every change of a closing entry: when, who, what", entry=True)
    sub = add("edit", cmd_edit, "replace a closing entry's date, text and rows from JSON", entry=True)
    sub.add_argument("--from-json", required=True, metavar="FILE", help="the same shape as closing add; - is stdin")
    add("delete", _simple(entries.delete_entry), "hide a closing entry (restorable)", entry=True)
    add("restore", _simple(entries.restore_entry), "bring back a deleted closing entry", entry=True)
    add("reverse", _simple(entries.reverse_entry), "add an entry that reverses this one", entry=True)
    sub = add("not-applicable", cmd_not_applicable, "mark an entry not applicable for transfer", entry=True)
    sub.add_argument("--undo", action="store_true", help="make it exportable again")
    listing = "templates:\n" + "\n".join(f"  {t.name:<21}{t.description}" for t in TEMPLATES.values())
    sub = add(
        "template",
        cmd_template,
        "add a usual year-end entry, the amount suggested",
        year=True,
        epilog=listing,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("name", choices=list(TEMPLATES), metavar="NAME", help="one of the templates below")
    sub.add_argument("--amount", type=_amount, help="overrides the suggestion; negative swaps debit and credit")
    sub.add_argument("--account", help="your cost account, for accrued-expenses and prepaid-expenses")
    sub.add_argument("--print", action="store_true", help="only print the entry as JSON for closing add")
    sub = add("rates", cmd_rates, "the rates the templates use, per fiscal year", year=True)
    sub.add_argument("--set", action="append", metavar="NAME=PERCENT", help=f"one of {', '.join(rates.RATE_NAMES)}")
