"""What the ledger tables (an account's rows, a year's transactions) show alike: a voucher as its series and number,
and the widths a voucher and an account number take."""

from __future__ import annotations

VOUCHER_WIDTH = 7  # a series letter and six digits: A123456
ACCOUNT_WIDTH = 6  # SIE account numbers run to six digits


def voucher_label(row) -> str:
    return f"{row.series}{row.number}"
