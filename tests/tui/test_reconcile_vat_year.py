"""The year's VAT periods through Pilot: from the reconciliation grid, v opens the period's VAT and y every VAT period
of the year. Expected figures are read from the demo file's own vouchers, never from the code under test."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from textual.widgets import DataTable, Static

from tests.reconcile.test_cli import SieBook
from tests.tui.conftest import SIZE
from tests.tui.pilot import drawn, press, settle
from tui.i18n import format_money
from tui.screens.reconcile import ReconcileVatScreen, ReconcileVatYearScreen


async def test_y_shows_every_vat_period_of_the_year_and_the_year_end_balance(make_app, demo_store, demo_file):
    book = SieBook(demo_file)
    year = max(day.year for _, _, day, _ in book.vouchers)
    settlements = [f"{series}{number} {day.isoformat()}" for series, number, day, rows in book.vouchers
                   if day.year == year and series == "M"]  # the demo's monthly VAT settlements
    year_end_2650 = book.balance("2650", dt.date(year, 12, 31))

    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "a", "v")
        assert isinstance(app.screen, ReconcileVatScreen)
        await press(pilot, "y")
        assert isinstance(app.screen, ReconcileVatYearScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 12 == len(settlements)
        assert [str(cell) for cell in table.get_column_at(4)] == settlements
        assert all(str(cell).startswith("0") for cell in table.get_column_at(3))  # every return reconciles
        summary = drawn(app.screen.query_one("#view-summary", Static))
        assert f"Year end: 2650 {format_money(Decimal(year_end_2650))};" in summary
        assert f"settled and not yet paid {format_money(Decimal(year_end_2650))}; difference 0.00" in summary
        await press(pilot, "escape")
        assert isinstance(app.screen, ReconcileVatScreen)
