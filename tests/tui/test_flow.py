"""The flow of a working day through Pilot at 80×24 (issue 18, "Flow"): the series dialog opens where the user was,
the start guide goes on by itself, the closing editor opens clean, paths complete, reports name their company,
companies and years are renamed and removed, the language lives in the app's settings."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from textual.widgets import Input, OptionList, Static

from core import ledger
from core.activity import list_activity
from core.closing.entries import create_entry, list_entries
from core.export.fortnox import export_to_fortnox
from core.fortnox.importer import import_from_fortnox
from core.store.models import Voucher
from tests.export.conftest import draft
from tests.fortnox.conftest import connected, sandbox  # noqa: F401 (fixtures)
from tests.tui.conftest import SIZE
from tests.tui.pilot import press, settle
from tests.tui.test_closing_screens import type_into
from tui.app import BokslutApp
from tui.preferences import Preferences
from tui.screens.closing import ClosingScreen, TemplatePicker
from tui.screens.closing_editor import EntryEditorScreen
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


async def open_closing(pilot) -> ClosingScreen:
    await press(pilot, "enter", "e")  # the only company, then its closing entries
    assert isinstance(pilot.app.screen, ClosingScreen)
    return pilot.app.screen


def marked_fields(editor: EntryEditorScreen) -> list[Input]:
    return [field for field in editor.query(Input) if field.has_class("-problem")]


async def test_the_editor_opens_clean_and_asks_a_sie_company_for_a_text_in_its_own_name(make_app, demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_closing(pilot)
        await press(pilot, "n")
        editor = app.screen
        assert isinstance(editor, EntryEditorScreen)
        assert text_of(editor, "#entry-problems") == "" and marked_fields(editor) == []  # nothing typed, nothing red

        await press(pilot, "tab")  # the empty text is left: now it says what it needs
        problems = text_of(editor, "#entry-problems")
        assert "Text: the entry needs a text" in problems and "Fortnox" not in problems
        assert marked_fields(editor) == [editor.query_one("#entry-text", Input)]
        await press(pilot, "ctrl+s")  # a save shows every problem, rows untouched too
        assert app.screen is editor
        assert "Row 1, account" in text_of(editor, "#entry-problems")


async def test_the_editor_shows_amounts_the_way_a_swedish_reader_writes_them(make_app, demo_store):
    company = ledger.resolve_company(demo_store)
    year = ledger.resolve_fiscal_year(demo_store, company)
    create_entry(demo_store, company, year, draft("Upplupen hyra", ("5010", "25000.50"), ("2990", "-25000.50")))
    app = make_app(demo_store, language="sv")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_closing(pilot)
        await press(pilot, "enter")
        editor = app.screen
        assert isinstance(editor, EntryEditorScreen)
        first, second = editor.rows()
        assert first.field("debit").value == "25\u00a0000,50" and second.field("credit").value == "25\u00a0000,50"
        assert text_of(editor, "#entry-problems") == ""
        await press(pilot, "ctrl+s")  # read back as typed: the same amounts, saved unchanged
        assert isinstance(app.screen, ClosingScreen)
        [entry] = list_entries(demo_store, year)
        assert sorted(row.amount for row in entry.rows) == [Decimal("-25000.50"), Decimal("25000.50")]


async def problems_said_in_swedish(make_app, db, field: str, typed: str) -> str:
    """A new closing entry in the Swedish app, `typed` into the field, which is then left: what the editor says."""
    app = make_app(db, language="sv")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_closing(pilot)
        await press(pilot, "n")
        await type_into(pilot, app.screen.query_one(field, Input), typed)
        await press(pilot, "tab")
        return text_of(app.screen, "#entry-problems")


async def test_a_date_in_a_locked_period_says_which_keys_unlock_it_in_swedish(make_app, demo_store):
    """Not `bokslut period unlock 2025-03 --year 2025`: the editor names the keys, in the reader's language."""
    from core.periods import lock_period

    company = ledger.resolve_company(demo_store)
    year = ledger.resolve_fiscal_year(demo_store, company)
    for month in ("01", "02", "03"):
        lock_period(demo_store, year, f"{year.end.year}-{month}")
    problems = await problems_said_in_swedish(make_app, demo_store, "#entry-date", f"{year.end.year}-03-15")
    assert f"{year.end.year}-03-15 ligger i period {year.end.year}-03, som är låst" in problems
    assert "p på översikten, sedan u" in problems and "bokslut period" not in problems


async def test_a_text_fortnox_would_refuse_is_said_in_swedish(make_app, demo_store):
    problems = await problems_said_in_swedish(make_app, demo_store, "#entry-text", "Hyra ☃")
    assert "innehåller '☃' (SNOWMAN), som Fortnox inte tar emot" in problems, problems


async def test_the_excess_depreciation_template_asks_for_its_amount_in_the_app(make_app, demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_closing(pilot)
        await press(pilot, "t")
        picker = app.screen
        assert isinstance(picker, TemplatePicker)
        names = [option.id for option in picker.query_one(OptionList)._options]
        await press(pilot, *["down"] * names.index("excess-depreciation"))
        assert picker.has_class("-amount") and not picker.has_class("-accrual")  # fixed accounts, the amount asked
        await press(pilot, "enter")
        assert picker.query_one("#template-amount", Input).has_focus
        await press(pilot, "enter")  # no amount: asked again, in words that name no command
        problem = text_of(picker, "#template-problem")
        assert problem == "The template needs an amount (negative to reduce)." and "--" not in problem
        await press(pilot, *"15000", "enter")
        editor = app.screen
        assert isinstance(editor, EntryEditorScreen)
        debit, credit = editor.rows()
        assert (debit.field("account").value, debit.field("debit").value) == ("8853", "15,000.00")
        assert (credit.field("account").value, credit.field("credit").value) == ("2153", "15,000.00")


async def test_a_swedish_reader_gets_a_report_named_by_its_company_as_swedish_excel_reads_csv(
    make_app, demo_store, data_dir
):
    company = ledger.resolve_company(demo_store)
    app = make_app(demo_store, language="sv")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "r", "2", "c")
        screen = app.screen
        field = screen.query_one("#report-path", Input)
        path = Path(field.value)
        assert path.name == f"nordljus-konsult-ab-income-statement-{screen.report.end.year}-preliminary.csv"
        assert company.name == "Nordljus Konsult AB"
        await press(pilot, "enter")
        text = path.read_bytes().decode("utf-8")
        assert text.startswith("\ufefflevel;kind;key;account;heading")
        amounts = [row.values[0] for row in screen.report.rows if row.values[0] is not None]
        first = amounts[0]
        assert f";{first:.2f}".replace(".", ",") in text  # decimal comma, nothing grouped
        assert text.count("\r\n") == len(screen.report.rows) + 1


def test_the_command_line_writes_csv_for_swedish_excel_when_asked(cli):
    cli("demo")
    plain = cli("report", "income-statement", "--format", "csv")
    swedish = cli("report", "income-statement", "--format", "csv", "--csv-style", "excel-sv")
    assert plain.returncode == swedish.returncode == 0, swedish.stderr
    plain_rows = list(csv.reader(io.StringIO(plain.stdout)))
    swedish_rows = list(csv.reader(io.StringIO(swedish.stdout.removeprefix("\ufeff")), delimiter=";"))
    assert len(plain_rows) == len(swedish_rows)
    for plain_row, swedish_row in zip(plain_rows, swedish_rows, strict=True):
        assert [cell.replace(".", ",") for cell in plain_row[5:]] == swedish_row[5:]


async def test_a_company_is_renamed_and_its_year_and_then_itself_removed_after_a_question_naming_what_goes(
    make_app, demo_store
):
    company = ledger.resolve_company(demo_store)
    years = ledger.list_fiscal_years(demo_store, company)
    first = years[0]
    vouchers = Voucher.select().where(Voucher.fiscal_year == first.id).count()
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "e")
        field = app.screen.query_one("#new-name", Input)
        assert field.value == "Nordljus Konsult AB"
        field.value = ""
        await press(pilot, *"Nordljus", "space", *"Holding", "space", *"AB", "enter")
        assert ledger.resolve_company(demo_store).name == "Nordljus Holding AB"
        assert "Nordljus Holding AB" in str(app.screen.query_one("#companies").get_row_at(0)[0])

        await press(pilot, "delete", "down", "enter")  # the first year
        question = str(app.screen.query_one("#question", Static).content)
        assert question.startswith(f"Remove the fiscal year {first.start} – {first.end} from Nordljus Holding AB")
        assert f"{vouchers} vouchers and 0 closing entries" in question
        await press(pilot, "n")  # no: nothing goes
        assert len(ledger.list_fiscal_years(demo_store, company)) == len(years)
        await press(pilot, "delete", "down", "enter", "y")
        assert [year.id for year in ledger.list_fiscal_years(demo_store, company)] == [y.id for y in years[1:]]

        await press(pilot, "delete", "enter")  # the whole company
        assert "the activity log is kept" in str(app.screen.query_one("#question", Static).content).lower()
        await press(pilot, "y")
        assert ledger.list_companies(demo_store) == []
        assert app.screen.query_one("#companies").row_count == 0
        # the import is still on record, and so are the two removals (newest first), naming what went
        assert [entry.kind for entry in list_activity(demo_store)] == ["remove", "remove", "import"]


async def test_the_path_field_completes_reads_quotes_keeps_a_failed_path_and_returns_to_the_list(
    make_app, store, demo_file, tmp_path
):
    folder = tmp_path / "Mina bokslut"
    folder.mkdir()
    (folder / "demo 2025.se").write_bytes(demo_file.read_bytes())
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        field = app.screen.query_one("#import-path", Input)
        assert field.has_focus  # the empty store offers the file field
        missing = str(tmp_path / "saknas.se")
        await press(pilot, *missing, "enter")
        assert field.value == missing and field.has_focus  # kept, to be corrected
        assert "saknas.se" in str(app.screen.query_one("#import-status", Static).content)

        field.value = ""
        await press(pilot, *str(tmp_path / "Mi"), "tab")
        assert field.value == f'"{folder}/' and field.has_focus  # a folder with a space: quoted, like a shell
        await press(pilot, *"d", "tab")
        assert field.value == f'"{folder}/demo 2025.se'
        await press(pilot, '"', "enter")
        assert field.value == ""  # imported: the field is cleared and the list has the focus
        assert app.screen.query_one("#companies").has_focus
        assert [company.name for company in ledger.list_companies(store)] == ["Nordljus Konsult AB"]
