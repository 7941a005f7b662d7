"""The period kind switch on the periods screen and the CSV export beside XLSX on the reports screen, through Pilot
at 80×24 on a demo store."""

from __future__ import annotations

import csv

from textual.widgets import Input, Static

from core import periods as core_periods
from core.store.models import FiscalYear
from tests.tui.conftest import SIZE
from tests.tui.pilot import press, settle
from tui.screens.periods import PeriodsScreen
from tui.screens.reports import ReportsScreen


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


async def test_the_periods_switch_between_months_and_quarters_until_one_is_locked(make_app, demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "p")
        screen = app.screen
        assert isinstance(screen, PeriodsScreen) and screen.query_one("#periods").row_count == 13  # 12 + year-end
        await press(pilot, "k")
        assert "by quarter" in text_of(screen, "#periods-status") and "by quarter" in screen.title
        assert [line.label[4:] for line in screen.year.lines] == ["Q1", "Q2", "Q3", "Q4", "-end"]
        assert FiscalYear.get_by_id(screen.fiscal_year_id).period_kind == "quarter"

        await press(pilot, "l", "y")  # the first quarter locked: the kind stays
        await press(pilot, "k")
        assert "cannot become months or quarters any more: period 2025Q1" in text_of(screen, "#periods-status")
        assert FiscalYear.get_by_id(screen.fiscal_year_id).period_kind == "quarter"
        year = FiscalYear.get_by_id(screen.fiscal_year_id)
        assert core_periods.label(core_periods.periods(demo_store, year)[0]).endswith("Q1")


async def test_a_swedish_reader_sees_the_year_end_period_named_in_swedish(make_app, demo_store):
    app = make_app(demo_store, language="sv")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "p", "end")
        table = app.screen.query_one("#periods")
        assert str(table.get_row_at(table.row_count - 1)[0]) == "bokslut"  # core's label is "year-end"
        await press(pilot, "l")  # refused before any question, in Swedish, the year-end period named so too
        refusal = text_of(app.screen, "#periods-status")
        assert refusal == "Period bokslut kan inte låsas än: den tidigare perioden 2025-01 är inte låst; lås den först."


async def test_a_report_written_as_csv_as_well_as_xlsx(make_app, demo_store, data_dir):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "r", "2")
        screen = app.screen
        assert isinstance(screen, ReportsScreen) and screen.report.kind == "income-statement"
        await press(pilot, "c")
        field = screen.query_one("#report-path", Input)
        assert field.has_focus and field.value.endswith(".csv") and "CSV" in field.placeholder
        await press(pilot, "enter")
        path = data_dir / f"nordljus-konsult-ab-income-statement-{screen.report.end.year}-preliminary.csv"
        assert "Written" in text_of(screen, "#report-status") and path.exists()
        rows = list(csv.reader(path.open(encoding="utf-8")))
        assert rows[0][:5] == ["level", "kind", "key", "account", "heading"]
        assert len(rows) == len(screen.report.rows) + 1

        await press(pilot, "w")
        assert field.value.endswith(".xlsx") and "XLSX" in field.placeholder
