"""What the overview shows about a company: its years, its last import, a year's checks and monthly result, and
the state of the year's closing (its key figures, checks, periods and closing entries)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import peewee as pw

from core import integrity, periods
from core.checks.engine import ORANGE, RED, list_results
from core.closing.entries import STATUSES
from core.integrity import RESULT_CLASSES, CheckResult
from core.ledger import list_fiscal_years, trial_balance
from core.money import from_ore
from core.reports import bas
from core.store.models import ClosingEntry, Company, FiscalYear, ImportBatch, Period


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


@dataclass(frozen=True, slots=True)
class KeyFigures:
    """The year's figures an accountant looks at first, from the final trial balance (the books plus the closing
    entries not yet in them); income and result positive when earned, as a reader writes them."""

    revenue: Decimal  # net sales: the income statement's Nettoomsättning accounts
    result: Decimal  # classes 3-8: the year's result, profit positive
    balance_sheet_total: Decimal  # the asset accounts (class 1) summed, debit positive
    cash: Decimal  # the balance sheet's Kassa och bank accounts


@dataclass(frozen=True, slots=True)
class ClosingState:
    """How far the closing of a year has come, for the overview (the start page of a company)."""

    figures: KeyFigures
    checks_run: int  # results stored: none until the checks (of the closing, k) have run for the year
    checks_red: int
    checks_orange: int
    periods_locked: int
    periods: int  # the year's periods, the year-end period included
    entries: dict[str, int]  # closing entries not deleted, by status (core.closing.entries.STATUSES)


def key_figures(db: pw.Database, company: Company, fiscal_year: FiscalYear) -> KeyFigures:
    """Summed from the final trial balance's closing figures, the accounts grouped by the statements' BAS ranges
    (core/reports/arl_statements.toml) so the figures agree with the reports."""
    lines = trial_balance(db, company, fiscal_year, final=True).accounts
    revenue_ranges = bas.mapping(bas.INCOME_STATEMENT.key).lines["nettoomsattning"]
    cash_ranges = bas.mapping(bas.BALANCE_SHEET.key).lines["kassa_och_bank"]
    return KeyFigures(
        revenue=-sum((line.closing for line in lines if bas.within(revenue_ranges, line.number)), Decimal(0)),
        result=-sum((line.closing for line in lines if line.number.startswith(RESULT_CLASSES)), Decimal(0)),
        balance_sheet_total=sum((line.closing for line in lines if line.number.startswith("1")), Decimal(0)),
        cash=sum((line.closing for line in lines if bas.within(cash_ranges, line.number)), Decimal(0)),
    )


def closing_state(db: pw.Database, fiscal_year_id: int) -> ClosingState:
    """Read only: a year whose periods were never laid out counts the periods its kind gives, none locked."""
    fiscal_year = FiscalYear.get_by_id(fiscal_year_id)
    company = Company.get_by_id(fiscal_year.company_id)
    statuses = [result.status for result in list_results(db, company, fiscal_year)]
    stored = list(Period.select(Period.locked).where(Period.fiscal_year == fiscal_year_id))
    counted = dict(
        ClosingEntry.select(ClosingEntry.status, pw.fn.COUNT(ClosingEntry.id))
        .where(ClosingEntry.fiscal_year == fiscal_year_id, ClosingEntry.deleted == False)  # noqa: E712 (SQL)
        .group_by(ClosingEntry.status)
        .tuples()
    )
    return ClosingState(
        figures=key_figures(db, company, fiscal_year),
        checks_run=len(statuses),
        checks_red=statuses.count(RED),
        checks_orange=statuses.count(ORANGE),
        periods_locked=sum(period.locked for period in stored),
        periods=len(stored) or len(periods.spans(fiscal_year)) + 1,
        entries={status: counted.get(status, 0) for status in STATUSES},
    )
