"""Drill-down keeps its place: a transaction opens the account analysis at that very row, a check's finding opens
the voucher it names, and an exported closing entry opens read-only. Pilot at 80x24 on the demo store."""

from __future__ import annotations

from textual.widgets import Input, Static

from core import ledger
from core.checks import engine
from core.closing.entries import create_entry
from core.export.sie import export_closing_sie
from core.money import from_ore
from core.store.models import CheckResult, ClosingEntry
from tests.export.conftest import draft
from tests.tui.conftest import SIZE
from tests.tui.pilot import press, settle
from tui.screens.account import AccountScreen
from tui.screens.checks import CheckRowsScreen, ChecksScreen
from tui.screens.closing_editor import EntryEditorScreen
from tui.screens.transactions import TransactionsScreen
from tui.screens.voucher import VoucherScreen
from tui.widgets.line_table import LineTable


async def test_enter_on_a_transaction_opens_the_account_analysis_on_that_row(make_app, demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "t")
        assert isinstance(app.screen, TransactionsScreen)
        await press(pilot, *["pagedown"] * 40)  # well past the first page of 200 rows
        chosen = app.screen.query_one(LineTable).cursor_row
        assert app.screen.query_one(LineTable).cursor > 200
        await press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, AccountScreen) and screen.account == chosen.account
        table = screen.query_one(LineTable)
        row = table.cursor_row
        assert row is not None and row.key[1] == chosen.key and row.amount == chosen.amount
        # where it stands in the account's date order, and its running balance, from the store itself
        rows = demo_store.execute_sql(
            "SELECT r.id, r.amount FROM voucher_row r JOIN voucher v ON v.id = r.voucher_id "
            "WHERE r.fiscal_year_id = (SELECT fiscal_year_id FROM voucher_row WHERE id = ?) AND r.account = ? "
            "AND r.kind = 'TRANS' ORDER BY v.date, r.id",
            (chosen.key, chosen.account),
        ).fetchall()
        position = [row_id for row_id, _amount in rows].index(chosen.key)
        assert table.cursor == position
        assert row.balance == screen.ledger.opening + from_ore(sum(amount for _id, amount in rows[: position + 1]))
        assert table.scroll_offset.y <= position < table.scroll_offset.y + table.size.height - 1  # on screen


async def test_enter_on_a_findings_row_opens_the_voucher_it_names(make_app, demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "k", "r")
        checks = app.screen
        assert isinstance(checks, ChecksScreen)
        index, line, finding = next(
            (index, line, rows[0])
            for index, line in enumerate(checks.year.lines)
            if line.rows and "number" in (rows := engine.result_json(CheckResult.get_by_id(line.result_id))["rows"])[0]
        )
        await press(pilot, *["down"] * index, "enter")
        assert isinstance(app.screen, CheckRowsScreen)
        await press(pilot, "enter")
        voucher = app.screen
        assert isinstance(voucher, VoucherScreen)
        assert (voucher.voucher.series, voucher.voucher.number) == (finding["series"], finding["number"])
        assert str(voucher.voucher.date) == finding["date"]


async def test_a_finding_whose_voucher_is_no_longer_in_the_books_says_so(make_app, demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "k", "r")
        checks = app.screen
        index, finding = next(
            (index, rows[0])
            for index, line in enumerate(checks.year.lines)
            if line.rows and "number" in (rows := engine.result_json(CheckResult.get_by_id(line.result_id))["rows"])[0]
        )
        await press(pilot, *["down"] * index, "enter")
        rows = app.screen
        assert isinstance(rows, CheckRowsScreen)
        named = "SELECT id FROM voucher WHERE series = ? AND number = ?"
        demo_store.execute_sql(f"DELETE FROM voucher_row WHERE voucher_id IN ({named})",
                               (finding["series"], finding["number"]))  # fmt: skip
        demo_store.execute_sql(f"DELETE FROM voucher WHERE id IN ({named})", (finding["series"], finding["number"]))
        await press(pilot, "enter")
        assert app.screen is rows
        said = f"The books hold no voucher {finding['series']} {finding['number']}."
        assert said in str(rows.query_one("#check-rows-status", Static).content)


async def test_an_exported_closing_entry_opens_read_only_and_says_why(make_app, demo_store, tmp_path):
    company = ledger.resolve_company(demo_store)
    year = ledger.resolve_fiscal_year(demo_store, company)
    entry = create_entry(demo_store, company, year, draft("Skatt", ("8910", "1000.00"), ("2512", "-1000.00")))
    export_closing_sie(demo_store, company, year, tmp_path / "closing.si")
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "e", "enter")
        editor = app.screen
        assert isinstance(editor, EntryEditorScreen) and editor.entry_id == entry.id
        assert editor.read_only and all(field.disabled for field in editor.query(Input))
        said = str(editor.query_one("#entry-read-only", Static).content)
        assert said.startswith("Exported to closing.si: an exported entry cannot be changed.")
        enabled = {active.binding.action for active in editor.active_bindings.values() if active.enabled}
        assert enabled.isdisjoint({"save", "add_row", "remove_row"})
        await press(pilot, "ctrl+n", "ctrl+s", "x")
        assert len(editor.rows()) == 2
        assert ClosingEntry.get_by_id(entry.id).text == "Skatt"
        await press(pilot, "escape")
        assert not isinstance(app.screen, EntryEditorScreen)  # nothing to lose: it leaves at once
