"""What the import overview shows about a company: its years, its last import, a year's checks and monthly result."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import peewee as pw

from core import integrity
from core.integrity import RESULT_CLASSES, CheckResult
from core.ledger import list_fiscal_years
from core.money import from_ore
from core.store.models import Company, FiscalYear, ImportBatch


@dataclass(frozen=True, slots=True)
class LastImport:
    file_name: str
    source: str
    finished: dt.datetime | None
    vouchers: int
    transactions: int
    balances: int


@dataclass(frozen=True, slots=True)
class CompanyOverview:
    company_id: int
    name: str
    org_number: str  # ten digits, "" when unknown
    years: tuple[tuple[int, dt.date, dt.date], ...]  # (fiscal_year.id, start, end), oldest first
    year_id: int | None  # the year the checks and results below describe
    last_import: LastImport | None
    checks: tuple[CheckResult, ...]
    monthly_results: tuple[tuple[str, Decimal], ...]  # (YYYY-MM, profit positive)


def company_overview(db: pw.Database, company_id: int, year_id: int | None = None) -> CompanyOverview:
    """The overview of one company; `year_id` None picks the latest year."""
    company = Company.get_by_id(company_id)
    years = tuple((year.id, year.start, year.end) for year in list_fiscal_years(db, company))
    if year_id is None and years:
        year_id = years[-1][0]
    batch = ImportBatch.select().where(ImportBatch.company == company_id).order_by(ImportBatch.id.desc()).first()
    last_import = (
        LastImport(batch.file_name, batch.source, batch.finished, batch.vouchers, batch.transactions, batch.balances)
        if batch
        else None
    )
    return CompanyOverview(
        company_id=company.id,
        name=company.name,
        org_number=company.org_number or "",
        years=years,
        year_id=year_id,
        last_import=last_import,
        checks=tuple(integrity.stored_checks(db, year_id)) if year_id else (),
        monthly_results=tuple(monthly_results(db, year_id)) if year_id else (),
    )


def monthly_results(db: pw.Database, fiscal_year_id: int) -> list[tuple[str, Decimal]]:
    """(YYYY-MM, result) for every month of the year; profit is positive (SIE books income as credit)."""
    year = FiscalYear.get_by_id(fiscal_year_id)
    classes = ", ".join("?" * len(RESULT_CLASSES))
    sums = dict(
        db.execute_sql(
            "SELECT substr(v.date, 1, 7), SUM(r.amount) FROM voucher_row r JOIN voucher v ON v.id = r.voucher_id "
            f"WHERE r.fiscal_year_id = ? AND r.kind = 'TRANS' AND substr(r.account, 1, 1) IN ({classes}) GROUP BY 1",
            (fiscal_year_id, *RESULT_CLASSES),
        ).fetchall()
    )
    return [(month, -from_ore(sums.get(month, 0))) for month in _months(year.start, year.end)]


def _months(start: dt.date, end: dt.date) -> list[str]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
