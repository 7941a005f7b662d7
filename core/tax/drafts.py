"""Closing-entry drafts derived from the tax sheet: what the books still lack for the sheet to hold.

Each draft books only the difference to what the final books already hold, so it can lower an amount booked too
high as well as add to one; `lines` names the sheet lines it came from. The drafts have the shape of
core.closing.templates.template_draft's, dated at year end.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.closing.entries import EntryDraft, RowDraft, draft_json
from core.tax import rules
from core.tax.rules import ZERO
from core.tax.sheet import TaxSheet


@dataclass(frozen=True)
class SheetDraft:
    name: str  # tax, allocation, reversal, excess-depreciation
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


def closing_drafts(sheet: TaxSheet) -> list[SheetDraft]:
    """Every draft the sheet calls for, in the reference's order: reversals, överavskrivningar, allocation, tax."""
    drafts = [*reversal_drafts(sheet), excess_depreciation_draft(sheet), allocation_draft(sheet), tax_draft(sheet)]
    return [draft for draft in drafts if draft is not None]


def drafts_json(sheet: TaxSheet) -> list[dict]:
    return [draft.to_json() for draft in closing_drafts(sheet)]

