"""Building the reports from the store: trial balance, income statement and balance sheet, each with the
previous fiscal year beside it.

Figures of a year come from `ledger.trial_balance` (preliminary: the books; final: plus the closing entries
not yet in them). A year the store holds without vouchers (SIE types 1-3, or a previous year known only from
a file's year -1 balances) is read from its #UB and #RES balances instead, so its figures are still its own.
The previous year's column always shows that year's final figures: they are what its accounts ended up as.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import peewee as pw

from core import ledger
from core.closing.entries import closing_movements
from core.integrity import BALANCE_CLASSES
from core.money import format_amount, from_ore
from core.reports import bas
from core.store.models import Account, Company, FiscalYear
from core.store.orgnr import format_org_number

ZERO = Decimal("0.00")

SIGN_CONVENTIONS = {
    "trial-balance": "Bokföringens tecken: debet positivt, kredit negativt.",
    "income-statement": "Intäkter positiva, kostnader negativa; raderna summerar till årets resultat.",
    "balance-sheet": (
        "Tillgångar, eget kapital och skulder positiva; summa tillgångar = summa eget kapital och skulder."
    ),
}

TITLES = {"trial-balance": "Saldobalans", "income-statement": "Resultaträkning", "balance-sheet": "Balansräkning"}
REPORT_KINDS = tuple(TITLES)


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # "opening", "movement", "closing", "previous" (trial balance); "amount", "previous" (statements)
    label: str


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One printed row. kind: heading (no amounts), account, line, subtotal (a group's Summa), result, total."""

    level: int
    kind: str
    heading: str
    values: tuple[Decimal | None, ...]  # one per column of the report; None where there is nothing to show
    account: str = ""
    key: str = ""

    def value(self, report: Report, column: str) -> Decimal | None:
        return self.values[report.column_index(column)]


@dataclass(frozen=True, slots=True)
class Report:
    kind: str  # one of REPORT_KINDS
    title: str
    company_name: str
    org_number: str  # ten digits, "" when unknown
    start: dt.date
    end: dt.date
    previous_start: dt.date | None
    previous_end: dt.date | None
    final: bool
    columns: tuple[Column, ...]
    rows: tuple[ReportRow, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def status(self) -> str:
        return "slutlig (med bokslutsverifikationer)" if self.final else "preliminär (utan bokslutsverifikationer)"

    @property
    def sign_convention(self) -> str:
        return SIGN_CONVENTIONS[self.kind]

    def column_index(self, key: str) -> int:
        for index, column in enumerate(self.columns):
            if column.key == key:
                return index
        raise KeyError(f"the {self.kind} has no column {key!r}")

    def row(self, key: str) -> ReportRow:
        """The row of a statement line, group total or result by its key in core.reports.bas."""
        for row in self.rows:
            if row.key == key and row.kind != "heading":
                return row
        raise KeyError(f"the {self.kind} has no row {key!r}")

    def to_json(self) -> dict:
        """Amounts as decimal strings with two decimals, null where a column is blank."""
        return {
            "report": self.kind,
            "title": self.title,
            "company": {"name": self.company_name, "org_number": self.org_number},
            "fiscal_year": {"start": self.start.isoformat(), "end": self.end.isoformat()},
            "previous_year": (
                {"start": self.previous_start.isoformat(), "end": self.previous_end.isoformat()}
                if self.previous_start and self.previous_end
                else None
            ),
            "final": self.final,
            "status": self.status,
            "sign_convention": self.sign_convention,
            "columns": [{"key": column.key, "label": column.label} for column in self.columns],
            "rows": [
                {
                    "level": row.level,
                    "kind": row.kind,
                    "key": row.key,
                    "account": row.account,
                    "heading": row.heading,
                    **{
                        column.key: None if value is None else format_amount(value)
                        for column, value in zip(self.columns, row.values)
                    },
                }
                for row in self.rows
            ],
            "notes": list(self.notes),
        }


# --- the figures of one year ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class YearFigures:
    opening: Mapping[str, Decimal]  # balance accounts' #IB
    closing: Mapping[str, Decimal]  # balance accounts: the balance at year end; result accounts: the year's sum

    def movement(self, account: str) -> Decimal:
        return self.closing.get(account, ZERO) - self.opening.get(account, ZERO)


def _has_vouchers(db: pw.Database, fiscal_year: FiscalYear) -> bool:
    row = db.execute_sql("SELECT 1 FROM voucher WHERE fiscal_year_id = ? LIMIT 1", (fiscal_year.id,)).fetchone()
    return row is not None


def _balances(db: pw.Database, fiscal_year: FiscalYear, kind: str) -> dict[str, int]:
    cursor = db.execute_sql(
        "SELECT account, SUM(amount) FROM balance WHERE fiscal_year_id = ? AND kind = ? AND objects = '' "
        "GROUP BY account",
        (fiscal_year.id, kind),
    )
    return dict(cursor.fetchall())


def year_figures(db: pw.Database, company: Company, fiscal_year: FiscalYear, final: bool) -> YearFigures:
    if _has_vouchers(db, fiscal_year):
        balance = ledger.trial_balance(db, company, fiscal_year, final=final)
        return YearFigures(
            opening={line.number: line.opening for line in balance.accounts},
            closing={line.number: line.closing for line in balance.accounts},
        )
    # Balances only: #UB for balance accounts and #RES for result accounts are the year's closing figures.
    opening = {a: v for a, v in _balances(db, fiscal_year, "IB").items() if a.startswith(BALANCE_CLASSES)}
    closing = {a: v for a, v in _balances(db, fiscal_year, "UB").items() if a.startswith(BALANCE_CLASSES)}
    closing.update({a: v for a, v in _balances(db, fiscal_year, "RES").items() if not a.startswith(BALANCE_CLASSES)})
    for account in opening:
        closing.setdefault(account, 0)
    if final:
        for account, amount in closing_movements(db, fiscal_year.id).items():
            closing[account] = closing.get(account, 0) + amount
    return YearFigures(
        opening={a: from_ore(v) for a, v in opening.items()},
        closing={a: from_ore(v) for a, v in closing.items()},
    )


def previous_year(db: pw.Database, fiscal_year: FiscalYear) -> FiscalYear | None:
    """The store's fiscal year that ends the day before this one starts."""
    return FiscalYear.get_or_none(
        FiscalYear.company == fiscal_year.company_id, FiscalYear.end == fiscal_year.start - dt.timedelta(days=1)
    )


@dataclass(frozen=True, slots=True)
class _Basis:
    company: Company
    fiscal_year: FiscalYear
    previous: FiscalYear | None
    current: YearFigures
    before: YearFigures | None
    names: Mapping[str, str]
    final: bool


def _basis(db: pw.Database, company: Company, fiscal_year: FiscalYear, final: bool) -> _Basis:
    previous = previous_year(db, fiscal_year)
    return _Basis(
        company=company,
        fiscal_year=fiscal_year,
        previous=previous,
        current=year_figures(db, company, fiscal_year, final),
        before=year_figures(db, company, previous, True) if previous is not None else None,
        names=dict(Account.select(Account.number, Account.name).where(Account.company == company.id).tuples()),
        final=final,
    )


def _period(start: dt.date, end: dt.date) -> str:
    return f"{start.isoformat()}–{end.isoformat()}"


def _previous_period(basis: _Basis) -> str:
    previous = basis.previous
    return _period(previous.start, previous.end) if previous is not None else "Föregående år"


def _report(basis: _Basis, kind: str, columns: tuple[Column, ...], rows: list[ReportRow], notes: list[str]) -> Report:
    previous = basis.previous
    return Report(
        kind=kind,
        title=TITLES[kind],
        company_name=basis.company.name,
        org_number=basis.company.org_number or "",
        start=basis.fiscal_year.start,
        end=basis.fiscal_year.end,
        previous_start=previous.start if previous else None,
        previous_end=previous.end if previous else None,
        final=basis.final,
        columns=columns,
        rows=tuple(rows),
        notes=tuple(notes),
    )


def _total(values: Iterable[Decimal]) -> Decimal:
    """Σ with two decimals; adding to +0.00 also turns a turned sign's -0.00 into 0.00."""
    return sum(values, ZERO) + ZERO


def _turned(sign: int, value: Decimal) -> Decimal:
    return sign * value + ZERO  # never -0.00 in a report


# --- trial balance -------------------------------------------------------------------------------


def trial_balance_report(
    db: pw.Database, company: Company, fiscal_year: FiscalYear, *, final: bool = False
) -> Report:
    """Every account with opening, movement and closing balance, and the previous year's closing balance,
    by BAS account class with a sum per class; in the books' signs."""
    basis = _basis(db, company, fiscal_year, final)
    current, before = basis.current, basis.before
    columns = (
        Column("opening", "Ingående balans"),
        Column("movement", "Periodens förändring"),
        Column("closing", "Utgående balans"),
        Column("previous", f"Utgående balans {_previous_period(basis)}"),
    )
    accounts = sorted(set(current.closing) | set(current.opening) | (set(before.closing) if before else set()))

    def values(account: str) -> tuple[Decimal | None, ...]:
        previous = before.closing.get(account, ZERO) if before is not None else None
        opening, closing = current.opening.get(account, ZERO), current.closing.get(account, ZERO)
        return (opening, current.movement(account), closing, previous)

    def summed(rows: list[tuple[Decimal | None, ...]]) -> tuple[Decimal | None, ...]:
        return tuple(
            None if before is None and index == 3 else _total(row[index] or ZERO for row in rows) for index in range(4)
        )

    rows: list[ReportRow] = []
    all_values: list[tuple[Decimal | None, ...]] = []
    for account_class, heading in bas.ACCOUNT_CLASSES.items():
        in_class = [account for account in accounts if account.startswith(account_class)]
        if not in_class:
            continue
        title = f"{account_class} {heading}"
        rows.append(ReportRow(0, "heading", title, (None,) * 4, key=f"klass_{account_class}"))
        class_values = []
        for account in in_class:
            account_values = values(account)
            class_values.append(account_values)
            rows.append(ReportRow(1, "account", basis.names.get(account, ""), account_values, account=account))
        rows.append(ReportRow(0, "subtotal", f"Summa {title}", summed(class_values), key=f"klass_{account_class}"))
        all_values.extend(class_values)
    others = [account for account in accounts if not account.startswith(tuple(bas.ACCOUNT_CLASSES))]
    if others:  # account numbers that do not start with a digit: shown, never dropped
        rows.append(ReportRow(0, "heading", "Övriga konton", (None,) * 4, key="ovriga"))
        other_values = [values(account) for account in others]
        rows.extend(
            ReportRow(1, "account", basis.names.get(a, ""), v, account=a) for a, v in zip(others, other_values)
        )
        rows.append(ReportRow(0, "subtotal", "Summa övriga konton", summed(other_values), key="ovriga"))
        all_values.extend(other_values)
    rows.append(ReportRow(0, "total", "Summa", summed(all_values), key="summa"))
    return _report(basis, "trial-balance", columns, rows, [])


# --- income statement and balance sheet ----------------------------------------------------------


def _assign(statement: bas.Statement, accounts: Iterable[str]) -> tuple[dict[str, list[str]], list[str]]:
    """Accounts per line key, and the accounts of the statement's classes that no line claims."""
    by_line: dict[str, list[str]] = {}
    unassigned = []
    for account in sorted(accounts):
        if not account.startswith(statement.classes):
            continue
        line = bas.line_for(statement, account)
        if line is not None:
            by_line.setdefault(line.key, []).append(account)
        elif not account.startswith(statement.excluded):
            unassigned.append(account)
    return by_line, unassigned


def _unbooked_result(figures: YearFigures) -> Decimal:
    """The result the result accounts still hold (8999 included), profit positive: zero once booked to 2099."""
    return _turned(-1, _total(a for account, a in figures.closing.items() if account.startswith(bas.RESULT_CLASSES)))


def _statement(
    db: pw.Database,
    company: Company,
    fiscal_year: FiscalYear,
    statement: bas.Statement,
    final: bool,
    accounts: bool,
) -> Report:
    basis = _basis(db, company, fiscal_year, final)
    current, before = basis.current, basis.before
    years = [current] if before is None else [current, before]
    by_line, unassigned = _assign(statement, set().union(*(figures.closing for figures in years)))

    def amount(line: bas.Line, figures: YearFigures) -> Decimal:
        total = _total(_turned(bas.sign_of(a), figures.closing.get(a, ZERO)) for a in by_line.get(line.key, ()))
        return total + (_unbooked_result(figures) if line.with_result else ZERO)

    def pair(value: Decimal, previous: Decimal | None) -> tuple[Decimal | None, ...]:
        return (value, previous if before is not None else None)

    sums: dict[str, tuple[Decimal, Decimal]] = {}  # key -> (current, previous), for groups, lines and results

    def build(items: tuple[bas.Item, ...], level: int) -> tuple[list[ReportRow], bool]:
        """The rows of some items and whether any of them is worth showing."""
        rows: list[ReportRow] = []
        shown = False
        for item in items:
            if isinstance(item, bas.Line):
                now, then = amount(item, current), amount(item, before) if before else ZERO
                sums[item.key] = (now, then)
                if item.always or now or then:
                    shown = True
                    rows.append(ReportRow(level, "line", item.heading, pair(now, then), key=item.key))
                    if accounts:
                        for account in by_line.get(item.key, ()):
                            sign = bas.sign_of(account)
                            account_now = _turned(sign, current.closing.get(account, ZERO))
                            account_then = _turned(sign, before.closing.get(account, ZERO)) if before else ZERO
                            if account_now or account_then:
                                rows.append(
                                    ReportRow(
                                        level + 1,
                                        "account",
                                        basis.names.get(account, ""),
                                        pair(account_now, account_then),
                                        account=account,
                                    )
                                )
            elif isinstance(item, bas.Group):
                inner, inner_shown = build(item.items, level + 1)
                now = _total(sums[key][0] for key in _keys(item.items))
                then = _total(sums[key][1] for key in _keys(item.items))
                sums[item.key] = (now, then)
                if inner_shown or item.always:
                    shown = True
                    rows.append(ReportRow(level, "heading", item.heading, (None, None), key=item.key))
                    rows.extend(inner)
                    rows.append(ReportRow(level, "subtotal", item.total, pair(now, then), key=item.key))
            else:
                now = _total(sums[key][0] for key in item.of)
                then = _total(sums[key][1] for key in item.of)
                sums[item.key] = (now, then)
                rows.append(ReportRow(level, "result", item.heading, pair(now, then), key=item.key))
        return rows, shown

    rows, _ = build(statement.items, 0)
    notes = []
    if unassigned:
        listed = ", ".join(f"{a} {basis.names.get(a, '')}".strip() for a in unassigned)
        notes.append(f"Konton som saknar rad i BAS-grupperingen och inte ingår: {listed}.")
    if statement.balances is not None:
        notes.extend(_balance_notes(statement.balances, sums, years))
    columns = (
        Column("amount", _period(fiscal_year.start, fiscal_year.end)),
        Column("previous", _previous_period(basis)),
    )
    return _report(basis, statement.key, columns, rows, notes)


def _keys(items: tuple[bas.Item, ...]) -> list[str]:
    """The keys a group's total adds up: its lines and subgroups (results inside a group are not added again)."""
    return [item.key for item in items if not isinstance(item, bas.Result)]


def _balance_notes(
    sides: tuple[str, str], sums: dict[str, tuple[Decimal, Decimal]], years: list[YearFigures]
) -> list[str]:
    notes = []
    outside = sorted(
        {
            account
            for figures in years
            for account, value in figures.closing.items()
            if value and not account.startswith(bas.RESULT_CLASSES + ("1", "2"))
        }
    )
    if outside:
        notes.append(f"Konton utanför kontoklass 1-8 ingår inte i rapporterna: {', '.join(outside)}.")
    assets, claims = sums[sides[0]], sums[sides[1]]
    for index, label in enumerate(["", " föregående år"][: len(years)]):
        difference = assets[index] - claims[index]
        if difference:
            notes.append(
                f"Balansräkningen{label} balanserar inte: tillgångar − eget kapital och skulder = "
                f"{format_amount(difference)} (ingående balanser eller verifikationer som inte går jämnt upp)."
            )
    return notes


def income_statement(
    db: pw.Database, company: Company, fiscal_year: FiscalYear, *, final: bool = False, accounts: bool = False
) -> Report:
    return _statement(db, company, fiscal_year, bas.INCOME_STATEMENT, final, accounts)


def balance_sheet(
    db: pw.Database, company: Company, fiscal_year: FiscalYear, *, final: bool = False, accounts: bool = False
) -> Report:
    return _statement(db, company, fiscal_year, bas.BALANCE_SHEET, final, accounts)


def build_report(
    db: pw.Database,
    company: Company,
    fiscal_year: FiscalYear,
    kind: str,
    *,
    final: bool = False,
    accounts: bool = False,
) -> Report:
    """One of REPORT_KINDS; `accounts` lists the accounts under each statement line (the trial balance always does)."""
    if kind == "trial-balance":
        return trial_balance_report(db, company, fiscal_year, final=final)
    builders = {"income-statement": income_statement, "balance-sheet": balance_sheet}
    if kind not in builders:
        raise ValueError(f"unknown report {kind!r}; choose one of: {', '.join(REPORT_KINDS)}")
    return builders[kind](db, company, fiscal_year, final=final, accounts=accounts)


def company_line(report: Report) -> str:
    """The line under a report's title, e.g. "Nordljus Konsult AB, 556123-4567"."""
    org = format_org_number(report.org_number) if report.org_number else ""
    return f"{report.company_name}, {org}" if org else report.company_name
