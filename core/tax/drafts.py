"""Closing-entry drafts derived from the tax sheet: what the books still lack for the sheet to hold.

Each draft books only the difference to what the final books already hold, so it can lower an amount booked too
high as well as add to one; `lines` names the sheet lines it came from. The drafts have the shape of
core.closing.templates.template_draft's, dated at year end.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import datetime as dt

import peewee as pw

from core.closing import rates
from core.closing.entries import EntryDraft, RowDraft, create_entry, draft_json
from core.closing.templates import TEMPLATES, chart_account, chart_draft
from core.money import round_to_ore
from core.store.models import ClosingEntry, FiscalYear, TaxAsset
from core.tax import rules
from core.tax.rules import HUNDRED, ZERO
from core.tax.sheet import TaxSheet


@dataclass(frozen=True)
class SheetDraft:
    name: str  # tax, allocation, reversal, excess-depreciation, plan-depreciation
    draft: EntryDraft
    lines: tuple[str, ...]  # the sheet lines (INK2S fields and sheet figures) the amount comes from

    def to_json(self) -> dict:
        return {"name": self.name, "lines": list(self.lines), "entry": draft_json(self.draft)}


def _year(sheet: TaxSheet) -> str:
    start, end = sheet.facts.start.year, sheet.facts.end.year
    return str(end) if start == end else f"{start}/{end}"


def _draft(name: str, text: str, debit: str, credit: str, amount: Decimal, lines: tuple[str, ...]) -> SheetDraft | None:
    """Debit `debit` and credit `credit` by `amount`; a negative amount swaps the sides; None when nothing lacks."""
    if amount == 0:
        return None
    if amount < 0:
        debit, credit, amount = credit, debit, -amount
    rows = (RowDraft(debit, amount, ZERO), RowDraft(credit, ZERO, amount))
    return SheetDraft(name, EntryDraft(date=None, text=text, rows=rows), lines)


def tax_draft(sheet: TaxSheet) -> SheetDraft | None:
    entry = rules.section("tax_entry")
    return _draft(
        "tax",
        f"Skatt på årets resultat {_year(sheet)}",
        entry["cost_account"],
        entry["liability_account"],
        sheet.tax - sheet.booked["tax"],
        ("taxable", "rate", "tax", "4.3a"),
    )


def allocation_draft(sheet: TaxSheet) -> SheetDraft | None:
    if sheet.allocation_account is None:
        return None
    return _draft(
        "allocation",
        f"Avsättning till periodiseringsfond {_year(sheet)}",
        rules.section("funds")["allocation_account"],
        sheet.allocation_account,
        sheet.allocation - sheet.booked["allocation"],
        ("surplus_before_allocation", "allocation_max", "allocation"),
    )


def reversal_drafts(sheet: TaxSheet) -> list[SheetDraft]:
    """One per fund whose planned reversal differs from the debits its account already holds."""
    account = rules.section("funds")["reversal_account"]
    drafts = []
    for fund in sheet.funds:
        year = fund.label_year if fund.label_year is not None else fund.account
        draft = _draft(
            "reversal",
            f"Återföring av periodiseringsfond {year}",
            fund.account,
            account,
            fund.reversal - fund.booked_reversal,
            (f"funds.{fund.account}", "4.6d") if fund.upprakning else (f"funds.{fund.account}",),
        )
        if draft is not None:
            drafts.append(draft)
    return drafts


def excess_depreciation_draft(sheet: TaxSheet) -> SheetDraft | None:
    assets = rules.section("assets")
    return _draft(
        "excess-depreciation",
        f"Överavskrivningar {_year(sheet)}",
        assets["excess_cost_account"],
        assets["excess_balance_account"],
        sheet.excess_depreciation - sheet.booked["excess_depreciation"],
        ("assets.ceiling", "excess_depreciation"),
    )


def _months_held(acquired: dt.date, start: dt.date, end: dt.date) -> int:
    """Whole months of [start, end] the asset is held, the month of acquisition counted in full [P]."""
    if acquired > end:
        return 0
    return rules.months(max(acquired, start), end)


def asset_plan_depreciation(asset: TaxAsset, percent: Decimal, start: dt.date, end: dt.date) -> Decimal:
    """One asset's straight-line plan depreciation for the year [start, end]: `percent` of its cost a year, by
    months held, so the year of acquisition is pro-rated; never more than what is left of the cost after the
    earlier years' depreciation by the same plan, so no asset goes below zero. Öre."""
    if asset.disposed is not None and asset.disposed <= end:
        return ZERO  # gone by year end: its book value leaves with the disposal, not through depreciation
    monthly = asset.cost * percent / HUNDRED / 12
    earlier = rules.months(asset.acquired, start - dt.timedelta(days=1)) if asset.acquired < start else 0
    left = max(asset.cost - monthly * earlier, ZERO)
    return round_to_ore(min(monthly * _months_held(asset.acquired, start, end), left))


def plan_depreciation_draft(
    sheet: TaxSheet, percent: Decimal, cost_account: str, accumulated_account: str
) -> SheetDraft | None:
    """Plan depreciation of the inventarier in the asset register (reference §8.6), less what `cost_account`
    already holds in the final books: debit `cost_account`, credit `accumulated_account`. None without a register."""
    if not sheet.facts.assets:
        return None
    start, end = sheet.facts.start, sheet.facts.end
    amounts = {asset.id: asset_plan_depreciation(asset, percent, start, end) for asset in sheet.facts.assets}
    booked = sheet.facts.closing.get(cost_account, ZERO)
    return _draft(
        "plan-depreciation",
        f"{TEMPLATES['depreciation'].title} {_year(sheet)}",
        cost_account,
        accumulated_account,
        sum(amounts.values(), ZERO) - booked,
        tuple(f"assets.{asset_id}" for asset_id, amount in amounts.items() if amount),
    )


def plan_depreciation(db: pw.Database, fiscal_year: FiscalYear, sheet: TaxSheet) -> SheetDraft | None:
    """The plan-depreciation draft at the year's "depreciation" rate, on the depreciation template's accounts
    (7832/1229) or the nearest the company's chart has; None without a register, whatever the chart holds."""
    if not sheet.facts.assets:
        return None
    template = TEMPLATES["depreciation"]
    return plan_depreciation_draft(
        sheet,
        rates.rate(db, fiscal_year, "depreciation"),
        chart_account(db, fiscal_year, template.name, template.debit),
        chart_account(db, fiscal_year, template.name, template.credit),
    )


def closing_drafts(sheet: TaxSheet) -> list[SheetDraft]:
    """Every draft the sheet calls for, in the reference's order: reversals, överavskrivningar, allocation, tax."""
    drafts = [*reversal_drafts(sheet), excess_depreciation_draft(sheet), allocation_draft(sheet), tax_draft(sheet)]
    return [draft for draft in drafts if draft is not None]


def year_drafts(db: pw.Database, fiscal_year: FiscalYear, sheet: TaxSheet) -> list[SheetDraft]:
    """Plan depreciation first (booking it moves the result the others follow from), then the sheet's drafts."""
    depreciation = plan_depreciation(db, fiscal_year, sheet)
    return ([depreciation] if depreciation else []) + closing_drafts(sheet)


# Drafts on BAS accounts a company's chart may name otherwise (2510 for 2512): booked as the template would book them.
CHART_TEMPLATES = {"tax": "tax", "allocation": "periodiseringsfond"}


def book(db: pw.Database, fiscal_year: FiscalYear, proposal: SheetDraft) -> ClosingEntry:
    """A draft as an ordinary closing entry (listed, exported and reversed like any), named by its draft, on the
    accounts the company's chart has."""
    draft = proposal.draft
    if proposal.name in CHART_TEMPLATES:
        draft = chart_draft(db, fiscal_year, CHART_TEMPLATES[proposal.name], draft)
    return create_entry(db, fiscal_year.company, fiscal_year, draft, template=f"tax:{proposal.name}")


def drafts_json(sheet: TaxSheet) -> list[dict]:
    return [draft.to_json() for draft in closing_drafts(sheet)]

