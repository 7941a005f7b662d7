"""Each screen's key flow, driven through Pilot at 80×24 against a real imported store."""

from __future__ import annotations

import html
import itertools
import re

from textual.command import CommandPalette
from textual.widgets import DataTable, Input, Static

from core import ledger
from core.analysis import TransactionFilter, TransactionQuery
from core.demo import write_demo_sie
from core.store.models import Company, Voucher
from tests.tui.conftest import DEMO, HISTORY_SIE, MARKUP_SIE, SIZE
from tests.tui.pilot import drawn, press, settle
from tui.messages import ImportJobChanged
from tui.screens.account import AccountScreen
from tui.screens.companies import CompaniesScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.help import HelpScreen
from tui.screens.overview import OverviewScreen
from tui.screens.system_tasks import SystemTasksScreen
from tui.screens.transactions import TransactionsScreen
from tui.screens.trial_balance import TrialBalanceScreen
from tui.screens.voucher import VoucherScreen
from tui.widgets.line_table import LineTable
from tui.widgets.row_table import fitted_widths


def static_text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


async def submit_path(pilot, path) -> None:
    """Puts the path into the import field and presses Enter; typing a long path key by key only tests Input."""
    pilot.app.screen.query_one("#import-path", Input).value = str(path)
    await press(pilot, "enter")


def screen_text(app) -> str:
    """What the terminal shows, as plain text (from the SVG screenshot)."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


async def test_companies_overview_trial_balance_and_back(make_app, demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CompaniesScreen)
        assert app.screen.query_one("#companies", DataTable).row_count == 1

        await press(pilot, "enter")
        assert isinstance(app.screen, OverviewScreen)
        assert "Nordljus Konsult AB" in static_text(app.screen, "#facts")
        shown = screen_text(app)
        assert "voucher-balance" not in shown and "no differences" in shown  # the message, not the id
        assert "Checks: not run yet (k runs them)" in drawn(app.screen.query_one("#closing-state"))  # not "0 found"
        assert app.screen.query_one("#monthly-result", Static).content.row_count == 6  # 12 months, two a row
        latest = app.screen.overview.year_id

        await press(pilot, "left")
        assert app.screen.overview.year_id != latest
        await press(pilot, "right")
        assert app.screen.overview.year_id == latest

        await press(pilot, "b")
        assert isinstance(app.screen, TrialBalanceScreen)
        company = ledger.resolve_company(demo_store)
        expected = ledger.trial_balance(demo_store, company, ledger.resolve_fiscal_year(demo_store, company))
        table = app.screen.query_one(DataTable)
        assert table.row_count == len(expected.accounts)

        await press(pilot, "enter")
        assert isinstance(app.screen, AccountScreen)
        assert app.screen.account == expected.accounts[0].number

        for screen_type in (TrialBalanceScreen, OverviewScreen, CompaniesScreen):
            await press(pilot, "escape")
            assert isinstance(app.screen, screen_type)


async def test_transaction_analysis_scrolls_filters_and_drills_down(make_app, demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        year_id = app.screen.overview.year_id
        await press(pilot, "t")
        assert isinstance(app.screen, TransactionsScreen)
        table = app.screen.query_one(LineTable)
        total = TransactionQuery(demo_store, year_id).count()
        assert table.count == total
        assert static_text(app.screen, "#position") == f"Row 1 of {total:,}"

        await press(pilot, "end")
        assert static_text(app.screen, "#position") == f"Row {total:,} of {total:,}"
        assert table.cursor_row is not None
        await press(pilot, "pageup", "up", "home")
        assert table.cursor == 0

        await press(pilot, "slash", *"account:1930", "enter")
        bank_rows = TransactionQuery(demo_store, year_id, TransactionFilter(accounts=("1930", "1930"))).count()
        assert table.count == bank_rows > 0
        assert table.has_focus

        await press(pilot, "down", "enter")
        assert isinstance(app.screen, AccountScreen)
        assert app.screen.account == "1930"
        assert "Opening balance" in static_text(app.screen, "#opening")
        assert app.screen.query_one(LineTable).count == bank_rows
        await press(pilot, "escape")

        await press(pilot, "slash", *"period:2025-13", "enter")
        assert "period '2025-13'" in static_text(app.screen, "#position")
        assert table.count == bank_rows  # the previous rows stay until a filter can be read

        await press(pilot, "escape", "escape")
        assert isinstance(app.screen, OverviewScreen)


async def test_system_tasks_filter_by_status_and_kind(make_app, demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f3")
        assert isinstance(app.screen, SystemTasksScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1
        await pilot.press("s")  # queued
        await settle(pilot)
        assert table.row_count == 0
        assert "Status: queued" in static_text(app.screen, "#task-filter")
        await pilot.press("s", "s")  # running, then done
        await settle(pilot)
        assert app.screen.status == "done" and table.row_count == 1
        await pilot.press("k", "k")  # import, then export
        await settle(pilot)
        assert app.screen.kind == "export" and table.row_count == 0
        await press(pilot, "escape")
        assert isinstance(app.screen, CompaniesScreen)


async def test_import_through_the_companies_screen_updates_the_activity_panel(make_app, store, demo_file):
    app = make_app(store)
    messages = []
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#companies", DataTable).row_count == 0
        assert app.screen.query_one("#import-path", Input).has_focus  # an empty store starts at the import
        await submit_path(pilot, demo_file)
        assert app.screen.query_one("#companies", DataTable).row_count == 1
        assert static_text(app.screen, "#import-status").startswith("Done: Nordljus Konsult AB")
        panel = static_text(app.screen, "#activity")
        assert "import   done" in panel
        assert f"/{app.last_job.transactions:,}/" in panel
        assert app.jobs == {}  # read back from the store: shown once, from the history
    updates = [message.job for message in messages if isinstance(message, ImportJobChanged)]
    assert [status for status, _ in itertools.groupby(job.status for job in updates)] == ["queued", "running", "done"]
    running = [job for job in updates if job.status == "running"]
    assert running[-1].transactions == updates[-1].transactions > 0
    assert running[-1].bytes_read == running[-1].total_bytes == demo_file.stat().st_size  # the bar, full at the end


async def test_a_failed_import_is_a_readable_message(make_app, store, data_dir):
    broken = data_dir / "broken.se"
    broken.write_text('#FLAGGA 0\n#SIETYP 4\n#RAR 0 20250101 20251231\n#VER A 1 2025013 "x"\n{\n}\n', encoding="cp437")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await submit_path(pilot, data_dir / "missing.se")
        status = static_text(app.screen, "#import-status")
        assert status.startswith(f"The import failed: {data_dir / 'missing.se'}: cannot read the file")
        assert "missing.se" in static_text(app.screen, "#activity")  # on record, though no byte was read
        await submit_path(pilot, broken)
        status = static_text(app.screen, "#import-status")
        assert status.startswith("The import failed: ") and "broken.se" in status
        assert "Traceback" not in screen_text(app)
        assert "failed" in static_text(app.screen, "#activity")


async def test_texts_from_sie_files_show_literally(make_app, store, data_dir):
    path = data_dir / "markup.se"
    path.write_text(MARKUP_SIE, encoding="cp437")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await submit_path(pilot, path)
        assert "[bold]Mark[/] AB" in screen_text(app)
        await press(pilot, "escape", "enter")
        assert "[bold]Mark[/] AB" in screen_text(app)
        await press(pilot, "t")
        shown = screen_text(app)
        assert "[bold]x[/]  [31mred" in shown  # the escape character is blanked, the rest kept as typed
        assert "\x1b" not in shown
        await press(pilot, "enter")
        assert "[i]Bank[/i]" in screen_text(app)


async def test_help_palette_activity_toggle_and_keymap(make_app, demo_store):
    app = make_app(demo_store, keymap={"app.activity": "f6", "overview.trial_balance": "r"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        panel = app.screen.query_one("#activity")
        assert panel.display
        await pilot.press("f2")
        assert panel.display
        await pilot.press("f6")
        assert not panel.display
        await pilot.press("f6")
        assert panel.display

        await pilot.press("b")  # remapped to r
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        await press(pilot, "r")
        assert isinstance(app.screen, TrialBalanceScreen)
        await press(pilot, "escape")

        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Trial balance", "Transactions", "Back", "Help", "Log"} <= titles
        await press(pilot, "ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await press(pilot, *"Trial", "enter")
        assert isinstance(app.screen, TrialBalanceScreen)

        await press(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        shown = screen_text(app)
        assert "Opening balance, the year's movement" in shown and "(app.activity)" in shown and "f6" in shown
        await pilot.press("escape")
        assert isinstance(app.screen, TrialBalanceScreen)


async def test_swedish_texts(make_app, demo_store):
    app = make_app(demo_store, language="sv")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert "Företag" in shown and "Hjälp" in shown and "klar" in shown


async def test_the_analysis_reads_only_the_pages_on_screen(make_app, demo_store):
    app = make_app(demo_store)
    messages = []
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        await press(pilot, "t")
        table = app.screen.query_one(LineTable)
        assert table.count > 3 * table.page_size

        def wanted() -> set[int]:
            return {message.page for message in messages if isinstance(message, LineTable.PageWanted)}

        assert wanted() == {0}
        await press(pilot, "end")
        last_page = (table.count - 1) // table.page_size
        assert wanted() <= {0, last_page - 1, last_page} and last_page in wanted()


async def test_a_second_import_waits_queued_for_the_first(make_app, store, demo_file):
    app = make_app(store)
    messages = []
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await settle(pilot)
        app.start_import(demo_file)
        app.start_import(demo_file)  # at once, while the first still runs
        await settle(pilot)
    updates = [
        (message.job.job_id, message.job.status) for message in messages if isinstance(message, ImportJobChanged)
    ]
    first_done = updates.index((1, "done"))
    assert (2, "queued") in updates[:first_done]
    assert (2, "running") not in updates[:first_done]
    assert updates[-1] == (2, "done")


async def test_enter_opens_and_says_so_in_the_footer_and_help(make_app, demo_store):
    """The lists leave Enter to the screen, so its binding shows, is documented and can be remapped."""
    app = make_app(demo_store, keymap={"companies.open": "enter,o"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "⏎ Open" in screen_text(app)
        await pilot.press("f1")
        assert "(companies.open)" in screen_text(app)
        await press(pilot, "escape", "o")
        assert isinstance(app.screen, OverviewScreen)
        await press(pilot, "b")
        await pilot.press("f1")
        assert "(trial_balance.open)" in screen_text(app)


async def test_the_account_analysis_drills_down_to_the_voucher(make_app, store, data_dir):
    path = data_dir / "history.se"
    path.write_text(HISTORY_SIE, encoding="cp437")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await submit_path(pilot, path)
        await press(pilot, "escape", "enter", "t")
        await pilot.press("enter")  # the first row, 3001
        await settle(pilot)
        assert isinstance(app.screen, AccountScreen) and app.screen.account == "3001"
        await press(pilot, "enter")
        assert isinstance(app.screen, VoucherScreen)
        assert app.screen.query_one(DataTable).row_count == 4
        shown = screen_text(app)
        assert "Voucher A7 2025-01-15" in shown and "registered 2025-01-20" in shown
        assert "1:10" in shown and "row text" in shown and "Försäljning" in shown
        rows = [line for line in shown.splitlines() if "Kassa" in line or "Bank" in line]
        assert [("removed" in line, "added" in line) for line in rows] == [(True, False), (False, True), (False, False)]
        await press(pilot, "escape")
        assert isinstance(app.screen, AccountScreen)


async def import_from_the_overview(pilot, path) -> None:
    """From Companies: open the first company, press i, give the path and Enter."""
    await press(pilot, "enter")
    await pilot.press("i")
    assert pilot.app.screen.query_one("#import-path", Input).has_focus
    await submit_path(pilot, path)


async def test_the_overview_imports_a_file_of_its_company(make_app, demo_store, data_dir):
    earlier = write_demo_sie(DEMO, data_dir / "earlier.se", year_index=-1)
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await import_from_the_overview(pilot, earlier)
        assert isinstance(app.screen, OverviewScreen)
        assert app.screen.overview.last_import.file_name == "earlier.se"  # read again after the import
        assert "earlier.se" in static_text(app.screen, "#facts")
        assert static_text(app.screen, "#import-status").startswith("Done: Nordljus Konsult AB")
        assert not app.screen.query_one("#import-path", Input).display
    assert Company.select().count() == 1


async def test_a_file_for_another_company_is_asked_about_and_no_leaves_the_store(make_app, demo_store, data_dir):
    other = data_dir / "other.se"
    other.write_text(MARKUP_SIE, encoding="cp437")
    vouchers = Voucher.select().count()
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await import_from_the_overview(pilot, other)
        assert isinstance(app.screen, ConfirmScreen)
        question = static_text(app.screen, "#question")
        assert question == "The file is for 556677-8899, this company is 556123-4567. Import anyway?"
        await press(pilot, "n")
        assert isinstance(app.screen, OverviewScreen)
        assert app.screen.overview.last_import.file_name != "other.se"
        assert "failed" in static_text(app.screen, "#activity")  # the refused attempt is on record
    assert (Company.select().count(), Voucher.select().count()) == (1, vouchers)


async def test_a_file_for_another_company_is_imported_when_the_user_says_yes(make_app, demo_store, data_dir):
    other = data_dir / "other.se"
    other.write_text(MARKUP_SIE, encoding="cp437")
    app = make_app(demo_store, language="sv")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await import_from_the_overview(pilot, other)
        question = static_text(app.screen, "#question")
        assert question == "Filen gäller 556677-8899, det här företaget är 556123-4567. Importera ändå?"
        await press(pilot, "j")
        assert isinstance(app.screen, OverviewScreen)
        assert app.screen.overview.last_import.file_name == "other.se"
    assert [company.org_number for company in Company.select()] == ["5561234567"]


def test_columns_fit_the_data_and_the_flexible_one_takes_the_rest():
    lines = [("Account", "Name", "Closing"), ("1930", "A long account name", "-1,234.00")]
    # 80 columns less the scrollbar (2) and a space either side of each of the 3 cells (6): 72
    assert fitted_widths(lines, flexible=1, total=80) == [7, 19, 9]
    assert fitted_widths(lines, flexible=1, total=30) == [7, 8, 9]  # never narrower than 8
    assert fitted_widths(lines, flexible=2, total=80, most={1: 10}) == [7, 10, 9]


async def test_the_trial_balance_gives_the_name_the_room_a_wider_terminal_has(make_app, demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "b")
        table = app.screen.query_one(DataTable)
        names = [str(name) for name in table.get_column_at(1)]
        longest = max(len(name) for name in names)
        assert table.ordered_columns[1].width < longest
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert table.ordered_columns[1].width == longest
        assert [str(name) for name in table.get_column_at(1)] == names


async def test_the_overview_shows_the_chosen_year_and_scrolls_with_the_arrows(make_app, demo_store):
    """← and → change the year (nothing on the screen takes them); ↑ and ↓ scroll what a short terminal cuts."""
    app = make_app(demo_store)
    async with app.run_test(size=(80, 16)) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        overview = app.screen.overview
        start, end = next((start, end) for year_id, start, end in overview.years if year_id == overview.year_id)
        assert f"Fiscal year {start}–{end}" in static_text(app.screen, "#facts")
        region = app.screen.query_one("#overview")
        await pilot.press("down", "down")
        assert region.scroll_y == 2
        await pilot.press("up")
        assert region.scroll_y == 1


async def test_a_key_typed_before_the_overview_has_read_its_year_opens_that_step_once_it_has(
    make_app, demo_store, monkeypatch
):
    """`a` typed ahead waits for the overview's read at most tui.app.SETTLE_SECONDS; on a big year over a slow link
    the read takes longer, and the key did nothing, though the footer showed it. The read is held back here until
    the key has been applied."""
    import asyncio
    import threading

    import tui.app
    import tui.screens.overview as overview_screen
    from tui.screens.reconcile import ReconcileScreen

    read_year, held = overview_screen.company_overview, threading.Event()

    def slow_read(*args, **kwargs):
        held.wait(30)
        return read_year(*args, **kwargs)

    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(overview_screen, "company_overview", slow_read)
        monkeypatch.setattr(tui.app, "SETTLE_SECONDS", 0.01)  # a read slower than the typed keys wait for
        await pilot.press("enter", "a")
        await asyncio.wait_for(app.typed_applied.wait(), 30)
        assert isinstance(app.screen, OverviewScreen) and app.screen.overview is None
        held.set()
        await settle(pilot)
        assert isinstance(app.screen, ReconcileScreen)
