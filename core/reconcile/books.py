"""The books as reconciliation reads them: each account's final balance (imported books plus the closing entries
not yet in them) at the end of a period, and the rows behind it."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass

import peewee as pw

from core import ledger
from core.integrity import BALANCE_CLASSES
from core.money import to_ore
from core.store.models import Company, FiscalYear


@dataclass
class Balances:
    """Opening balances and dated movements of one fiscal year, summed once and then read at any date."""

    opening: dict[str, int]  # öre, balance accounts
    days: dict[str, list[str]]  # account -> ISO dates, ascending
    running: dict[str, list[int]]  # account -> the movement up to and including each of those dates
    year_end: dict[str, int]  # the final trial balance's closing figures: the year-end period's balance

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


def balances(db: pw.Database, company: Company, fiscal_year: FiscalYear) -> Balances:
    """The year's vouchers summed per account and day, plus the closing entries by their dates."""
    opening = dict(
        db.execute_sql(
            "SELECT account, SUM(amount) FROM balance WHERE fiscal_year_id = ? AND kind = 'IB' AND objects = '' "
            "GROUP BY account",
            (fiscal_year.id,),
        ).fetchall()
    )
    opening = {account: amount for account, amount in opening.items() if account.startswith(BALANCE_CLASSES)}
    per_day: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for sql in (
        "SELECT r.account, v.date, SUM(r.amount) FROM voucher_row r JOIN voucher v ON v.id = r.voucher_id "
        "WHERE r.fiscal_year_id = ? AND r.kind = 'TRANS' GROUP BY r.account, v.date",
        "SELECT r.account, e.date, SUM(r.amount) FROM closing_row r JOIN closing_entry e ON e.id = r.entry_id "
        "WHERE e.fiscal_year_id = ? AND e.deleted = 0 AND e.booked = 0 GROUP BY r.account, e.date",
    ):
        for account, day, amount in db.execute_sql(sql, (fiscal_year.id,)).fetchall():
            per_day[account][str(day)] += amount
    days, running = {}, {}
    for account, amounts in per_day.items():
        ordered = sorted(amounts)
        total, sums = 0, []
        for day in ordered:
            total += amounts[day]
            sums.append(total)
        days[account], running[account] = ordered, sums
    trial = ledger.trial_balance(db, company, fiscal_year, final=True)
    year_end = {line.number: to_ore(line.closing) for line in trial.accounts}
    return Balances(opening, days, running, year_end)


def in_scope(scope: str, account: str) -> bool:
    """Whether an account belongs to "1930" (itself) or to a group written "15xx"."""
    prefix = scope.rstrip("x")
    return account == scope if prefix == scope else account.startswith(prefix) and len(account) == len(scope)


def scope_balance(figures: dict[str, int], scope: str) -> int:
    return sum(amount for account, amount in figures.items() if in_scope(scope, account))
