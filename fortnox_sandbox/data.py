"""The sandbox's companies: Fortnox-shaped bookkeeping grown from the demo generator, plus what the API posts.

Everything is deterministic, so tests can rely on the facts below (they are also asserted in the tests):

- Tenants (DatabaseNumber): 1105837 "Nordljus Konsult AB" 556123-4567 and 1209341 "Fjällbäcken Bygg & Fastighet AB"
  559012-3450, each with the three demo years 2023-2025.
- Financial-year Ids are small and not chronological, as in real Fortnox: Nordljus 2023=3, 2024=1, 2025=2;
  Fjällbäcken 2023=2, 2024=3, 2025=1. Without `financialyear` the API uses the latest year (2025).
- Every year has the demo's BAS chart. Account 1010 is inactive in every year and 1250 in the latest year only
  (the demo books neither). 6540 has CostCenterSettings MANDATORY (the demo never books it) and 1930 has
  ProjectSettings NOTALLOWED (the demo never puts a project on it). 1880 has TransactionInformationSettings
  MANDATORY and 1460 QuantitySettings MANDATORY (the demo books neither); as in Fortnox, only the single-account
  GET shows those two settings, not the list.
- Series A-M in every year; B, C, D, E and L are fed by Fortnox's invoicing modules and so are not manual.
- Every 20th voucher of series A (numbers 5, 25, 45, ...) carries a struck-out balancing pair of rows
  (Removed true), left out of balances and written to SIE as #BTRANS.
- Nordljus has locked its books through 2025-03-31; Fjällbäcken has no locked period. Automatic locking (Fortnox's
  "automatlåsning" on BFN deadlines) is off unless SandboxConfig.auto_lock_months turns it on: then every month up to
  that many whole months before the sandbox's today is locked too.
- Nordljus's series I ("Bokslut") is its closing series, "Bokslutsserie, ej låsbar serie": neither lock applies to
  it. Fortnox's API does not show this (fortnox_VoucherSeries has no such field), so neither does the sandbox's.

Memory: a year is loaded on first use and held in flat arrays, not objects (under 50 MB for 200 000 vouchers).
"""

from __future__ import annotations

import calendar
import dataclasses
import io
import itertools
import threading
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from core.demo import SECOND_DEMO, SERIES, DemoSpec, demo_balances, demo_header, demo_vouchers, fiscal_year
from core.demo.generator import COST_CENTRE_DIMENSION, PROJECT_DIMENSION
from core.money import from_ore
from core.sie.model import Balance, BalanceKind, FiscalYear, RowKind, Voucher, VoucherRow
from core.sie.writer import write_sie4e

ALLOWED = "ALLOWED"
MANDATORY = "MANDATORY"
NOTALLOWED = "NOTALLOWED"

NOT_MANUAL_SERIES = frozenset("BCDEL")
INACTIVE_EVERY_YEAR = frozenset({1010})
INACTIVE_IN_LATEST_YEAR = frozenset({1250})
COST_CENTRE_MANDATORY = frozenset({6540})
PROJECT_NOT_ALLOWED = frozenset({1930})
TRANSACTION_INFORMATION_MANDATORY = frozenset({1880})
QUANTITY_MANDATORY = frozenset({1460})
REMOVED_PAIR_SERIES = "A"
REMOVED_PAIR_EVERY = 20
REMOVED_PAIR_FIRST = 5
REMOVED_BY = "Sandbox"  # the user name Fortnox writes on #BTRANS rows
VAT_CODES = {3001: "MP1", 3002: "MP2", 3003: "MP3"}
DEFAULT_VOUCHERS_PER_YEAR = 600
FIRST_RESULT_ACCOUNT = 3000  # BAS: classes 1-2 balance sheet, 3-8 result

_REFERENCE_TYPES = {"B": "INVOICE", "C": "INVOICEPAYMENT", "D": "SUPPLIERINVOICE", "E": "SUPPLIERPAYMENT",
                    "L": "CASHINVOICE"}  # fmt: skip
_YEAR_KINDS = (BalanceKind.IB, BalanceKind.UB, BalanceKind.RES)
_SIE_PROGRAM_LINE = b'#PROGRAM "Fortnox" 3.0\r\n'
_HEAD_BYTES = 1024  # #PROGRAM and #SIETYP are the 2nd and 5th lines of every file the writer makes
LOCKED_BY_HAND = "Sandbox Administratör"  # Fortnox names the user who locked the period in its 2000401 message
LOCKED_AUTOMATICALLY = "Automatlåsning"  # what Fortnox names for an automatic lock is not verified


@dataclass(frozen=True)
class Tenant:
    """One Fortnox company; tenant_id is its DatabaseNumber, which access tokens carry as tenantId."""

    tenant_id: int
    name: str
    org_number: str


@dataclass(frozen=True)
class FinancialYear:
    id: int
    from_date: date
    to_date: date

    def holds(self, day: date) -> bool:
        return self.from_date <= day <= self.to_date


@dataclass(frozen=True)
class AccountInfo:
    number: int
    description: str
    sru: int | None
    active: bool
    cost_center_settings: str = ALLOWED
    project_settings: str = ALLOWED
    vat_code: str | None = None
    transaction_information_settings: str = ALLOWED
    quantity_settings: str = ALLOWED


@dataclass(frozen=True)
class SeriesInfo:
    code: str
    description: str
    manual: bool
    lockable: bool = True  # False: Fortnox's closing series ("ej låsbar serie"), which no period lock applies to


class RowData(NamedTuple):
    """One voucher row; amount in öre, debit positive. A tuple, because a big year is built from millions."""

    account: int
    amount_ore: int
    cost_center: str = ""
    project: str = ""
    transaction_information: str = ""
    removed: bool = False
    quantity: Decimal | None = None


@dataclass(frozen=True)
class VoucherData:
    year_id: int
    series: str
    number: int
    transaction_date: date
    description: str
    rows: tuple[RowData, ...]
    comments: str | None = None
    registered: date | None = None

    @property
    def reference_type(self) -> str:
        return reference_type(self.series)


def reference_type(series: str) -> str:
    """Vouchers from Fortnox's invoicing modules name their source; everything else is MANUAL."""
    return _REFERENCE_TYPES.get(series, "MANUAL")


@dataclass(frozen=True)
class CostCenter:
    code: str
    description: str


@dataclass(frozen=True)
class Project:
    number: str
    description: str


class _Interned:
    """Strings stored once and referred to by index; index 0 is the empty string."""

    def __init__(self) -> None:
        self.values: list[str] = [""]
        self._index: dict[str, int] = {"": 0}

    def index(self, value: str) -> int:
        found = self._index.get(value)
        if found is None:
            found = self._index[value] = len(self.values)
            self.values.append(value)
        return found


class YearBook:
    """One financial year's vouchers in flat arrays; rows of voucher i are rows[row_start[i]:row_start[i+1]]."""

    def __init__(self, year: FinancialYear, opening: dict[int, int]) -> None:
        self.year = year
        self.opening = opening  # account -> öre, balance accounts only
        self.movements: dict[int, int] = {}  # account -> öre of rows not removed
        self.by_series: dict[str, array] = {code: array("I") for code in SERIES}
        self._series = array("B")
        self._number = array("I")
        self._date = array("I")
        self._registered = array("I")
        self._text: list[str] = []
        self._comments: dict[int, str] = {}
        self._row_start = array("I", [0])
        self._account = array("H")
        self._ore = array("q")
        self._cost_center = array("H")
        self._project = array("H")
        self._row_text = array("I")
        self._removed: set[int] = set()
        self._quantity: dict[int, Decimal] = {}
        self._objects = _Interned()
        self._texts = _Interned()
        self._series_codes = list(SERIES)
        self._series_position = {code: position for position, code in enumerate(self._series_codes)}

    def __len__(self) -> int:
        return len(self._number)

    def next_number(self, series: str) -> int:
        return len(self.by_series[series]) + 1

    def add(
        self,
        series: str,
        transaction_date: date,
        description: str,
        rows: list[RowData] | tuple[RowData, ...],
        *,
        comments: str | None = None,
        registered: date | None = None,
    ) -> int:
        """Append a voucher with the series' next number; returns that number."""
        index = len(self._number)
        number = self.next_number(series)
        self._series.append(self._series_position[series])
        self._number.append(number)
        self._date.append(transaction_date.toordinal())
        self._registered.append((registered or transaction_date).toordinal())
        self._text.append(description)
        if comments is not None:
            self._comments[index] = comments
        movements = self.movements
        account_column, ore_column = self._account, self._ore
        object_index, text_index = self._objects.index, self._texts.index
        for account, ore, cost_center, project, text, removed, quantity in rows:
            position = len(account_column)
            account_column.append(account)
            ore_column.append(ore)
            self._cost_center.append(object_index(cost_center))
            self._project.append(object_index(project))
            self._row_text.append(text_index(text))
            if quantity is not None:
                self._quantity[position] = quantity
            if removed:
                self._removed.add(position)
            else:
                movements[account] = movements.get(account, 0) + ore
        self._row_start.append(len(account_column))
        self.by_series[series].append(index)
        return number

    def find(self, series: str, number: int) -> VoucherData | None:
        indices = self.by_series.get(series)
        if indices is None or not 1 <= number <= len(indices):
            return None
        return self.voucher(indices[number - 1])

    def voucher(self, index: int) -> VoucherData:
        return VoucherData(
            year_id=self.year.id,
            series=self._series_codes[self._series[index]],
            number=self._number[index],
            transaction_date=date.fromordinal(self._date[index]),
            description=self._text[index],
            rows=tuple(self.rows(index)),
            comments=self._comments.get(index),
            registered=date.fromordinal(self._registered[index]),
        )

    def rows(self, index: int) -> Iterator[RowData]:
        objects, texts = self._objects.values, self._texts.values
        for position in range(self._row_start[index], self._row_start[index + 1]):
            yield RowData(
                self._account[position],
                self._ore[position],
                objects[self._cost_center[position]],
                objects[self._project[position]],
                texts[self._row_text[position]],
                position in self._removed,
                self._quantity.get(position),
            )

    def ordered(self, series: str | None = None) -> Iterator[int]:
        """Voucher indices in Fortnox's default order: series, then number."""
        for code in sorted(self.by_series) if series is None else [series]:
            yield from self.by_series.get(code, ())

    def list_fields(self, index: int) -> tuple[str, int, date, str, str | None]:
        """What a list item shows, without building the rows."""
        return (
            self._series_codes[self._series[index]],
            self._number[index],
            date.fromordinal(self._date[index]),
            self._text[index],
            self._comments.get(index),
        )

    def registered(self, index: int) -> date:
        return date.fromordinal(self._registered[index])

    def in_date_order(self) -> list[int]:
        """Voucher indices as a SIE export lists them: by date, then series and number."""
        date_, series, number = self._date, self._series, self._number
        return sorted(range(len(number)), key=lambda index: (date_[index], series[index], number[index]))

    def transaction_date(self, index: int) -> date:
        return date.fromordinal(self._date[index])

    def closing(self, account: int) -> int:
        return self.opening.get(account, 0) + self.movements.get(account, 0)

    def period_movements(self) -> dict[tuple[int, str], int]:
        """(account, YYYYMM) -> öre of the rows not removed."""
        periods: dict[tuple[int, str], int] = {}
        account, ore, removed, start = self._account, self._ore, self._removed, self._row_start
        for index, ordinal in enumerate(self._date):
            day = date.fromordinal(ordinal)
            period = f"{day.year:04d}{day.month:02d}"
            for position in range(start[index], start[index + 1]):
                if position not in removed:
                    key = (account[position], period)
                    periods[key] = periods.get(key, 0) + ore[position]
        return periods

    def object_movements(self, accounts_from: int) -> dict[tuple[int, str, str], int]:
        """(account, dimension, object id) -> öre of the rows not removed, for accounts from `accounts_from` up."""
        totals: dict[tuple[int, str, str], int] = {}
        values = self._objects.values
        columns = ((COST_CENTRE_DIMENSION, self._cost_center), (PROJECT_DIMENSION, self._project))
        for position, account in enumerate(self._account):
            if account < accounts_from or position in self._removed:
                continue
            for dimension, column in columns:
                if column[position]:
                    key = (account, dimension, values[column[position]])
                    totals[key] = totals.get(key, 0) + self._ore[position]
        return totals


class Company:
    """One tenant's books: chart, series, objects and lazily loaded years."""

    def __init__(
        self,
        tenant: Tenant,
        spec: DemoSpec,
        year_ids: tuple[int, ...],
        locked_through: date | None,
        closing_series: frozenset[str] = frozenset(),
        auto_lock_months: int | None = None,
    ) -> None:
        self.tenant = tenant
        self.spec = spec
        self.locked_through = locked_through  # locked by hand in Fortnox
        self.auto_lock_months = auto_lock_months
        self.header = demo_header(spec, 0)
        self._year_index: dict[int, int] = {}  # Id -> generator year index (0 = latest)
        years = []
        for offset, year_id in enumerate(year_ids):  # oldest first
            index = offset - len(year_ids) + 1
            span = fiscal_year(spec, index)
            years.append(FinancialYear(year_id, span.start, span.end))
            self._year_index[year_id] = index
        self.years = tuple(years)
        self.latest = years[-1]
        self.cost_centers = tuple(
            CostCenter(code, name) for (dim, code), name in self.header.objects.items() if dim == COST_CENTRE_DIMENSION
        )
        self.projects = tuple(
            Project(code, name) for (dim, code), name in self.header.objects.items() if dim == PROJECT_DIMENSION
        )
        self.series = tuple(
            SeriesInfo(code, name, code not in NOT_MANUAL_SERIES, lockable=code not in closing_series)
            for code, name in SERIES.items()
        )
        self._charts = {year.id: self._chart(year) for year in self.years}
        self._books: dict[int, YearBook] = {}
        self._sie: dict[tuple[int, int], bytes] = {}
        self._posted: list[tuple[int, int]] = []  # (year id, voucher index) in posting order
        # Handlers run on the server's thread while tests read from theirs; one lock keeps a year's arrays whole.
        self.lock = threading.RLock()

    def year(self, year_id: int) -> FinancialYear | None:
        return next((year for year in self.years if year.id == year_id), None)

    def year_for(self, day: date) -> FinancialYear | None:
        return next((year for year in self.years if year.holds(day)), None)

    def previous_year(self, year: FinancialYear) -> FinancialYear | None:
        index = self._year_index[year.id] - 1
        return next((other for other in self.years if self._year_index[other.id] == index), None)

    def lock_on(self, today: date) -> tuple[date, str] | None:
        """The locked period's last day on `today` and who locked it: the later of the hand lock and the automatic."""
        locks = []
        if self.locked_through is not None:
            locks.append((self.locked_through, LOCKED_BY_HAND))
        if self.auto_lock_months is not None:
            months = today.year * 12 + today.month - 1 - self.auto_lock_months  # the last month locked, from year 0
            year, month = divmod(months, 12)
            last_day = date(year, month + 1, calendar.monthrange(year, month + 1)[1])
            locks.append((last_day, LOCKED_AUTOMATICALLY))
        return max(locks) if locks else None

    def chart(self, year_id: int) -> dict[int, AccountInfo]:
        return self._charts[year_id]

    def book(self, year_id: int) -> YearBook:
        with self.lock:
            book = self._books.get(year_id)
            if book is None:
                book = self._books[year_id] = self._load(year_id)
            return book

    def post(
        self,
        year_id: int,
        series: str,
        transaction_date: date,
        description: str,
        rows: list[RowData],
        comments: str | None,
        registered: date,
    ) -> VoucherData:
        """Commit a voucher the API has validated; SIE files made before it are stale from now on."""
        with self.lock:
            book = self.book(year_id)
            number = book.add(series, transaction_date, description, rows, comments=comments, registered=registered)
            index = book.by_series[series][number - 1]
            self._posted.append((year_id, index))
            self._sie.clear()  # the next year's SIE carries this year as #RAR -1
            return book.voucher(index)

    def posted(self) -> list[VoucherData]:
        with self.lock:
            return [self._books[year_id].voucher(index) for year_id, index in self._posted]

    def sie(self, year_id: int, sie_type: int, generated: date) -> bytes:
        """The year as Fortnox exports it: CP437, CRLF, no #KSUMMA; cached until the next POST."""
        with self.lock:
            cached = self._sie.get((year_id, sie_type))
            if cached is None:
                cached = self._sie[(year_id, sie_type)] = self._write_sie(year_id, sie_type, generated)
            return cached

    # --- building ---------------------------------------------------------------------------------------

    def _chart(self, year: FinancialYear) -> dict[int, AccountInfo]:
        chart = {}
        for number_text, account in self.header.accounts.items():
            number = int(number_text)
            inactive = number in INACTIVE_EVERY_YEAR or (year == self.latest and number in INACTIVE_IN_LATEST_YEAR)
            chart[number] = AccountInfo(
                number=number,
                description=account.name,
                sru=int(account.sru) if account.sru else None,
                active=not inactive,
                cost_center_settings=MANDATORY if number in COST_CENTRE_MANDATORY else ALLOWED,
                project_settings=NOTALLOWED if number in PROJECT_NOT_ALLOWED else ALLOWED,
                vat_code=VAT_CODES.get(number),
                transaction_information_settings=(
                    MANDATORY if number in TRANSACTION_INFORMATION_MANDATORY else ALLOWED
                ),
                quantity_settings=MANDATORY if number in QUANTITY_MANDATORY else ALLOWED,
            )
        return dict(sorted(chart.items()))

    def _load(self, year_id: int) -> YearBook:
        index = self._year_index[year_id]
        book = YearBook(self.year(year_id), self._opening(index))
        for voucher in demo_vouchers(self.spec, index):
            rows = [_row_data(row) for row in voucher.rows]
            number = int(voucher.number)
            if voucher.series == REMOVED_PAIR_SERIES and number % REMOVED_PAIR_EVERY == REMOVED_PAIR_FIRST:
                amount = abs(rows[0].amount_ore)
                rows.append(RowData(rows[0].account, amount, removed=True))
                rows.append(RowData(rows[1].account, -amount, removed=True))
            book.add(voucher.series, voucher.date, voucher.text, rows, registered=voucher.registered)
        return book

    def _opening(self, year_index: int) -> dict[int, int]:
        """IB of a year: the generator's UB of the year before, or its founding balances for the first year."""
        if -year_index < self.spec.years - 1:
            wanted, source = BalanceKind.UB, demo_balances(self.spec, year_index - 1)
        else:
            wanted, source = BalanceKind.IB, demo_balances(self.spec, year_index)
        return {
            int(balance.account): int(balance.amount.scaleb(2))
            for balance in source
            if balance.kind is wanted and balance.year_index == 0
        }

    def _year_balances(self, relative: int, year: FinancialYear) -> Iterator[Balance]:
        """#IB, #UB and #RES; a year never loaded (so never posted to) comes from the generator's own sums."""
        book = self._books.get(year.id)
        if book is None:
            for balance in demo_balances(self.spec, self._year_index[year.id]):
                if balance.year_index == 0 and balance.kind in _YEAR_KINDS:
                    yield dataclasses.replace(balance, year_index=relative)
            return
        accounts = sorted(set(book.opening) | set(book.movements))
        for account in accounts:
            if _is_balance_account(account) and book.opening.get(account):
                yield Balance(BalanceKind.IB, relative, str(account), from_ore(book.opening[account]))
        for account in accounts:
            closing = book.closing(account)
            if closing:
                kind = BalanceKind.UB if _is_balance_account(account) else BalanceKind.RES
                yield Balance(kind, relative, str(account), from_ore(closing))

    def _write_sie(self, year_id: int, sie_type: int, generated: date) -> bytes:
        year = self.year(year_id)
        previous = self.previous_year(year)
        header = dataclasses.replace(self.header, years={0: FiscalYear(0, year.from_date, year.to_date)})
        header.balances_as_of = year.to_date
        if previous is not None:
            header.years[-1] = FiscalYear(-1, previous.from_date, previous.to_date)
        book = self.book(year_id)
        balances = [self._year_balances(0, year)]
        if previous is not None:
            balances.append(self._year_balances(-1, previous))
        if sie_type >= 2:
            balances.append(_period_balances(book))
        if sie_type >= 3:
            balances.append(_object_balances(book))
        vouchers = _sie_vouchers(book) if sie_type == 4 else ()
        buffer = io.BytesIO()
        write_sie4e(buffer, header, itertools.chain.from_iterable(balances), vouchers, generated=generated)
        return _as_fortnox_export(buffer, sie_type)


def _row_data(row: VoucherRow) -> RowData:
    cost_center = project = ""
    for dimension, object_id in row.objects:
        if dimension == COST_CENTRE_DIMENSION:
            cost_center = object_id
        elif dimension == PROJECT_DIMENSION:
            project = object_id
    return RowData(int(row.account), int(row.amount.scaleb(2)), cost_center, project, row.text, False, row.quantity)


def _is_balance_account(account: int) -> bool:
    return account < FIRST_RESULT_ACCOUNT


def _period_balances(book: YearBook) -> Iterator[Balance]:
    """Monthly change per account (Fortnox's #PSALDO without objects)."""
    for (number, period), amount in sorted(book.period_movements().items()):
        if amount:
            yield Balance(BalanceKind.PSALDO, 0, str(number), from_ore(amount), period=period)


def _object_balances(book: YearBook) -> Iterator[Balance]:
    for (number, dimension, object_id), amount in sorted(book.object_movements(FIRST_RESULT_ACCOUNT).items()):
        if amount:
            yield Balance(BalanceKind.OUB, 0, str(number), from_ore(amount), objects=((dimension, object_id),))


def _sie_vouchers(book: YearBook) -> Iterator[Voucher]:
    """Date order as Fortnox exports; removed rows become #BTRANS, the rest #TRANS with quantity 0."""
    zero = Decimal(0)
    for index in book.in_date_order():
        series, number, day, text, _ = book.list_fields(index)
        rows = [
            VoucherRow(
                str(row.account),
                from_ore(row.amount_ore),
                _objects(row),
                text=row.transaction_information,
                quantity=zero,
                signature=REMOVED_BY if row.removed else "",
                kind=RowKind.BTRANS if row.removed else RowKind.TRANS,
            )
            for row in book.rows(index)
        ]
        yield Voucher(series, str(number), day, text, registered=book.registered(index), rows=rows)


def _objects(row: RowData) -> tuple[tuple[str, str], ...]:
    if row.cost_center and row.project:
        return ((COST_CENTRE_DIMENSION, row.cost_center), (PROJECT_DIMENSION, row.project))
    if row.cost_center:
        return ((COST_CENTRE_DIMENSION, row.cost_center),)
    if row.project:
        return ((PROJECT_DIMENSION, row.project),)
    return ()


def _as_fortnox_export(buffer: io.BytesIO, sie_type: int) -> bytes:
    """The writer always signs as bokslut and type 4; a Fortnox export names Fortnox and the type asked for.

    Both lines sit in the first few hundred bytes, so only that head is copied and patched, not the whole file.
    """
    view = buffer.getbuffer()
    head = bytes(view[:_HEAD_BYTES])
    start = head.index(b"#PROGRAM ")
    end = head.index(b"\r\n", start) + 2
    head = head[:start] + _SIE_PROGRAM_LINE + head[end:]
    head = head.replace(b"#SIETYP 4\r\n", b"#SIETYP %d\r\n" % sie_type, 1)
    try:
        return head + view[_HEAD_BYTES:]
    finally:
        view.release()


# --- the two companies ------------------------------------------------------------------------------------

NORDLJUS = Tenant(1105837, DemoSpec().name, DemoSpec().org_number_hyphenated)
FJALLBACKEN = Tenant(1209341, SECOND_DEMO.name, SECOND_DEMO.org_number_hyphenated)
NORDLJUS_YEAR_IDS = (3, 1, 2)  # 2023, 2024, 2025
FJALLBACKEN_YEAR_IDS = (2, 3, 1)
NORDLJUS_LOCKED_THROUGH = date(2025, 3, 31)
NORDLJUS_CLOSING_SERIES = frozenset({"I"})


def build_companies(
    vouchers_per_year: int = DEFAULT_VOUCHERS_PER_YEAR, auto_lock_months: int | None = None
) -> dict[int, Company]:
    """Both demo companies; the second keeps its size relative to the first (400 to 600 in the demo)."""
    second_size = max(1, vouchers_per_year * SECOND_DEMO.vouchers_per_year // DEFAULT_VOUCHERS_PER_YEAR)
    companies = (
        Company(
            NORDLJUS,
            DemoSpec(vouchers_per_year=vouchers_per_year),
            NORDLJUS_YEAR_IDS,
            NORDLJUS_LOCKED_THROUGH,
            NORDLJUS_CLOSING_SERIES,
            auto_lock_months,
        ),
        Company(
            FJALLBACKEN,
            dataclasses.replace(SECOND_DEMO, vouchers_per_year=second_size),
            FJALLBACKEN_YEAR_IDS,
            None,
            auto_lock_months=auto_lock_months,
        ),
    )
    return {company.tenant.tenant_id: company for company in companies}
