"""Deterministic demo bookkeeping of a Swedish aktiebolag, grown from a seed.

A year is a pure function of the spec, the year and its opening balances: `_Year.entries()`
yields light tuples in date order from one seeded RNG. Every amount is an integer of öre, so
randomness never touches float money.

Streaming: an SIE 4E file needs #IB/#UB/#RES before the first #VER, so each year is generated
twice, once to sum it (`_summary`, cached per spec and year; it keeps only account totals) and
once to yield its vouchers. Both passes draw the same random numbers, so they agree exactly,
and nothing ever holds a year's vouchers.

The books follow Swedish practice: sales with output VAT (25/12/6 %) on 1510, purchases with
input VAT on 2440, payments on 1930, salaries with tax and employer contributions settled via
the tax account 1630, a monthly VAT report to 2650, depreciation, and a closing (series I) that
books tax and moves the result to 2099; the next year's AGM moves 2099 to 2098. Series letters
are Fortnox's (fortnox-api.md §5.3).
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from core.demo.bas import bas_chart
from core.money import from_ore
from core.sie.model import (
    Balance,
    BalanceKind,
    Dimension,
    FiscalYear,
    Header,
    ObjectRef,
    Voucher,
    VoucherRow,
)
from core.sie.writer import write_sie4e
from core.store.orgnr import check_digit_valid

# Fortnox's default voucher series.
SERIES = {
    "A": "Redovisning",
    "B": "Kundfakturor",
    "C": "Inbetalningar",
    "D": "Leverantörsfakturor",
    "E": "Utbetalningar",
    "F": "Kassa",
    "G": "Avskrivning",
    "H": "Periodisering",
    "I": "Bokslut",
    "J": "Revisor",
    "K": "Lön",
    "L": "Kontantfaktura",
    "M": "Momsrapport",
}

COST_CENTRE_DIMENSION = "1"
PROJECT_DIMENSION = "6"
_COST_CENTRES = (  # code, name, share of the staff, salary account
    ("10", "Ledning", 1, "7210"),
    ("20", "Försäljning", 2, "7210"),
    ("30", "Konsult Stockholm", 4, "7010"),
    ("31", "Konsult Göteborg", 3, "7010"),
    ("40", "Utveckling", 3, "7210"),
    ("50", "Support", 2, "7010"),
)
_EARNING_CENTRES = ("20", "30", "31", "40", "50")

TAX_PERCENT_TENTHS = 206  # corporate income tax 20.6 %
EMPLOYER_FEES_HUNDREDTHS = 3142  # arbetsgivaravgifter 31.42 %
SALARY_TAX_PERCENT = 30


@dataclass(frozen=True)
class DemoSpec:
    """What to generate. Equal specs give byte-identical files."""

    seed: int = 2025
    name: str = "Nordljus Konsult AB"
    org_number: str = "556123-4567"
    years: int = 3
    last_year_end: date = date(2025, 12, 31)
    vouchers_per_year: int = 600
    # Share of the rows on income and cost accounts that carry a cost centre (a third of
    # those also a project); about a third of all rows at the default.
    object_percent: int = 85
    # The last year is normally still open: its closing is what bokslut is for.
    close_last_year: bool = False

    def __post_init__(self) -> None:
        digits = self.org_number.replace("-", "")
        if not check_digit_valid(digits):
            raise ValueError(f"org_number {self.org_number!r} is not ten digits with a valid check digit")
        if self.years < 1:
            raise ValueError("years must be at least 1")
        if self.vouchers_per_year < 1:
            raise ValueError("vouchers_per_year must be positive")
        if not 0 <= self.object_percent <= 100:
            raise ValueError("object_percent must be 0-100")

    @property
    def org_number_hyphenated(self) -> str:
        digits = self.org_number.replace("-", "")
        return f"{digits[:6]}-{digits[6:]}"


SECOND_DEMO = DemoSpec(
    seed=4711,
    name="Fjällbäcken Bygg & Fastighet AB",
    org_number="559012-3450",
    vouchers_per_year=400,
)


def fiscal_year(spec: DemoSpec, year_index: int) -> FiscalYear:
    """Year `year_index` (0 = the last, -1 the one before...) as calendar-aligned dates."""
    end = _shift_years(spec.last_year_end, year_index)
    start = _shift_years(spec.last_year_end, year_index - 1) + timedelta(days=1)
    return FiscalYear(year_index, start, end)


def demo_header(spec: DemoSpec, year_index: int = 0) -> Header:
    """Header of the file whose year 0 is `year_index`; #RAR -1 where the spec has a year before."""
    _check_year(spec, year_index)
    current = fiscal_year(spec, year_index)
    years = {0: FiscalYear(0, current.start, current.end)}
    if _has_year(spec, year_index - 1):
        previous = fiscal_year(spec, year_index - 1)
        years[-1] = FiscalYear(-1, previous.start, previous.end)
    company = _company(spec)
    objects: dict[ObjectRef, str] = {(COST_CENTRE_DIMENSION, code): name for code, name, _, _ in _COST_CENTRES}
    objects.update(((PROJECT_DIMENSION, code), name) for code, name in company.projects)
    return Header(
        flagga="0",
        program="bokslut",
        format="PC8",
        generated=_generated(spec, year_index),
        sie_type=4,
        company_type="AB",
        company_id=f"DEMO{spec.seed}",
        org_number=spec.org_number_hyphenated,
        company_name=spec.name,
        address=("Ekonomiavdelningen", "Storgatan 12", "114 51 Stockholm", "08-123 456 78"),
        tax_year=current.end.year + 1,
        chart_type="BAS2025",
        currency="SEK",
        balances_as_of=current.end,
        years=years,
        accounts=bas_chart(),
        dimensions={
            COST_CENTRE_DIMENSION: Dimension(COST_CENTRE_DIMENSION, "Kostnadsställe"),
            PROJECT_DIMENSION: Dimension(PROJECT_DIMENSION, "Projekt"),
        },
        objects=objects,
    )


def demo_balances(spec: DemoSpec, year_index: int = 0) -> Iterator[Balance]:
    """#IB/#UB (balance accounts), #RES (result accounts) and monthly #PSALDO for years 0 and -1."""
    _check_year(spec, year_index)
    for relative in (0, -1):
        if not _has_year(spec, year_index + relative):
            continue
        summary = _summary(spec, year_index + relative)
        for account, amount in sorted(summary.opening.items()):
            if amount and _is_balance_account(account):
                yield Balance(BalanceKind.IB, relative, account, from_ore(amount))
        for account, amount in sorted(summary.closing.items()):
            if amount and _is_balance_account(account):
                yield Balance(BalanceKind.UB, relative, account, from_ore(amount))
        for account, amount in sorted(summary.movements.items()):
            if amount and not _is_balance_account(account):
                yield Balance(BalanceKind.RES, relative, account, from_ore(amount))
        for (account, period), amount in sorted(summary.periods.items()):
            if amount:
                yield Balance(BalanceKind.PSALDO, relative, account, from_ore(amount), period=period)


def demo_vouchers(spec: DemoSpec, year_index: int = 0) -> Iterator[Voucher]:
    """The vouchers of one year in date order, numbered 1, 2, 3... within each series."""
    _check_year(spec, year_index)
    numbers = dict.fromkeys(SERIES, 0)
    opening = _opening(spec, year_index)
    for series, day, text, rows, registered in _Year(spec, year_index, opening).entries():
        numbers[series] += 1
        yield Voucher(
            series,
            str(numbers[series]),
            day,
            text,
            registered=registered,
            rows=[
                VoucherRow(account, from_ore(ore), objects, text=text, quantity=quantity)
                for account, ore, objects, quantity, text in rows
            ],
        )


def write_demo_sie(spec: DemoSpec, path: Path, year_index: int = 0, *, ksumma: bool = False) -> Path:
    """A complete SIE 4E file of one year, streamed from the generator."""
    header = demo_header(spec, year_index)
    write_sie4e(
        path,
        header,
        demo_balances(spec, year_index),
        demo_vouchers(spec, year_index),
        ksumma=ksumma,
        generated=header.generated,
    )
    return path


# --- the year's totals (first pass) ------------------------------------------------------


@dataclass(frozen=True)
class _Summary:
    opening: dict[str, int]
    movements: dict[str, int]
    periods: dict[tuple[str, str], int]  # (account, YYYYMM) -> change
    closing: dict[str, int]


@lru_cache(maxsize=64)
def _summary(spec: DemoSpec, year_index: int) -> _Summary:
    opening = _opening(spec, year_index)
    movements: dict[str, int] = {}
    periods: dict[tuple[str, str], int] = {}
    for _, day, _, rows, _ in _Year(spec, year_index, opening).entries():
        period = f"{day.year:04d}{day.month:02d}"
        for account, ore, *_ in rows:
            movements[account] = movements.get(account, 0) + ore
            key = (account, period)
            periods[key] = periods.get(key, 0) + ore
    closing = dict(opening)
    for account, ore in movements.items():
        closing[account] = closing.get(account, 0) + ore
    return _Summary(opening, movements, periods, closing)


def _opening(spec: DemoSpec, year_index: int) -> dict[str, int]:
    """The previous year's closing balances; result accounts start every year at zero."""
    if not _has_year(spec, year_index - 1):
        return _founding_balances(spec)
    return {a: ore for a, ore in _summary(spec, year_index - 1).closing.items() if _is_balance_account(a) and ore}


def _founding_balances(spec: DemoSpec) -> dict[str, int]:
    """The balance sheet the first generated year opens with, scaled to the company's size."""
    size = spec.vouchers_per_year
    balances = {
        "1220": size * 300_00,
        "1229": -size * 100_00,
        "1510": size * 400_00,
        "1930": size * 1_000_00,
        "2081": -50_000_00,
        "2440": -size * 100_00,
        "1710": _company(spec).monthly_rent_ore,  # January's rent, paid in December
    }
    balances["2091"] = -sum(balances.values())
    return balances


# --- the company: customers, suppliers, staff, projects ------------------------------------


@dataclass(frozen=True)
class _Supplier:
    name: str
    account: str
    vat_percent: int
    low_kr: int
    high_kr: int


_SUPPLIERS = (  # (supplier, weight)
    (_Supplier("Telia Sverige AB", "6212", 25, 300, 3_000), 3),
    (_Supplier("Kontorsgiganten AB", "6110", 25, 200, 4_000), 3),
    (_Supplier("Förbrukningsbolaget AB", "5460", 25, 300, 6_000), 2),
    (_Supplier("Datorhuset Norden AB", "5410", 25, 2_000, 25_000), 3),
    (_Supplier("Molnkontoret Sverige AB", "5420", 25, 500, 15_000), 2),
    (_Supplier("Bredband Norr AB", "6230", 25, 500, 5_000), 2),
    (_Supplier("Revisionsbyrån Ek & Gran KB", "6420", 25, 5_000, 30_000), 1),
    (_Supplier("Redovisningshuset Mälardalen AB", "6530", 25, 3_000, 20_000), 1),
    (_Supplier("Tågbolaget Resplus AB", "5810", 6, 300, 4_000), 2),
    (_Supplier("Hotell Stortorget AB", "5831", 12, 900, 8_000), 2),
    (_Supplier("Drivmedel Väst AB", "5611", 25, 400, 1_500), 2),
    (_Supplier("Postverket Norden AB", "6250", 25, 100, 2_000), 1),
    (_Supplier("Konsultpoolen Norden AB", "6550", 25, 10_000, 90_000), 2),
    (_Supplier("Underkonsult Sydväst AB", "4600", 25, 10_000, 120_000), 2),
    (_Supplier("Grossisten Materiel AB", "4010", 25, 1_000, 40_000), 3),
    (_Supplier('Mediabyrån "Lysande" AB', "5910", 25, 2_000, 30_000), 1),
    (_Supplier("Försäkringsbolaget Trygg AB", "6310", 0, 2_000, 20_000), 1),
    (_Supplier("Städproffsen i Norr AB", "5060", 25, 1_000, 8_000), 1),
    (_Supplier("Restaurang Tre Björnar AB", "6071", 12, 500, 6_000), 1),
    (_Supplier("Maskincentralen AB", "1220", 25, 20_000, 150_000), 1),
)
_SUPPLIER_TABLE = tuple(supplier for supplier, weight in _SUPPLIERS for _ in range(weight))
_CARD_PURCHASES = (
    _Supplier("Appbutiken", "5420", 25, 50, 2_000),
    _Supplier("Tidningsbolaget", "6970", 6, 100, 1_500),
    _Supplier("Taxi Centrum", "5800", 6, 150, 900),
    _Supplier("Parkering City", "5800", 25, 30, 400),
    _Supplier("Konferenscenter Ängsbacka", "7610", 25, 1_000, 12_000),
)
_PETTY_CASH = (
    _Supplier("Kaffe och fika", "7690", 12, 50, 600),
    _Supplier("Frimärken", "6250", 0, 20, 300),
    _Supplier("Blommor till kund", "6071", 25, 150, 800),
    _Supplier("Förbrukningsmaterial", "5460", 25, 40, 700),
)
_SURNAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
    "Svensson", "Gustafsson", "Lindqvist", "Åberg", "Öberg", "Ekström", "Bäckström", "Nyström",
    "Sjöberg", "Håkansson", "Löfgren", "Ängström", "Wikström", "Dahlén", "Forsgren", "Hägglund",
)
_TRADES = (
    "Bygg", "Konsult", "Fastigheter", "Data", "Transport", "Handel", "El & Tele", "Måleri",
    "Redovisning", "Design", "Café", "Verkstad", "Logistik", "Trädgård", "Arkitekter",
)
_TOWNS = (
    "Kiruna", "Luleå", "Umeå", "Sundsvall", "Gävle", "Uppsala", "Västerås", "Örebro", "Linköping",
    "Norrköping", "Jönköping", "Växjö", "Kalmar", "Karlskrona", "Malmö", "Lund", "Helsingborg",
    "Halmstad", "Göteborg", "Borås", "Karlstad", "Falun", "Östersund", "Visby",
)
_PROJECT_KINDS = (
    "Kontorsflytt", "Systemintegration", "Webbplats", "Ekonomisystem", "Utbildning", "Säkerhetsrevision",
)


@dataclass(frozen=True)
class _Company:
    customers: tuple[str, ...]
    projects: tuple[tuple[str, str], ...]  # (object id, name)
    staff: tuple[tuple[str, int, str], ...]  # (cost centre, employees, salary account)
    monthly_salary_ore: int  # average gross per employee in the first year
    monthly_rent_ore: int


@lru_cache(maxsize=16)
def _company(spec: DemoSpec) -> _Company:
    """Names and sizes that stay the same across the years of one spec."""
    rng = random.Random(f"bokslut-demo-company:{spec.seed}")
    size = spec.vouchers_per_year
    names = [f"{surname}s {trade} AB" for surname in _SURNAMES for trade in _TRADES]
    names += [f"{name}s {trade} i {town} AB" for name in _SURNAMES for trade in _TRADES[:6] for town in _TOWNS]
    rng.shuffle(names)
    customers = ['Restaurang "Kajen" AB', "Café Ängen & Co AB", *names[: min(max(size // 25, 12), 3000)]]
    project_count = min(max(size // 300, 4), 300)
    projects = tuple(
        (f"{number:04d}", f"{rng.choice(_PROJECT_KINDS)} {rng.choice(_TOWNS)}")
        for number in range(1, project_count + 1)
    )
    employees = max(size // 120, 2)
    shares = sum(share for _, _, share, _ in _COST_CENTRES)
    staff = tuple(
        (code, count, account)
        for code, _, share, account in _COST_CENTRES
        if (count := employees * share // shares + (employees * share % shares * 2 >= shares)) > 0
    )
    headcount = sum(count for _, count, _ in staff)
    return _Company(
        customers=tuple(customers),
        projects=projects,
        staff=staff,
        monthly_salary_ore=rng.randrange(38_000_00, 46_000_00),
        monthly_rent_ore=headcount * rng.randrange(3_800_00, 4_400_00),
    )


# --- one year (both passes) ----------------------------------------------------------------

# account, öre, objects, quantity (Decimal | None), text
Row = tuple[str, int, tuple[ObjectRef, ...], object, str]
Entry = tuple[str, date, str, list[Row], date | None]  # series, date, text, rows, registered

_EVENTS = (  # (kind, weight); customer and supplier invoices also cause a payment voucher later
    ("customer_invoice", 30),
    ("supplier_invoice", 20),
    ("cash_sale", 6),
    ("petty_cash", 3),
    ("card_purchase", 8),
)
_EVENT_TABLE = tuple(kind for kind, weight in _EVENTS for _ in range(weight))
_VOUCHERS_PER_EVENT_PERCENT = 100 * sum(w * (2 if k.endswith("invoice") else 1) for k, w in _EVENTS) // sum(
    w for _, w in _EVENTS
)
_FIXED_VOUCHERS_PER_YEAR = 110  # salaries, tax account, VAT, depreciation, fees, closing...
_SALES_LINES = (1, 1, 1, 2, 2, 2, 3, 3, 4, 6)  # lines per customer invoice, drawn uniformly
_SALES_VAT = (  # (VAT %, revenue account, VAT account, what is sold), drawn uniformly
    ((25, "3001", "2611", ("Programlicens", "Support och underhåll", "Installation", "Material", "Utbildning")),)
    * 17
    + ((12, "3002", "2621", ("Konferens med logi", "Livsmedel")),) * 2
    + ((6, "3003", "2631", ("Facklitteratur", "Persontransport")),)
)
_HOURLY_RATES_KR = (945, 1_095, 1_245, 1_395)  # never a whole thousand for fewer than 200 hours
_PETTY_CASH_FLOAT_ORE = 5_000_00
_OPENING_PAYMENT_ORE = 30_000_00  # about an invoice: the slices last year's open ledgers are paid in
_HOLIDAYS = {(1, 1), (1, 6), (5, 1), (6, 6), (12, 24), (12, 25), (12, 26)}  # the fixed-date ones


@dataclass
class _Payment:
    due: date
    order: int
    series: str
    text: str
    debit: str
    credit: str
    ore: int

    def __lt__(self, other: _Payment) -> bool:
        return (self.due, self.order) < (other.due, other.order)


class _Year:
    """State while one year is generated; `entries()` is deterministic for a given opening."""

    def __init__(self, spec: DemoSpec, year_index: int, opening: dict[str, int]) -> None:
        year = fiscal_year(spec, year_index)
        self.spec = spec
        self.first, self.last = year.start, year.end
        self.opening = opening
        self.balance = dict(opening)  # running balances, for amounts that settle an account
        self.rng = random.Random(f"bokslut-demo:{spec.seed}:{self.last.isoformat()}")
        self.company = _company(spec)
        self.closes = year_index < 0 or spec.close_last_year
        self.payments: list[_Payment] = []
        self.payment_order = 0
        self.invoice_number = (self.last.year % 100) * 100_000
        self.object_chance = spec.object_percent
        years_since_first = year_index + spec.years - 1
        self.salary_ore = self.company.monthly_salary_ore * (100 + 3 * years_since_first) // 100
        previous_tax = -opening.get("2512", 0)
        self.preliminary_tax_ore = (previous_tax or spec.vouchers_per_year * 400_00) // 12

    # -- the calendar

    def entries(self) -> Iterator[Entry]:
        calendar = list(_days(self.first, self.last))
        business_days = [d for d in calendar if d.weekday() < 5 and (d.month, d.day) not in _HOLIDAYS]
        business_vouchers = max(0, self.spec.vouchers_per_year - _FIXED_VOUCHERS_PER_YEAR)
        events = business_vouchers * 100 // _VOUCHERS_PER_EVENT_PERCENT
        early, late = self._schedule(business_days)
        total_days = len(business_days)
        position = {day: index for index, day in enumerate(business_days)}
        events_by_draw = [getattr(self, "_" + kind) for kind in _EVENT_TABLE]
        for day in calendar:
            for task in early.get(day, ()):
                yield from task(day)
            if day in position:
                while self.payments and self.payments[0].due <= day:
                    yield from self._pay(heapq.heappop(self.payments), day)
                index = position[day]
                count = events * (index + 1) // total_days - events * index // total_days
                for _ in range(count):
                    yield from events_by_draw[self.rng.randrange(len(events_by_draw))](day)
            for task in late.get(day, ()):
                yield from task(day)

    def _schedule(self, business_days: list[date]) -> tuple[dict, dict]:
        early: dict[date, list] = {}
        late: dict[date, list] = {}

        def on(table: dict, day: date, task) -> None:
            table.setdefault(day, []).append(task)

        by_month: dict[int, list[date]] = {}
        for day in business_days:
            by_month.setdefault(day.month, []).append(day)
        months = sorted(by_month)
        january = by_month[months[0]]
        on(early, january[0], self._reverse_accruals)
        on(early, january[min(6, len(january) - 1)], self._settle_opening_ledgers)
        for month in months:
            days = by_month[month]
            on(early, days[0], self._refill_petty_cash)
            on(early, _first_on_or_after(days, 20), self._rent_invoice)
            on(early, _first_on_or_after(days, 12), self._tax_account)
            on(late, _last_on_or_before(days, 25), self._salaries)
            on(late, days[-1], self._bank_fees)
            month_end = _month_end(days[0])
            on(late, month_end, self._depreciation)
            on(late, month_end, self._vat_report)
        if len(months) >= 4:
            on(early, _first_on_or_after(by_month[months[3]], 10), self._audit_invoice)
        if len(months) >= 5:
            on(early, _first_on_or_after(by_month[months[4]], 20), self._annual_general_meeting)
        if len(months) >= 11:
            on(early, _first_on_or_after(by_month[months[10]], 15), self._final_tax)
        if self.closes:
            on(late, self.last, self._closing)
        return early, late

    # -- bookkeeping helpers

    def _book(self, series: str, day: date, text: str, rows: list[Row]) -> Iterator[Entry]:
        """Yield the voucher (zero rows dropped) and update the running balances."""
        rows = [row for row in rows if row[1]]
        if len(rows) < 2:
            return
        if sum(row[1] for row in rows):  # pragma: no cover - a generator bug, never data
            raise AssertionError(f"unbalanced demo voucher {series} {day} {text}: {rows}")
        balance = self.balance
        for account, ore, *_ in rows:
            balance[account] = balance.get(account, 0) + ore
        registered = day + timedelta(days=self.rng.randrange(0, 4))
        yield series, day, text[:50], rows, registered  # Fortnox's SIE import takes 50 characters

    def _objects(self, earning: bool) -> tuple[ObjectRef, ...]:
        """A cost centre on `object_percent` of result rows; a third of those earning rows also name a project."""
        rng = self.rng
        if rng.randrange(100) >= self.object_chance:
            return ()
        if earning:
            centre = _EARNING_CENTRES[rng.randrange(len(_EARNING_CENTRES))]
            if rng.randrange(3) == 0:
                project = self.company.projects[rng.randrange(len(self.company.projects))][0]
                return ((COST_CENTRE_DIMENSION, centre), (PROJECT_DIMENSION, project))
            return ((COST_CENTRE_DIMENSION, centre),)
        return ((COST_CENTRE_DIMENSION, _COST_CENTRES[rng.randrange(len(_COST_CENTRES))][0]),)

    def _schedule_payment(self, due: date, series: str, text: str, debit: str, credit: str, ore: int) -> None:
        self.payment_order += 1
        heapq.heappush(self.payments, _Payment(due, self.payment_order, series, text, debit, credit, ore))

    def _pay(self, payment: _Payment, day: date) -> Iterator[Entry]:
        yield from self._book(payment.series, day, payment.text, _move(payment.debit, payment.credit, payment.ore))

    # -- business events (random in number and amount)

    def _customer_invoice(self, day: date) -> Iterator[Entry]:
        rng = self.rng
        self.invoice_number += 1
        customer = self.company.customers[rng.randrange(len(self.company.customers))]
        objects = self._objects(True)  # the invoice's cost centre and project, on its ledger row too
        rows: list[Row] = []
        vat_by_account: dict[str, int] = {}
        for _ in range(_SALES_LINES[rng.randrange(len(_SALES_LINES))]):
            percent, revenue, vat_account, items = _SALES_VAT[rng.randrange(len(_SALES_VAT))]
            quantity = None
            if revenue == "3001" and rng.randrange(3) == 0:  # consulting hours
                hours = rng.randrange(2, 80)
                net = hours * _HOURLY_RATES_KR[rng.randrange(len(_HOURLY_RATES_KR))] * 100
                revenue, quantity, item = "3041", from_ore(hours * 100), "Konsulttimmar"
            else:
                net = rng.randrange(2_000_00, 40_000_00)
                item = items[rng.randrange(len(items))]
            rows.append((revenue, -net, objects, quantity, item))
            vat_by_account[vat_account] = vat_by_account.get(vat_account, 0) + _percent(net, percent)
        rows.extend(_plain(account, -vat) for account, vat in vat_by_account.items())
        gross = -sum(row[1] for row in rows)
        rows.insert(0, ("1510", gross, objects, None, ""))
        text = f"Faktura {self.invoice_number} {customer}"
        yield from self._book("B", day, text, rows)
        due = day + timedelta(days=30 + rng.randrange(-5, 25))
        self._schedule_payment(due, "C", f"Inbetalning faktura {self.invoice_number}", "1930", "1510", gross)

    def _supplier_invoice(self, day: date) -> Iterator[Entry]:
        rng = self.rng
        supplier = _SUPPLIER_TABLE[rng.randrange(len(_SUPPLIER_TABLE))]
        lines = 1 if supplier.account == "1220" else 1 + (rng.randrange(4) == 0) + (rng.randrange(8) == 0)
        rows: list[Row] = []
        vat = 0
        for _ in range(lines):
            net = rng.randrange(supplier.low_kr * 100, supplier.high_kr * 100)
            objects = self._objects(supplier.account[0] == "4") if supplier.account >= "3" else ()
            rows.append((supplier.account, net, objects, None, ""))
            vat += _percent(net, supplier.vat_percent)
        rows.append(_plain("2641", vat))
        gross = sum(row[1] for row in rows)
        rows.append(("2440", -gross, (), None, f"Fakturanr {rng.randrange(10_000, 999_999)}"))
        yield from self._book("D", day, f"Leverantörsfaktura {supplier.name}", rows)
        self._schedule_payment(day + timedelta(days=30), "E", f"Betalning {supplier.name}", "2440", "1930", gross)

    def _cash_sale(self, day: date) -> Iterator[Entry]:
        net = self.rng.randrange(300_00, 6_000_00)
        vat = _percent(net, 25)
        sale = ("3001", -net, self._objects(True), None, "Kassaförsäljning")
        rows = [_plain("1930", net + vat), sale, _plain("2611", -vat)]
        yield from self._book("L", day, "Kontantförsäljning, kort", rows)

    def _petty_cash(self, day: date) -> Iterator[Entry]:
        yield from self._small_purchase(day, "F", "1910", _PETTY_CASH)

    def _card_purchase(self, day: date) -> Iterator[Entry]:
        yield from self._small_purchase(day, "A", "1930", _CARD_PURCHASES)

    def _small_purchase(
        self, day: date, series: str, paid_from: str, choices: tuple[_Supplier, ...]
    ) -> Iterator[Entry]:
        rng = self.rng
        what = choices[rng.randrange(len(choices))]
        net = rng.randrange(what.low_kr * 100, what.high_kr * 100)
        vat = _percent(net, what.vat_percent)
        cost = (what.account, net, self._objects(False), None, "")
        rows = [cost, _plain("2641", vat), _plain(paid_from, -net - vat)]
        yield from self._book(series, day, what.name, rows)

    # -- monthly routines

    def _refill_petty_cash(self, day: date) -> Iterator[Entry]:
        top_up = _PETTY_CASH_FLOAT_ORE - self.balance.get("1910", 0)
        yield from self._book("F", day, "Påfyllning kassa", _move("1910", "1930", top_up))

    def _rent_invoice(self, day: date) -> Iterator[Entry]:
        """Rent is invoiced and paid in advance: next month's, by the end of this one."""
        rent = self.company.monthly_rent_ore
        vat = _percent(rent, 25)
        rows = [("5010", rent, self._objects(False), None, ""), _plain("2641", vat), _plain("2440", -rent - vat)]
        month = _month_name(_month_end(day) + timedelta(days=1))
        yield from self._book("D", day, f"Lokalhyra {month}", rows)
        self._schedule_payment(_month_end(day), "E", f"Betalning lokalhyra {month}", "2440", "1930", rent + vat)

    def _salaries(self, day: date) -> Iterator[Entry]:
        rng = self.rng
        rows: list[Row] = []
        gross_total = fees_total = 0
        for centre, employees, account in self.company.staff:
            gross = employees * self.salary_ore + rng.randrange(0, employees * self.salary_ore // 20 + 1)
            fees = gross * EMPLOYER_FEES_HUNDREDTHS // 10_000
            objects = ((COST_CENTRE_DIMENSION, centre),) if rng.randrange(100) < self.object_chance else ()
            rows.append((account, gross, objects, None, ""))
            rows.append(("7510", fees, objects, None, ""))
            gross_total += gross
            fees_total += fees
        tax = _percent(gross_total, SALARY_TAX_PERCENT)
        rows += [_plain("2710", -tax), _plain("2731", -fees_total), _plain("1930", tax - gross_total)]
        yield from self._book("K", day, f"Löner {_month_name(day)}", rows)

    def _tax_account(self, day: date) -> Iterator[Entry]:
        """Pay in what Skatteverket draws on the 12th: withheld tax, fees, last month's VAT, F-skatt."""
        balance = self.balance
        draws = [
            _plain("2710", -balance.get("2710", 0)),
            _plain("2731", -balance.get("2731", 0)),
            _plain("2650", -balance.get("2650", 0)),
            _plain("2518", self.preliminary_tax_ore),
        ]
        total = sum(row[1] for row in draws)
        text = "Inbetalning till skattekontot" if total > 0 else "Utbetalning från skattekontot"
        yield from self._book("A", day, text, _move("1630", "1930", total))
        yield from self._book("A", day, f"Skattekonto {_month_name(day)}", [*draws, _plain("1630", -total)])

    def _bank_fees(self, day: date) -> Iterator[Entry]:
        fee = self.rng.randrange(150_00, 450_00)
        yield from self._book("A", day, "Bankavgifter", _move("6570", "1930", fee))
        if day.month % 3 == 0:
            interest = max(self.balance.get("1930", 0), 0) // 400  # about 1 % a year
            yield from self._book("A", day, "Ränta företagskonto", _move("1930", "8311", interest))

    def _depreciation(self, day: date) -> Iterator[Entry]:
        """Straight line over five years on cost, never below zero book value."""
        cost = self.balance.get("1220", 0)
        amount = min(cost // 60, cost + self.balance.get("1229", 0))
        if amount > 0:
            rows = _move("7832", "1229", amount)
            yield from self._book("G", day, f"Avskrivning inventarier {_month_name(day)}", rows)

    def _vat_report(self, day: date) -> Iterator[Entry]:
        """Clear the VAT accounts to 2650 as the VAT return reports them: each box in whole kronor, its öre dropped
        (reconciliation.md §3.5, truncated as reconcile.toml's rounding), box 49 from the whole boxes; the öre go to
        3740."""
        rows: list[Row] = []
        net = whole_kronor = 0
        for account in ("2611", "2621", "2631", "2641"):
            amount = self.balance.get(account, 0)
            rows.append(_plain(account, -amount))
            net += amount
            whole_kronor += amount // 100 * 100 if amount >= 0 else -(-amount // 100 * 100)
        rows += [_plain("2650", whole_kronor), _plain("3740", net - whole_kronor)]
        yield from self._book("M", day, f"Momsredovisning {_month_name(day)}", rows)

    # -- yearly routines

    def _reverse_accruals(self, day: date) -> Iterator[Entry]:
        accrued = self.opening.get("2990", 0)
        prepaid = self.opening.get("1710", 0)
        rows = _move("6420", "2990", accrued)
        rows += _move("5010", "1710", prepaid)
        yield from self._book("H", day, "Återföring periodiseringar", rows)

    def _settle_opening_ledgers(self, day: date) -> Iterator[Entry]:
        """Customers and suppliers left open at year end pay and are paid in January, invoice by invoice: one
        payment voucher per slice the size of an ordinary invoice, over the following weeks."""
        for series, text, debit, credit, ore in (
            ("C", "Inbetalning kundfaktura föregående år", "1930", "1510", self.opening.get("1510", 0)),
            ("E", "Betalning leverantörsfaktura föregående år", "2440", "1930", -self.opening.get("2440", 0)),
        ):
            left = ore
            while left > 0:
                part = min(left, self.rng.randrange(_OPENING_PAYMENT_ORE // 2, _OPENING_PAYMENT_ORE * 3 // 2))
                due = day + timedelta(days=self.rng.randrange(0, 21))
                self._schedule_payment(due, series, text, debit, credit, part)
                left -= part
        return iter(())

    def _annual_general_meeting(self, day: date) -> Iterator[Entry]:
        """Last year's result (2099) to 2098, older retained earnings on to 2091, and a dividend."""
        result = self.opening.get("2099", 0)
        earlier = self.opening.get("2098", 0)
        rows = [_plain("2098", -earlier), _plain("2091", earlier), _plain("2099", -result), _plain("2098", result)]
        yield from self._book("A", day, "Disposition enligt årsstämma", rows)
        dividend = -result * 3 // 10 // 1_000_00 * 1_000_00 if result < 0 else 0
        yield from self._book("A", day, "Beslutad utdelning", _move("2098", "2898", dividend))
        if dividend:
            self._schedule_payment(day + timedelta(days=7), "A", "Utbetalning utdelning", "2898", "1930", dividend)

    def _final_tax(self, day: date) -> Iterator[Entry]:
        """The final tax of last year: the booked tax against the F-skatt paid, the rest via 1630."""
        booked = self.opening.get("2512", 0)
        paid = self.opening.get("2518", 0)
        difference = booked + paid
        rows = [_plain("2512", -booked), _plain("2518", -paid), _plain("1630", difference)]
        yield from self._book("A", day, "Slutlig skatt föregående år", rows)
        yield from self._book("A", day, "Skattekonto, slutlig skatt", _move("1930", "1630", difference))

    def _audit_invoice(self, day: date) -> Iterator[Entry]:
        """The auditor invoices last year's audit in spring, close to what was accrued for it at year end."""
        net = -self.opening.get("2990", 0) * self.rng.randrange(95, 106) // 100
        vat = _percent(net, 25)
        rows = [("6420", net, (), None, ""), _plain("2641", vat), _plain("2440", -net - vat)]
        yield from self._book("D", day, "Leverantörsfaktura Revisionsbyrån Ek & Gran KB, revision", rows)
        text = "Betalning Revisionsbyrån Ek & Gran KB"
        self._schedule_payment(day + timedelta(days=30), "E", text, "2440", "1930", net + vat)

    def _closing(self, day: date) -> Iterator[Entry]:
        """Year-end accruals, tax and the year's result (series H and I)."""
        audit = self.spec.vouchers_per_year * 50_00 + 15_500_00  # the auditor's quote
        yield from self._book("H", day, "Upplupet revisionsarvode", _move("6420", "2990", audit))
        rent = self.company.monthly_rent_ore
        yield from self._book("H", day, "Förutbetald hyra januari", _move("1710", "5010", rent))
        profit = -sum(ore for account, ore in self.balance.items() if not _is_balance_account(account))
        tax = max(profit, 0) * TAX_PERCENT_TENTHS // 1000 // 100 * 100
        yield from self._book("I", day, "Skatt på årets resultat", _move("8910", "2512", tax))
        result = profit - tax
        yield from self._book("I", day, "Årets resultat", _move("8999", "2099", result))


# --- small helpers -------------------------------------------------------------------------


def _plain(account: str, ore: int) -> Row:
    """A row without objects, quantity or text: most rows."""
    return (account, ore, (), None, "")


def _move(debit: str, credit: str, ore: int) -> list[Row]:
    """The two rows of a plain transfer between accounts."""
    return [_plain(debit, ore), _plain(credit, -ore)]


def _percent(ore: int, percent: int) -> int:
    """VAT and withholding, rounded half up to whole öre."""
    return (ore * percent + 50) // 100


def _is_balance_account(account: str) -> bool:
    return account[0] in "12"


def _has_year(spec: DemoSpec, year_index: int) -> bool:
    return -spec.years < year_index <= 0


def _check_year(spec: DemoSpec, year_index: int) -> None:
    if not _has_year(spec, year_index):
        raise ValueError(f"year_index {year_index} is outside the spec's years (0 to {1 - spec.years})")


def _generated(spec: DemoSpec, year_index: int) -> date:
    """A fixed #GEN date a few weeks after the year, so equal specs give equal bytes."""
    return fiscal_year(spec, year_index).end + timedelta(days=20)


def _shift_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _month_end(day: date) -> date:
    next_month = day.replace(day=28) + timedelta(days=4)
    return next_month - timedelta(days=next_month.day)


def _first_on_or_after(days: list[date], day_of_month: int) -> date:
    return next((d for d in days if d.day >= day_of_month), days[-1])


def _last_on_or_before(days: list[date], day_of_month: int) -> date:
    return next((d for d in reversed(days) if d.day <= day_of_month), days[0])


_MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def _month_name(day: date) -> str:
    return f"{_MONTHS[day.month - 1]} {day.year}"
