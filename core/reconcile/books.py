"""The books as reconciliation reads them: each account's final balance (imported books plus the closing entries
not yet in them) at the end of a period, and the rows behind it.

The grid, the progress on the overview and the companies list, and an account's reconciliation all start from the
year's transactions summed per account and day, which the import writes as it loads the year (models.AccountDaySum):
a few thousand rows instead of every row joined to its voucher's date (bench/README). What else derives from the
imported vouchers alone and costs more to read (the VAT settlements, core.reconcile.auto) is kept in the process per
fiscal year and books fingerprint: the import that loaded the year (every import of a year makes a new batch and
replaces all its vouchers) and its vouchers' first and last id. Everything that changes without an import (the
opening balances, the closing entries) is read again each time, which is cheap.
"""

from __future__ import annotations

import datetime as dt
import threading
from bisect import bisect_left, bisect_right
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import peewee as pw

from core import ledger
from core.integrity import BALANCE_CLASSES
from core.money import to_ore
from core.store.models import Company, FiscalYear

if TYPE_CHECKING:
    from core.reconcile.auto import Totals

KEPT_VALUES = 64  # the sums the process keeps (a few per year): a firm's clients' latest years, for the companies list
BALANCE_PART, RESULT_PART = "balance", "result"
T = TypeVar("T")
_PART_CONDITION = {
    BALANCE_PART: "substr(account, 1, 1) IN ('1', '2')",  # integrity.BALANCE_CLASSES
    RESULT_PART: "substr(account, 1, 1) NOT IN ('1', '2')",
}


@dataclass
class Balances:
    """Opening balances and dated movements of one fiscal year, summed once and then read at any date."""

    opening: dict[str, int]  # öre, balance accounts
    days: dict[str, list[str]]  # account -> ISO dates, ascending
    running: dict[str, list[int]]  # account -> the movement up to and including each of those dates
    year_end: dict[str, int]  # the final trial balance's closing figures of the balance accounts
    closing_rows: list[tuple[int, str, str, int]]  # (entry id, ISO date, account, öre) of the final books' entries
    automatic: Totals | None = None  # the automatic specifications' totals, read once per Balances (auto.totals)

    def at(self, day: dt.date, year_end: bool = False) -> dict[str, int]:
        """Each account's final balance in öre at the end of `day`; the year-end period reads the trial balance."""
        if year_end:
            return dict(self.year_end)
        result = dict(self.opening)
        key = day.isoformat()
        for account, dates in self.days.items():
            index = bisect_right(dates, key)
            if index:
                result[account] = result.get(account, 0) + self.running[account][index - 1]
        return result

    def moved(self, account: str, day: str, through: bool = True) -> int:
        """The account's movement (vouchers and closing entries) from the year's start up to the ISO `day`,
        including that day's or not."""
        dates = self.days.get(account)
        if not dates:
            return 0
        index = (bisect_right if through else bisect_left)(dates, day)
        return self.running[account][index - 1] if index else 0


def balances(db: pw.Database, company: Company, fiscal_year: FiscalYear, results: bool = False) -> Balances:
    """The year's vouchers summed per account and day, plus the closing entries by their dates. Balance accounts
    only, unless `results` (the analysis of the income statement) asks for the result accounts too."""
    opening = {
        account: int(amount)
        for account, amount in db.execute_sql(
            "SELECT account, SUM(amount) FROM balance WHERE fiscal_year_id = ? AND kind = 'IB' AND objects = '' "
            "GROUP BY account",
            (fiscal_year.id,),
        ).fetchall()
        if account.startswith(BALANCE_CLASSES)
    }
    imported = [_imported(db, fiscal_year.id, BALANCE_PART)]
    if results:
        imported.append(_imported(db, fiscal_year.id, RESULT_PART))
    closing_rows = [
        (entry, str(day), account, int(amount))
        for entry, day, account, amount in db.execute_sql(
            "SELECT e.id, e.date, r.account, SUM(r.amount) FROM closing_row r "
            "JOIN closing_entry e ON e.id = r.entry_id WHERE e.fiscal_year_id = ? AND e.deleted = 0 AND e.booked = 0 "
            "GROUP BY e.id, e.date, r.account",
            (fiscal_year.id,),
        ).fetchall()
    ]
    per_day: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for part in imported:
        for account, amounts in part.items():
            per_day[account].update(amounts)
    closing_total: dict[str, int] = defaultdict(int)
    for _, day, account, amount in closing_rows:
        if results or account.startswith(BALANCE_CLASSES):
            per_day[account][day] += amount
        closing_total[account] += amount
    days, running = {}, {}
    for account, amounts in per_day.items():
        ordered = sorted(amounts)
        total, sums = 0, []
        for day in ordered:
            total += amounts[day]
            sums.append(total)
        days[account], running[account] = ordered, sums
    return Balances(opening, days, running, _year_end(db, company, fiscal_year, opening, imported[0], closing_total),
                    closing_rows)


def _year_end(db, company, fiscal_year, opening, imported, closing_total) -> dict[str, int]:
    """The final trial balance's closing figures of the balance accounts (ledger.trial_balance): opening plus every
    transaction of the year plus the closing entries. A year without transactions is read from the trial balance
    itself, which knows a year known only from its #UB."""
    if not imported:
        trial = ledger.trial_balance(db, company, fiscal_year, final=True)
        return {line.number: to_ore(line.closing) for line in trial.accounts if line.number.startswith(BALANCE_CLASSES)}
    movement = {account: sum(amounts.values()) for account, amounts in imported.items()}
    for account, amount in closing_total.items():
        if amount and account.startswith(BALANCE_CLASSES):
            movement[account] = movement.get(account, 0) + amount
    return {account: opening.get(account, 0) + movement.get(account, 0) for account in opening.keys() | movement.keys()}


# --- what the imported books alone give, kept per year and fingerprint -------------------------------------

_kept: OrderedDict[tuple, tuple[tuple, Any]] = OrderedDict()
_loading: dict[tuple, threading.Lock] = {}
_guard = threading.Lock()


def books_fingerprint(db: pw.Database, fiscal_year_id: int) -> tuple[Any, ...]:
    """What changes whenever the year's vouchers do: only an import writes vouchers, and each import of a year
    is a new batch (id, start time, file hash) that replaces them all."""
    return tuple(str(value) for value in db.execute_sql(
        "SELECT y.batch_id, b.started, b.sha256, (SELECT MIN(id) FROM voucher WHERE fiscal_year_id = y.id), "
        "(SELECT MAX(id) FROM voucher WHERE fiscal_year_id = y.id) FROM fiscal_year y "
        "LEFT JOIN import_batch b ON b.id = y.batch_id WHERE y.id = ?",
        (fiscal_year_id,),
    ).fetchone() or ())


def kept(db: pw.Database, fiscal_year_id: int, name: str, read: Callable[[], T]) -> T:
    """What `read` derives from the year's imported vouchers alone, read once per books fingerprint and shared
    (read-only) between callers. Threads asking for the same value wait for the one reading it rather than read
    it again."""
    where = (id(db), str(db.database), fiscal_year_id, name)
    fingerprint = books_fingerprint(db, fiscal_year_id)
    with _guard:
        loading = _loading.setdefault(where, threading.Lock())
    with loading:
        with _guard:
            found = _kept.get(where)
            if found is not None and found[0] == fingerprint:
                _kept.move_to_end(where)
                return found[1]
        value = read()
        with _guard:
            _kept[where] = (fingerprint, value)
            _kept.move_to_end(where)
            while len(_kept) > KEPT_VALUES:
                _kept.popitem(last=False)
    return value


def _imported(db: pw.Database, fiscal_year_id: int, part: str) -> dict[str, dict[str, int]]:
    """account -> ISO day -> öre of the year's transactions on the part's accounts, as the import summed them."""
    sums: dict[str, dict[str, int]] = defaultdict(dict)
    for account, day, amount in db.execute_sql(
        f"SELECT account, date, amount FROM account_day_sum WHERE fiscal_year_id = ? AND {_PART_CONDITION[part]}",
        (fiscal_year_id,),
    ).fetchall():
        sums[account][str(day)] = int(amount)
    return dict(sums)


def in_scope(scope: str, account: str) -> bool:
    """Whether an account belongs to "1930" (itself) or to a group written "15xx"."""
    prefix = scope.rstrip("x")
    return account == scope if prefix == scope else account.startswith(prefix) and len(account) == len(scope)


def scope_balance(figures: dict[str, int], scope: str) -> int:
    return sum(amount for account, amount in figures.items() if in_scope(scope, account))
