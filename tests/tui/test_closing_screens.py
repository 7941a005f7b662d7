"""Closing entries through Pilot at 80×24 on a real SQLite store: the list, the editor (account lookup, live
balance, validation at the field), templates, delete and restore, the SIE export of a SIE company, and the export to
Fortnox through the series dialog against the sandbox over loopback. Nothing sleeps: `settle` waits for workers."""

from __future__ import annotations

import dataclasses
import datetime as dt

from textual.widgets import Input, OptionList, Static
from textual.widgets._footer import FooterKey

from core import ledger
from core.activity import list_activity
from core.closing.entries import create_entry, list_entries
from core.fortnox.importer import import_from_fortnox
from core.fortnox.settings import fortnox_settings
from core.fortnox.tokens import open_token_store, token_key
from core.store.models import ClosingEntry, FiscalYear
from tests.export.conftest import NORDLJUS_TENANT, draft
from tests.fortnox.conftest import NORDLJUS, connected, sandbox  # noqa: F401 (fixtures)
from tests.tui.conftest import SIZE
from tests.tui.pilot import press, settle
from tui.app import BokslutApp
from tui.preferences import Preferences
from tui.screens.closing import ClosingScreen, TemplatePicker
from tui.screens.closing_editor import EntryEditorScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.series import SeriesScreen


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


def cells(screen) -> list[list[str]]:
    table = screen.query_one("#closing-entries")
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


async def type_into(pilot, field: Input, text: str) -> None:
    """Focus a field and type into it key by key, as a user does (each key waits for its work)."""
    pilot.app.screen.set_focus(field)
    field.value = ""
    await press(pilot, *("space" if char == " " else char for char in text))


async def open_closing(pilot) -> ClosingScreen:
    await press(pilot, "enter", "e")  # the only company, then its closing entries
    assert isinstance(pilot.app.screen, ClosingScreen)
    return pilot.app.screen


async def test_an_entry_made_in_the_editor_with_lookup_balance_and_a_problem_fixed(make_app, demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_closing(pilot)
        assert "No closing entries yet" in text_of(screen, "#closing-status")
        await press(pilot, "n")
        editor = app.screen
        assert isinstance(editor, EntryEditorScreen)
        assert editor.query_one("#entry-text", Input).has_focus
        assert editor.query_one("#entry-date", Input).value.endswith("-12-31")  # the year's last day
        await press(pilot, *"Upplupen hyra")
        first, second = editor.rows()

        await type_into(pilot, first.field("account"), "lokalhyra")  # by name
        assert "5010 Lokalhyra" in text_of(editor, "#account-suggestions")
        await press(pilot, "enter")  # takes the account, on to the debit
        assert first.field("account").value == "5010" and first.field("debit").has_focus
        await press(pilot, *"1200,50")
        balance = editor.query_one("#entry-balance", Static)
        assert "Difference 1,200.50" in str(balance.content)

        await type_into(pilot, second.field("account"), "299")  # by number: the rest is suggested
        assert "2990 Övriga upplupna" in text_of(editor, "#account-suggestions")
        await press(pilot, "right")  # takes the suggestion
        assert second.field("account").value == "2990"
        await type_into(pilot, second.field("credit"), "1200")
        assert "Difference 0.50" in str(balance.content) and "red" in str(balance.content.spans[-1].style)
        problems = text_of(editor, "#entry-problems")
        assert "not balanced" in problems
        await type_into(pilot, second.field("credit"), "1200.50")
        assert "Difference 0.00" in str(balance.content) and "green" in str(balance.content.spans[-1].style)
        assert text_of(editor, "#entry-problems") == ""

        await type_into(pilot, first.field("cost_center"), "99")  # no such cost centre: shown at the field
        assert "Row 1, cost centre: cost centre 99 does not exist" in text_of(editor, "#entry-problems")
        assert first.field("cost_center").has_class("-problem")
        await press(pilot, "ctrl+s")  # refused while a problem remains
        assert app.screen is editor
        await type_into(pilot, first.field("cost_center"), "10")
        assert text_of(editor, "#entry-problems") == "" and not first.field("cost_center").has_class("-problem")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ClosingScreen)
        [row] = cells(app.screen)
        assert row[1:] == ["Upplupen hyra", "1,200.50", "not exported"]

        await press(pilot, "f1")
        help_text = str(app.screen.query_one(Static).content)
        assert "Export  (closing.export)" in help_text and "Delete  (closing.delete)" in help_text
        await press(pilot, "escape")
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"New closing entry", "Edit", "Template", "Export", "Delete", "Show deleted"} <= titles
        assert "Reverse" not in titles and "Restore" not in titles  # only for an exported entry, a deleted one
    [entry] = list_entries(demo_store, FiscalYear.select().order_by(FiscalYear.end.desc()).get())
    assert entry.text == "Upplupen hyra"


async def test_a_template_entry_then_delete_restore_and_a_sie_export(make_app, demo_store, tmp_path):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_closing(pilot)
        await press(pilot, "t")
        picker = app.screen
        assert isinstance(picker, TemplatePicker)
        await press(pilot, "down")  # accrued expenses: asks for the cost account and the amount
        assert picker.has_class("-accrual")
        await press(pilot, "enter", *"6110", "enter", *"800", "enter")
        editor = app.screen
        assert isinstance(editor, EntryEditorScreen)
        assert editor.query_one("#entry-text", Input).value.startswith("Upplupna kostnader")
        assert [row.field("account").value for row in editor.rows()] == ["6110", "2990"]
        await press(pilot, "ctrl+s")
        assert app.screen is screen
        [row] = cells(screen)
        assert row[1].startswith("Upplupna kostnader") and row[2:] == ["800.00", "not exported"]

        await press(pilot, "d")  # asked first, naming the entry; No leaves it
        assert isinstance(app.screen, ConfirmScreen) and "Upplupna kostnader" in str(app.screen.query_one(Static).content)
        await press(pilot, "n")
        assert len(cells(screen)) == 1
        await press(pilot, "d", "y")
        assert cells(screen) == [] and "is deleted" in text_of(screen, "#closing-status")
        await press(pilot, "h")  # deleted ones shown
        [row] = cells(screen)
        assert row[3] == "deleted not exported"
        assert "Restore" in {key.description for key in screen.query(FooterKey)}  # what d does here, in the footer
        await press(pilot, "d")  # restored
        assert cells(screen)[0][3] == "not exported"
        await press(pilot, "a")
        assert cells(screen)[0][3] == "not applicable"
        await press(pilot, "a")
        assert cells(screen)[0][3] == "not exported"

        target = tmp_path / "bokslut.si"
        await press(pilot, "x")
        assert screen.query_one("#sie-path", Input).has_focus
        await type_into(pilot, screen.query_one("#sie-path", Input), str(target))
        await press(pilot, "enter")
        assert "Done: wrote 1 closing entry" in text_of(screen, "#closing-status")
        assert cells(screen)[0][3] == "exported bokslut.si"
        assert "export" in text_of(screen, "#activity") and "bokslut.si" in text_of(screen, "#activity")
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert "Reverse" in titles and "Edit" not in titles
        await press(pilot, "d")  # an exported entry stays: the key does nothing
        assert len(cells(screen)) == 1
        await press(pilot, "r")
        assert isinstance(app.screen, ConfirmScreen) and "Reverse" in str(app.screen.query_one(Static).content)
        await press(pilot, "y")
        assert [row[1][:22] for row in cells(screen)] == ["Upplupna kostnader 202", "Återföring: Upplupna k"]
        assert cells(screen)[1][3] == "not exported"
    assert target.read_bytes().count(b"#VER") == 1
    [export] = list_activity(demo_store, kind="export")
    assert export.status == "done"


async def test_the_series_dialog_preflight_and_a_clean_export_to_fortnox(connected, tmp_path):  # noqa: F811
    db, settings, company = connected.db, connected.settings, connected.company
    await import_from_fortnox(db, settings, company)
    year = ledger.resolve_fiscal_year(db, company, 2025)
    depreciation = create_entry(
        db, company, year, draft("Avskrivning inventarier 2025", ("7832", "12000.00"), ("1229", "-12000.00"))
    )
    needs_centre = create_entry(db, company, year, draft("IT-tjänster", ("6540", "800"), ("2990", "-800")))
    app = BokslutApp(db, settings, Preferences("en", {}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        assert app.screen.overview.year_id == year.id  # the overview opens on the latest year, 2025
        await press(pilot, "e")
        screen = app.screen
        assert isinstance(screen, ClosingScreen)
        await press(pilot, "x")
        dialog = app.screen
        assert isinstance(dialog, SeriesScreen)
        options = dialog.query_one(OptionList)
        assert dialog.chosen() == "I"  # preselected
        codes = [options.get_option_at_index(i) for i in range(options.option_count)]
        assert {option.id for option in codes if option.disabled} == {"B", "C", "D", "E", "L"}
        assert "not manual: cannot be chosen" in str(codes[1].prompt)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert "Export to Fortnox" not in titles  # nothing checked yet

        await press(pilot, "c")
        result = text_of(dialog, "#series-result")
        assert "rows[1].cost_center: account 6540 requires a cost centre" in result
        assert "1 problem;" in text_of(dialog, "#series-state")
        await press(pilot, "x")  # refused: the check is not clean
        assert dialog.state == "checked" and not connected.sandbox.sandbox.vouchers_posted(NORDLJUS_TENANT)
        await press(pilot, "escape")

        await press(pilot, "down")  # fix it from the list: the entry with the problem gets its cost centre
        await press(pilot, "enter")
        editor = app.screen
        assert isinstance(editor, EntryEditorScreen)
        await type_into(pilot, editor.rows()[0].field("cost_center"), "20")
        await press(pilot, "ctrl+s")
        assert app.screen is screen

        await press(pilot, "x")
        dialog = app.screen
        await press(pilot, "c")
        assert "The check is clean: 2 entries" in text_of(dialog, "#series-state")
        await press(pilot, "x")
        assert text_of(dialog, "#series-state").startswith("Done: Fortnox series I: 2 sent")
        assert f"{depreciation.id:>4} sent as I 1" in text_of(dialog, "#series-result")
        await press(pilot, "escape")
        statuses = sorted(row[3] for row in cells(screen))
        assert statuses == ["exported Fortnox I 1", "exported Fortnox I 2"]
        assert "Fortnox series I" in text_of(screen, "#activity")

        # An expired connection: the help article's way out, before anything is asked of Fortnox.
        tokens = open_token_store(settings, fortnox_settings(settings))
        kept = tokens.load(token_key(NORDLJUS))
        tokens.save(token_key(NORDLJUS), dataclasses.replace(kept, obtained=kept.obtained - dt.timedelta(days=31)))
        await press(pilot, "x")
        assert text_of(app.screen, "#series-state") == (
            "The connection to Fortnox has expired: perform a new import (i on the overview) to reconnect before "
            "you export."
        )
        await press(pilot, "f1")
        help_text = str(app.screen.query_one(Static).content)
        assert "only manual series can be chosen and I (Bokslut) is preselected" in help_text
        assert "(series.close)" in help_text
        await press(pilot, "escape", "escape")
        assert app.screen is screen
    numbers = {entry.id: entry.fortnox_number for entry in ClosingEntry.select()}
    assert numbers == {depreciation.id: 1, needs_centre.id: 2}
    assert len(connected.sandbox.sandbox.vouchers_posted(NORDLJUS_TENANT)) == 2


async def test_escape_in_the_editor_asks_before_discarding_a_change_and_not_when_nothing_changed(
    make_app, demo_store
):
    from tui.screens.confirm import ConfirmScreen

    company = ledger.resolve_company(demo_store)
    year = ledger.resolve_fiscal_year(demo_store, company)
    create_entry(demo_store, company, year, draft("Upplupen hyra", ("5010", "100.00"), ("2990", "-100.00")))
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_closing(pilot)
        await press(pilot, "enter")
        assert isinstance(app.screen, EntryEditorScreen)
        await press(pilot, "escape")  # nothing changed: gone at once
        assert app.screen is screen

        await press(pilot, "enter")
        editor = app.screen
        await type_into(pilot, editor.query_one("#entry-text", Input), "Ny text")
        await press(pilot, "escape")
        assert isinstance(app.screen, ConfirmScreen) and "Discard" in text_of(app.screen, "#question")
        await press(pilot, "n")  # stay, the change kept
        assert app.screen is editor and editor.query_one("#entry-text", Input).value == "Ny text"
        await press(pilot, "escape", "y")
        assert app.screen is screen
        assert ClosingEntry.get_by_id(screen.current().entry_id).text == "Upplupen hyra"  # nothing saved

        await press(pilot, "t", "down", "enter", *"6110", "enter", *"800", "enter")  # a template's entry, unsaved
        assert isinstance(app.screen, EntryEditorScreen)
        await press(pilot, "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "y")
        assert app.screen is screen and ClosingEntry.select().count() == 1


async def test_the_list_shows_the_highlighted_entrys_whole_failure_reason(make_app, demo_store):
    company = ledger.resolve_company(demo_store)
    year = ledger.resolve_fiscal_year(demo_store, company)
    entry = create_entry(demo_store, company, year, draft("Hyra", ("5010", "100.00"), ("2990", "-100.00")))
    reason = "Fortnox refused the voucher: account 2990 is not active in the financial year, [bold]see[/] the chart"
    ClosingEntry.update(status="failed", failure=reason).where(ClosingEntry.id == entry.id).execute()
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_closing(pilot)
        status_column = list(screen.query_one("#closing-entries").columns.values())[3]
        assert status_column.width < len(cells(screen)[0][3])  # cut in the list at 80 columns
        detail = screen.query_one("#closing-detail", Static)
        assert reason in str(detail.content)  # whole and literal in the detail under the list
        assert detail.display and detail.region.height >= 3  # the date and text, then the reason wrapped


async def test_the_series_dialog_warns_of_fortnox_s_locked_period_and_lets_fortnox_decide(connected):  # noqa: F811
    """Nordljus has locked through 2025-03-31 at Fortnox: the check names the entry and the lock date as a warning,
    not a problem, and the export goes ahead (series I is Nordljus's closing series, which takes it)."""
    db, settings, company = connected.db, connected.settings, connected.company
    await import_from_fortnox(db, settings, company)
    year = ledger.resolve_fiscal_year(db, company, 2025)
    march = create_entry(
        db, company, year, draft("Avskrivning mars", ("7832", "100.00"), ("1229", "-100.00"), date=dt.date(2025, 3, 15))
    )
    app = BokslutApp(db, settings, Preferences("en", {}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "e", "x")
        dialog = app.screen
        assert isinstance(dialog, SeriesScreen) and dialog.chosen() == "I"
        await press(pilot, "c")
        result = " ".join(text_of(dialog, "#series-result").split())  # its lines joined
        assert (
            f"1 entry is dated in Fortnox's locked period (through 2025-03-31): {march.id} (2025-03-15, Avskrivning "
            "mars). Fortnox takes it only if I is its closing series"
        ) in result
        assert "date: 2025-03-15 is in Fortnox's locked period (through 2025-03-31); Fortnox decides" in result
        assert "The check is clean: 1 entry" in text_of(dialog, "#series-state")  # a warning does not block
        await press(pilot, "x")
        assert text_of(dialog, "#series-state").startswith("Done: Fortnox series I: 1 sent")
    assert ClosingEntry.get_by_id(march.id).fortnox_number == 1
    [posted] = connected.sandbox.sandbox.vouchers_posted(NORDLJUS_TENANT)
    assert (posted.series, posted.transaction_date) == ("I", dt.date(2025, 3, 15))
