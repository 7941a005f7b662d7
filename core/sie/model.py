"""The records a SIE file holds, as plain data shared by reader, writer, demo and import.

Amounts are `Decimal` (debit positive, credit negative, as in SIE). Objects are
`(dimension, object_id)` pairs, both text, because SIE object ids are text ("0015" != "15").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

ObjectRef = tuple[str, str]


class RowKind(str, Enum):
    """Only TRANS rows make up a voucher; RTRANS/BTRANS are audit history kept for display."""

    TRANS = "TRANS"
    RTRANS = "RTRANS"
    BTRANS = "BTRANS"


class BalanceKind(str, Enum):
    IB = "IB"
    UB = "UB"
    RES = "RES"
    OIB = "OIB"
    OUB = "OUB"
    PSALDO = "PSALDO"
    PBUDGET = "PBUDGET"


@dataclass(slots=True)
class Account:
    number: str
    name: str = ""
    type: str = ""  # KTYP: T (asset), S (liability/equity), I (income), K (cost); "" when undeclared
    unit: str = ""  # ENHET
    sru: str = ""  # the first #SRU code
    sru_codes: tuple[str, ...] = ()  # every #SRU code in file order (e.g. an INK2R and an INK2S code)

    def __post_init__(self) -> None:
        if self.sru and not self.sru_codes:
            self.sru_codes = (self.sru,)
        elif self.sru_codes and not self.sru:
            self.sru = self.sru_codes[0]


@dataclass(slots=True)
class Dimension:
    number: str
    name: str = ""
    parent: str = ""  # set for #UNDERDIM


@dataclass(slots=True)
class FiscalYear:
    index: int  # 0 = current, -1 = previous, ...
    start: dt.date
    end: dt.date


@dataclass(slots=True)
class Header:
    """Everything in a SIE file that is not a voucher or a balance."""

    flagga: str = ""
    program: str = ""
    program_version: str = ""
    format: str = ""
    generated: dt.date | None = None
    generated_by: str = ""
    sie_type: int | None = None
    prosa: str = ""
    company_type: str = ""  # FTYP
    company_id: str = ""  # FNR
    org_number: str = ""  # ORGNR as written (digits and maybe a hyphen)
    org_sequence: str = ""  # ORGNR's optional second field (förvärvsnummer)
    company_name: str = ""  # FNAMN
    address: tuple[str, ...] = ()
    tax_year: int | None = None  # TAXAR
    chart_type: str = ""  # KPTYP
    currency: str = ""  # VALUTA
    industry_code: str = ""  # BKOD
    balances_as_of: dt.date | None = None  # OMFATTN
    years: dict[int, FiscalYear] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    dimensions: dict[str, Dimension] = field(default_factory=dict)
    objects: dict[ObjectRef, str] = field(default_factory=dict)  # (dim, id) -> name


@dataclass(slots=True)
class VoucherRow:
    account: str
    amount: Decimal
    objects: tuple[ObjectRef, ...] = ()
    date: dt.date | None = None
    text: str = ""
    quantity: Decimal | None = None
    signature: str = ""
    kind: RowKind = RowKind.TRANS
    line: int = 0


@dataclass(slots=True)
class Voucher:
    series: str
    number: str
    date: dt.date
    text: str = ""
    registered: dt.date | None = None
    signature: str = ""
    rows: list[VoucherRow] = field(default_factory=list)
    line: int = 0

    def transactions(self) -> list[VoucherRow]:
        """The rows that count toward balances."""
        return [row for row in self.rows if row.kind is RowKind.TRANS]


@dataclass(slots=True)
class Balance:
    """One #IB #UB #RES #OIB #OUB #PSALDO or #PBUDGET record."""

    kind: BalanceKind
    year_index: int
    account: str
    amount: Decimal
    period: str = ""  # YYYYMM for PSALDO/PBUDGET
    objects: tuple[ObjectRef, ...] = ()
    quantity: Decimal | None = None
    line: int = 0


@dataclass(slots=True)
class SieDocument:
    """A whole file in memory: for small files, tests and round trips. Imports stream instead."""

    header: Header
    balances: list[Balance] = field(default_factory=list)
    vouchers: list[Voucher] = field(default_factory=list)
