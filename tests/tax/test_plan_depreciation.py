"""The plan-depreciation draft from the asset register: a worked example computed by hand, on a chart that lacks
7832 (so the group account 7830 is used), booked through the closing entries and then proposing nothing more."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.closing.entries import create_entry
from core.store.db import open_store
from core.tax import drafts
from core.tax.assets import add_asset, dispose_asset
from core.tax.sheet import compute_sheet
from tests.tax import import_books, write_books

D = Decimal
ZERO = D(0)

# Calendar 2025 at the default 20 % a year (rates.toml), the month of acquisition counted in full:
#   new     acquired 2025-03-15, cost 120 000: March-December = 10 months x 120 000 x 20 % / 12 = 20 000
#   older   acquired 2021-05-01, cost  50 000: 44 months before 2025 (8 + 36) = 36 666.67 written off,
#           13 333.33 left; this year 12 months = 10 000, within what is left
#   written acquired 2020-01-10, cost  30 000: 60 months before 2025 = 30 000, nothing left: 0
#   nearly  acquired 2020-07-01, cost  24 000: 54 months before 2025 = 21 600, 2 400 left; a full year would be
#           4 800, so 2 400 (never below zero)
#   sold    acquired 2023-01-01, disposed of 2025-06-30: gone at year end, 0
#   future  acquired 2026-02-01: not yet held, 0
# Sum 32 400; the books already hold 2 400 on 7830, so the draft books 30 000.
EXPECTED_TOTAL = D("32400")
BOOKED = D("2400")


@pytest.fixture
def store(store_address):
    db = open_store(store_address)
    yield db
    db.close()


@pytest.fixture
def books(store, tmp_path):
    """The year and its register's assets by name."""
    movements = {"3001": D("-500000"), "5010": D("300000"), "7830": BOOKED, "1229": ZERO}
    year = import_books(store, write_books(tmp_path / "plan.se", {"1220": D("254000")}, movements))
    company = year.company
    assets = {
        "new": add_asset(store, company, "new", dt.date(2025, 3, 15), D("120000")),
        "older": add_asset(store, company, "older", dt.date(2021, 5, 1), D("50000")),
        "written": add_asset(store, company, "written", dt.date(2020, 1, 10), D("30000")),
        "nearly": add_asset(store, company, "nearly", dt.date(2020, 7, 1), D("24000")),
        "sold": add_asset(store, company, "sold", dt.date(2023, 1, 1), D("30000")),
        "future": add_asset(store, company, "future", dt.date(2026, 2, 1), D("10000")),
    }
    assets["sold"] = dispose_asset(store, assets["sold"].id, dt.date(2025, 6, 30), D("5000"))
    return year, assets


def test_each_asset_pro_rated_by_months_and_never_below_zero(books):
    year, assets = books
    percent = D(20)
    amounts = {
        name: drafts.asset_plan_depreciation(asset, percent, year.start, year.end) for name, asset in assets.items()
    }

    assert amounts == {
        "new": D("20000.00"),
        "older": D("10000.00"),
        "written": ZERO,
        "nearly": D("2400.00"),
        "sold": ZERO,
        "future": ZERO,
    }


def test_the_draft_books_what_the_books_lack_on_the_charts_nearest_accounts_then_nothing(store, books):
    year, assets = books
    sheet = compute_sheet(store, year)

    proposal = drafts.plan_depreciation(store, year, sheet)

    assert proposal.name == "plan-depreciation" and proposal.draft.text == "Avskrivning inventarier 2025"
    rows = [(row.account, row.debit, row.credit) for row in proposal.draft.rows]
    assert rows == [("7830", EXPECTED_TOTAL - BOOKED, ZERO), ("1229", ZERO, EXPECTED_TOTAL - BOOKED)]
    # in the register's order, the earliest acquired first
    assert proposal.lines == tuple(f"assets.{assets[name].id}" for name in ("nearly", "older", "new"))

    create_entry(store, year.company, year, proposal.draft)

    assert drafts.plan_depreciation(store, year, compute_sheet(store, year)) is None


def test_no_register_no_draft(store, tmp_path):
    year = import_books(store, write_books(tmp_path / "none.se", {}, {"3001": D("-1000"), "7830": D("500")}))

    assert drafts.plan_depreciation(store, year, compute_sheet(store, year)) is None
