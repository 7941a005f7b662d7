"""Periodiseringsfonder as a register (reference §6): the funds at the year's start, read from the books, which of
them must be reversed this year, the voluntary reversal taken oldest first, the uppräkning, and the account for
this year's new fund.

A fund's beskattningsår is inferred from its account [P]: 212d/213d at the start of a year ending in calendar year
E holds the fund labelled with the latest year before E that ends in digit d, allocated in a year shaped like this
one. A fund on the group account 2110 has no year: it is reversed first and never counted as compulsory.
The reference (§6.3, §6.6) wants each fund's own beskattningsår in a register; until there is one, the sheet says
when the store holds an earlier year shaped unlike this one (tax_fund_years_inferred), where the inference may fail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from core.tax import rules
from core.tax.rules import ZERO


@dataclass(frozen=True)
class Fund:
    account: str
    label_year: int | None  # the calendar year its allocation year ended in; None on the group account
    start: dt.date | None  # the allocation's beskattningsår, inferred [P]
    end: dt.date | None
    opening: Decimal  # kronor, credit balance as a positive amount
    compulsory: bool  # reaches (or has passed) its sixth beskattningsår after the allocation
    reversal: Decimal = ZERO  # planned this year
    booked_reversal: Decimal = ZERO  # debits on its account in the final books
    factor: Decimal = Decimal(1)
    upprakning: Decimal = ZERO  # (factor - 1) x reversal, whole kronor, INK2S 4.6d

    def to_json(self) -> dict:
        return {
            "account": self.account,
            "label_year": self.label_year,
            "fiscal_year": None if self.start is None else {"start": self.start.isoformat(), "end": self.end.isoformat()},
            "opening": str(self.opening),
            "compulsory": self.compulsory,
            "reversal": str(self.reversal),
            "booked_reversal": str(self.booked_reversal),
            "closing": str(self.opening - self.reversal),
            "factor": str(self.factor),
            "upprakning": str(self.upprakning),
        }


def _fund_at(account: str, opening: Decimal, start: dt.date, end: dt.date) -> Fund:
    if account == rules.section("funds")["group_account"]:
        return Fund(account, None, None, None, opening, compulsory=False)
    digit = int(account[-1])
    label_year = end.year - 1 - (end.year - 1 - digit) % 10
    back = end.year - label_year
    compulsory = back >= rules.section("funds")["compulsory_after_years"]
    return Fund(account, label_year, rules.years_back(start, back), rules.years_back(end, back), opening, compulsory)


def is_fund_account(number: str) -> bool:
    funds = rules.section("funds")
    return funds["first_account"] <= number <= funds["last_account"]


def opening_funds(opening: Mapping[str, Decimal], start: dt.date, end: dt.date) -> list[Fund]:
    """The funds at the year's start, oldest first (the group account's, of unknown age, before all)."""
    funds = [
        _fund_at(number, -amount, start, end)
        for number, amount in opening.items()
        if is_fund_account(number) and amount != 0
    ]
    return sorted(funds, key=lambda fund: (fund.label_year is not None, fund.label_year or 0, fund.account))


def plan_reversals(
    funds: list[Fund], voluntary: Decimal, booked: Mapping[str, Decimal], start: dt.date
) -> list[Fund]:
    """Every compulsory fund in full, then `voluntary` kronor from the oldest funds on; with the uppräkning."""
    left = voluntary
    planned = []
    for fund in funds:
        amount = fund.opening if fund.compulsory else min(left, fund.opening)
        if not fund.compulsory:
            left -= amount
        factor = rules.upprakning_factor(fund.start, start) if fund.start is not None else Decimal(1)
        planned.append(
            replace(
                fund,
                reversal=amount,
                booked_reversal=booked.get(fund.account, ZERO),
                factor=factor,
                upprakning=rules.whole_kronor(amount * (factor - 1)),
            )
        )
    return planned


def allocation_account(opening: Mapping[str, Decimal], end: dt.date) -> str | None:
    """212d for the year ending in a year with last digit d; 213d ("nr 2") when 212d is not empty at the start [P].
    None when both hold a fund."""
    digit = end.year % 10
    for account in (f"212{digit}", f"213{digit}"):
        if opening.get(account, ZERO) == 0:
            return account
    return None
