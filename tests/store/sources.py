"""Small reader-like sources built in code, so store tests do not depend on the SIE reader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal

from core.sie.model import Account, Balance, BalanceKind, FiscalYear, Header, RowKind, Voucher, VoucherRow

ORG = "556677-8899"
START, END = dt.date(2024, 1, 1), dt.date(2024, 12, 31)


class FakeSource:
    """What import_source needs from a reader: a header, warnings and records in file order."""

    def __init__(self, header: Header, items: Iterable[Voucher | Balance], path: str = "fake.se") -> None:
        self.header = header
        self.warnings = []
        self.path = path
        self._items = items

    def __iter__(self) -> Iterator[Voucher | Balance]:
        return iter(self._items)


def make_header(org: str = ORG, name: str = "Testbolaget AB", start: dt.date = START, end: dt.date = END) -> Header:
    previous_start = start.replace(year=start.year - 1)
    return Header(
        sie_type=4,
        org_number=org,
        company_name=name,
        years={0: FiscalYear(0, start, end), -1: FiscalYear(-1, previous_start, start - dt.timedelta(days=1))},
        accounts={
            number: Account(number, name)
            for number, name in [("1930", "Företagskonto"), ("2440", "Leverantörsskulder"), ("3001", "Försäljning"), ("5410", "Förbrukningsinventarier")]
        },
    )


def voucher(number: int, day: dt.date, *rows: tuple[str, str], series: str = "A", line: int = 0) -> Voucher:
    return Voucher(
        series=series,
        number=str(number),
        date=day,
        text=f"voucher {number}",
        rows=[VoucherRow(account, Decimal(amount), line=line + i + 1) for i, (account, amount) in enumerate(rows)],
        line=line,
    )


def balance(kind: str, year: int, account: str, amount: str, **extra) -> Balance:
    return Balance(BalanceKind(kind), year, account, Decimal(amount), **extra)


def consistent_year(start: dt.date = START) -> list[Voucher | Balance]:
    """A year whose vouchers, #IB, #UB and #RES agree, with an #RTRANS/#BTRANS pair and objects."""
    sale = voucher(1, start + dt.timedelta(days=10), ("1930", "1250.50"), ("3001", "-1250.50"))
    purchase = voucher(2, start + dt.timedelta(days=20), ("5410", "400.25"), ("2440", "-400.25"))
    purchase.rows[0].objects = (("1", "0015"), ("6", "P1"))
    purchase.rows.insert(1, VoucherRow("5410", Decimal("99"), kind=RowKind.BTRANS))
    purchase.rows.insert(1, VoucherRow("5410", Decimal("400.25"), kind=RowKind.RTRANS))
    return [
        balance("IB", -1, "1930", "800.00"),
        balance("UB", -1, "1930", "1000.00"),
        balance("RES", -1, "3001", "-500.00"),
        balance("IB", 0, "1930", "1000.00"),
        balance("UB", 0, "1930", "2250.50"),
        balance("UB", 0, "2440", "-400.25"),
        balance("RES", 0, "3001", "-1250.50"),
        balance("RES", 0, "5410", "400.25"),
        balance("PSALDO", 0, "3001", "-1250.50", period=f"{start:%Y}01"),
        sale,
        purchase,
    ]


def generated_vouchers(count: int, start: dt.date = START) -> Iterator[Voucher]:
    """Balanced vouchers on a fixed pattern, produced lazily like a reader would."""
    for number in range(1, count + 1):
        yield voucher(
            number,
            start + dt.timedelta(days=number % 365),
            ("1930", f"{number}.25"),
            ("3001", f"-{number}.25"),
        )


def generated_year(count: int, start: dt.date = START) -> Iterator[Voucher | Balance]:
    """A full export's shape: a balance before the vouchers, so re-importing it may replace a year."""
    yield balance("IB", 0, "1930", "0.00")
    yield from generated_vouchers(count, start)
