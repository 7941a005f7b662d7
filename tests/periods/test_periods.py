"""Period closing in the core: a year's periods, the lock order, temporary unlocking, the closing-entry hook."""

from __future__ import annotations

import datetime as dt
import getpass
from decimal import Decimal

import pytest

from core import periods
from core.closing import entries
from core.closing.entries import ClosingEntryInvalid, EntryDraft, RowDraft
from core.errors import BokslutError
from core.store.db import open_store
from core.store.models import Company, FiscalYear, Period
from tests.closing import demo_books

books = pytest.fixture(demo_books, name="books")

D = dt.date


@pytest.fixture
def db(store_address):
    store = open_store(store_address)
    yield store
    store.close()


def year(start: dt.date, end: dt.date, kind: str = "month") -> FiscalYear:
    company = Company.create(name="Periodbolaget AB")
    return FiscalYear.create(company=company, start=start, end=end, period_kind=kind)


def spans(db, fiscal_year) -> list[tuple[str, dt.date, dt.date]]:
    return [(p.key, p.start, p.end) for p in periods.periods(db, fiscal_year)]


def keys(db, fiscal_year) -> list[str]:
    return [key for key, _, _ in spans(db, fiscal_year)]


def test_a_calendar_year_has_twelve_months_then_the_year_end_period(db):
    fiscal_year = year(D(2025, 1, 1), D(2025, 12, 31))

    got = spans(db, fiscal_year)

    assert [key for key, _, _ in got] == [f"2025{m:02d}" for m in range(1, 13)] + ["year-end"]
    assert got[1] == ("202502", D(2025, 2, 1), D(2025, 2, 28))
    assert got[-2:] == [("202512", D(2025, 12, 1), D(2025, 12, 31)), ("year-end", D(2025, 12, 31), D(2025, 12, 31))]
    assert periods.states(periods.periods(db, fiscal_year)) == ["open"] + ["not started"] * 12
    assert Period.select().count() == 13  # created once, not again on the second call


def test_quarters_of_a_calendar_year(db):
    fiscal_year = year(D(2025, 1, 1), D(2025, 12, 31), "quarter")
    assert spans(db, fiscal_year) == [
        ("2025Q1", D(2025, 1, 1), D(2025, 3, 31)),
        ("2025Q2", D(2025, 4, 1), D(2025, 6, 30)),
        ("2025Q3", D(2025, 7, 1), D(2025, 9, 30)),
        ("2025Q4", D(2025, 10, 1), D(2025, 12, 31)),
        ("year-end", D(2025, 12, 31), D(2025, 12, 31)),
    ]


def test_a_broken_fiscal_year_by_month_and_by_calendar_quarter(db):
    fiscal_year = year(D(2024, 7, 1), D(2025, 6, 30))

    assert keys(db, fiscal_year) == [f"2024{m:02d}" for m in range(7, 13)] + [
        f"2025{m:02d}" for m in range(1, 7)
    ] + ["year-end"]
    periods.set_period_kind(db, fiscal_year, "quarter")
    assert spans(db, fiscal_year) == [
        ("2024Q3", D(2024, 7, 1), D(2024, 9, 30)),
        ("2024Q4", D(2024, 10, 1), D(2024, 12, 31)),
        ("2025Q1", D(2025, 1, 1), D(2025, 3, 31)),
        ("2025Q2", D(2025, 4, 1), D(2025, 6, 30)),
        ("year-end", D(2025, 6, 30), D(2025, 6, 30)),
    ]
    assert FiscalYear.get_by_id(fiscal_year.id).period_kind == "quarter"


def test_a_long_first_year_starting_mid_month(db):
    """A new company's first year may start on its registration day and run up to 18 months."""
    fiscal_year = year(D(2024, 3, 15), D(2025, 6, 30))

    got = spans(db, fiscal_year)
    assert len(got) == 16 + 1
    assert got[0] == ("202403", D(2024, 3, 15), D(2024, 3, 31))
    assert got[-2] == ("202506", D(2025, 6, 1), D(2025, 6, 30))

    periods.set_period_kind(db, fiscal_year, "quarter")
    got = spans(db, fiscal_year)
    assert [key for key, _, _ in got] == ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2", "year-end"]
    assert got[0] == ("2024Q1", D(2024, 3, 15), D(2024, 3, 31))


def test_periods_are_named_as_a_user_writes_them(db):
    fiscal_year = year(D(2025, 1, 1), D(2025, 12, 31))
    for text in ("2025-03", "202503", " 2025-03 "):
        assert periods.find_period(db, fiscal_year, text).key == "202503"
    assert periods.find_period(db, fiscal_year, "YEAR-END").key == "year-end"
    with pytest.raises(BokslutError, match=r"'2025-13' is not a period; give it as 2025-03, 202503, 2025Q1"):
        periods.find_period(db, fiscal_year, "2025-13")
    with pytest.raises(BokslutError, match=r"2025Q1 is not a period .* divided into months 2025-01..2025-12"):
        periods.find_period(db, fiscal_year, "2025Q1")
    with pytest.raises(BokslutError, match="2026-01 is not a period of fiscal year 2025-01-01..2025-12-31"):
        periods.find_period(db, fiscal_year, "2026-01")


def test_periods_lock_in_order_and_record_who_and_when(db):
    fiscal_year = year(D(2025, 1, 1), D(2025, 12, 31))

    with pytest.raises(BokslutError, match="2025-02 cannot be locked yet: the earlier period 2025-01 is not locked"):
        periods.lock_period(db, fiscal_year, "2025-02")
    locked = periods.lock_period(db, fiscal_year, "2025-01")
    periods.lock_period(db, fiscal_year, "2025-02")

    assert locked.locked and locked.changed_by == getpass.getuser()
    assert abs(dt.datetime.now(dt.UTC).replace(tzinfo=None) - locked.changed_at) < dt.timedelta(minutes=1)
    with pytest.raises(BokslutError, match="2025-01 of fiscal year 2025-01-01..2025-12-31 is already locked"):
        periods.lock_period(db, fiscal_year, "2025-01")
    with pytest.raises(BokslutError, match="year-end cannot be locked yet: the earlier period 2025-03"):
        periods.lock_period(db, fiscal_year, "year-end")
    assert periods.states(periods.periods(db, fiscal_year))[:4] == ["locked", "locked", "open", "not started"]
    assert [p.key for p in periods.locked_periods(db, fiscal_year)] == ["202501", "202502"]


def test_unlocking_pauses_the_next_period_until_locked_again(db):
    fiscal_year = year(D(2025, 1, 1), D(2025, 12, 31))
    for month in ("2025-01", "2025-02", "2025-03"):
        periods.lock_period(db, fiscal_year, month)

    unlocked = periods.unlock_period(db, fiscal_year, "2025-02")

    assert (unlocked.locked, unlocked.changed_by) == (False, getpass.getuser())
    assert periods.states(periods.periods(db, fiscal_year))[:5] == [
        "locked", "unlocked", "locked", "paused", "not started"
    ]
    assert not periods.is_locked(db, fiscal_year, D(2025, 2, 10))
    assert periods.is_locked(db, fiscal_year, D(2025, 3, 10))  # a later locked period stays locked
    with pytest.raises(BokslutError, match="2025-04 cannot be locked yet: the earlier period 2025-02 is temporarily"):
        periods.lock_period(db, fiscal_year, "2025-04")
    with pytest.raises(BokslutError, match="2025-02 is already temporarily unlocked; lock it again before unlocking"):
        periods.unlock_period(db, fiscal_year, "2025-01")
    with pytest.raises(BokslutError, match="2025-04 of fiscal year 2025-01-01..2025-12-31 is not locked"):
        periods.unlock_period(db, fiscal_year, "2025-04")

    periods.lock_period(db, fiscal_year, "2025-02")
    periods.lock_period(db, fiscal_year, "2025-04")
    assert periods.states(periods.periods(db, fiscal_year))[:5] == ["locked"] * 4 + ["open"]


def test_the_kind_cannot_change_once_a_period_has_been_locked(db):
    fiscal_year = year(D(2025, 1, 1), D(2025, 12, 31))
    periods.set_period_kind(db, fiscal_year, "quarter")
    periods.set_period_kind(db, fiscal_year, "month")  # free while nothing is locked
    periods.lock_period(db, fiscal_year, "2025-01")
    periods.unlock_period(db, fiscal_year, "2025-01")

    with pytest.raises(BokslutError, match="cannot become quarters: period 2025-01 has been locked"):
        periods.set_period_kind(db, fiscal_year, "quarter")
    with pytest.raises(BokslutError, match="'year' is not a period kind; choose month or quarter"):
        periods.set_period_kind(db, fiscal_year, "year")
    assert FiscalYear.get_by_id(fiscal_year.id).period_kind == "month"
    assert len(periods.periods(db, fiscal_year)) == 13


def test_the_last_day_moves_to_the_year_end_period_once_the_last_month_is_locked(db):
    fiscal_year = year(D(2025, 1, 1), D(2025, 12, 31))
    assert periods.period_of(db, fiscal_year, D(2025, 12, 31)) is None  # no periods yet: nothing is locked
    periods.periods(db, fiscal_year)
    assert periods.period_of(db, fiscal_year, D(2025, 12, 31)).key == "202512"

    for period in periods.periods(db, fiscal_year)[:-1]:
        periods.lock_period(db, fiscal_year, period.key)

    assert periods.period_of(db, fiscal_year, D(2025, 12, 31)).key == "year-end"
    assert not periods.is_locked(db, fiscal_year, D(2025, 12, 31))
    assert periods.is_locked(db, fiscal_year, D(2025, 12, 30))
    periods.lock_period(db, fiscal_year, "year-end")
    assert periods.is_locked(db, fiscal_year, D(2025, 12, 31))
    assert not periods.is_locked(db, fiscal_year, D(2026, 1, 1))  # outside the year: not this year's to say


def accrual(date: dt.date | None) -> EntryDraft:
    rows = (RowDraft("6420", Decimal("500.00"), Decimal(0)), RowDraft("2990", Decimal(0), Decimal("500.00")))
    return EntryDraft(date=date, text="Upplupet revisionsarvode", rows=rows)


def test_a_closing_entry_dated_in_a_locked_period_is_refused_and_allowed_in_an_open_one(books):
    for month in ("2025-01", "2025-02", "2025-03"):
        periods.lock_period(books.db, books.year, month)

    with pytest.raises(ClosingEntryInvalid) as refused:
        entries.create_entry(books.db, books.company, books.year, accrual(D(2025, 3, 15)))

    assert [problem.field for problem in refused.value.problems] == ["date"]
    assert str(refused.value.problems[0]) == (
        "date: 2025-03-15 lies in period 2025-03, which is locked; date the entry in an open period or unlock it "
        "first (bokslut period unlock 2025-03 --year 2025)"
    )
    assert entries.create_entry(books.db, books.company, books.year, accrual(D(2025, 4, 1))).date == D(2025, 4, 1)


def test_year_end_entries_are_allowed_until_the_year_end_period_is_locked(books):
    for period in periods.periods(books.db, books.year)[:-1]:
        periods.lock_period(books.db, books.year, period.key)
    assert entries.create_entry(books.db, books.company, books.year, accrual(None)).date == D(2025, 12, 31)

    periods.lock_period(books.db, books.year, "year-end")

    problems = entries.validate(books.db, books.year, accrual(None))
    assert [str(p) for p in problems] == [
        "date: 2025-12-31 lies in the year-end period, which is locked; date the entry in an open period or unlock "
        "it first (bokslut period unlock year-end --year 2025)"
    ]
