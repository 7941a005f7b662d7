"""`bokslut reconcile ...`: balance reconciliation per account or group and period, its files, differences booked
as closing entries, carry forward, progress, and unlocking a period with a reason."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from cli.common import EXIT_OK, company_year, file_to_write, print_json, say
from core import periods
from core.config import Settings
from core.errors import BokslutError
from core.money import format_amount, from_ore, to_ore
from core.reconcile import analysis, report, vat, work
from core.reports.formats import write_file


def _kr(ore: int) -> str:
    return format_amount(from_ore(ore))


def _amount(text: str) -> int:
    try:
        return to_ore(Decimal(text.replace(",", ".").replace(" ", "")))
    except (InvalidOperation, ValueError):
        raise BokslutError(f"{text!r} is not an amount in kronor with at most two decimals, such as -1250.50",
                           key="reconcile_bad_amount", params={"amount": text}) from None


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BokslutError(f"{text!r} is not a date; give it as YYYY-MM-DD", key="reconcile_bad_date",
                           params={"date": text}) from None


def _place(args: argparse.Namespace, settings: Settings) -> work.Place:
    db, company, fiscal_year = company_year(args, settings)
    return work.place(db, company, fiscal_year, args.period)


def _when(value) -> str | None:
    return value.isoformat(sep=" ") if value else None


def state_json(here: work.Place, now: work.State) -> dict:
    record = now.record
    offset, why = work.suggested_offset(here, now.scope) if "x" not in now.scope else (None, "none")
    document = {
        "period": here.label,
        "scope": now.scope,
        "accounts": [{"number": n, "name": name} for n, name in work.scope_accounts(here, now.scope)],
        "balance": _kr(now.balance),
        "specified": _kr(now.specified),
        "basis": now.basis,
        "difference": _kr(now.difference),
        "status": now.status,
        "stale": now.stale,
        "prepared_by": record.prepared_by if record else None,
        "prepared_at": _when(record.prepared_at) if record else None,
        "approved_by": record.approved_by if record else None,
        "approved_at": _when(record.approved_at) if record else None,
        "closing_entry": record.entry_id if record else None,
        "suggested_offset": {"account": offset, "source": why},
        "lines": [
            {"line": l.position, "reference": l.reference, "date": l.date.isoformat() if l.date else None,
             "amount": format_amount(l.amount), "comment": l.comment, "carry": l.carry}
            for l in now.lines
        ],
        "comments": [{"author": n.author, "written": _when(n.written), "text": n.text} for n in now.notes],
        "files": [{"id": f.id, "name": f.name, "size": f.size, "sha256": f.sha256, "added_by": f.added_by,
                   "added_at": _when(f.added_at)} for f in now.files],
        "automatic": None,
        "events": [{"action": e.action, "actor": e.actor, "happened": _when(e.happened), "details": json.loads(e.details)}
                   for e in work.events(here, now.scope)],
    }
    if now.automatic is not None:
        document["automatic"] = {
            "kind": now.automatic.kind,
            "proves": now.automatic.proves,
            "total": _kr(now.automatic.total),
            "lines": [{"label": l.label, "amount": _kr(l.amount), "vouchers": l.count,
                       "sources": [s.to_json() | {"rows": [{"account": a, "amount": _kr(v)} for a, v in s.rows]}
                                   for s in l.sources]} for l in now.automatic.lines],
        }
    return document


def _show_text(document: dict) -> None:
    say(f"{document['scope']} {document['period']}: balance {document['balance']}, specified "
        f"{document['specified']} ({document['basis']}), difference {document['difference']}, {document['status']}"
        + (" (changed since signed)" if document["stale"] else ""))
    for line in document["lines"]:
        say(f"  {line['line']:>3} {line['date'] or '':<10} {line['amount']:>15}  {line['reference']}  {line['comment']}")
    if document["automatic"]:
        say(f"  from the books ({document['automatic']['kind']}): {document['automatic']['total']}")
        for line in document["automatic"]["lines"][:20]:
            where = ", ".join(f"{s['series']}{s['number']} {s['date']}" for s in line["sources"])
            say(f"    {line['label']:<24} {line['amount']:>15}  {where}")
    for note in document["comments"]:
        say(f"  # {note['author']} {note['written']}: {note['text']}")
    for f in document["files"]:
        say(f"  file {f['id']}: {f['name']} {f['size']} bytes sha256 {f['sha256']}")


def _report(args: argparse.Namespace, here: work.Place, scope: str) -> int:
    document = state_json(here, work.state(here, scope))
    print_json(document) if args.json else _show_text(document)
    return EXIT_OK


def cmd_list(args, settings) -> int:
    here = _place(args, settings)
    states = list(work.listed_states(here).values())  # as the grid reads them: the books' totals by set
    rows = [{"scope": s.scope, "balance": _kr(s.balance), "specified": _kr(s.specified), "basis": s.basis,
             "difference": _kr(s.difference), "status": s.status, "stale": s.stale} for s in states]
    if args.json:
        print_json({"period": here.label, "locked": here.period.locked, "reconciliations": rows})
    else:
        say(f"{here.company.name}, period {here.label}" + (" (locked)" if here.period.locked else ""))
        for row in rows:
            say(f"{row['scope']:<6}{row['balance']:>16}{row['difference']:>16}  {row['status']}"
                + (" (changed since signed)" if row["stale"] else ""))
    return EXIT_OK


def cmd_show(args, settings) -> int:
    here = _place(args, settings)
    scope = work.parse_scope(args.account)
    work.known_scope(here, scope)
    return _report(args, here, scope)


def cmd_add_line(args, settings) -> int:
    here = _place(args, settings)
    scope = work.parse_scope(args.account)
    work.add_line(here, scope, _amount(args.amount), args.reference or "", _date(args.date), args.comment or "",
                  carry=not args.no_carry)
    return _report(args, here, scope)


def cmd_remove_line(args, settings) -> int:
    here = _place(args, settings)
    scope = work.parse_scope(args.account)
    work.remove_line(here, scope, args.line)
    return _report(args, here, scope)


def cmd_status(args, settings) -> int:
    here = _place(args, settings)
    scope = work.parse_scope(args.account)
    work.set_status(here, scope, args.status)
    return _report(args, here, scope)


def cmd_comment(args, settings) -> int:
    here = _place(args, settings)
    text = args.account.strip()
    scope = work.parse_scope(text) if text[:1] in "12" or not (text.isdigit() and len(text) == 4) else text
    work.comment(here, scope, args.text)
    return _report(args, here, scope) if scope[:1] in "12" else EXIT_OK


def cmd_attach(args, settings) -> int:
    here = _place(args, settings)
    scope = work.parse_scope(args.account)
    path = Path(args.file)
    work.attach(here, scope, path.name, path.read_bytes())
    return _report(args, here, scope)


def cmd_attachments(args, settings) -> int:
    here = _place(args, settings)
    scope = work.parse_scope(args.account)
    if args.export is not None:
        name, content = work.file_content(here, scope, args.export)
        target = Path(args.to) if args.to else Path(name)
        if target.is_dir():
            target = target / Path(name).name
        if target.exists():
            raise BokslutError(f"{target} exists; choose another place with --to", key="reconcile_export_exists",
                               params={"path": str(target)})
        target.write_bytes(content)
        say(str(target)) if not args.json else print_json({"written": str(target), "size": len(content)})
        return EXIT_OK
    if args.remove is not None:
        work.remove_file(here, scope, args.remove)
    return _report(args, here, scope)


def cmd_to_entry(args, settings) -> int:
    here = _place(args, settings)
    scope = work.parse_scope(args.account)
    entry = work.to_entry(here, scope, args.offset, args.on)
    if args.json:
        document = state_json(here, work.state(here, scope))
        print_json(document | {"created_entry": entry.id})
    else:
        say(f"closing entry {entry.id} dated {entry.date}: {entry.text}")
        _report(args, here, scope)
    return EXIT_OK


def cmd_carry_forward(args, settings) -> int:
    db, company, fiscal_year = company_year(args, settings)
    result = work.carry_forward(db, company, fiscal_year, args.period)
    if args.json:
        print_json(result)
    else:
        say(f"{result['from']} -> {result['to']} ({result['to_year']}): copied {', '.join(result['copied']) or 'none'}"
            + (f"; left as they were: {', '.join(result['kept'])}" if result["kept"] else ""))
    return EXIT_OK


def cmd_progress(args, settings) -> int:
    db, company, fiscal_year = company_year(args, settings)
    rows = [work.progress(work.Place(db, company, fiscal_year, p)) for p in periods.periods(db, fiscal_year)]
    for row in rows:
        row["difference_total"] = _kr(row["difference_total"])
    if args.json:
        print_json({"company": company.name, "fiscal_year": fiscal_year.end.year, "periods": rows})
    else:
        for row in rows:
            say(f"{row['period']:<10} {row['reconciled']}/{row['accounts_with_balance']} reconciled, "
                f"{row['differences']} differences ({row['difference_total']})" + (" locked" if row["locked"] else ""))
    return EXIT_OK


def cmd_vat(args, settings) -> int:
    here = _place(args, settings)
    for given in args.reported or []:
        box, _, kronor = given.partition("=")
        if not kronor.strip().lstrip("-").isdigit():
            raise BokslutError(f"{given!r} is not BOX=KRONOR such as 49=17000", key="reconcile_bad_vat_reported",
                               params={"given": given})
        vat.set_reported(here, box.strip(), int(kronor))
    result = vat.reconcile_vat(here)
    for box in result["boxes"]:
        for key in ("booked", "rounded", "reported", "difference"):
            box[key] = None if box[key] is None else _kr(box[key])
    for part, keys in (("settlement", ("amount_2650", "rounding_3740")), ("payment", ("amount",))):
        for key in keys if result[part] else ():
            result[part][key] = _kr(result[part][key])
    if args.json:
        print_json(result)
        return EXIT_OK
    vat_period = result["vat_period"]
    say(f"VAT {result['period']} {result['start']}..{result['end']}, VAT period {vat_period['label']}"
        + (f" (open until {vat_period['end']}: nothing is compared with a return yet)" if vat_period["open"] else ""))
    for box in result["boxes"]:
        say(f"  {box['box']}  booked {box['booked']:>14}  rounded {box['rounded']:>14}  reported "
            f"{box['reported'] or '-':>14} ({box['reported_source'] or '-'})  difference {box['difference'] or '-'}")
    if result["settlement"]:
        s = result["settlement"]
        say(f"  settled {s['series']}{s['number']} {s['date']}: {', '.join(s['accounts'])} {s['amount_2650']}, "
            f"3740 {s['rounding_3740']}")
    if result["payment"]:
        paid = result["payment"]
        say(f"  paid {paid['series']}{paid['number']} {paid['date']}: {paid['account']} {paid['amount']}")
    return EXIT_OK


def cmd_vat_year(args, settings) -> int:
    db, company, fiscal_year = company_year(args, settings)
    result = vat.vat_year(db, company, fiscal_year)
    for period in result["periods"]:
        for key in ("booked_49", "reported_49", "difference_49"):
            period[key] = None if period[key] is None else _kr(period[key])
        for part, keys in (("settlement", ("amount_2650", "rounding_3740")), ("payment", ("amount",))):
            for key in keys if period[part] else ():
                period[part][key] = _kr(period[part][key])
    year_end = result["year_end"]
    for key in ("balance", "settled_not_paid", "difference"):
        year_end[key] = _kr(year_end[key])
    year_end["unsettled_vat"] = {account: _kr(amount) for account, amount in year_end["unsettled_vat"].items()}
    if args.json:
        print_json(result)
        return EXIT_OK
    say(f"VAT {result['start']}..{result['end']}, VAT period: {result['vat_period_kind']}")
    for period in result["periods"]:
        settled, paid = period["settlement"], period["payment"]
        say(f"  {period['label']:<8} 49 booked {period['booked_49']:>14}  reported {period['reported_49'] or '-':>14} "
            f"({period['reported_source'] or '-'})  difference {period['difference_49'] or '-':>10}  "
            + (f"settled {settled['series']}{settled['number']} {settled['date']}" if settled else "not settled")
            + (f", paid {paid['series']}{paid['number']} {paid['date']}" if paid else ", not paid")
            + (f"  boxes differing: {', '.join(period['differences'])}" if period["differences"] else ""))
    accounts = ", ".join(year_end["accounts"])
    say(f"  year end: {accounts} {year_end['balance']}, settled and not paid {year_end['settled_not_paid']}, "
        f"difference {year_end['difference']}")
    for account, amount in year_end["unsettled_vat"].items():
        say(f"  not settled: {account} {amount}")
    return EXIT_OK


def cmd_analysis(args, settings) -> int:
    here = _place(args, settings)
    rows = analysis.income_analysis(here)
    for row in rows:
        for key in ("period", "year_to_date", "period_last_year", "year_to_date_last_year"):
            if key in row:
                row[key] = _kr(row[key])
    if args.json:
        print_json({"period": here.label, "accounts": rows})
    else:
        for row in rows:
            say(f"{row['account']}  {row['period']:>14}  {row.get('period_last_year', '-'):>14}  "
                f"{row['year_to_date']:>14}  " + "; ".join(c["text"] for c in row["comments"]))
    return EXIT_OK


def cmd_report(args, settings) -> int:
    """The working papers of a period as a file (0600); an existing file is replaced only with --overwrite."""
    output = file_to_write(args.output, overwrite=args.overwrite, option="--output")
    db, company, fiscal_year = company_year(args, settings)
    papers = report.build(db, company, fiscal_year, args.period)
    write_file(output, report.render(papers, args.format))
    if args.json:
        print_json({"written": str(output), "format": args.format, "period": papers.period,
                    "accounts": len(papers.accounts)})
    else:
        say(f"wrote {output}")
    return EXIT_OK


def cmd_unlock(args, settings) -> int:
    db, company, fiscal_year = company_year(args, settings)
    period = work.unlock(db, fiscal_year, args.period, args.reason)
    print_json({"period": periods.label(period), "unlocked": True}) if args.json else say(
        f"{company.name}: period {periods.label(period)} unlocked")
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    reconcile = commands.add_parser("reconcile", help="period closing: reconcile balance accounts and VAT")
    actions = reconcile.add_subparsers(dest="reconcile_command", metavar="ACTION", required=True)

    def add(name: str, handler, help: str, period: bool = True, account: bool = True):
        sub = actions.add_parser(name, help=help, description=help)
        sub.add_argument("--company", help="organisation number (default: the only company)")
        sub.add_argument("--year", type=int, required=True, help="the calendar year the fiscal year ends in")
        if period:
            sub.add_argument("--period", required=True, help=periods.PERIOD_FORMS)
        if account:
            sub.add_argument("--account", required=True, help="a balance account (1930) or a group (15xx)")
        sub.add_argument("--json", action="store_true")
        sub.set_defaults(handler=handler)
        return sub

    add("list", cmd_list, "the balance accounts of a period with balance, difference and status", account=False)
    add("show", cmd_show, "one reconciliation: balance, specification, difference, status, comments, files")
    sub = add("add-line", cmd_add_line, "add a specification line (a document's amount, debit positive)")
    sub.add_argument("--amount", required=True)
    sub.add_argument("--reference", help="the document: bank statement, ledger list, ...")
    sub.add_argument("--date", help="YYYY-MM-DD")
    sub.add_argument("--comment")
    sub.add_argument("--no-carry", action="store_true", help="do not copy the line into the next period")
    sub = add("remove-line", cmd_remove_line, "remove a specification line by its number")
    sub.add_argument("--line", type=int, required=True)
    sub = add("status", cmd_status, "mark reconciled or approved, or reopen (in_progress)")
    sub.add_argument("status", choices=("in_progress", "reconciled", "approved"))
    sub = add("comment", cmd_comment, "comment on an account or group (result accounts too, for the analysis)")
    sub.add_argument("text")
    sub = add("attach", cmd_attach, "attach a file to the specification (kept in the store)")
    sub.add_argument("file")
    sub = add("attachments", cmd_attachments, "list the files; --export ID writes one out, --remove ID removes it")
    sub.add_argument("--export", type=int, metavar="ID")
    sub.add_argument("--to", help="where --export writes (a file or a folder; default: its name here)")
    sub.add_argument("--remove", type=int, metavar="ID")
    sub = add("to-entry", cmd_to_entry, "book the difference as a closing entry dated in the period")
    sub.add_argument("--offset", help="the offset account (default: the last choice, else the reference's table)")
    sub.add_argument("--on", help="for a group: the account in it to book on")
    add("carry-forward", cmd_carry_forward, "copy the period's specifications into the next period", account=False)
    add("progress", cmd_progress, "per period: accounts reconciled of those with a balance, differences left",
        period=False, account=False)
    sub = add("vat", cmd_vat, "the period's VAT per box of the return against what was reported", account=False)
    sub.add_argument("--reported", action="append", metavar="BOX=KRONOR", help="what the filed return said")
    add("vat-year", cmd_vat_year, "every VAT period of the year: box 49 against the return, settlement, payment, "
        "and the year-end VAT balance explained", period=False, account=False)
    add("analysis", cmd_analysis, "result accounts: the period, the same period last year, the year to date",
        account=False)
    sub = add("report", cmd_report, "the period's working papers: every account's balance, specification, "
              "difference, status, who and when, comments and files", account=False)
    sub.add_argument("--format", choices=report.FORMATS, required=True)
    sub.add_argument("--output", required=True, metavar="PATH", help="the file to write (0600)")
    sub.add_argument("--overwrite", action="store_true", help="replace the file if it exists")
    sub = add("unlock", cmd_unlock, "unlock a locked period, recording who and why", account=False)
    sub.add_argument("--reason", required=True)
