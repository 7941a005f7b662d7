"""The flow of a working day through Pilot at 80×24 (issue 18, "Flow"): the series dialog opens where the user was,
the start guide goes on by itself, the closing editor opens clean, paths complete, reports name their company,
companies and years are renamed and removed, the language lives in the app's settings."""

from __future__ import annotations

from textual.widgets import OptionList, Static

from core import ledger
from core.closing.entries import create_entry
from core.export.fortnox import export_to_fortnox
from core.fortnox.importer import import_from_fortnox
from tests.export.conftest import draft
from tests.fortnox.conftest import connected, sandbox  # noqa: F401 (fixtures)
from tests.tui.conftest import SIZE
from tests.tui.pilot import press, settle
from tui.app import BokslutApp
from tui.preferences import Preferences
from tui.screens.series import SeriesScreen


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


async def open_series_dialog(pilot) -> SeriesScreen:
    await press(pilot, "enter", "e", "x")  # the only company, its closing entries, export to Fortnox
    assert isinstance(pilot.app.screen, SeriesScreen)
    return pilot.app.screen


def assert_highlight_shown(dialog: SeriesScreen) -> None:
    options = dialog.query_one(OptionList)
    top = options.scroll_offset.y
    assert top <= options.highlighted < top + options.scrollable_content_region.height
    if options.virtual_size.height > options.scrollable_content_region.height:
        assert options.show_vertical_scrollbar  # the series below the fold can be seen to be there


async def test_the_series_dialog_opens_on_the_closing_series_then_on_the_one_last_used(connected):  # noqa: F811
    db, settings, company = connected.db, connected.settings, connected.company
    await import_from_fortnox(db, settings, company)
    year = ledger.resolve_fiscal_year(db, company, 2025)
    create_entry(db, company, year, draft("Avskrivning inventarier", ("7832", "1000.00"), ("1229", "-1000.00")))
    app = BokslutApp(db, settings, Preferences("en", {}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await open_series_dialog(pilot)
        assert dialog.chosen() == "I"  # Fortnox's closing series, "Bokslut"
        assert_highlight_shown(dialog)
        await press(pilot, "escape", "escape", "escape")

    await export_to_fortnox(db, settings, company, year, "A")
    create_entry(db, company, year, draft("Upplupen revision", ("6420", "500.00"), ("2990", "-500.00")))
    app = BokslutApp(db, settings, Preferences("en", {}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await open_series_dialog(pilot)
        assert dialog.chosen() == "A"  # where this company's entries went last time
        assert_highlight_shown(dialog)
