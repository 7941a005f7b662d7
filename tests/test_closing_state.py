"""The overview's state of the closing: key figures summed from the file's own records (its #IB and #TRANS rows
plus a closing entry), counted checks, periods and closing entries."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest

from core import periods
from core.closing import entries
from core.closing.entries import EntryDraft, RowDraft
from core.demo import write_demo_sie
from core.overview import closing_state
from core.sie.model import BalanceKind, RowKind
from core.sie.reader import read_sie
from core.store.models import CheckResult, ClosingEntry, Period
from tests.closing import DEMO, demo_books

books = pytest.fixture(demo_books, name="books")

D = Decimal
AUDIT = EntryDraft(None, "Revisionsarvode", (RowDraft("6420", D("12500.00"), D(0)), RowDraft("2990", D(0), D("12500.00"))))
BANK_FEE = EntryDraft(None, "Bankavgift", (RowDraft("6570", D("250.00"), D(0)), RowDraft("1930", D(0), D("250.00"))))


def closing_balances_from_the_file(tmp_path) -> dict[str, Decimal]:
    """Each account's closing balance as the file writes it: #IB of the year (balance accounts) plus its #TRANS."""
    document, _warnings = read_sie(write_demo_sie(DEMO, tmp_path / "again.se"))
    closing: dict[str, Decimal] = defaultdict(Decimal)
    for balance in document.balances:
        if balance.kind is BalanceKind.IB and balance.year_index == 0 and not balance.objects:
            closing[balance.account] += balance.amount
    for voucher in document.vouchers:
        for row in voucher.rows:
            if row.kind is RowKind.TRANS:
                closing[row.account] += row.amount
    return closing


def test_key_figures_are_the_files_balances_plus_the_closing_entries(books, tmp_path):
    entries.create_entry(books.db, books.company, books.year, AUDIT)
    entries.create_entry(books.db, books.company, books.year, BANK_FEE)
    closing = closing_balances_from_the_file(tmp_path)

    figures = closing_state(books.db, books.year.id).figures

    def summed(first: int, last: int) -> Decimal:
        return sum((amount for account, amount in closing.items() if first <= int(account[:4]) <= last), D(0))

    assert figures.revenue == -summed(3000, 3799) and figures.revenue > 0
    # the two entries cost 12 500 + 250 on top of the books' result, and the fee left the bank
    assert figures.result == -summed(3000, 8999) - D("12750.00")
    assert figures.cash == summed(1900, 1999) - D("250.00")
    assert figures.balance_sheet_total == summed(1000, 1999) - D("250.00")


def test_checks_periods_and_entries_are_counted_by_state(books):
    assert closing_state(books.db, books.year.id).checks_run == 0  # no check has run for the year yet
    draft = entries.create_entry(books.db, books.company, books.year, AUDIT)
    exported = entries.create_entry(books.db, books.company, books.year, BANK_FEE)
    ClosingEntry.update(status="exported").where(ClosingEntry.id == exported.id).execute()
    deleted = entries.create_entry(books.db, books.company, books.year, AUDIT)
    entries.delete_entry(books.db, deleted)
    CheckResult.insert_many([
        {"fiscal_year": books.year.id, "check_id": "voucher-balance", "status": "red"},
        {"fiscal_year": books.year.id, "check_id": "unusual-sign", "period": "202501", "status": "orange"},
        {"fiscal_year": books.year.id, "check_id": "voucher-dates", "status": "green"},
    ]).execute()  # fmt: skip

    assert closing_state(books.db, books.year.id).checks_run == 3
    before = closing_state(books.db, books.year.id)
    assert (before.periods_locked, before.periods) == (0, 13)  # twelve months and the year-end period
    first = periods.periods(books.db, books.year)[0]
    Period.update(locked=True).where(Period.id == first.id).execute()
    state = closing_state(books.db, books.year.id)

    assert (state.checks_red, state.checks_orange) == (1, 1)
    assert (state.periods_locked, state.periods) == (1, 13)
    assert draft.status == "not_exported"
    assert state.entries == {"not_exported": 1, "exported": 1, "not_applicable": 0, "failed": 0}  # deleted: none
