"""Templates for the usual year-end entries of an aktiebolag, with the amount suggested from the books.

Suggestions read the final trial balance (the books plus the closing entries so far), so each template
sees what earlier ones booked: tax after depreciation, the year's result after tax. Where something is
already booked on the template's own cost account (7832, 8811, 8910), only the rest is suggested, so
applying a template twice does not book it twice. Accounts follow BAS (domain.md 3.1), as far as the company's
chart has them: where it lacks one, the template uses its BAS group account (template_accounts.toml), and says so
when the chart has neither. The periodiseringsfond template books on the year's fund account, 212 + the last digit
of the year the fiscal year ends in (tax-ink2-sru.md §6.3), which has no fallback: BAS's group account 2110 takes no
funds, so a chart without the year's account is refused, naming the account to add.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import peewee as pw

from core import ledger
from core.closing import rates
from core.closing.entries import EntryDraft, RowDraft
from core.errors import BokslutError
from core.money import format_amount, round_to_ore
from core.reports.bas import by_bas_account
from core.store.models import Account, FiscalYear
from core.tax import funds as tax_funds

RESULT_CLASSES = tuple("345678")
# BAS 1220-1227: acquisition values of inventarier och verktyg; 1228 and 1229 hold their accumulated write-downs and
# depreciation (BAS 2024 [V], domain.md 3.1), what the book value "left" nets them against.
EQUIPMENT_ACCOUNTS = ("1220", "1227")
EQUIPMENT_BOOK_VALUE = ("1220", "1229")
ACCOUNTS_FILE = Path(__file__).with_name("template_accounts.toml")
FUND_ACCOUNT = "212x"  # the year's periodiseringsfond account, 212 + the year's last digit (fund_account)


@dataclass(frozen=True)
class Template:
    name: str
    title: str  # the entry's text, before the year
    debit: str  # the BAS account debited for a positive amount; "" when the user gives it (--account)
    credit: str  # (the company's chart may book them on a fallback instead: template_accounts.toml)
    description: str  # debit/credit accounts and how the amount is found: the CLI's help, the TUI's picker
    suggests_amount: bool = True  # False: nothing in the books says the amount, the user gives it (--amount)


_ALL = (
    Template(
        "depreciation",
        "Avskrivning inventarier",
        "7832",
        "1229",
        "7832/1229: rate 'depreciation' x the closing balance of 1220-1227, less what 7832 holds, at most the book value left",
    ),
    Template(
        "accrued-expenses",
        "Upplupna kostnader",
        "",
        "2990",
        "your cost account (--account)/2990; give --amount",
        suggests_amount=False,
    ),
    Template(
        "prepaid-expenses",
        "Förutbetalda kostnader",
        "1790",
        "",
        "1790/your cost account (--account); give --amount",
        suggests_amount=False,
    ),
    Template(
        "tax",
        "Skatt på årets resultat",
        "8910",
        "2512",
        "8910/2512: the tax of the tax computation (bokslut tax show), less or more than 8910 holds",
    ),
    Template(
        "periodiseringsfond",
        "Avsättning till periodiseringsfond",
        "8811",
        FUND_ACCOUNT,
        "8811/the year's fund account (212 + the last digit of the year): the tax computation's allocation (at most 25 % of the taxable surplus before it), less 8811",
    ),
    Template(
        "excess-depreciation",
        "Överavskrivningar",
        "8853",
        "2153",
        "8853/2153; give --amount (negative to reduce)",
        suggests_amount=False,
    ),
    Template(
        "year-result",
        "Årets resultat",
        "8999",
        "2099",
        "8999/2099: the result of classes 3-8, so that they sum to zero",
    ),
)
TEMPLATES: dict[str, Template] = {template.name: template for template in _ALL}


class _Books:
    """The final closing balances of one year, in kronor, and sums over account ranges."""

    def __init__(self, db: pw.Database, fiscal_year: FiscalYear) -> None:
        balance = ledger.trial_balance(db, fiscal_year.company, fiscal_year, final=True)
        self.closing = {line.number: line.closing for line in balance.accounts}
        self.opening = {line.number: line.opening for line in balance.accounts}

    def total(self, keep: Callable[[str], bool]) -> Decimal:
        return sum((amount for number, amount in self.closing.items() if keep(number)), Decimal(0))

    def of(self, account: str) -> Decimal:
        return self.closing.get(account, Decimal(0))

    def result(self) -> Decimal:
        """Profit positive (result accounts hold income as credit, negative)."""
        return -self.total(lambda n: n.startswith(RESULT_CLASSES))


def _percent_of(rate: Decimal, base: Decimal) -> Decimal:
    return base * rate / 100


@cache
def _fallbacks() -> dict[str, tuple[str, ...]]:
    with ACCOUNTS_FILE.open("rb") as handle:
        return {account: tuple(others) for account, others in tomllib.load(handle)["fallbacks"].items()}


def chart_account(db: pw.Database, fiscal_year: FiscalYear, name: str, account: str) -> str:
    """The template's BAS `account`, or the first fallback the company's chart has; refused when it has none."""
    choices = (account, *_fallbacks().get(account, ()))
    chart = {
        number
        for (number,) in Account.select(Account.number)
        .where(Account.company == fiscal_year.company_id, Account.number.in_(choices))
        .tuples()
    }
    chosen = next((choice for choice in choices if choice in chart), None)
    if chosen is None:
        listed = " or ".join(choices)
        raise BokslutError(
            f"the {name} template books on {listed}, and the company's chart has none of them; add the account to "
            "the chart in the bookkeeping program and import again, or book the entry yourself (bokslut closing add)",
            key="template_account_missing",
            params={"template": name, "accounts": list(choices)},
        )
    return chosen


def fund_account(db: pw.Database, fiscal_year: FiscalYear, name: str = "periodiseringsfond") -> str:
    """The account of the fund allocated in `fiscal_year` (tax-ink2-sru.md §6.3, §6.4): 212 + the last digit of the
    calendar year the fiscal year ends in (2123 for 2023, 2124 for 2024), or 213x ("nr 2") where 212x already holds
    a fund at the year's start, as the tax computation chooses it. Refused when both hold one, and when the company's
    chart lacks the account: there is no fallback, as the group account 2110 takes no funds (§6.3, §6.6)."""
    label = fiscal_year.end.year
    account = tax_funds.allocation_account(by_bas_account(_Books(db, fiscal_year).opening), fiscal_year.end)
    if account is None:
        digit = label % 10
        raise BokslutError(
            f"the {name} template books the fund of {label} on 212{digit}, or 213{digit} (nr 2), and both already hold "
            f"a fund at the year's start; book the allocation yourself (bokslut closing add)",
            key="template_account_missing",
            params={"template": name, "accounts": [f"212{digit}", f"213{digit}"]},
        )
    in_chart = (
        Account.select()
        .where(Account.company == fiscal_year.company_id, Account.number == account)
        .exists()
    )
    if not in_chart:
        fund = f"Periodiseringsfond {label}" + (" nr 2" if account.startswith("213") else "")
        raise BokslutError(
            f"the {name} template books the fund of {label} on {account} ({fund}), and the company's chart lacks it; "
            f"add {account} to the chart in the bookkeeping program and import again, or book the entry yourself "
            "(bokslut closing add); the group account 2110 takes no funds",
            key="template_account_missing",
            params={"template": name, "accounts": [account]},
        )
    return account


def _resolve(db: pw.Database, fiscal_year: FiscalYear, name: str, account: str) -> str:
    """A template's fixed account as the company's chart has it."""
    if account == FUND_ACCOUNT:
        return fund_account(db, fiscal_year, name)
    return chart_account(db, fiscal_year, name, account)


def chart_draft(db: pw.Database, fiscal_year: FiscalYear, name: str, draft: EntryDraft) -> EntryDraft:
    """`draft`, an entry on the BAS accounts of template `name` (the tax computation's drafts book 8910/2512 and
    8811/212x), on the accounts the company's chart has: 2510 for 2512 where the chart lacks 2512, and so on; refused
    with one message when the chart has none of a row's choices. The rows keep their sides and amounts."""
    template = TEMPLATES[name]
    debit = _resolve(db, fiscal_year, name, template.debit)
    return _on_accounts(draft, template.debit, debit, _resolve(db, fiscal_year, name, template.credit))


def _on_accounts(draft: EntryDraft, bas_debit: str, debit: str, credit: str) -> EntryDraft:
    """The rows on `bas_debit` moved to `debit`, the others to `credit`, sides and amounts kept."""
    rows = tuple(RowDraft(debit if row.account == bas_debit else credit, row.debit, row.credit) for row in draft.rows)
    return EntryDraft(date=draft.date, text=draft.text, rows=rows)


def _suggest(db: pw.Database, fiscal_year: FiscalYear, name: str, cost_account: str) -> tuple[Decimal, str]:
    """The suggested amount (debit on `cost_account`, the template's debit account in the company's chart) and a
    sentence on how it was reached."""
    books = _Books(db, fiscal_year)
    if name == "depreciation":
        low, high = EQUIPMENT_ACCOUNTS
        base = books.total(lambda n: low <= n <= high)
        left = books.total(lambda n: EQUIPMENT_BOOK_VALUE[0] <= n <= EQUIPMENT_BOOK_VALUE[1])
        percent = rates.rate(db, fiscal_year, "depreciation")
        booked = books.of(cost_account)
        planned = round_to_ore(_percent_of(percent, base)) - booked
        amount = max(min(planned, left), Decimal(0))  # never below a book value of zero
        basis = (
            f"{percent} % of {format_amount(base)} on {low}-{high}, less {format_amount(booked)} on {cost_account}"
            + (f", at most the book value left on {EQUIPMENT_BOOK_VALUE[0]}-{EQUIPMENT_BOOK_VALUE[1]}, "
               f"{format_amount(left)}" if left < planned else "")
        )
    elif name == "year-result":
        amount = books.result()
        basis = "classes 3-8 already sum to zero"
    else:
        raise BokslutError(
            f"the {name} template cannot suggest an amount; give one with --amount",
            key="template.needs_amount", params={"name": name},
        )  # fmt: skip
    return amount, basis


def template_draft(
    db: pw.Database,
    fiscal_year: FiscalYear,
    name: str,
    *,
    amount: Decimal | None = None,
    account: str | None = None,
) -> EntryDraft:
    """The template's entry dated year end; `amount` overrides the suggestion, a negative one swaps the sides."""
    template = TEMPLATES.get(name)
    if template is None:
        raise BokslutError(f"unknown template {name!r}; the templates are: {', '.join(TEMPLATES)}")
    debit, credit = template.debit, template.credit
    if debit and credit:
        if account is not None:
            raise BokslutError(f"the {name} template has fixed accounts; --account is for the accrual templates")
    elif not account:
        raise BokslutError(f"the {name} template needs your cost account; give it with --account NNNN")
    debit = _resolve(db, fiscal_year, name, debit) if debit else account
    credit = _resolve(db, fiscal_year, name, credit) if credit else account
    if amount is None and name in SHEET_TEMPLATES:
        return _on_accounts(_from_tax_sheet(db, fiscal_year, name), template.debit, debit, credit)
    if amount is None:
        amount, basis = _suggest(db, fiscal_year, name, debit)
        if amount == 0:
            raise BokslutError(
                f"nothing to book with the {name} template: {basis}; give --amount to book one anyway",
                key="template.nothing_to_book", params={"name": name},
            )  # fmt: skip
    elif amount == 0:
        raise BokslutError(f"the {name} template needs an amount other than zero")
    if amount < 0:
        debit, credit, amount = credit, debit, -amount
    start, end = fiscal_year.start.year, fiscal_year.end.year
    year = str(end) if start == end else f"{start}/{end}"
    return EntryDraft(
        date=None,
        text=f"{template.title} {year}",
        rows=(RowDraft(debit, amount, Decimal(0)), RowDraft(credit, Decimal(0), amount)),
    )


SHEET_TEMPLATES = ("tax", "periodiseringsfond")  # their amounts come from the tax computation, never from the book result


def _from_tax_sheet(db: pw.Database, fiscal_year: FiscalYear, name: str) -> EntryDraft:
    """The tax on the taxable result and the fund at most 25 % of the taxable surplus (core.tax), booked as the
    difference to what the books hold, either way: one computation for the template, the tax screen and `tax book`."""
    # imported here: core.tax.drafts builds on this module's chart accounts
    from core.tax import drafts as tax_drafts
    from core.tax.sheet import compute_sheet

    sheet = compute_sheet(db, fiscal_year)
    proposal = tax_drafts.tax_draft(sheet) if name == "tax" else tax_drafts.allocation_draft(sheet)
    if proposal is None:
        raise BokslutError(
            f"nothing to book with the {name} template: the books already hold what the tax computation gives "
            f"(bokslut tax show); give --amount to book one anyway",
            key="template.nothing_to_book", params={"name": name},
        )  # fmt: skip
    return proposal.draft
