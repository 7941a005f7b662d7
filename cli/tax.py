"""`bokslut tax ...`: the tax computation sheet (INK2S), its inputs, the registers behind it, result planning, the
closing entries it calls for, and the INK2 return as SRU files, all through core.tax."""

from __future__ import annotations

import argparse
import datetime as dt
from decimal import Decimal, InvalidOperation
from importlib.metadata import version
from pathlib import Path

from cli.common import EXIT_OK, company_year, print_json, say
from core.activity import current_user
from core.closing import entries
from core.config import Settings
from core.errors import BokslutError
from core.money import format_amount
from core.store.models import TaxAsset
from core.tax import drafts, sheet as tax_sheet
from core.tax.assets import add_asset, dispose_asset
from core.tax.ink2r import build_ink2r, ink2_fields
from core.tax.sru import Submitter, write_sru

BOOKABLE = ("tax", "allocation", "reversal", "excess-depreciation", "plan-depreciation", "all")
# INK2S's two yes/no questions (reference §4): the SRU code of the answer given.
ASSISTED = {"yes": 8040, "no": 8041}
AUDITED = {"yes": 8044, "no": 8045}


def _amount(text: str) -> Decimal:
    """An amount as typed: `144500`, `144 500`, `-2000,50`; never a float."""
    try:
        amount = Decimal(text.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount; give it like 144500") from None
    if not amount.is_finite():
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount; give it like 144500")
    return amount


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; give it as YYYY-MM-DD") from None


# --- the sheet -----------------------------------------------------------------------------------


def _sheet_document(sheet: tax_sheet.TaxSheet, proposals: list[drafts.SheetDraft]) -> dict:
    return {**sheet.to_json(), "drafts": [proposal.to_json() for proposal in proposals]}


def _sheet_text(company, sheet: tax_sheet.TaxSheet, proposals: list[drafts.SheetDraft]) -> str:
    facts = sheet.facts
    lines = [f"{company.name}, tax computation (INK2S) {facts.start}..{facts.end}"]
    lines.append(f"  {'field':<7}{'code':<6}{'amount':>14}  {'source':<7}{'computed':>14}  label")
    for line in sheet.lines:
        computed = "" if line.computed is None else format_amount(line.computed)
        mark = "*" if line.overridden else " "
        lines.append(
            f"  {line.field:<7}{line.code:<6}{format_amount(line.amount):>14}{mark} {line.source:<7}{computed:>14}"
            f"  {line.label}"
        )
    lines.append("  * the accountant's input, overriding the computed amount (bokslut tax reset FIELD)")
    figures = (
        ("book result before allocation and tax (B)", sheet.book_result),
        ("surplus before the allocation (P)", sheet.surplus_before_allocation),
        ("maximum allocation to a periodiseringsfond", sheet.allocation_max),
        (f"allocation ({sheet.allocation_account or 'no fund account free'})", sheet.allocation),
        ("surplus (P - allocation)" if sheet.surplus >= 0 else "deficit", sheet.surplus),
        ("taxable, down to whole tens", sheet.taxable),
    )
    lines += [f"{what:<46}{format_amount(amount):>16}" for what, amount in figures]
    lines.append(f"{f'tax at {sheet.rate} %':<46}{format_amount(sheet.tax):>16}")
    lines.append(f"{'the year result after allocation and tax':<46}{format_amount(sheet.year_result):>16}")
    saved = sheet.saved
    if saved is None:
        lines.append("not saved (bokslut tax show --save keeps it for next year's loss carried forward)")
    else:
        state = "STALE: the books or inputs changed since" if saved["stale"] else "up to date"
        lines.append(f"saved {saved['saved_at']} UTC by {saved['saved_by']}, {state}")
    lines += [f"note: {notice.message}" for notice in sheet.notices]
    lines.append(_drafts_text(proposals))
    return "\n".join(lines)


def _drafts_text(proposals: list[drafts.SheetDraft]) -> str:
    if not proposals:
        return "nothing to book: the final books hold what the sheet calls for"
    lines = ["to book (bokslut tax book NAME):"]
    for proposal in proposals:
        debit, credit = proposal.draft.rows
        lines.append(
            f"  {proposal.name:<20}{debit.account}/{credit.account} {format_amount(debit.debit):>14}  "
            f"{proposal.draft.text}  (from {', '.join(proposal.lines)})"
        )
    return "\n".join(lines)


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    db, company, year = company_year(args, settings)
    sheet = tax_sheet.save_sheet(db, year, current_user()) if args.save else tax_sheet.compute_sheet(db, year)
    proposals = drafts.year_drafts(db, year, sheet)
    if args.json:
        print_json(_sheet_document(sheet, proposals))
    else:
        say(_sheet_text(company, sheet, proposals))
    return EXIT_OK


def cmd_set(args: argparse.Namespace, settings: Settings) -> int:
    db, company, year = company_year(args, settings)
    tax_sheet.set_input(db, year, args.field, args.amount, current_user())
    return _after_input(db, company, year, args, f"{args.field} is now {format_amount(args.amount)} (your input)")


def cmd_reset(args: argparse.Namespace, settings: Settings) -> int:
    db, company, year = company_year(args, settings)
    removed = tax_sheet.reset_input(db, year, args.field)
    said = f"{args.field} is back to the computed amount" if removed else f"{args.field} had no input to reset"
    return _after_input(db, company, year, args, said)


def _after_input(db, company, year, args: argparse.Namespace, said: str) -> int:
    sheet = tax_sheet.compute_sheet(db, year)
    if args.json:
        print_json(_sheet_document(sheet, drafts.year_drafts(db, year, sheet)))
    else:
        say(f"{company.name}: {said}; taxable {format_amount(sheet.taxable)}, tax {format_amount(sheet.tax)}")
    return EXIT_OK


def cmd_plan(args: argparse.Namespace, settings: Settings) -> int:
    """Result planning: the sheet with other choices, nothing stored."""
    db, company, year = company_year(args, settings)
    now = tax_sheet.compute_sheet(db, year)
    choices = {
        "allocation": args.allocation,
        "excess_depreciation": args.excess_depreciation,
        "voluntary_reversal": args.voluntary_reversal,
    }
    planned = tax_sheet.plan(now, **{name: value for name, value in choices.items() if value is not None})
    proposals = drafts.closing_drafts(planned)
    if args.json:
        print_json(
            {
                **_sheet_document(planned, proposals),
                "planned": {name: format_amount(value) for name, value in choices.items() if value is not None},
                "tax_now": format_amount(now.tax),
                "tax_change": format_amount(planned.tax - now.tax),
            }
        )
        return EXIT_OK
    say(
        f"{company.name}: planned {planned.facts.start}..{planned.facts.end} (nothing stored)\n"
        f"{'allocation':<20}{format_amount(now.allocation):>16} -> {format_amount(planned.allocation):>16}\n"
        f"{'excess depreciation':<20}{format_amount(now.excess_depreciation):>16} -> "
        f"{format_amount(planned.excess_depreciation):>16}\n"
        f"{'taxable':<20}{format_amount(now.taxable):>16} -> {format_amount(planned.taxable):>16}\n"
        f"{'tax':<20}{format_amount(now.tax):>16} -> {format_amount(planned.tax):>16}"
        f"  ({format_amount(planned.tax - now.tax)})\n"
        f"{'year result':<20}{format_amount(now.year_result):>16} -> {format_amount(planned.year_result):>16}"
        + "".join(f"\nnote: {notice.message}" for notice in planned.notices)
    )
    return EXIT_OK


# --- the registers -------------------------------------------------------------------------------


def cmd_funds(args: argparse.Namespace, settings: Settings) -> int:
    db, company, year = company_year(args, settings)
    register = tax_sheet.fund_register(db, year)
    if args.json:
        print_json(register.to_json())
        return EXIT_OK
    lines = [f"{company.name}, periodiseringsfonder {year.start}..{year.end}"]
    lines.append(f"  {'account':<9}{'year':<6}{'opening':>14}{'reversal':>14}{'uppräkning':>12}{'closing':>14}")
    for fund in register.funds:
        label = "?" if fund.label_year is None else str(fund.label_year)
        lines.append(
            f"  {fund.account:<9}{label:<6}{format_amount(fund.opening):>14}{format_amount(fund.reversal):>14}"
            f"{format_amount(fund.upprakning):>12}{format_amount(fund.opening - fund.reversal):>14}"
            + ("  compulsory" if fund.compulsory else "")
        )
    if not register.funds:
        lines.append("  no funds at the year's start")
    lines.append(f"schablonintäkt (4.6a) {format_amount(register.schablonintakt)}")
    lines.append(
        f"new fund {format_amount(register.allocation)} on {register.allocation_account or 'no free account'}, "
        f"at most {format_amount(register.allocation_max)}"
    )
    say("\n".join(lines))
    return EXIT_OK


def _show_assets(db, company, year, as_json: bool) -> int:
    register = tax_sheet.asset_register(db, year)
    if as_json:
        print_json(register)
        return EXIT_OK
    lines = [f"{company.name}, inventarier {year.start}..{year.end}"]
    for asset in register["assets"]:
        disposed = f"  disposed {asset['disposed']} for {asset['proceeds']}" if asset["disposed"] else ""
        lines.append(f"  {asset['id']:>4}  {asset['acquired']}  {asset['cost']:>14}  {asset['description']}{disposed}")
    if not register["assets"]:
        lines.append("  no assets registered (bokslut tax assets add)")
    lines.append(
        f"lowest tax value {register['lowest']} (30-rule {register['floor_30']}, 20-rule {register['floor_20']}); "
        f"book value {register['plan_residual']}; överavskrivningar at most {register['ceiling']}, "
        f"planned {register['excess_depreciation']}"
    )
    say("\n".join(lines))
    return EXIT_OK


def cmd_assets(args: argparse.Namespace, settings: Settings) -> int:
    db, company, year = company_year(args, settings)
    return _show_assets(db, company, year, args.json)


def cmd_asset_add(args: argparse.Namespace, settings: Settings) -> int:
    db, company, year = company_year(args, settings)
    add_asset(db, company, args.description, args.acquired, args.cost)
    return _show_assets(db, company, year, args.json)


def cmd_asset_dispose(args: argparse.Namespace, settings: Settings) -> int:
    db, company, year = company_year(args, settings)
    asset = TaxAsset.get_or_none(TaxAsset.id == args.id)
    if asset is None or asset.company_id != company.id:  # another company's asset is not this one's to dispose of
        raise BokslutError(f"no asset {args.id} in the register", key="tax_asset_missing", params={"id": args.id})
    dispose_asset(db, args.id, args.date, args.proceeds)
    return _show_assets(db, company, year, args.json)


# --- booking and the return ----------------------------------------------------------------------


def _chosen(db, year, name: str) -> list[drafts.SheetDraft]:
    sheet = tax_sheet.compute_sheet(db, year)
    if name == "plan-depreciation":
        proposal = drafts.plan_depreciation(db, year, sheet)
        return [proposal] if proposal else []
    return [proposal for proposal in drafts.closing_drafts(sheet) if name in ("all", proposal.name)]


def cmd_book(args: argparse.Namespace, settings: Settings) -> int:
    """Each draft becomes an ordinary closing entry (listed, exported and reversed like any). `all` books plan
    depreciation first and computes the sheet again, so the rest follow from the result after it."""
    db, company, year = company_year(args, settings)
    names = ("plan-depreciation", "all") if args.what == "all" else (args.what,)
    booked = []
    for name in names:
        for proposal in _chosen(db, year, name):
            booked.append(drafts.book(db, year, proposal))
    if not booked:
        raise BokslutError(
            f"nothing to book for {args.what}: the final books hold what the tax computation calls for",
            key="tax_nothing_to_book",
            params={"what": args.what},
        )
    if args.json:
        print_json([entries.entry_json(entry) for entry in booked])
    else:
        say("\n".join(f"booked entry {entry.id}  {entry.date}  {entry.text}  ({entry.template})" for entry in booked))
    return EXIT_OK


def cmd_sru(args: argparse.Namespace, settings: Settings) -> int:
    """INFO.SRU and BLANKETTER.SRU: INK2R from the final books, INK2S from the sheet, INK2 from INK2S; the return's
    checks refuse a return that does not add up, and nothing is written then."""
    db, company, year = company_year(args, settings)
    sheet = tax_sheet.compute_sheet(db, year)
    ink2s: dict[int, int | str] = {int(code): amount for code, amount in sheet.ink2s_codes().items()}
    ink2s[ASSISTED[args.assisted]] = "X"
    ink2s[AUDITED[args.audited]] = "X"
    submitter = Submitter(
        args.submitter or company.org_number or "",
        args.submitter_name or company.name,
        args.postal_code,
        args.city,
        address=args.address or "",
        contact=args.contact or "",
        email=args.email or "",
        phone=args.phone or "",
    )
    files = write_sru(
        Path(args.output),
        company,
        year,
        dict(build_ink2r(db, company, year).fields),
        ink2s,
        ink2_fields(ink2s),
        submitter,
        f"bokslut {version('bokslut')}",
        dt.datetime.now(),
        overwrite=args.overwrite,
    )
    if args.json:
        print_json(files.to_json())
    else:
        say(f"{company.name}: wrote {files.info} and {files.forms}")
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    tax = commands.add_parser("tax", help="the tax computation (INK2S), its registers, planning and the SRU files")
    actions = tax.add_subparsers(dest="tax_command", metavar="ACTION", required=True)

    def add(parent: argparse._SubParsersAction, name: str, handler, help: str):
        sub = parent.add_parser(name, help=help, description=help)
        sub.add_argument("--company", help="organisation number (default: the only company)")
        sub.add_argument("--year", type=int, required=True, help="the calendar year the fiscal year ends in")
        sub.add_argument("--json", action="store_true")
        sub.set_defaults(handler=handler)
        return sub

    fields = ", ".join(tax_sheet.input_names())
    sub = add(actions, "show", cmd_show, "the sheet: each INK2S field and its source, the tax, the drafts to book")
    sub.add_argument("--save", action="store_true", help="keep it: next year's loss carried forward reads it")
    sub = add(actions, "set", cmd_set, "your amount for an INK2S field or a planning choice; it wins until reset")
    sub.add_argument("field", metavar="FIELD", help=f"one of {fields}")
    sub.add_argument("amount", metavar="AMOUNT", type=_amount, help="whole kronor")
    sub = add(actions, "reset", cmd_reset, "back to the amount the books and registers give")
    sub.add_argument("field", metavar="FIELD", help=f"one of {fields}")
    add(actions, "funds", cmd_funds, "the periodiseringsfonder: reversals, uppräkning and the new fund")

    assets = actions.add_parser("assets", help="the inventarier register: list, add, dispose")
    asset_actions = assets.add_subparsers(dest="asset_command", metavar="ACTION", required=True)
    add(asset_actions, "list", cmd_assets, "the inventarier register and the tax value it allows")
    sub = add(asset_actions, "add", cmd_asset_add, "an acquisition (one asset or a batch) at its cost")
    sub.add_argument("--description", required=True)
    sub.add_argument("--acquired", required=True, type=_date, metavar="YYYY-MM-DD")
    sub.add_argument("--cost", required=True, type=_amount)
    sub = add(asset_actions, "dispose", cmd_asset_dispose, "a sale, scrapping or loss of an asset")
    sub.add_argument("id", type=int, help="the asset's id, as tax assets lists it")
    sub.add_argument("--date", required=True, type=_date, metavar="YYYY-MM-DD")
    sub.add_argument("--proceeds", type=_amount, default=Decimal(0), help="price or compensation (default 0)")

    sub = add(actions, "plan", cmd_plan, "result planning: the sheet with other choices, nothing stored")
    sub.add_argument("--allocation", type=_amount, help="this year's periodiseringsfond, whole kronor")
    sub.add_argument("--excess-depreciation", type=_amount, help="accumulated överavskrivningar at year end")
    sub.add_argument("--voluntary-reversal", type=_amount, help="funds reversed beyond the compulsory, oldest first")

    sub = add(actions, "book", cmd_book, "book the drafts the sheet calls for as closing entries")
    sub.add_argument(
        "what", nargs="?", default="all", choices=BOOKABLE, metavar="WHAT", help=f"one of {', '.join(BOOKABLE)}"
    )

    sub = add(actions, "sru", cmd_sru, "write the INK2 return (INFO.SRU, BLANKETTER.SRU) after checking it")
    sub.add_argument("--output", required=True, metavar="DIR", help="the directory the two files go in")
    sub.add_argument("--overwrite", action="store_true", help="replace files already there")
    sub.add_argument("--postal-code", required=True, help="the submitter's postnummer, five digits")
    sub.add_argument("--city", required=True, help="the submitter's postort")
    sub.add_argument("--assisted", required=True, choices=tuple(ASSISTED), help="an uppdragstagare helped (INK2S)")
    sub.add_argument("--audited", required=True, choices=tuple(AUDITED), help="the annual report was audited (INK2S)")
    sub.add_argument("--submitter", help="the submitter's organisation or personnummer (default: the company's)")
    sub.add_argument("--submitter-name", help="the submitter's name (default: the company's)")
    for option in ("--address", "--contact", "--email", "--phone"):
        sub.add_argument(option, help="the submitter's, optional")
