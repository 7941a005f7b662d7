"""The reconciliation screens through Pilot at 80×24 on the demo company: the grid opened from the overview with a,
1930's detail, a specification line whose amount is the books' balance summed here from the SIE file, signed, the
grid's mark changed; a difference booked as a closing entry, asked first, and found in the closing list."""

from __future__ import annotations

from decimal import Decimal

import pytest
from textual.widgets import Input, Static

from core.config import Settings
from core.demo import write_demo_sie
from core.importer import import_sie
from core.export.sie import export_closing_sie
from core.store.db import open_store
from core.store.models import ClosingEntry, FiscalYear
from tests.closing import DEMO
from tests.reconcile.test_cli import MARCH_END, SieBook
from tests.tui.pilot import drawn, press, settle
from tui.app import BokslutApp
from tui.i18n import format_money, set_language
from tui.preferences import Preferences
from tui.screens.closing import ClosingScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.reconcile import LineForm, ReconcileAccountScreen, ReconcileScreen
from tui.widgets.row_table import RowTable

SIZE = (80, 24)
APRIL_END = MARCH_END.replace(month=4, day=30)


@pytest.fixture
def demo(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    path = write_demo_sie(DEMO, tmp_path / "demo.se")
    db = open_store(data_dir / "bokslut.sqlite3")
    import_sie(db, path)
    yield BokslutApp(db, Settings(data_dir=data_dir, config_file=None), Preferences("en", {})), SieBook(path)
    db.close()
    set_language("en")


def summary(screen) -> str:
    return drawn(screen.query_one("#reconcile-summary", Static))


def cell(grid_screen, scope: str, period_key: str) -> str:
    table = grid_screen.query_one(RowTable)
    column = 1 + [p.key for p in grid_screen.grid.periods].index(period_key)
    return str(table.get_row(scope)[column])


async def open_account(pilot, grid_screen, scope: str, period_key: str) -> ReconcileAccountScreen:
    table = grid_screen.query_one(RowTable)
    row = [s for s, _ in grid_screen.grid.accounts].index(scope)
    table.move_cursor(row=row, column=1 + [p.key for p in grid_screen.grid.periods].index(period_key))
    await press(pilot, "enter")
    screen = pilot.app.screen
    assert isinstance(screen, ReconcileAccountScreen) and screen.detail.scope == scope
    return screen


async def add_line(pilot, amount: Decimal, reference: str) -> None:
    await press(pilot, "a")
    assert isinstance(pilot.app.screen, LineForm)
    await press(pilot, *str(amount), "enter", *reference, "enter", "enter", "enter")


async def test_reconcile_the_bank_and_book_a_difference(demo, tmp_path):
    app, book = demo
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "a")
        grid = app.screen
        assert isinstance(grid, ReconcileScreen)
        assert cell(grid, "1930", "202503") == "·"

        march = book.balance("1930", MARCH_END)
        screen = await open_account(pilot, grid, "1930", "202503")
        assert f"Balance {format_money(march)}" in summary(screen) and "no specification" in summary(screen)

        await add_line(pilot, march, "Statement")
        assert isinstance(app.screen, ReconcileAccountScreen)
        assert "Difference 0.00" in summary(screen) and "in progress" in summary(screen)
        await press(pilot, "s")
        assert "✓ reconciled" in summary(screen) and "signed by" in summary(screen)

        await press(pilot, "escape")
        assert app.screen is grid and cell(grid, "1930", "202503") == "✓"

        # April: the statement says 125.40 less than the books (a fee not booked); b books it against 6570.
        april = book.balance("1930", APRIL_END)
        screen = await open_account(pilot, grid, "1930", "202504")
        await add_line(pilot, april - Decimal("125.40"), "Statement")
        assert "Difference 125.40" in summary(screen)
        assert cell(grid, "1930", "202504") == "!"
        await press(pilot, "b")
        field = screen.query_one("#reconcile-field", Input)
        assert field.has_focus
        await press(pilot, *"6570", "enter")
        question = app.screen
        assert isinstance(question, ConfirmScreen)
        assert "Avstämningsdifferens 1930 2025-04" in question.question and "125.40" in question.question
        await press(pilot, "y")
        booked = ClosingEntry.get(ClosingEntry.text == "Avstämningsdifferens 1930 2025-04")
        assert "Difference 0.00" in summary(screen)
        assert f"closing entry {booked.id}: not exported" in " ".join(summary(screen).split())
        assert f"Balance {format_money(april - Decimal('125.40'))}" in summary(screen)

        await press(pilot, "escape", "escape", "e")
        closing = app.screen
        assert isinstance(closing, ClosingScreen)
        texts = [str(c) for row in range(closing.query_one(RowTable).row_count)
                 for c in closing.query_one(RowTable).get_row_at(row)]
        assert any("Avstämningsdifferens 1930 2025-04" in text for text in texts)

        # Once the entry has gone to the books (here a SIE file), the reconciliation says so.
        year = FiscalYear.get_by_id(grid.fiscal_year_id)
        export_closing_sie(app.db, year.company, year, tmp_path / "closing.se", [booked.id])
        await press(pilot, "escape", "a")
        screen = await open_account(pilot, app.screen, "1930", "202504")
        assert f"closing entry {booked.id}: exported closing.se" in " ".join(summary(screen).split())


async def test_the_periods_vat_and_analysis_from_the_grid(demo):
    app, book = demo
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "a")
        grid = app.screen
        grid.query_one(RowTable).move_cursor(column=1 + [p.key for p in grid.grid.periods].index("202503"))
        await press(pilot, "v")
        boxes = app.screen.query_one(RowTable)
        # box 48: the input VAT booked in March outside the settlement, summed here from the file
        ordinary = [rows for _, _, day, rows in book.vouchers if day.month == 3 and day.year == 2025
                    and not any(a in ("2650", "1650") for a, _ in rows)]
        input_vat = sum((v for rows in ordinary for a, v in rows if "2640" <= a <= "2647" or a == "2649"), Decimal(0))
        assert str(boxes.get_row("48")[2]) == format_money(input_vat)
        await press(pilot, "escape", "n")
        accounts = app.screen.query_one(RowTable)
        march_fees = sum((v for _, _, day, rows in book.vouchers if day.month == 3 and day.year == 2025
                          for a, v in rows if a == "6570"), Decimal(0))
        assert str(accounts.get_row("6570")[2]) == format_money(march_fees)
        accounts.move_cursor(row=accounts.get_row_index("6570"))
        await press(pilot, "c", *"Fler avgifter", "enter")
        assert str(app.screen.query_one("#view-status", Static).content) == "Comment saved."
        assert str(accounts.get_row("6570")[6]) == "Fler avgifter"


@pytest.mark.parametrize("language", ["sv", "en"])
async def test_the_legend_keeps_each_mark_with_its_words_at_80_columns(demo, language):
    """At 80 columns the legend takes two lines; wrapped at spaces it had left "ej" at one line's end and "påbörjad"
    at the next one's start. Each line is now whole items, and every item is there once."""
    from tui.i18n import t

    app, _ = demo
    app.preferences = Preferences(language, {})
    set_language(language)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "a")
        assert isinstance(app.screen, ReconcileScreen)
        lines = drawn(app.screen.query_one("#reconcile-legend", Static)).split("\n")
    items = t("reconcile.legend").split("  ")
    assert len(lines) > 1  # the case that broke: it does not fit on one line at 80 columns
    assert [item for line in lines for item in line.strip().split("  ")] == items
