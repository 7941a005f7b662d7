"""Issue 18's flow, the rest: the language in the app settings, Textual's own texts in the reader's language, radio
buttons that read without colour, quoted paths on the overview, a removal on record that takes its Fortnox token,
and the start guide that says when there is no new year. Through Pilot at 80×24."""

from __future__ import annotations

import datetime as dt

from textual.command import CommandPalette
from textual.widgets import Input, Static

from core import ledger
from core.activity import list_activity
from core.config import Settings
from core.demo import DemoSpec, write_demo_sie
from core.fortnox.settings import fortnox_settings
from core.fortnox.tokens import StoredToken, open_token_store, token_key
from core.store.models import Company
from tests.tui.conftest import DEMO, SIZE
from tests.tui.pilot import press, settle
from tui.screens.app_settings import AppSettingsScreen
from tui.screens.new_company import NewCompanyScreen
from tui.screens.new_year import NewYearScreen
from tui.screens.overview import OverviewScreen
from tui.widgets.choice import Choice


def vouchers_in(path) -> int:
    """Counted from the file itself, not by the code under test."""
    return sum(1 for line in path.read_text(encoding="cp437").splitlines() if line.startswith("#VER"))


async def test_the_app_settings_are_reached_from_the_companies_screen_and_from_the_palette_anywhere(make_app, demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "s")
        assert isinstance(app.screen, AppSettingsScreen)
        assert "(•) English" in str(app.screen.query_one("#app-settings", Static).content)
        await press(pilot, "escape", "enter")
        assert isinstance(app.screen, OverviewScreen)
        [command] = [c for c in app.get_system_commands(app.screen) if c.title == "App settings"]
        command.callback()
        await settle(pilot)
        assert isinstance(app.screen, AppSettingsScreen)
        assert not [c for c in app.get_system_commands(app.screen) if c.title == "App settings"]  # not to itself


async def test_the_palette_asks_in_the_readers_language(make_app, demo_store):
    app = make_app(demo_store, language="sv")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(Input).placeholder == "Sök bland kommandona…"


async def test_radio_buttons_mark_the_choice_with_a_glyph_not_only_a_colour(make_app, store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "escape", "n")
        assert isinstance(app.screen, NewCompanyScreen)
        fortnox, sie_file = app.screen.query(Choice)
        assert (fortnox._button.plain, sie_file._button.plain) == ("(•)", "( )")
        sie_file.value = True  # as the arrows and Enter choose it
        await settle(pilot)
        assert (fortnox._button.plain, sie_file._button.plain) == ("( )", "(•)")


async def test_the_overview_reads_a_quoted_path(make_app, store, tmp_path):
    folder = tmp_path / "my books"
    folder.mkdir()
    file = write_demo_sie(DEMO, folder / "year 2025.se")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, *f'"{file}"', "enter")  # an empty store starts in the companies screen's path field
        company = Company.get()
        await press(pilot, "enter")
        assert isinstance(app.screen, OverviewScreen)
        await press(pilot, "i", *f"'{file}'", "enter")
        assert "replaced" in str(app.screen.query_one("#import-status", Static).content)
        assert ledger.year_sources(store, company)[-1].vouchers == vouchers_in(file)


def test_a_removed_company_is_on_record_and_its_fortnox_token_goes(store, data_dir, demo_file, monkeypatch):
    from core.importer import import_sie

    monkeypatch.setenv("BOKSLUT_TOKEN_STORE", "file")
    import_sie(store, demo_file)
    company = ledger.list_companies(store)[0]
    ledger.set_source(store, company, "fortnox")
    settings = Settings(data_dir=data_dir, config_file=None)
    tokens = open_token_store(settings, fortnox_settings(settings))
    tokens.save(token_key(company.org_number), StoredToken("refresh", dt.datetime.now(dt.UTC), "bookkeeping"))
    other = "5590123450"  # the sandbox's second company
    tokens.save(token_key(other), StoredToken("other", dt.datetime.now(dt.UTC), "bookkeeping"))

    ledger.remove_company(store, company, settings)

    assert tokens.load(token_key(company.org_number)) is None
    assert tokens.load(token_key(other)) is not None  # another company's connection stays
    removal, imported = list_activity(store)
    assert (removal.kind, removal.status, imported.kind) == ("remove", "done", "import")
    assert removal.message.startswith(f"removed {company.name}") and f"{vouchers_in(demo_file)} voucher" in removal.message
    assert removal.message_key == "remove" and removal.message_params["what"] == "company"


def test_fortnox_would_replace_the_years_a_sie_file_brought_counting_their_vouchers(store, demo_file):
    from core.importer import import_sie

    import_sie(store, demo_file)
    company = ledger.list_companies(store)[0]
    [year] = ledger.replaced_by_fortnox(store, company, dt.date(2026, 6, 1))
    assert (year.start, year.source, year.file_name) == (dt.date(2025, 1, 1), "sie-file", demo_file.name)
    assert year.vouchers == vouchers_in(demo_file)


async def test_the_new_year_says_when_the_source_has_no_new_year(make_app, demo_store, demo_file):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "y")
        screen = app.screen
        assert isinstance(screen, NewYearScreen)
        await press(pilot, "enter", *str(demo_file), "enter")  # the same year again
        status = str(screen.query_one("#new-year-status", Static).content)
        assert "No new year to import: the source has no year after 2025-12-31 yet" in status

        newer = write_demo_sie(
            DemoSpec(vouchers_per_year=DEMO.vouchers_per_year, years=3, last_year_end=dt.date(2026, 12, 31)),
            demo_file.parent / "2026.se",
        )
        await press(pilot, "enter", *str(newer), "enter")
        status = str(screen.query_one("#new-year-status", Static).content)
        assert "2026-01-01..2026-12-31: imported" in status and "No new year" not in status
