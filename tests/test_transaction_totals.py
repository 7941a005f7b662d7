"""The filtered transactions' totals: debit and credit of exactly the rows a filter picks, summed from the file's
own #TRANS rows, for a filter that lists its rows, one that walks the year and no filter at all."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.analysis import TransactionQuery, parse_filter
from core.demo import write_demo_sie
from core.sie.model import RowKind
from core.sie.reader import read_sie
from tests.closing import DEMO, demo_books

books = pytest.fixture(demo_books, name="books")


def totals_in_the_file(tmp_path, picks) -> tuple[Decimal, Decimal]:
    document, _warnings = read_sie(write_demo_sie(DEMO, tmp_path / "again.se"))
    amounts = [
        row.amount
        for voucher in document.vouchers
        for row in voucher.rows
        if row.kind is RowKind.TRANS and picks(voucher, row)
    ]
    return sum((a for a in amounts if a > 0), Decimal(0)), -sum((a for a in amounts if a < 0), Decimal(0))


@pytest.mark.parametrize(
    ("typed", "picks"),
    [
        ("", lambda voucher, row: True),
        ("konto:3000..3999", lambda voucher, row: "3000" <= row.account <= "3999"),
        ("period:2025-03", lambda voucher, row: voucher.date.month == 3),
        ("belopp:1000..", lambda voucher, row: abs(row.amount) >= 1000),
    ],
)
def test_the_totals_are_the_debit_and_credit_of_the_rows_the_filter_picks(books, tmp_path, typed, picks):
    query = TransactionQuery(books.db, books.year.id, parse_filter(typed))
    debit, credit = query.totals()
    assert (debit, credit) == totals_in_the_file(tmp_path, picks)
    assert debit > 0 and query.count() > 0
    if not typed:
        assert debit == credit  # every voucher balances
    assert books.year.start == dt.date(2025, 1, 1)
