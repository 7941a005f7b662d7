"""The year-dependent rules of the tax computation, read from tax.toml (each value cites its source there).

The tax rate is the closing templates' "tax" rate (core.closing.rates), so a company's own rate for a year is
used here too.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from core.errors import BokslutError

RULES_FILE = Path(__file__).with_name("tax.toml")
ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class FieldRule:
    """One INK2S field: its number on the form, SRU code, printed sign, where its amount comes from."""

    field: str
    code: str
    sign: str  # "+" adds to the taxable result, "-" subtracts, "*" information only
    source: str  # books, calc, reg, man
    accounts: tuple[str, ...]
    suggest: tuple[str, ...]
    credit: bool  # books fields of income: the amount is the net credit
    label: str  # confidence label and source, as tax.toml gives it
    never_negative: bool  # the form's data type B (§4, §11.4)


@cache
def _data() -> dict:
    with RULES_FILE.open("rb") as handle:
        return tomllib.load(handle, parse_float=Decimal)


def section(name: str) -> dict:
    return _data()[name]


@cache
def ink2s_rules() -> dict[str, FieldRule]:
    return {
        item["field"]: FieldRule(
            field=item["field"],
            code=item["code"],
            sign=item["sign"],
            source=item["source"],
            accounts=tuple(item.get("accounts", ())),
            suggest=tuple(item.get("suggest", ())),
            credit=bool(item.get("credit", False)),
            label=item["label"],
            never_negative=item.get("type") == "B",
        )
        for item in _data()["ink2s"]
    }


def in_accounts(number: str, accounts: tuple[str, ...]) -> bool:
    """True when the account is one of the list's numbers or inside one of its "AAAA-BBBB" ranges."""
    for item in accounts:
        low, _, high = item.partition("-")
        if (low <= number <= high) if high else number == low:
            return True
    return False


def net_debit(balances: Mapping[str, Decimal], accounts: tuple[str, ...]) -> Decimal:
    return sum((amount for number, amount in balances.items() if in_accounts(number, accounts)), ZERO)


def whole_kronor(amount: Decimal) -> Decimal:
    """Half away from zero, the reference's rule for form amounts, schablonintäkt and uppräkning (§2.3 [P])."""
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def kronor_down(amount: Decimal) -> Decimal:
    return amount.to_integral_value(rounding=ROUND_FLOOR)


def years_back(day: dt.date, years: int) -> dt.date:
    """The same day `years` calendar years earlier; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def months(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def schablon_percent(start: dt.date, end: dt.date) -> Decimal:
    """The schablonintäkt rate in percent for a beskattningsår (§5): share x SLR of 30 Nov the year before the
    calendar year it ends in, floored, and prorated by months when the year is not 12 months long ([U])."""
    slr_year = end.year - 1
    slr = _data()["statslaneranta"].get(str(slr_year))
    if slr is None:
        raise BokslutError(
            f"tax.toml has no statslåneränta for 30 November {slr_year}; add it before computing the tax",
            key="tax_slr_missing",
            params={"year": slr_year},
        )
    rule = max((item for item in _data()["schablon"] if item["from"] <= start.year), key=lambda item: item["from"])
    floor = rule["floor"]
    percent = Decimal(rule["share"]) / HUNDRED * (max(slr, floor) if floor != "" else slr)
    return percent * months(start, end) / 12


def upprakning_factor(allocated_start: dt.date, reversed_start: dt.date) -> Decimal:
    """The factor a reversed fund is multiplied by (§6.5), decided by the start dates of both years."""
    for item in _data()["upprakning"]:
        if (
            item["allocated_from"] <= allocated_start <= item["allocated_to"]
            and item["reversed_from"] <= reversed_start <= item["reversed_to"]
        ):
            return Decimal(item["factor"])
    return Decimal(1)
