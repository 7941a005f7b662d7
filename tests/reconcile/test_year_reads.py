"""The grid's and the progress' set-based read of a whole year (work.listed_states over books.balances and
auto.Totals) against the per-account read the account's reconciliation uses (work.state with
auto.specification), cell by cell; and the figures themselves against sums made here from the file's own records
and the closing entries as written, never by the code under test. On the demo company, and on a small year written
here whose VAT settlement falls mid-day (vouchers on its day before and after it, one dated earlier with a later
number) with closing entries on the settlement's day and a booked result."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from core import ledger, periods
from core.closing.entries import EntryDraft, RowDraft, create_entry, delete_entry
from core.demo import write_demo_sie
from core.importer import import_sie
from core.money import to_ore
from core.reconcile import auto, work
from core.reconcile.books import balances
from core.store.db import open_store
from tests.closing import DEMO
from tests.reconcile.test_cli import SieBook

ORG = "556677-8899"


def sie(sale_after_settlement: str = "125.00") -> str:
    """Vouchers in file order (their ids): A5 is dated before A2-A4; A3 settles January's VAT on the 31st between
    A2 and A4, which are dated the same day."""
    vouchers = [
        ("1", "20250110", [("1930", "1250.00"), ("3001", "-1000.00"), ("2611", "-250.00")]),
        ("2", "20250131", [("1930", "500.00"), ("3001", "-400.00"), ("2611", "-100.00")]),
        ("3", "20250131", [("2611", "350.00"), ("2650", "-350.00")]),
        ("4", "20250131", [("1930", sale_after_settlement), ("3001", f"-{Decimal(sale_after_settlement) * 4 / 5:.2f}"),
                           ("2611", f"-{Decimal(sale_after_settlement) / 5:.2f}")]),
        ("5", "20250120", [("1930", "62.50"), ("3001", "-50.00"), ("2611", "-12.50")]),
        ("6", "20250212", [("2650", "350.00"), ("1630", "-350.00")]),
        ("7", "20250212", [("1630", "350.00"), ("1930", "-350.00")]),
        ("8", "20250520", [("2098", "-1000.00"), ("2099", "1000.00")]),
    ]
    lines = ["#FLAGGA 0", "#SIETYP 4", '#FNAMN "Mittdag AB"', f"#ORGNR {ORG}", "#RAR 0 20250101 20251231",
             "#RAR -1 20240101 20241231"]
    lines += [f'#KONTO {a} "Konto {a}"' for a in
              ("1630", "1930", "2081", "2098", "2099", "2611", "2650", "3001", "6570", "8999")]
    lines += ["#IB 0 1930 10000.00", "#IB 0 2081 -9000.00", "#IB 0 2099 -1000.00", "#IB 0 2098 1000.00"]
    for number, day, rows in vouchers:
        lines += [f'#VER A {number} {day} "Verifikation {number}"', "{"]
        lines += [f"#TRANS {account} {{}} {amount}" for account, amount in rows]
        lines.append("}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def store(store_address):
    db = open_store(store_address)
    yield db
    db.close()


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("cp437"))
    return path


def entry(db, company, year, day: dt.date, *rows: tuple[str, str]):
    drafts = tuple(RowDraft(account, debit=max(Decimal(a), Decimal(0)), credit=max(-Decimal(a), Decimal(0)))
                   for account, a in rows)
    return create_entry(db, company, year, EntryDraft(date=day, text="Test", rows=drafts))


def assert_same_as_each_account_read(db, company, year) -> int:
    """Every period's listed states equal what `state` reads for the scope alone; returns the cells compared."""
    shared = balances(db, company, year)
    compared = 0
    for period in periods.periods(db, year):
        here = work.Place(db, company, year, period, shared)
        fast = work.listed_states(here)
        assert list(fast) == work.listed_scopes(here)
        for scope, now in fast.items():
            alone = work.state(work.Place(db, company, year, period), scope)
            assert (now.balance, now.specified, now.basis, now.status, now.stale, now.difference) == (
                alone.balance, alone.specified, alone.basis, alone.status, alone.stale, alone.difference), (
                period.key, scope)
            compared += 1
    return compared


def test_demo_years_read_as_each_account_alone(store, tmp_path):
    path = write_demo_sie(DEMO, tmp_path / "demo.se")
    import_sie(store, path)
    company = ledger.resolve_company(store, DEMO.org_number)
    book = SieBook(path)
    year = ledger.resolve_fiscal_year(store, company, 2025)
    assert assert_same_as_each_account_read(store, company, year) > 100
    # the books at each month's end, from the file's own records
    read = balances(store, company, year)
    for period in periods.periods(store, year)[:-1]:
        figures = read.at(period.end)
        for account in ("1930", "2611", "2641", "2650", "1630"):
            assert figures.get(account, 0) == to_ore(book.balance(account, period.end)), (period.key, account)
    # the year-end period: the final trial balance
    trial = ledger.trial_balance(store, company, year, final=True)
    assert read.at(year.end, year_end=True) == {
        line.number: to_ore(line.closing) for line in trial.accounts if line.number[0] in "12"}


@pytest.fixture
def midday(store, tmp_path):
    """The small year with its closing entries: on the settlement's day a settling one and a VAT correction after
    it, 1930's January reconciled and then moved by an entry, a booked result, and a deleted entry."""
    import_sie(store, write(tmp_path / "midday.se", sie()))
    company = ledger.resolve_company(store, ORG)
    year = ledger.resolve_fiscal_year(store, company, 2025)
    january = work.place(store, company, year, "2025-01")
    work.add_line(january, "1930", to_ore(Decimal("11937.50")), reference="Kontoutdrag")
    work.set_status(january, "1930", "reconciled")
    entry(store, company, year, dt.date(2025, 1, 31), ("2611", "-5.00"), ("2650", "5.00"))
    entry(store, company, year, dt.date(2025, 1, 31), ("2611", "-7.00"), ("3001", "7.00"))
    entry(store, company, year, dt.date(2025, 1, 15), ("1930", "-20.00"), ("6570", "20.00"))
    entry(store, company, year, dt.date(2025, 12, 31), ("8999", "1000.00"), ("2099", "-1000.00"))
    delete_entry(store, entry(store, company, year, dt.date(2025, 6, 30), ("1930", "-100.00"), ("6570", "100.00")))
    return store, company, year


def test_a_mid_day_settlement_and_closing_entries_read_as_each_account_alone(midday):
    db, company, year = midday
    assert assert_same_as_each_account_read(db, company, year) >= 13 * 6
    january = {s.scope: s for s in work.listed_states(work.place(db, company, year, "2025-01")).values()}
    # 2611 in January, in the books' order: A1 -250, A5 -12.50, A2 -100, A3 +350 (settles), A4 -25, then the
    # entries: -5 with 2650 (settles), -7. What was booked after the last settlement: the -7 alone.
    assert (january["2611"].balance, january["2611"].specified, january["2611"].basis) == (-4950, -700, "automatic")
    # 2650: the settlement -350 and the entry's +5, nothing paid yet
    assert (january["2650"].balance, january["2650"].specified) == (-34500, -34500)
    # 1930 was signed at 11 937.50; the entry of the 15th moved it since
    assert (january["1930"].balance, january["1930"].status, january["1930"].stale) == (1191750, "reconciled", True)
    december = work.listed_states(work.place(db, company, year, "2025-12"))
    # 2099: the opening -1000, the transfer +1000, and the result computed from 3000-8989 (the booked -1000
    # replaced): 3001 -1000 -400 -100 -50 on the vouchers, +7 by the correction entry, 6570 +20 (not the deleted +100)
    assert december["2099"].specified == -100000 + 100000 + (-155000 + 700 + 2000)
    year_end = work.listed_states(work.place(db, company, year, "year-end"))
    assert year_end["2099"].balance == -100000 + 100000 - 100000


def test_figures_follow_a_new_closing_entry_and_a_re_import(midday, tmp_path):
    db, company, year = midday
    march = work.place(db, company, year, "2025-03")
    assert work.listed_states(march)["1930"].balance == 1000000 + 125000 + 50000 + 12500 + 6250 - 35000 - 2000
    entry(db, company, year, dt.date(2025, 3, 10), ("1930", "-30.00"), ("6570", "30.00"))
    march = work.place(db, company, year, "2025-03")
    assert work.listed_states(march)["1930"].balance == 1000000 + 125000 + 50000 + 12500 + 6250 - 35000 - 2000 - 3000

    import_sie(db, write(tmp_path / "midday-again.se", sie(sale_after_settlement="250.00")))
    year = ledger.resolve_fiscal_year(db, company, 2025)
    march = work.place(db, company, year, "2025-03")
    assert work.listed_states(march)["1930"].balance == 1000000 + 125000 + 50000 + 25000 + 6250 - 35000 - 2000 - 3000
    assert assert_same_as_each_account_read(db, company, year) >= 13 * 6


def test_the_totals_are_the_specifications_totals_at_every_period_end(midday):
    db, company, year = midday
    shared = balances(db, company, year)
    totals = auto.totals(db, year, shared)
    for period in periods.periods(db, year):
        end = year.end if period.key == periods.YEAR_END else period.end
        for account in ("2611", "2650", "2099", "1630", "1930"):
            opening = shared.opening.get(account, 0)
            spec = auto.specification(db, year, account, opening, end)
            expected = spec.total if spec is not None and spec.proves else None
            assert totals.total(account, opening, end) == expected, (period.key, account)
