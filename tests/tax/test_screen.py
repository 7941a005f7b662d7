"""The tax screen through Pilot at 80×24, on a store holding the reference's Case A (tax-ink2-sru.md §4): reached
with x from the overview, the tax shown, a field overridden and marked, an allocation planned, a draft booked.
Every expected figure is worked out by hand in the comments."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from core.config import Settings
from core.store.db import open_store
from core.store.models import ClosingEntry
from tests.tax import import_books, write_books
from tests.tax.test_worked_examples import CASE_A
from tests.tui.pilot import drawn, press, settle
from tui.app import BokslutApp
from tui.i18n import set_language
from tui.preferences import Preferences
from tui.screens.tax import TaxScreen
from tui.widgets.row_table import RowTable

SIZE = (80, 24)


@pytest.fixture
def app(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    db = open_store(data_dir / "bokslut.sqlite3")
    import_books(db, write_books(tmp_path / "a.se", {}, CASE_A))
    yield BokslutApp(db, Settings(data_dir=data_dir, config_file=None), Preferences("en", {}))
    db.close()
    set_language("en")


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


def row_of(screen, field: str) -> list[str]:
    table = screen.query_one(RowTable)
    return [str(cell) for cell in table.get_row(field)]


async def test_the_tax_an_override_marked_and_planning_an_allocation(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "x")
        screen = app.screen
        assert isinstance(screen, TaxScreen)

        # B 565 384 + 4.3c 13 816 - 4.5c 1 200 = P 578 000; fund 25 % = 144 500; Y 433 500 x 20.6 % = 89 301.
        summary = drawn(screen.query_one("#tax-summary", Static))
        assert "578,000.00" in summary and "144,500.00" in summary and "Taxable 433,500.00" in summary
        assert "tax at 20.6 %: 89,301.00" in summary
        assert row_of(screen, "4.3c")[2:] == ["13,816.00  ", "books", "13,816.00"]

        # 4.3c overridden to 20 000: P = 584 184, fund floor(25 %) = 146 046, Y = 438 138, down to tens 438 130,
        # tax floor(20.6 % x 438 130 = 90 254.78) = 90 254.
        screen.query_one(RowTable).move_cursor(row=[line.field for line in screen.tax.sheet.lines].index("4.3c"))
        await press(pilot, "enter")
        field = screen.query_one("#tax-amount", Input)
        assert field.has_focus and field.value == "13816"
        await press(pilot, "end", *["backspace"] * 5, *"20000", "enter")
        assert row_of(screen, "4.3c")[2:] == ["20,000.00 *", "your input", "13,816.00"]
        assert "tax at 20.6 %: 90,254.00" in drawn(screen.query_one("#tax-summary", Static))

        await press(pilot, "r")
        assert row_of(screen, "4.3c")[2:4] == ["13,816.00  ", "books"]
        assert "tax at 20.6 %: 89,301.00" in drawn(screen.query_one("#tax-summary", Static))

        # Planning without a fund: Y = P = 578 000, tax 20.6 % = 119 068, 29 767 more. With 100 000: Y = 478 000,
        # tax floor(20.6 % x 478 000 = 98 468) = 98 468, 9 167 more than the 89 301 with the full fund. Nothing stored.
        await press(pilot, "p", "0")
        assert "tax 119,068.00 (+29,767.00)" in text_of(screen, "#tax-planned")
        await press(pilot, "backspace", *"100000")
        assert "tax 98,468.00 (+9,167.00)" in text_of(screen, "#tax-planned")
        await press(pilot, "escape")
        assert text_of(screen, "#tax-planned") == "" and screen.tax.sheet.allocation == 144500

        # The drafts: the fund allocation first, then the tax; b books the highlighted one, asked first.
        await press(pilot, "v", "v")
        assert [str(cell) for cell in screen.query_one(RowTable).get_row_at(0)][:3] == [
            "Allocation to a fund",
            "8811/2125",
            "144,500.00",
        ]
        await press(pilot, "b", "y")
        assert "booked as a closing entry" in text_of(screen, "#tax-status")
        [entry] = ClosingEntry.select()
        assert (entry.text, entry.template) == ("Avsättning till periodiseringsfond 2025", "tax:allocation")
        assert [d.name for d in screen.tax.drafts] == ["tax"]
