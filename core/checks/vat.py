"""The company's VAT period: how often it files a VAT return (month, quarter or year).

A setting of its own (company.vat_period), not the reconciliation period the year is divided into
(reconciliation.md §1.2, §3.4). Until the user sets it, it is read from the books: the usual distance between the
year's VAT settlements, or a quarter when there are too few to tell (Skatteverket's default for a turnover up to
40 MSEK).
"""

from __future__ import annotations

import datetime as dt
from statistics import median

import peewee as pw

from core.errors import BokslutError
from core.store.models import Company

VAT_PERIODS = ("month", "quarter", "year")
DEFAULT_VAT_PERIOD = "quarter"


def set_vat_period(db: pw.Database, company: Company, period: str) -> Company:
    if period not in VAT_PERIODS:
        raise BokslutError(f"the VAT period is one of {', '.join(VAT_PERIODS)}, not {period!r}")
    Company.update(vat_period=period).where(Company.id == company.id).execute()
    return Company.get_by_id(company.id)


def derived_vat_period(settlement_days: list[dt.date]) -> str:
    """The VAT period the settlement vouchers' dates show: the median number of months between two of them."""
    months = sorted(day.year * 12 + day.month for day in settlement_days)
    gaps = [later - earlier for earlier, later in zip(months, months[1:]) if later > earlier]
    if not gaps:
        return DEFAULT_VAT_PERIOD
    gap = median(gaps)
    return "month" if gap <= 1 else "quarter" if gap <= 4 else "year"


def settled_through(period: str, day: dt.date, year_start: dt.date, year_end: dt.date) -> dt.date:
    """The last day of the last VAT period that has ended on `day`: what a settlement dated `day` reports.
    Months and quarters follow the calendar; a VAT year is the fiscal year."""
    if period == "year":
        return day if day == year_end else year_start - dt.timedelta(days=1)
    next_day = day + dt.timedelta(days=1)
    month = next_day.month if period == "month" else next_day.month - (next_day.month - 1) % 3
    first = next_day.replace(month=month, day=1)
    return first - dt.timedelta(days=1)
