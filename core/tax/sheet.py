"""The tax computation sheet (skatteberäkning) of one fiscal year, mirroring INK2S (reference §3 and §4).

`gather` reads everything the sheet depends on from the store once (the final books, the accountant's inputs,
the asset register, last year's saved sheet, the rates); `calculate` is pure, so result planning recomputes the
sheet with other choices without touching the store. The order of operations is the reference's §3: reversals and
överavskrivningar first, then the adjustments, the surplus before the allocation `P`, the allocation
`A <= floor(25 % x P)`, the taxable surplus `Y = P - A`, and the tax on `Y` rounded down to tens. Neither the
allocation nor the tax is in `P`, so nothing is iterated.

Amounts the sheet shows as if the drafts it proposes (core.tax.drafts) were booked: 4.1/4.2 is the year's result
after the allocation and the tax, 4.3a the tax.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, Decimal

import peewee as pw

from core.closing import rates
from core.errors import BokslutError
from core.money import format_amount
from core.reports.bas import by_bas_account
from core.reports.statements import previous_year, year_figures
from core.store.models import FiscalYear, SavedTaxSheet, TaxAsset, TaxInput, utc_now
from core.tax import funds as fund_rules
from core.tax import rules
from core.tax.assets import AssetRegister, asset_json, asset_register_from, company_assets
from core.tax.funds import Fund
from core.tax.rules import HUNDRED, ZERO

# Planning choices the accountant can set besides the INK2S fields.
PLANNING_KEYS = (
    "allocation",  # this year's periodiseringsfond; default: what 8811 holds, else the maximum
    "voluntary_reversal",  # reversed beyond the compulsory funds, oldest first; default: what 8819 holds beyond it
    "excess_depreciation",  # accumulated överavskrivningar at year end; default: as booked, within the ceiling
    "opening_tax_value",  # of inventarier; default: from the books (§8.2)
)
COMPUTED_ONLY = ("4.1", "4.2", "4.3a", "4.15", "4.16")  # follow from the rest; never an input
RESULT_ACCOUNTS = ("3000", "8989")
TAX_ACCOUNTS = ("8900-8989",)


@dataclass(frozen=True)
class Notice:
    """Something the accountant should look at; `key` and `params` let the app say it in its language."""

    key: str
    params: dict
    message: str  # English

    def to_json(self) -> dict:
        return {"key": self.key, "params": self.params, "message": self.message}


@dataclass(frozen=True)
class Facts:
    """Everything one year's sheet is computed from."""

    fiscal_year_id: int
    start: dt.date
    end: dt.date
    opening: Mapping[str, Decimal]  # balance accounts at the year's start
    closing: Mapping[str, Decimal]  # final books: balance accounts at year end, result accounts the year's sum
    inputs: Mapping[str, Decimal]
    previous_loss: Decimal | None  # 4.16 of last year's saved sheet; None when there is none
    rate: Decimal  # tax, percent
    schablon_percent: Decimal  # zero when the company has no funds
    assets: tuple[TaxAsset, ...]
    # An earlier year of the company in the store shaped unlike this one (another start or length), within a fund's
    # reach: the funds' years are inferred as if every year were shaped like this one (core.tax.funds [P]).
    unlike_year: tuple[dt.date, dt.date] | None = None

    def fingerprint(self) -> str:
        """Changes when anything the sheet reads changes: the books, a closing entry, an input, the registers."""
        content = {
            "opening": sorted((a, str(v)) for a, v in self.opening.items() if v),
            "closing": sorted((a, str(v)) for a, v in self.closing.items() if v),
            "inputs": sorted((k, str(v)) for k, v in self.inputs.items()),
            "previous_loss": str(self.previous_loss),
            "rate": str(self.rate),
            "schablon": str(self.schablon_percent),
            "assets": [(a.id, str(a.acquired), str(a.cost), str(a.disposed), str(a.proceeds)) for a in self.assets],
        }
        return hashlib.blake2b(json.dumps(content).encode(), digest_size=16).hexdigest()


@dataclass(frozen=True)
class SheetLine:
    field: str  # the form's number, "4.3c"; the pairs 4.9, 4.10, 4.13 as "4.9+" and "4.9-"
    code: str  # SRU code
    sign: str
    amount: Decimal  # whole kronor
    source: str  # books, calc, reg, man
    computed: Decimal | None  # what the books or registers give, when they give anything
    overridden: bool  # the amount is the accountant's input
    accounts: tuple[str, ...]
    label: str

    def to_json(self) -> dict:
        return {
            "field": self.field,
            "code": self.code,
            "sign": self.sign,
            "amount": format_amount(self.amount),
            "source": self.source,
            "computed": None if self.computed is None else format_amount(self.computed),
            "overridden": self.overridden,
            "accounts": list(self.accounts),
            "label": self.label,
        }


@dataclass(frozen=True)
class TaxSheet:
    facts: Facts
    lines: tuple[SheetLine, ...]  # every INK2S field with an amount, an input or a computed value, in form order
    book_result: Decimal  # B: before the allocation and the tax, after the planned reversals and överavskrivningar
    surplus_before_allocation: Decimal  # P
    allocation_max: Decimal
    allocation: Decimal  # A
    allocation_account: str | None
    surplus: Decimal  # Y = P - A; negative is an underskott
    taxable: Decimal  # Y rounded down to whole tens, zero for a deficit
    rate: Decimal
    tax: Decimal
    year_result: Decimal  # B - A - tax (and other booked 89xx)
    booked: Mapping[str, Decimal]  # tax (8910), allocation (8811), reversal (8819), excess (acc. överavskrivningar)
    funds: tuple[Fund, ...]
    assets: AssetRegister
    excess_depreciation: Decimal  # planned accumulated överavskrivningar at year end
    notices: tuple[Notice, ...]
    saved: dict | None = field(default=None)  # saved_at, saved_by, stale: the sheet last saved for this year

    def amount(self, number: str) -> Decimal:
        return next((line.amount for line in self.lines if line.field == number), ZERO)

    def ink2s_fields(self) -> dict[str, int]:
        """INK2S keyed by the form's field numbers ("4.3c"; pairs as "4.13+"/"4.13-"), whole kronor, zeros left out."""
        return {line.field: int(line.amount) for line in self.lines if line.amount}

    def ink2s_codes(self) -> dict[str, int]:
        """The same keyed by SRU code ("7653"), as BLANKETTER.SRU writes them."""
        return {line.code: int(line.amount) for line in self.lines if line.amount}

    def to_json(self) -> dict:
        return {
            "fiscal_year": {"start": self.facts.start.isoformat(), "end": self.facts.end.isoformat()},
            "lines": [line.to_json() for line in self.lines],
            "book_result": format_amount(self.book_result),
            "surplus_before_allocation": format_amount(self.surplus_before_allocation),
            "allocation_max": format_amount(self.allocation_max),
            "allocation": format_amount(self.allocation),
            "allocation_account": self.allocation_account,
            "surplus": format_amount(self.surplus),
            "taxable": format_amount(self.taxable),
            "rate": str(self.rate),
            "tax": format_amount(self.tax),
            "year_result": format_amount(self.year_result),
            "booked": {key: format_amount(value) for key, value in self.booked.items()},
            "excess_depreciation": format_amount(self.excess_depreciation),
            "funds": [fund.to_json() for fund in self.funds],
            "assets": self.assets.to_json(),
            "inputs": {key: format_amount(value) for key, value in sorted(self.facts.inputs.items())},
            "notices": [notice.to_json() for notice in self.notices],
            "saved": self.saved,
        }


# --- reading the store ---------------------------------------------------------------------------


def _inputs(fiscal_year_id: int) -> dict[str, Decimal]:
    rows = TaxInput.select().where(TaxInput.fiscal_year == fiscal_year_id)
    return {row.field: row.amount for row in rows}


def _previous_loss(db: pw.Database, fiscal_year: FiscalYear) -> Decimal | None:
    previous = previous_year(db, fiscal_year)
    saved = None if previous is None else SavedTaxSheet.get_or_none(SavedTaxSheet.fiscal_year == previous.id)
    return None if saved is None else Decimal(json.loads(saved.fields).get("4.16", 0))


def gather(db: pw.Database, fiscal_year: FiscalYear) -> Facts:
    figures = year_figures(db, fiscal_year.company, fiscal_year, final=True)
    opening, closing = by_bas_account(figures.opening), by_bas_account(figures.closing)
    has_funds = any(fund_rules.is_fund_account(n) and v for n, v in opening.items())
    return Facts(
        fiscal_year_id=fiscal_year.id,
        start=fiscal_year.start,
        end=fiscal_year.end,
        opening=opening,
        closing=closing,
        inputs=_inputs(fiscal_year.id),
        previous_loss=_previous_loss(db, fiscal_year),
        rate=rates.rate(db, fiscal_year, "tax"),
        schablon_percent=rules.schablon_percent(fiscal_year.start, fiscal_year.end) if has_funds else ZERO,
        assets=tuple(company_assets(fiscal_year.company_id)),
        unlike_year=_unlike_year(fiscal_year) if has_funds else None,
    )


def _unlike_year(fiscal_year: FiscalYear) -> tuple[dt.date, dt.date] | None:
    """The latest of the company's stored years a fund can still come from (ten years back) whose start or length
    differs from this year's: a changed fiscal year, which the funds' inferred years do not know of."""
    shape = (fiscal_year.start.month, fiscal_year.start.day, rules.months(fiscal_year.start, fiscal_year.end))
    earlier = (
        FiscalYear.select()
        .where(
            FiscalYear.company == fiscal_year.company_id,
            FiscalYear.end < fiscal_year.start,
            FiscalYear.end >= rules.years_back(fiscal_year.start, 10),
        )
        .order_by(FiscalYear.end.desc())
    )
    for year in earlier:
        if (year.start.month, year.start.day, rules.months(year.start, year.end)) != shape:
            return year.start, year.end
    return None


# --- the computation -----------------------------------------------------------------------------


def _is_result_account(number: str) -> bool:
    return RESULT_ACCOUNTS[0] <= number <= RESULT_ACCOUNTS[1]


def _line(rule: rules.FieldRule, computed: Decimal | None, inputs: Mapping[str, Decimal]) -> SheetLine:
    given = inputs.get(rule.field)
    return SheetLine(
        field=rule.field,
        code=rule.code,
        sign=rule.sign,
        amount=given if given is not None else (computed or ZERO),
        source=rule.source,
        computed=computed,
        overridden=given is not None,
        accounts=rule.accounts,
        label=rule.label,
    )


def _computed_field(rule: rules.FieldRule, facts: Facts, fund_list: list[Fund]) -> Decimal | None:
    if rule.source == "books":
        debit = rules.net_debit(facts.closing, rule.accounts)
        return rules.whole_kronor(-debit if rule.credit else debit)
    if rule.field == "4.6a":
        opening_funds = sum((fund.opening for fund in fund_list), ZERO)
        return rules.whole_kronor(opening_funds * facts.schablon_percent / HUNDRED)
    if rule.field == "4.6d":
        return sum((fund.upprakning for fund in fund_list), ZERO)
    if rule.field == "4.14a":
        return facts.previous_loss
    return None


def calculate(facts: Facts) -> TaxSheet:
    """The sheet from its facts, without the store: §3 steps 1-8."""
    closing, opening, inputs = facts.closing, facts.opening, facts.inputs
    notices: list[Notice] = []
    fund_section = rules.section("funds")

    # 1. Reversals: the compulsory funds, then the voluntary amount oldest first.
    fund_list = fund_rules.opening_funds(opening, facts.start, facts.end)
    booked_reversal = -closing.get(fund_section["reversal_account"], ZERO)
    compulsory = sum((fund.opening for fund in fund_list if fund.compulsory), ZERO)
    voluntary = inputs.get("voluntary_reversal", max(booked_reversal - compulsory, ZERO))
    reversible = sum((fund.opening for fund in fund_list if not fund.compulsory), ZERO)
    if voluntary > reversible:
        notices.append(
            Notice(
                "tax_reversal_above_funds",
                {"amount": format_amount(voluntary), "funds": format_amount(reversible)},
                f"a voluntary reversal of {format_amount(voluntary)} is more than the {format_amount(reversible)} "
                "the funds hold; the funds are reversed in full",
            )
        )
    booked_per_fund = {fund.account: closing.get(fund.account, ZERO) - opening.get(fund.account, ZERO) for fund in fund_list}
    fund_list = fund_rules.plan_reversals(fund_list, voluntary, booked_per_fund, facts.start)
    planned_reversal = sum((fund.reversal for fund in fund_list), ZERO)
    if any(fund.label_year is None for fund in fund_list):
        notices.append(
            Notice(
                "tax_fund_on_group_account",
                {"account": fund_section["group_account"]},
                f"a periodiseringsfond is on the group account {fund_section['group_account']}; its year is unknown, "
                "so it is reversed first and never as compulsory: move it to its year's account",
            )
        )

    if facts.unlike_year is not None and any(fund.label_year is not None for fund in fund_list):
        start, end = (day.isoformat() for day in facts.unlike_year)
        notices.append(
            Notice(
                "tax_fund_years_inferred",
                {"start": start, "end": end},
                f"the fiscal year {start}..{end} is shaped unlike this one, but each fund's year, its compulsory "
                "reversal and its uppräkning are inferred from its account as if every year were: check them against "
                "the fund register",
            )
        )

    # 2. Överavskrivningar within the ceiling of the asset register.
    register = asset_register_from(
        list(facts.assets), opening, closing, facts.start, facts.end, inputs.get("opening_tax_value")
    )
    excess = inputs.get("excess_depreciation")
    if excess is None:
        excess = min(register.excess_booked, register.ceiling) if register.registered else register.excess_booked
    elif register.registered and excess > register.ceiling:
        notices.append(
            Notice(
                "tax_excess_above_ceiling",
                {"amount": format_amount(excess), "ceiling": format_amount(register.ceiling)},
                f"accumulated överavskrivningar of {format_amount(excess)} are more than the "
                f"{format_amount(register.ceiling)} the 30-rule and 20-rule allow",
            )
        )
    if register.registered and register.plan_above_tax:
        notices.append(
            Notice(
                "tax_plan_above_tax_value",
                {"residual": format_amount(register.plan_residual), "lowest": format_amount(register.lowest)},
                f"the book value of inventarier {format_amount(register.plan_residual)} is below the lowest tax value "
                f"{format_amount(register.lowest)}: handle the difference by hand (INK2S 4.13)",
            )
        )

    # B: the book result before the allocation and any 89xx, with what steps 1-2 plan but the books do not hold.
    allocation_account = fund_section["allocation_account"]
    books_result = -sum(
        (
            amount
            for number, amount in closing.items()
            if _is_result_account(number) and number != allocation_account and not rules.in_accounts(number, TAX_ACCOUNTS)
        ),
        ZERO,
    )
    book_result = rules.whole_kronor(
        books_result + (planned_reversal - booked_reversal) - (excess - register.excess_booked)
    )

    # 3-4. The adjustments and P.
    field_rules = rules.ink2s_rules()
    adjustments = {
        number: _line(rule, _computed_field(rule, facts, fund_list), inputs)
        for number, rule in field_rules.items()
        if number not in COMPUTED_ONLY
    }
    surplus_before = book_result + sum(
        (line.amount if line.sign == "+" else -line.amount for line in adjustments.values() if line.sign != "*"), ZERO
    )

    # 5. The allocation.
    share = Decimal(fund_section["max_share"])
    allocation_max = rules.kronor_down(surplus_before * share / HUNDRED) if surplus_before > 0 else ZERO
    booked_allocation = closing.get(allocation_account, ZERO)
    allocation = inputs.get("allocation", booked_allocation if booked_allocation else allocation_max)
    if allocation > allocation_max:
        notices.append(
            Notice(
                "tax_allocation_above_max",
                {"amount": format_amount(allocation), "max": format_amount(allocation_max)},
                f"the allocation to a periodiseringsfond {format_amount(allocation)} is more than the maximum "
                f"{format_amount(allocation_max)}",
            )
        )
    fund_account = fund_rules.allocation_account(opening, facts.end)
    if allocation and fund_account is None:
        notices.append(
            Notice(
                "tax_no_fund_account",
                {"year": facts.end.year},
                f"both fund accounts for {facts.end.year} already hold a fund; book the allocation by hand",
            )
        )

    # 6-8. Taxable surplus, tax, the year's result.
    surplus = surplus_before - allocation
    tens = Decimal(rules.section("tax_entry")["tens"])
    taxable = (surplus / tens).to_integral_value(rounding=ROUND_DOWN) * tens if surplus > 0 else ZERO
    tax = (taxable * facts.rate / HUNDRED).to_integral_value(rounding=ROUND_DOWN)
    tax_account = rules.section("tax_entry")["cost_account"]
    booked_tax = closing.get(tax_account, ZERO)
    other_tax = rules.whole_kronor(rules.net_debit(closing, TAX_ACCOUNTS) - booked_tax)
    year_result = book_result - allocation - tax - other_tax

    computed_lines = {
        "4.1": max(year_result, ZERO),
        "4.2": max(-year_result, ZERO),
        "4.3a": tax + other_tax,
        "4.15": max(surplus, ZERO),
        "4.16": max(-surplus, ZERO),
    }
    lines = []
    for number, rule in field_rules.items():
        line = adjustments.get(number) or _line(rule, computed_lines[number], {})
        if line.amount or line.computed or line.overridden:
            lines.append(line)
    return TaxSheet(
        facts=facts,
        lines=tuple(lines),
        book_result=book_result,
        surplus_before_allocation=surplus_before,
        allocation_max=allocation_max,
        allocation=allocation,
        allocation_account=fund_account,
        surplus=surplus,
        taxable=taxable,
        rate=facts.rate,
        tax=tax,
        year_result=year_result,
        booked={
            "tax": booked_tax,
            "allocation": booked_allocation,
            "reversal": booked_reversal,
            "excess_depreciation": register.excess_booked,
        },
        funds=tuple(fund_list),
        assets=register,
        excess_depreciation=excess,
        notices=tuple(notices),
    )


def plan(sheet: TaxSheet, **choices: Decimal) -> TaxSheet:
    """Result planning: the same year with other planning choices (PLANNING_KEYS), nothing stored."""
    unknown = sorted(set(choices) - set(PLANNING_KEYS))
    if unknown:
        raise BokslutError(
            f"unknown planning {'choice' if len(unknown) == 1 else 'choices'} {', '.join(unknown)}; the choices are: {', '.join(PLANNING_KEYS)}",
            key="tax_plan_unknown",
            params={"names": unknown},
        )
    given = {key: _whole(key, value) for key, value in choices.items() if value is not None}
    return replace(calculate(replace(sheet.facts, inputs={**sheet.facts.inputs, **given})), saved=sheet.saved)


# --- the public API ------------------------------------------------------------------------------


def compute_sheet(db: pw.Database, fiscal_year: FiscalYear) -> TaxSheet:
    """The year's sheet from the final books, with the state of the sheet last saved for it."""
    facts = gather(db, fiscal_year)
    sheet = calculate(facts)
    saved = SavedTaxSheet.get_or_none(SavedTaxSheet.fiscal_year == fiscal_year.id)
    if saved is None:
        return sheet
    return replace(
        sheet,
        saved={
            "saved_at": saved.saved_at.isoformat(sep=" "),
            "saved_by": saved.saved_by,
            "stale": saved.fingerprint != facts.fingerprint(),
        },
    )


def save_sheet(db: pw.Database, fiscal_year: FiscalYear, user: str) -> TaxSheet:
    """Keep the sheet as it is now: next year's loss carried forward reads it, and it goes stale when its facts
    change."""
    facts = gather(db, fiscal_year)
    sheet = calculate(facts)
    with db.atomic():
        SavedTaxSheet.delete().where(SavedTaxSheet.fiscal_year == fiscal_year.id).execute()
        saved = SavedTaxSheet.create(
            fiscal_year=fiscal_year.id,
            fingerprint=facts.fingerprint(),
            fields=json.dumps(sheet.ink2s_fields()),
            saved_by=user,
            saved_at=utc_now(),
        )
    return replace(
        sheet, saved={"saved_at": saved.saved_at.isoformat(sep=" "), "saved_by": user, "stale": False}
    )


def input_names() -> tuple[str, ...]:
    return tuple(n for n in rules.ink2s_rules() if n not in COMPUTED_ONLY) + PLANNING_KEYS


def _whole(name: str, amount: Decimal) -> Decimal:
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount != amount.to_integral_value():
        raise BokslutError(
            f"{name} takes whole kronor, like 12000; {amount!r} is not",
            key="tax_input_not_whole",
            params={"field": name, "amount": str(amount)},
        )
    field_rule = rules.ink2s_rules().get(name)
    if amount < 0 and (name in PLANNING_KEYS or (field_rule is not None and field_rule.never_negative)):
        raise BokslutError(
            f"{name} cannot be negative", key="tax_input_negative", params={"field": name, "amount": str(amount)}
        )
    return amount.quantize(Decimal(1))


def _known(name: str) -> None:
    if name not in input_names():
        raise BokslutError(
            f"{name!r} is not an input of the tax computation; the inputs are: {', '.join(input_names())}",
            key="tax_input_unknown",
            params={"field": name},
        )


def set_input(db: pw.Database, fiscal_year: FiscalYear, name: str, amount: Decimal, user: str) -> None:
    """The accountant's amount for an INK2S field or a planning choice; it wins over the books until reset."""
    _known(name)
    whole = _whole(name, amount)
    with db.atomic():
        TaxInput.delete().where(TaxInput.fiscal_year == fiscal_year.id, TaxInput.field == name).execute()
        TaxInput.create(fiscal_year=fiscal_year.id, field=name, amount=whole, changed_by=user, changed_at=utc_now())


def reset_input(db: pw.Database, fiscal_year: FiscalYear, name: str) -> bool:
    """Back to what the books and registers give; False when there was no input to reset."""
    _known(name)
    removed = TaxInput.delete().where(TaxInput.fiscal_year == fiscal_year.id, TaxInput.field == name).execute()
    return bool(removed)


@dataclass(frozen=True)
class FundRegister:
    funds: tuple[Fund, ...]
    schablonintakt: Decimal  # 4.6a
    allocation: Decimal
    allocation_max: Decimal
    allocation_account: str | None

    def to_json(self) -> dict:
        return {
            "funds": [fund.to_json() for fund in self.funds],
            "schablonintakt": format_amount(self.schablonintakt),
            "allocation": format_amount(self.allocation),
            "allocation_max": format_amount(self.allocation_max),
            "allocation_account": self.allocation_account,
        }


def fund_register(db: pw.Database, fiscal_year: FiscalYear) -> FundRegister:
    """The periodiseringsfonder of the year: opening funds, planned reversals and the new allocation."""
    sheet = compute_sheet(db, fiscal_year)
    return FundRegister(
        sheet.funds, sheet.amount("4.6a"), sheet.allocation, sheet.allocation_max, sheet.allocation_account
    )


def asset_register(db: pw.Database, fiscal_year: FiscalYear) -> dict:
    """The inventarier register's figures for the year and its assets, as `bokslut tax assets --json` prints."""
    sheet = compute_sheet(db, fiscal_year)
    return {
        **sheet.assets.to_json(),
        "excess_depreciation": format_amount(sheet.excess_depreciation),
        "assets": [asset_json(asset) for asset in sheet.facts.assets],
    }
