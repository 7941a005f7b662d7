"""Reading the books back out of the store: companies, fiscal years, the trial balance, SIE export.

All sums are SQL over integer öre, converted to `Decimal` at the edge.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import peewee as pw

from core import activity, integrity
from core.text import counted
from core.config import Settings
from core.closing.entries import closing_movements
from core.integrity import BALANCE_CLASSES, CheckResult
from core.money import format_amount, from_ore
from core.sie import model as sie
from core.store.models import Account, Company, Dimension, DimensionObject, FiscalYear, ImportBatch, Voucher
from core.errors import BokslutError
from core.store.orgnr import check_digit_valid, format_org_number, normalise_org_number


class NotInStore(BokslutError, LookupError):
    """The company or year asked for is not in the store; the message lists what is."""


class SeveralCompanies(NotInStore):
    """No company was named and the store holds more than one; each door says how to name one."""


@dataclass(frozen=True, slots=True)
class TrialBalanceLine:
    number: str
    name: str
    opening: Decimal  # #IB for balance accounts (classes 1-2), zero for result accounts
    movement: Decimal  # Σ #TRANS of the year
    closing: Decimal


@dataclass(frozen=True, slots=True)
class TrialBalance:
    company_name: str
    org_number: str  # ten digits as stored and printed, "" when unknown
    start: dt.date
    end: dt.date
    vouchers: int
    transactions: int
    accounts: tuple[TrialBalanceLine, ...]
    checks: tuple[CheckResult, ...]
    final: bool = False  # movement includes the closing entries (core.closing) not yet in the books
    balances_only: bool = False  # no vouchers: the figures are the year's #IB, #UB and #RES

    def to_json(self) -> dict:
        """The shape `bokslut trial-balance --json` prints; amounts as decimal strings."""
        return {
            "company": {"name": self.company_name, "org_number": self.org_number},
            "fiscal_year": {"start": self.start.isoformat(), "end": self.end.isoformat()},
            "final": self.final,
            "balances_only": self.balances_only,
            "vouchers": self.vouchers,
            "transactions": self.transactions,
            "accounts": [
                {
                    "number": line.number,
                    "name": line.name,
                    "opening": format_amount(line.opening),
                    "movement": format_amount(line.movement),
                    "closing": format_amount(line.closing),
                }
                for line in self.accounts
            ],
            "checks": [{"id": c.check_id, "status": c.status, "message": c.message} for c in self.checks],
        }


def list_companies(db: pw.Database) -> list[Company]:
    return list(Company.select().order_by(Company.name, Company.id))


def resolve_company(db: pw.Database, org_number: str | None = None) -> Company:
    """The company with this organisation number, or the only one when none is given."""
    if org_number is not None:
        try:
            digits = normalise_org_number(org_number)
        except ValueError as error:
            raise NotInStore(f"{error}; give it as NNNNNN-NNNN") from None
        company = Company.get_or_none(Company.org_number == digits)
        if company is None:
            raise NotInStore(f"no company with organisation number {org_number} in the store")
        return company
    companies = list_companies(db)
    if not companies:
        raise NotInStore("the store holds no company yet; import a SIE file first")
    if len(companies) > 1:
        names = ", ".join(f"{c.name} ({c.org_number or 'no organisation number'})" for c in companies)
        raise SeveralCompanies(f"choose a company by organisation number; the store holds: {names}")
    return companies[0]


SOURCES = ("sie-file", "fortnox")


def add_company(db: pw.Database, name: str, org_number: str, source: str = "sie-file") -> Company:
    """A company is known by its organisation number, so imports and Fortnox can be checked against it."""
    try:
        digits = normalise_org_number(org_number)
    except ValueError as error:
        raise BokslutError(f"{error}; give it as NNNNNN-NNNN") from None
    if not digits:
        raise BokslutError("a company needs an organisation number (NNNNNN-NNNN)")
    if not check_digit_valid(digits):
        shown = format_org_number(digits)
        raise BokslutError(
            f"{shown} is not an organisation number: its check digit does not match; check the number",
            key="org_check_digit", params={"org": shown},
        )  # fmt: skip
    if not name.strip():
        raise BokslutError("a company needs a name")
    _check_source(source)
    with db.atomic():
        existing = Company.get_or_none(Company.org_number == digits)
        if existing is not None:
            raise BokslutError(f"{format_org_number(digits)} is already in the store as {existing.name}")
        return Company.create(name=name.strip(), org_number=digits, source=source)


def set_source(db: pw.Database, company: Company, source: str) -> None:
    """Switching the data source keeps the books; the next import comes from the new source."""
    _check_source(source)
    Company.update(source=source).where(Company.id == company.id).execute()
    company.source = source


@dataclass(frozen=True, slots=True)
class Removal:
    """What removing a company or a fiscal year takes with it, to be named before it is asked for."""

    company: str
    years: tuple[tuple[dt.date, dt.date], ...]
    vouchers: int
    closing_entries: int

    def to_json(self) -> dict:
        return {
            "company": self.company,
            "fiscal_years": [{"start": start.isoformat(), "end": end.isoformat()} for start, end in self.years],
            "vouchers": self.vouchers,
            "closing_entries": self.closing_entries,
        }


def rename_company(db: pw.Database, company: Company, name: str) -> None:
    """Only the name the books are shown under changes; imports still match on the organisation number."""
    if not name.strip():
        raise BokslutError("a company needs a name", key="company_needs_name")
    Company.update(name=name.strip()).where(Company.id == company.id).execute()
    company.name = name.strip()


def removal(db: pw.Database, company: Company, fiscal_year: FiscalYear | None = None) -> Removal:
    """What `remove_company` (or `remove_fiscal_year`, given a year) would take."""
    years = [fiscal_year] if fiscal_year is not None else list_fiscal_years(db, company)
    ids = [year.id for year in years] or [0]
    marks = ", ".join("?" for _ in ids)
    vouchers = db.execute_sql(f"SELECT COUNT(*) FROM voucher WHERE fiscal_year_id IN ({marks})", ids).fetchone()[0]
    entries = db.execute_sql(
        f"SELECT COUNT(*) FROM closing_entry WHERE fiscal_year_id IN ({marks})", ids
    ).fetchone()[0]
    return Removal(company.name, tuple((year.start, year.end) for year in years), vouchers, entries)


def remove_company(db: pw.Database, company: Company, settings: Settings | None = None) -> Removal:
    """The company and everything stored under it go in one transaction (the foreign keys cascade); the activity
    log stays, its entries no longer pointing at a company, and the removal is on record there too.

    Given `settings`, a company once connected to Fortnox has its stored token deleted first: a token store that
    refuses (a locked keyring) stops the removal before anything is gone."""
    with activity.recorded("remove", company.name, company.id) as record:
        if settings is not None and company.org_number and (company.source == "fortnox" or company.fortnox_tenant):
            from core.fortnox.tokens import forget_token  # keyring loads only for a company that may hold a token

            forget_token(settings, company.org_number)
        with db.atomic():
            gone = removal(db, company)
            Company.delete().where(Company.id == company.id).execute()
        record.company_id = None  # the company is gone; the entry names it
        record.message = (
            f"removed {company.name} ({format_org_number(company.org_number or '')}): "
            f"{counted(len(gone.years), 'fiscal year', 'fiscal years')}, {counted(gone.vouchers, 'voucher', 'vouchers')}, "
            f"{counted(gone.closing_entries, 'closing entry', 'closing entries')}"
        )
        record.said("remove", what="company", org=company.org_number or "", **gone.to_json())
    return gone


def remove_fiscal_year(db: pw.Database, company: Company, fiscal_year: FiscalYear) -> Removal:
    """One year and what hangs on it (vouchers, balances, closing entries, periods, checks, reconciliations) in one
    transaction; the company, its chart and its other years stay, and so does the activity log."""
    with activity.recorded("remove", company.name, company.id) as record:
        with db.atomic():
            gone = removal(db, company, fiscal_year)
            FiscalYear.delete().where(FiscalYear.id == fiscal_year.id).execute()
        record.message = (
            f"removed the fiscal year {fiscal_year.start}..{fiscal_year.end} of {company.name}: "
            f"{counted(gone.vouchers, 'voucher', 'vouchers')}, "
            f"{counted(gone.closing_entries, 'closing entry', 'closing entries')}"
        )
        record.said("remove", what="year", org=company.org_number or "", **gone.to_json())
    return gone


def _check_source(source: str) -> None:
    if source not in SOURCES:
        raise BokslutError(f"unknown data source {source!r}; choose one of: {', '.join(SOURCES)}")


def list_fiscal_years(db: pw.Database, company: Company) -> list[FiscalYear]:
    return list(FiscalYear.select().where(FiscalYear.company == company.id).order_by(FiscalYear.start))


@dataclass(frozen=True, slots=True)
class YearSource:
    """A stored fiscal year: where its books came from (the import batch that loaded it) and how many vouchers it
    holds, so an import that would replace it can say so first."""

    start: dt.date
    end: dt.date
    source: str | None  # "sie-file" or "fortnox"; None for a year known only from another year's file (#UB -1)
    file_name: str
    vouchers: int
    fortnox_id: int | None


def year_sources(db: pw.Database, company: Company) -> list[YearSource]:
    """The company's years, oldest first, each with its source and its number of vouchers."""
    vouchers = Voucher.select(pw.fn.COUNT(Voucher.id)).where(Voucher.fiscal_year == FiscalYear.id)
    rows = (
        FiscalYear.select(FiscalYear.start, FiscalYear.end, ImportBatch.source, ImportBatch.file_name,
                          vouchers.alias("vouchers"), FiscalYear.fortnox_id)
        .join(ImportBatch, pw.JOIN.LEFT_OUTER, on=(FiscalYear.batch == ImportBatch.id))
        .where(FiscalYear.company == company.id)
        .order_by(FiscalYear.start)
        .tuples()
    )  # fmt: skip
    return [YearSource(start, end, source, name or "", count or 0, fortnox) for start, end, source, name, count,
            fortnox in rows]  # fmt: skip


def replaced_by_fortnox(db: pw.Database, company: Company, today: dt.date) -> list[YearSource]:
    """The years an import from Fortnox would replace that came from another source (a SIE file), vouchers and all.

    Fortnox's own years are known only once it is asked; the stored spans stand in for them, picked as the import
    picks (core.fortnox.importer.choose_years: the last three years on the first import, later the current one)."""
    from core.fortnox.importer import FinancialYearRef, choose_years  # httpx loads with the importer

    years = year_sources(db, company)
    first_import = not any(year.fortnox_id for year in years)
    spans = [FinancialYearRef(0, year.start, year.end) for year in years]
    chosen = {ref.start for ref in choose_years(spans, first_import=first_import, all_years=False, today=today)}
    return [year for year in years if year.start in chosen and year.source not in (None, "fortnox")]


def resolve_fiscal_year(db: pw.Database, company: Company, year: int | None = None) -> FiscalYear:
    """The fiscal year ending in calendar year `year` (how accountants name a year), else the latest."""
    years = list_fiscal_years(db, company)
    if year is not None:
        years = [fy for fy in years if fy.end.year == year]
    if not years:
        wanted = f"ending in {year}" if year is not None else "at all"
        raise NotInStore(f"{company.name} has no fiscal year {wanted} in the store")
    return max(years, key=lambda fy: fy.end)


def _balance_sums(db: pw.Database, fiscal_year: FiscalYear, kind: str) -> dict[str, int]:
    """Σ öre per account of one kind of balance record (IB, UB, RES) of the year, without object rows."""
    cursor = db.execute_sql(
        "SELECT account, SUM(amount) FROM balance WHERE fiscal_year_id = ? AND kind = ? AND objects = '' "
        "GROUP BY account",
        (fiscal_year.id, kind),
    )
    return dict(cursor.fetchall())


def _known_from_balances(db: pw.Database, fiscal_year: FiscalYear) -> bool:
    """A year without vouchers but with closing balances (SIE 1-3, or a file's year -1): its #UB and #RES are
    its figures, since there are no transactions to add up."""
    if db.execute_sql("SELECT 1 FROM voucher WHERE fiscal_year_id = ? LIMIT 1", (fiscal_year.id,)).fetchone():
        return False
    closing = db.execute_sql(
        "SELECT 1 FROM balance WHERE fiscal_year_id = ? AND kind IN ('UB', 'RES') LIMIT 1", (fiscal_year.id,)
    ).fetchone()
    return closing is not None


def trial_balance(
    db: pw.Database, company: Company, fiscal_year: FiscalYear, final: bool = False
) -> TrialBalance:
    """Preliminary: the imported books. Final: plus the closing entries that the books do not hold yet.

    A year known only from balances has #UB (balance accounts) and #RES (result accounts) as its closing figures
    and their difference from #IB as the movement; an account with #IB and no #UB closes at zero."""
    opening = {a: v for a, v in _balance_sums(db, fiscal_year, "IB").items() if a.startswith(BALANCE_CLASSES)}
    balances_only = _known_from_balances(db, fiscal_year)
    if balances_only:
        closing = {a: v for a, v in _balance_sums(db, fiscal_year, "UB").items() if a.startswith(BALANCE_CLASSES)}
        closing.update(
            {a: v for a, v in _balance_sums(db, fiscal_year, "RES").items() if not a.startswith(BALANCE_CLASSES)}
        )
        movement = {a: closing.get(a, 0) - opening.get(a, 0) for a in opening.keys() | closing.keys()}
    else:
        movement = integrity.transaction_totals(db, fiscal_year.id)
    if final:
        for account, amount in closing_movements(db, fiscal_year.id).items():
            movement[account] = movement.get(account, 0) + amount
    names = dict(Account.select(Account.number, Account.name).where(Account.company == company.id).tuples())
    lines = tuple(
        TrialBalanceLine(
            number=number,
            name=names.get(number, ""),
            opening=from_ore(opening.get(number, 0)),
            movement=from_ore(movement.get(number, 0)),
            closing=from_ore(opening.get(number, 0) + movement.get(number, 0)),
        )
        for number in sorted(opening.keys() | movement.keys())
    )
    vouchers = db.execute_sql("SELECT COUNT(*) FROM voucher WHERE fiscal_year_id = ?", (fiscal_year.id,)).fetchone()[0]
    transactions = db.execute_sql(
        "SELECT COUNT(*) FROM voucher_row WHERE fiscal_year_id = ? AND kind = 'TRANS'", (fiscal_year.id,)
    ).fetchone()[0]
    return TrialBalance(
        company_name=company.name,
        org_number=company.org_number or "",
        start=fiscal_year.start,
        end=fiscal_year.end,
        vouchers=vouchers,
        transactions=transactions,
        accounts=lines,
        checks=tuple(integrity.stored_checks(db, fiscal_year.id)),
        final=final,
        balances_only=balances_only,
    )


def _objects(text: str) -> tuple[sie.ObjectRef, ...]:
    return tuple((dimension, number) for dimension, number in json.loads(text)) if text else ()


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def _previous_year(db: pw.Database, fiscal_year: FiscalYear) -> FiscalYear | None:
    return FiscalYear.get_or_none(
        FiscalYear.company == fiscal_year.company_id, FiscalYear.end == fiscal_year.start - dt.timedelta(days=1)
    )


def export_year(
    db: pw.Database, company: Company, fiscal_year: FiscalYear
) -> tuple[sie.Header, Iterator[sie.Balance], Iterator[sie.Voucher]]:
    """A stored year as SIE records for the 4E writer; balances and vouchers stream from SQL.

    The previous fiscal year, when stored, is written as year -1 with its stored balances.
    """
    previous = _previous_year(db, fiscal_year)
    years = {0: sie.FiscalYear(0, fiscal_year.start, fiscal_year.end)}
    if previous is not None:
        years[-1] = sie.FiscalYear(-1, previous.start, previous.end)
    header = sie.Header(
        flagga="0",
        program="bokslut",
        format="PC8",
        generated=dt.date.today(),
        sie_type=4,
        org_number=format_org_number(company.org_number or ""),
        company_name=company.name,
        currency="SEK",
        years=years,
        accounts={
            a.number: sie.Account(a.number, a.name, a.type, a.unit, sru_codes=tuple(a.sru.split()))
            for a in Account.select().where(Account.company == company.id).order_by(Account.number)
        },
        dimensions={
            d.number: sie.Dimension(d.number, d.name, d.parent)
            for d in Dimension.select().where(Dimension.company == company.id).order_by(Dimension.number)
        },
        objects={
            (o.dimension, o.number): o.name
            for o in DimensionObject.select()
            .where(DimensionObject.company == company.id)
            .order_by(DimensionObject.dimension, DimensionObject.number)
        },
    )
    year_ids = [(0, fiscal_year.id)] + ([(-1, previous.id)] if previous is not None else [])
    return header, _stream_balances(db, year_ids), _stream_vouchers(db, fiscal_year.id)


def _stream_balances(db: pw.Database, year_ids: list[tuple[int, int]]) -> Iterator[sie.Balance]:
    for year_index, year_id in year_ids:
        cursor = db.execute_sql(
            "SELECT kind, account, period, objects, amount, quantity FROM balance WHERE fiscal_year_id = ? ORDER BY id",
            (year_id,),
        )
        for kind, account, period, objects, amount, quantity in cursor:
            yield sie.Balance(
                sie.BalanceKind(kind),
                year_index,
                account,
                from_ore(amount),
                period,
                _objects(objects),
                _decimal(quantity),
            )


def _stream_vouchers(db: pw.Database, fiscal_year_id: int) -> Iterator[sie.Voucher]:
    """One pass over vouchers joined with their rows, in import order; one voucher in memory at a time."""
    cursor = db.execute_sql(
        "SELECT v.id, v.series, v.number, v.date, v.text, v.registered, v.signature, "
        "r.kind, r.account, r.amount, r.objects, r.quantity, r.text, r.date, r.signature "
        "FROM voucher v LEFT JOIN voucher_row r ON r.voucher_id = v.id "
        "WHERE v.fiscal_year_id = ? ORDER BY v.id, r.id",
        (fiscal_year_id,),
    )
    voucher: sie.Voucher | None = None
    voucher_id = None
    for record in cursor:
        if record[0] != voucher_id:
            if voucher is not None:
                yield voucher
            voucher_id, series, number, date, text, registered, signature = record[:7]
            voucher = sie.Voucher(series, number, _date(date), text, _date(registered), signature)
        kind, account, amount, objects, quantity, row_text, row_date, row_signature = record[7:]
        if kind is not None:  # a voucher without rows still comes back, as an empty one
            voucher.rows.append(
                sie.VoucherRow(
                    account,
                    from_ore(amount),
                    _objects(objects),
                    _date(row_date),
                    row_text,
                    _decimal(quantity),
                    row_signature,
                    sie.RowKind(kind),
                )
            )
    if voucher is not None:
        yield voucher
