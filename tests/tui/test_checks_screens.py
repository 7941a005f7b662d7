"""Checks, check settings, periods and reports through Pilot at 80×24 on a demo store. Nothing sleeps."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
from textual.widgets import Input, Static

from core.checks import engine
from core.store.models import CheckResult, Company, FiscalYear, Period
from tests.tui.conftest import SIZE
from tests.tui.pilot import press, settle
from tui.screens.checks import CheckRowsScreen, ChecksScreen, CheckSettingsScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.periods import PeriodsScreen
from tui.screens.reports import ReportsScreen


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


def cells(screen, selector: str) -> list[list[str]]:
    table = screen.query_one(selector)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


async def open_from_overview(pilot, key: str, kind: type):
    await settle(pilot)
    await press(pilot, "enter", key)  # the only company, then the screen
    assert isinstance(pilot.app.screen, kind)
    return pilot.app.screen


async def test_run_checks_drill_down_and_mark_done(make_app, demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_overview(pilot, "k", ChecksScreen)
        await press(pilot, "r")
        assert "The checks have run" in text_of(screen, "#checks-status")
        rows = cells(screen, "#check-results")
        assert rows and {"found", "ok"} <= {row[0] for row in rows}
        red = next(index for index, line in enumerate(screen.year.lines) if line.status == "red" and line.rows)
        await press(pilot, *["down"] * red)
        line = screen.current()
        assert line.status == "red"

        await press(pilot, "enter")
        rows_screen = app.screen
        assert isinstance(rows_screen, CheckRowsScreen)
        assert rows_screen.query_one("#check-rows").row_count == min(line.rows, engine.MAX_ROWS) > 0
        await press(pilot, "escape")
        assert app.screen is screen

        await press(pilot, "d")
        assert "Marked done by" in text_of(screen, "#checks-status")
        assert CheckResult.get_by_id(line.result_id).status == "done"
        assert screen.current().status == "done"
        assert cells(screen, "#check-results")[red][0].startswith("done")


async def test_a_built_in_check_is_switched_off_in_the_settings(make_app, demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_overview(pilot, "k", ChecksScreen)
        await press(pilot, "r", "c")
        settings = app.screen
        assert isinstance(settings, CheckSettingsScreen)
        first = settings.lines[0]
        assert first.enabled and cells(settings, "#check-settings")[0][0] == "[x]"
        await press(pilot, "space")
        assert cells(settings, "#check-settings")[0][0] == "[ ]"
        assert "is off" in text_of(settings, "#check-settings-status")
        company = Company.get()
        assert dict((check.id, on) for check, on in engine.all_checks(demo_store, company))[first.check_id] is False
        await press(pilot, "escape")
        assert app.screen is screen
        assert first.check_id not in {line.check_id for line in screen.year.lines}


async def test_lock_then_unlock_a_period_and_a_refusal(make_app, demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_overview(pilot, "p", PeriodsScreen)
        assert cells(screen, "#periods")[0][3] == "open"
        await press(pilot, "down", "down", "l")  # its predecessor is open: refused before any question
        assert not isinstance(app.screen, ConfirmScreen)
        assert "cannot be locked yet" in text_of(screen, "#periods-status")

        await press(pilot, "up", "up", "l", "y")
        assert "is locked" in text_of(screen, "#periods-status")
        assert cells(screen, "#periods")[0][3] == "locked" and cells(screen, "#periods")[1][3] == "open"
        assert Period.get(Period.position == 1, Period.fiscal_year == screen.fiscal_year_id).locked

        await press(pilot, "u", "n")  # no: nothing changes
        assert cells(screen, "#periods")[0][3] == "locked"
        await press(pilot, "u", "y")
        assert "temporarily unlocked" in text_of(screen, "#periods-status")
        assert cells(screen, "#periods")[0][3] == "unlocked" and cells(screen, "#periods")[1][3] == "paused"


async def test_each_report_and_its_xlsx(make_app, demo_store, data_dir):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_overview(pilot, "r", ReportsScreen)
        assert screen.report.kind == "trial-balance" and screen.query_one("#report").row_count > 0
        assert len(screen.query_one("#report").columns) == 1 + len(screen.report.columns)
        assert any(column.key == "previous" for column in screen.report.columns)
        for key, kind in (("2", "income-statement"), ("3", "balance-sheet")):
            await press(pilot, key)
            assert screen.report.kind == kind and screen.query_one("#report").row_count > 0
            assert any(column.key == "previous" for column in screen.report.columns)
        await press(pilot, "p")  # preliminary or final
        assert screen.report.final and "final" in screen.title

        await press(pilot, "w")
        field = screen.query_one("#report-path", Input)
        assert field.has_focus and Path(field.value).parent == data_dir
        await press(pilot, "enter")
        year = FiscalYear.get_by_id(screen.fiscal_year_id)
        path = data_dir / f"{year.company.name.lower().replace(' ', '-')}-balance-sheet-{year.end.year}-final.xlsx"
        assert "Written" in text_of(screen, "#report-status") and path.exists()
        sheet = openpyxl.load_workbook(path).active
        numbers = [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, (int, float))]
        assert numbers and any(Decimal(str(number)) != 0 for number in numbers)


async def test_swedish_screens(make_app, demo_store):
    app = make_app(demo_store, language="sv")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_overview(pilot, "p", PeriodsScreen)
        assert cells(screen, "#periods")[0][3] == "öppen"
        await press(pilot, "escape", "r")
        assert isinstance(app.screen, ReportsScreen) and "Saldobalans" in app.screen.title


async def test_the_overview_offers_the_screens_in_the_palette_and_f1_lists_their_keys(make_app, demo_store):
    from tui.screens.help import HelpScreen

    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        offered = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Checks", "Periods", "Reports"} <= offered
        await press(pilot, "k", "f1")
        assert isinstance(app.screen, HelpScreen)
        help_text = str(app.screen.query_one(Static).content)
        assert "checks.run" in help_text and "checks.settings" in help_text  # done and rows: on a result only
