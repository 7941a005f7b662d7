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
from decimal import ROUND_HALF_UP, Decimal

import peewee as pw

from core import ledger
from core.errors import BokslutError
from core.integrity import BALANCE_CLASSES
from core.money import format_amount
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

# The unit amounts are given in, per rounding of a report.
UNITS = {"ore": "kr", "krona": "kr", "thousand": "tkr"}

# The Swedish sentence of each notice, for the files (JSON "notes", the XLSX sheet); the app has its own catalog.
NOTICE_TEXTS = {
    "report.accounts_without_line": "Konton som saknar rad i uppställningen och inte ingår: {accounts}.",
    "report.accounts_outside_classes": "Konton utanför kontoklass 1-8 ingår inte i rapporterna: {accounts}.",
    "report.unbalanced": (
        "Balansräkningen{year} balanserar inte: tillgångar − eget kapital och skulder = {difference} "
        "(ingående balanser eller verifikationer som inte går jämnt upp, eller konton som inte ingår)."
    ),
    "report.reclassified": "{accounts}{year}: {amount} visas som {to_line}, inte som {from_line}, efter sitt tecken.",
    "report.rounding_difference": "Avrundningsdifferens{year} {difference} {unit} på raden {line}.",
    "report.previous_from_opening": (
        "Föregående år {start}–{end} har inga egna saldon eller verifikationer i filen: jämförelsetalen för "
        "balanskontona är årets ingående balanser, resultatkontonas är okända."
    ),
    "report.previous_result_unknown": (
        "Föregående år {start}–{end} har inga egna saldon eller verifikationer i filen: dess resultat är okänt och "
        "visas inte."
    ),
}

TITLES = {"trial-balance": "Saldobalans", "income-statement": "Resultaträkning", "balance-sheet": "Balansräkning"}
REPORT_KINDS = tuple(TITLES)


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # "opening", "movement", "closing", "previous" (trial balance); "amount", "previous" (statements)
    label: str


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the reader of a report must see, beside the figures: a text key and its params (amounts as
    decimal strings, accounts as {number, name}), so each door words it in its own language."""

    key: str
    params: dict

    def swedish(self) -> str:
        params = dict(self.params)
        if "accounts" in params:
            params["accounts"] = ", ".join(
                f"{a['number']} {a['name']}".strip() if isinstance(a, dict) else a for a in params["accounts"]
            )
        params["year"] = " föregående år" if params.get("column") == "previous" else ""
        return NOTICE_TEXTS[self.key].format(**params)


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
    notes: tuple[str, ...] = field(default=())  # the notices as Swedish sentences, for the files
    notices: tuple[Notice, ...] = field(default=())
    rounding: str = "ore"  # "ore", "krona" or "thousand": the unit of every amount (see UNITS)

    def notice(self, key: str) -> list[Notice]:
        return [notice for notice in self.notices if notice.key == key]

    @property
    def unit(self) -> str:
        return UNITS[self.rounding]

    def format(self, value: Decimal) -> str:
        return _format(value, self.rounding)

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
                        column.key: None if value is None else self.format(value)
                        for column, value in zip(self.columns, row.values)
                    },
                }
                for row in self.rows
            ],
            "rounding": self.rounding,
            "unit": self.unit,
            "notes": list(self.notes),
            "notices": [{"key": notice.key, "params": notice.params} for notice in self.notices],
        }


def _format(value: Decimal, rounding: str) -> str:
    """Öre: two decimals; kronor and thousands: whole numbers (the value is already rounded to them)."""
    return format_amount(value) if rounding == "ore" else str(value.quantize(Decimal("1")))


# --- the figures of one year ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class YearFigures:
    opening: Mapping[str, Decimal]  # balance accounts' #IB
    closing: Mapping[str, Decimal]  # balance accounts: the balance at year end; result accounts: the year's sum

    def movement(self, account: str) -> Decimal:
        return self.closing.get(account, ZERO) - self.opening.get(account, ZERO)


def year_figures(db: pw.Database, company: Company, fiscal_year: FiscalYear, final: bool) -> YearFigures:
    """The year's figures from the ledger's trial balance, which reads a year known only from balances from its
    #UB and #RES."""
    balance = ledger.trial_balance(db, company, fiscal_year, final=final)
    return YearFigures(
        opening={line.number: line.opening for line in balance.accounts},
        closing={line.number: line.closing for line in balance.accounts},
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
    before_from_opening: bool = False  # the previous year holds nothing: its closing balances are this year's #IB


def _holds_figures(db: pw.Database, fiscal_year: FiscalYear) -> bool:
    """Whether a stored year has vouchers or balances of its own; a file's #RAR -1 with no #UB -1 or #RES -1 makes
    a year that holds neither."""
    return any(db.execute_sql(f"SELECT 1 FROM {table} WHERE fiscal_year_id = ? LIMIT 1", (fiscal_year.id,)).fetchone()
               for table in ("voucher", "balance"))


def _basis(db: pw.Database, company: Company, fiscal_year: FiscalYear, final: bool) -> _Basis:
    """The year's figures and the previous year's. A previous year that holds nothing (SIE 4B §5.16 lets a file give
    last year's closing balances as this year's #IB alone) is compared by those opening balances: the balance
    sheet's comparison figures, which ÅRL 3 kap. 5 § asks for, while its result stays unknown, not zero."""
    previous = previous_year(db, fiscal_year)
    current = year_figures(db, company, fiscal_year, final)
    before, from_opening = None, False
    if previous is not None and _holds_figures(db, previous):
        before = year_figures(db, company, previous, True)
    elif previous is not None:
        before, from_opening = YearFigures(opening={}, closing=dict(current.opening)), True
    return _Basis(
        company=company,
        fiscal_year=fiscal_year,
        previous=previous,
        current=current,
        before=before,
        names=dict(Account.select(Account.number, Account.name).where(Account.company == company.id).tuples()),
        final=final,
        before_from_opening=from_opening,
    )


def _previous_notice(basis: _Basis, balances: bool) -> Notice:
    """What a previous year that holds nothing is compared by (_basis)."""
    key = "report.previous_from_opening" if balances else "report.previous_result_unknown"
    return Notice(key, {"start": basis.previous.start.isoformat(), "end": basis.previous.end.isoformat()})


def _period(start: dt.date, end: dt.date) -> str:
    return f"{start.isoformat()}–{end.isoformat()}"


def _previous_period(basis: _Basis) -> str:
    previous = basis.previous
    return _period(previous.start, previous.end) if previous is not None else "Föregående år"


def _report(
    basis: _Basis,
    kind: str,
    columns: tuple[Column, ...],
    rows: list[ReportRow],
    notices: list[Notice],
    rounding: str = "ore",
) -> Report:
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
        notes=tuple(notice.swedish() for notice in notices),
        notices=tuple(notices),
        rounding=rounding,
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
        if basis.before_from_opening and not account.startswith(BALANCE_CLASSES):
            previous = None  # the previous year's result accounts are not in this year's #IB
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
    notices = [_previous_notice(basis, True)] if basis.before_from_opening else []
    return _report(basis, "trial-balance", columns, rows, notices)


# --- income statement and balance sheet ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Placed:
    """One year's figures laid out on a statement: the amount of each line, in the statement's signs, and
    which accounts it holds (an account's amount on the line), plus what did not fit."""

    lines: dict[str, Decimal]
    accounts: dict[str, dict[str, Decimal]]  # line key -> account -> amount
    moved: list[tuple[tuple[str, ...], str, str, Decimal]]  # (accounts, home line, shown on line, amount)
    unmapped: set[str]


def _income_result(figures: YearFigures, purchases: str) -> Decimal:
    """The income statement's Årets resultat: every result account that has a line, income positive."""
    return _total(
        -value
        for account, value in figures.closing.items()
        if account.startswith(bas.RESULT_CLASSES) and bas.line_for(bas.INCOME_STATEMENT, account, purchases)
    )


def _place_income(figures: YearFigures, purchases: str) -> _Placed:
    placed = _Placed({}, {}, [], set())
    for account, value in figures.closing.items():
        if not account.startswith(bas.RESULT_CLASSES):
            continue
        key = bas.line_for(bas.INCOME_STATEMENT, account, purchases)
        if key is None:
            if value and not bas.excluded(bas.INCOME_STATEMENT, account):
                placed.unmapped.add(account)
            continue
        placed.accounts.setdefault(key, {})[account] = _turned(-1, value)
        placed.lines[key] = placed.lines.get(key, ZERO) - value
    return placed


def _asset_lines() -> frozenset[str]:
    return frozenset(line.key for line in bas.lines_of(bas.group_of(bas.BALANCE_SHEET, "tillgangar").items))


def _place_balance(figures: YearFigures, purchases: str) -> _Placed:
    """Each netting unit (a netted group of arl_statements.toml, an account of a `by_account` line, else the
    accounts of one line) is summed and shown on the line its sign says, so no asset or debt line is negative
    because of a sign, and no asset is offset against a debt (ÅRL 3 kap. 4 §)."""
    assets = _asset_lines()
    sheet = bas.mapping(bas.BALANCE_SHEET.key)
    opposite = sheet.opposite or {}
    placed = _Placed({}, {}, [], set())
    units: dict[tuple[str, str], dict[str, Decimal]] = {}  # ("netted"|"line", key) -> account -> books' balance
    homes: dict[tuple[str, str], str] = {}
    for account, value in sorted(figures.closing.items()):
        home = bas.line_for(bas.BALANCE_SHEET, account)
        if home is None:
            if value and account.startswith(("1", "2")):
                placed.unmapped.add(account)
            continue
        group = bas.netted_group(account)
        unit = ("netted", group.key) if group is not None else (
            ("account", account) if home in sheet.by_account else ("line", home))
        units.setdefault(unit, {})[account] = value
        homes.setdefault(unit, home)
    for unit, accounts in units.items():
        balance = _total(accounts.values())  # debit positive
        home = homes[unit]
        if unit[0] == "netted":
            group = next(g for g in sheet.netted if g.key == unit[1])
            target = group.debit if balance > 0 else group.credit if balance < 0 else home
        else:
            sign = 1 if home in assets else -1
            target = opposite.get(home, home) if sign * balance < 0 else home
        sign = 1 if target in assets else -1
        for account, value in accounts.items():
            placed.accounts.setdefault(target, {})[account] = _turned(sign, value)
        placed.lines[target] = placed.lines.get(target, ZERO) + _turned(sign, balance)
        if target != home:
            placed.moved.append((tuple(accounts), home, target, _turned(sign, balance)))
    placed.lines["arets_resultat"] = _income_result(figures, purchases)
    return placed


ROUNDINGS = {"ore": Decimal("0.01"), "krona": Decimal("1"), "thousand": Decimal("1000")}


def _rounded(value: Decimal, rounding: str) -> Decimal:
    """In the report's unit (öre, kronor or thousands of kronor), half away from zero as statements round."""
    unit = ROUNDINGS[rounding]
    return (value / unit).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * (unit if rounding == "ore" else 1) + ZERO


def _round_lines(
    statement: bas.Statement, lines: dict[str, Decimal], rounding: str
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Every line rounded on its own; on each side (the result, or assets and claims) the difference between the
    rounded total and the sum of the rounded lines goes to the first of the side's fixed lines that has an amount,
    else to its largest line, so totals add up and no empty line shows only a difference.
    Returns the rounded lines and the difference put on each line that took one."""
    rounded = {key: _rounded(value, rounding) for key, value in lines.items()}
    differences: dict[str, Decimal] = {}
    if rounding == "ore":
        return rounded, differences
    for side, fixed_lines in (bas.mapping(statement.key).rounding_lines or {}).items():
        keys = (
            [line.key for line in bas.lines_of(statement.items)]
            if side == "arets_resultat"
            else [line.key for line in bas.lines_of(bas.group_of(statement, side).items)]
        )
        exact = _total(lines.get(key, ZERO) for key in keys)
        difference = _rounded(exact, rounding) - _total(rounded.get(key, ZERO) for key in keys)
        if difference:
            with_amount = [key for key in keys if rounded.get(key)]
            fixed = next((key for key in fixed_lines if key in with_amount), None) or max(
                with_amount, key=lambda key: abs(rounded[key]), default=fixed_lines[0])
            rounded[fixed] = rounded.get(fixed, ZERO) + difference
            differences[fixed] = difference
    return rounded, differences


def _statement(
    db: pw.Database,
    company: Company,
    fiscal_year: FiscalYear,
    statement: bas.Statement,
    final: bool,
    accounts: bool,
    rounding: str,
    purchases: str,
) -> Report:
    if rounding not in ROUNDINGS:
        raise BokslutError(
            f"unknown rounding {rounding!r}; choose one of: {', '.join(ROUNDINGS)}",
            key="report.unknown_rounding",
            params={"rounding": rounding, "choices": ", ".join(ROUNDINGS)},
        )
    if purchases not in bas.PURCHASE_LINES:
        raise BokslutError(
            f"purchases go to one of: {', '.join(bas.PURCHASE_LINES)}, not {purchases!r}",
            key="report.unknown_purchases_line",
            params={"line": purchases, "choices": ", ".join(bas.PURCHASE_LINES)},
        )
    basis = _basis(db, company, fiscal_year, final)
    current, before = basis.current, basis.before
    if basis.before_from_opening and statement is not bas.BALANCE_SHEET:
        before = None  # the previous year's income statement is unknown, not zero
    years = [current] if before is None else [current, before]
    place = _place_balance if statement is bas.BALANCE_SHEET else _place_income
    placed = [place(figures, purchases) for figures in years]
    rounded = [_round_lines(statement, p.lines, rounding) for p in placed]
    line_values = [r[0] for r in rounded]

    def pair(values: list[Decimal]) -> tuple[Decimal | None, ...]:
        return (values[0], values[1] if before is not None else None)

    sums: dict[str, list[Decimal]] = {}  # key -> [current, previous], for groups, lines and results

    def build(items: tuple[bas.Item, ...], level: int) -> tuple[list[ReportRow], bool]:
        """The rows of some items and whether any of them is worth showing."""
        rows: list[ReportRow] = []
        shown = False
        for item in items:
            if isinstance(item, bas.Line):
                values = [lines.get(item.key, ZERO) for lines in line_values] + [ZERO]
                sums[item.key] = values[:2]
                if item.always or any(values):
                    shown = True
                    rows.append(ReportRow(level, "line", item.heading, pair(values), key=item.key))
                    if accounts:
                        rows.extend(account_rows(item.key, level + 1))
            elif isinstance(item, bas.Group):
                inner, inner_shown = build(item.items, level + 1)
                values = [_total(sums[key][index] for key in _keys(item.items)) for index in (0, 1)]
                sums[item.key] = values
                if inner_shown or item.always:
                    shown = True
                    rows.append(ReportRow(level, "heading", item.heading, (None, None), key=item.key))
                    rows.extend(inner)
                    rows.append(ReportRow(level, "subtotal", item.total, pair(values), key=item.key))
            else:
                values = [_total(sums[key][index] for key in item.of) for index in (0, 1)]
                sums[item.key] = values
                rows.append(ReportRow(level, "result", item.heading, pair(values), key=item.key))
        return rows, shown

    def account_rows(key: str, level: int) -> list[ReportRow]:
        """The accounts shown on a line in either year, each rounded on its own."""
        on_line = [p.accounts.get(key, {}) for p in placed] + [{}]
        rows = []
        for account in sorted(set(on_line[0]) | set(on_line[1])):
            values = [_rounded(on_line[index].get(account, ZERO), rounding) for index in (0, 1)]
            if any(values):
                rows.append(ReportRow(level, "account", basis.names.get(account, ""), pair(values), account=account))
        return rows

    rows, _ = build(statement.items, 0)
    notices = _notices(statement, basis, placed, rounded, sums, years, rounding)
    columns = (
        Column("amount", _period(fiscal_year.start, fiscal_year.end)),
        Column("previous", _previous_period(basis)),
    )
    return _report(basis, statement.key, columns, rows, notices, rounding)


def _keys(items: tuple[bas.Item, ...]) -> list[str]:
    """The keys a group's total adds up: its lines and subgroups (results inside a group are not added again)."""
    return [item.key for item in items if not isinstance(item, bas.Result)]


def _notices(
    statement: bas.Statement,
    basis: _Basis,
    placed: list[_Placed],
    rounded: list[tuple[dict[str, Decimal], dict[str, Decimal]]],
    sums: dict[str, list[Decimal]],
    years: list[YearFigures],
    rounding: str,
) -> list[Notice]:
    """What the reader must know about the figures, each as a key and params the screen can show."""
    notices = []
    if basis.before_from_opening:
        notices.append(_previous_notice(basis, statement.balances is not None))
    column_keys = ("amount", "previous")
    named = lambda accounts: [{"number": a, "name": basis.names.get(a, "")} for a in sorted(accounts)]  # noqa: E731
    unmapped = set().union(*(p.unmapped for p in placed))
    if unmapped:
        notices.append(Notice("report.accounts_without_line", {"accounts": named(unmapped)}))
    if statement.balances is not None:
        outside = {
            account
            for figures in years
            for account, value in figures.closing.items()
            if value and not account.startswith(bas.STATEMENT_CLASSES)
        }
        if outside:
            notices.append(Notice("report.accounts_outside_classes", {"accounts": named(outside)}))
        assets, claims = statement.balances
        for index, column in enumerate(column_keys[: len(years)]):
            exact = placed[index].lines
            side = lambda key: bas.lines_of(bas.group_of(statement, key).items)  # noqa: E731
            difference = _total(exact.get(line.key, ZERO) for line in side(assets))
            difference -= _total(exact.get(line.key, ZERO) for line in side(claims))
            if difference:
                notices.append(Notice("report.unbalanced", {"column": column, "difference": format_amount(difference)}))
    headings = {line.key: line.heading for line in bas.lines_of(statement.items)}
    for index, column in enumerate(column_keys[: len(years)]):
        for accounts, home, target, amount in placed[index].moved:
            notices.append(
                Notice(
                    "report.reclassified",
                    {
                        "column": column,
                        "accounts": list(accounts),
                        "from_line": headings[home],
                        "to_line": headings[target],
                        "amount": format_amount(amount),
                    },
                )
            )
        for line, difference in rounded[index][1].items():
            notices.append(
                Notice(
                    "report.rounding_difference",
                    {
                        "column": column,
                        "line": headings[line],
                        "difference": _format(difference, rounding),
                        "unit": UNITS[rounding],
                    },
                )
            )
    return notices


def income_statement(
    db: pw.Database,
    company: Company,
    fiscal_year: FiscalYear,
    *,
    final: bool = False,
    accounts: bool = False,
    rounding: str = "ore",
    purchases: str = bas.PURCHASE_LINES[0],
) -> Report:
    return _statement(db, company, fiscal_year, bas.INCOME_STATEMENT, final, accounts, rounding, purchases)


def balance_sheet(
    db: pw.Database,
    company: Company,
    fiscal_year: FiscalYear,
    *,
    final: bool = False,
    accounts: bool = False,
    rounding: str = "ore",
    purchases: str = bas.PURCHASE_LINES[0],
) -> Report:
    """`purchases` matters here too: Årets resultat is the income statement's, and it leaves nothing out."""
    return _statement(db, company, fiscal_year, bas.BALANCE_SHEET, final, accounts, rounding, purchases)


def build_report(
    db: pw.Database,
    company: Company,
    fiscal_year: FiscalYear,
    kind: str,
    *,
    final: bool = False,
    accounts: bool = False,
    rounding: str = "ore",
    purchases: str = bas.PURCHASE_LINES[0],
) -> Report:
    """One of REPORT_KINDS; `accounts` lists the accounts under each statement line (the trial balance always
    does); `rounding` (ore, krona, thousand) and `purchases` (where 4000-4899 go) apply to the statements."""
    if kind == "trial-balance":
        return trial_balance_report(db, company, fiscal_year, final=final)
    builders = {"income-statement": income_statement, "balance-sheet": balance_sheet}
    if kind not in builders:
        raise ValueError(f"unknown report {kind!r}; choose one of: {', '.join(REPORT_KINDS)}")
    return builders[kind](
        db, company, fiscal_year, final=final, accounts=accounts, rounding=rounding, purchases=purchases
    )


def company_line(report: Report) -> str:
    """The line under a report's title, e.g. "Nordljus Konsult AB, 556123-4567"."""
    org = format_org_number(report.org_number) if report.org_number else ""
    return f"{report.company_name}, {org}" if org else report.company_name
