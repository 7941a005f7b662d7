"""Rates the closing templates use: settings per fiscal year, not constants, because the law changes them.

Defaults per calendar year live in rates.toml; a company's value for one fiscal year (ClosingRate) wins.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

import peewee as pw

from core.errors import BokslutError
from core.store.models import ClosingRate, FiscalYear

RATES_FILE = Path(__file__).with_name("rates.toml")
RATE_NAMES = ("tax", "periodiseringsfond", "depreciation")


@cache
def _defaults() -> dict[str, dict[int, Decimal]]:
    with RATES_FILE.open("rb") as handle:
        tables = tomllib.load(handle, parse_float=Decimal)
    return {name: {int(year): Decimal(value) for year, value in tables[name].items()} for name in RATE_NAMES}


def _check_name(name: str) -> None:
    if name not in RATE_NAMES:
        raise BokslutError(f"unknown rate {name!r}; the rates are: {', '.join(RATE_NAMES)}")


def default_rate(fiscal_year: FiscalYear, name: str) -> Decimal | None:
    """The rate in force for a fiscal year starting in its calendar year; None when the data has none that early."""
    _check_name(name)
    years = [year for year in _defaults()[name] if year <= fiscal_year.start.year]
    return _defaults()[name][max(years)] if years else None


def _override(fiscal_year: FiscalYear, name: str) -> Decimal | None:
    stored = ClosingRate.get_or_none(ClosingRate.fiscal_year == fiscal_year.id, ClosingRate.name == name)
    return None if stored is None else Decimal(stored.value)


def rate(db: pw.Database, fiscal_year: FiscalYear, name: str) -> Decimal:
    """The rate in percent for this fiscal year: the company's own value, else the default for the year."""
    _check_name(name)
    value = _override(fiscal_year, name)
    if value is None:
        value = default_rate(fiscal_year, name)
    if value is None:
        raise BokslutError(
            f"there is no default {name} rate for a fiscal year starting in {fiscal_year.start.year}; "
            f"set one with bokslut closing rates --set {name}=PERCENT"
        )
    return value


def set_rate(db: pw.Database, fiscal_year: FiscalYear, name: str, value: Decimal | str | None) -> None:
    """The company's own rate for one fiscal year; None (or empty text) goes back to the default."""
    _check_name(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        ClosingRate.delete().where(ClosingRate.fiscal_year == fiscal_year.id, ClosingRate.name == name).execute()
        return
    try:
        percent = Decimal(value.strip().replace(",", ".")) if isinstance(value, str) else Decimal(value)
    except InvalidOperation:
        percent = None
    if percent is None or not percent.is_finite() or not 0 <= percent <= 100:
        raise BokslutError(f"{name} rate {value!r} is not a percentage; give a number from 0 to 100, like 20.6")
    with db.atomic():
        ClosingRate.delete().where(ClosingRate.fiscal_year == fiscal_year.id, ClosingRate.name == name).execute()
        ClosingRate.create(fiscal_year=fiscal_year.id, name=name, value=str(percent))


def rates_json(db: pw.Database, fiscal_year: FiscalYear) -> list[dict]:
    """Each rate with its default and whether the company has its own, for `bokslut closing rates --json`."""
    result = []
    for name in RATE_NAMES:
        default = default_rate(fiscal_year, name)
        own = _override(fiscal_year, name)
        value = own if own is not None else default
        result.append(
            {
                "name": name,
                "value": None if value is None else str(value),
                "default": None if default is None else str(default),
                "overridden": own is not None,
            }
        )
    return result
