"""Starting a new year from the import settings, through Pilot at 80×24: the years known and the next one, the data
source switch, and leading on to the new year's SIE file, to connecting, or to the import from Fortnox."""

from __future__ import annotations

import dataclasses
import datetime as dt

from textual.widgets import Input, Static

from core.demo import DemoSpec, write_demo_sie
from core.store.models import Company, FiscalYear, Voucher
from tests.tui.conftest import DEMO, SIZE
from tests.tui.pilot import press, settle
from tui.screens.connect import ConnectScreen
from tui.screens.new_year import NewYearScreen
from tui.screens.settings import SettingsScreen


def facts(screen) -> str:
    return str(screen.query_one("#new-year-facts", Static).content)


async def open_new_year(pilot) -> NewYearScreen:
    await settle(pilot)
    await press(pilot, "enter", "s")  # the only company, its import settings
    assert isinstance(pilot.app.screen, SettingsScreen)
    await press(pilot, "y")
    assert isinstance(pilot.app.screen, NewYearScreen)
    return pilot.app.screen


async def test_the_start_guide_and_the_overview_start_a_new_year_too(make_app, demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "y")  # on the companies screen: the highlighted company's next year
        assert isinstance(app.screen, NewYearScreen)
        assert "Next year\n  2026-01-01 – 2026-12-31" in facts(app.screen)
        await press(pilot, "escape", "enter", "y")  # from the company's overview
        assert isinstance(app.screen, NewYearScreen) and "2026-01-01 – 2026-12-31" in facts(app.screen)


async def test_a_new_year_from_its_sie_file(make_app, demo_store, tmp_path):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_new_year(pilot)
        shown = facts(screen)
        assert "2024-01-01 – 2024-12-31" in shown and "2025-01-01 – 2025-12-31" in shown
        assert "Next year\n  2026-01-01 – 2026-12-31" in shown
        assert "(•) SIE file" in shown and "( ) Fortnox" in shown and "SIE file. d switches" in shown

        next_file = write_demo_sie(
            DemoSpec(vouchers_per_year=DEMO.vouchers_per_year, years=3, last_year_end=dt.date(2026, 12, 31)),
            tmp_path / "2026.se",
        )
        await press(pilot, "enter")
        field = screen.query_one("#new-year-path", Input)
        assert field.display and field.has_focus
        await press(pilot, *str(next_file))
        await press(pilot, "enter")
        assert not field.display
        assert "2026-01-01..2026-12-31: imported" in str(screen.query_one("#new-year-status", Static).content)
        company = Company.get(Company.org_number == screen.known.status.org_number)
        assert [year.end for year in FiscalYear.select().where(FiscalYear.company == company.id)
                .order_by(FiscalYear.end)][-1] == dt.date(2026, 12, 31)  # fmt: skip
        assert "2026-01-01 – 2026-12-31\n\nNext year\n  2027-01-01 – 2027-12-31" in facts(screen)


async def test_fortnox_leads_on_to_connecting_then_to_the_import(make_app, demo_store, monkeypatch):
    import tui.screens.new_year

    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_new_year(pilot)
        await press(pilot, "d")  # the import settings' switch, on the company itself
        assert Company.get_by_id(screen.company_id).source == "fortnox"
        assert "(•) Fortnox" in facts(screen) and "not connected" in facts(screen)
        assert "Enter: connect to Fortnox" in facts(screen)
        await pilot.press("enter")  # the connect screen waits on the user: no settle here
        assert isinstance(app.screen, ConnectScreen)
        await press(pilot, "escape")
        assert app.screen is screen

        reading = tui.screens.new_year.read_status
        def connected(*args):
            return dataclasses.replace(reading(*args), connection="connected", days_left=20)

        monkeypatch.setattr(tui.screens.new_year, "read_status", connected)
        started = []
        monkeypatch.setattr(app, "start_fortnox_import", lambda *args: started.append(args))
        screen.load()
        await settle(pilot)
        assert "Enter: import the new year from Fortnox" in facts(screen)
        await press(pilot, "enter")  # the demo's years came from a SIE file: asked first, naming them and counting
        question = str(app.screen.query_one("#question", Static).content)
        sie_year = Voucher.select().join(FiscalYear).where(FiscalYear.start == dt.date(2025, 1, 1)).count()
        assert "2025-01-01 – 2025-12-31 (from the SIE file demo.se)" in question
        assert f"{sie_year} vouchers are replaced by Fortnox's" in question and "2024-01-01" not in question
        await press(pilot, "n")
        assert started == [] and app.screen is screen
        await press(pilot, "enter", "y")
        assert started == [(screen.company_id, screen.known.status.org_number)]
        await press(pilot, "d")
        assert Company.get_by_id(screen.company_id).source == "sie-file" and "(•) SIE file" in facts(screen)


async def test_the_new_keys_are_in_the_palette_and_in_f1_and_can_be_remapped(make_app, demo_store):
    from tui.screens.help import HelpScreen

    app = make_app(demo_store, keymap={"settings.new_year": "ctrl+y", "new_year.source": "o"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "s")
        offered = {command.title for command in app.get_system_commands(app.screen)}
        assert "New year" in offered and "Language" not in offered  # the language is the app's (app settings)
        await press(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        help_text = str(app.screen.query_one(Static).content)
        assert "settings.new_year" in help_text
        assert "^y  New year" in help_text
        await press(pilot, "escape", "y")
        assert isinstance(app.screen, SettingsScreen)  # y is no longer the key
        await press(pilot, "ctrl+y")
        screen = app.screen
        assert isinstance(screen, NewYearScreen)
        assert {"Continue", "Data source"} <= {command.title for command in app.get_system_commands(screen)}
        await press(pilot, "o")
        assert Company.get_by_id(screen.company_id).source == "fortnox"
