"""A re-import that would change vouchers in a locked period, in the app: refused, then asked about naming the periods
and the number of vouchers (as a file of another company is); No leaves the books, Yes imports them confirmed, and
the import's warning that locked periods were replaced is shown at once. Pilot at 80×24 on a real SQLite store."""

from __future__ import annotations

from core import ledger
from core.periods import lock_period
from core.store.models import Voucher
from tests.periods.test_locked_import import changed_voucher_texts
from tests.tui.conftest import SIZE
from tests.tui.pilot import settle
from tests.tui.test_screens import import_from_the_overview, static_text
from tui.screens.confirm import ConfirmScreen
from tui.screens.overview import OverviewScreen


def locked_january_changed(demo_store, demo_file, data_dir):
    """January of the demo year locked, and the same export with January's first voucher given a new text.
    Returns the changed file, the period's name and the voucher's series and number."""
    company = ledger.resolve_company(demo_store)
    year = ledger.resolve_fiscal_year(demo_store, company)
    january = f"{year.start:%Y-%m}"
    lock_period(demo_store, year, january)
    changed, [key] = changed_voucher_texts(demo_file.read_bytes(), [f"{year.start:%Y%m}"])
    path = data_dir / "again.se"
    path.write_bytes(changed)
    series, number = key.decode().split()
    return path, january, (series, number)


def text_of(series: str, number: str) -> str:
    return Voucher.get(Voucher.series == series, Voucher.number == number).text


async def test_no_leaves_the_locked_period_as_it_was(make_app, demo_store, demo_file, data_dir):
    path, january, voucher = locked_january_changed(demo_store, demo_file, data_dir)
    before = text_of(*voucher)
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await import_from_the_overview(pilot, path)
        assert isinstance(app.screen, ConfirmScreen)
        question = static_text(app.screen, "#question")
        assert question.startswith(f"The import changes 1 voucher in locked periods: {january} (1)")
        assert question.endswith("Replace the books there anyway?")
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        status = static_text(app.screen, "#import-status")
        assert "not imported: 1 voucher in locked periods would change" in status
    assert text_of(*voucher) == before


async def test_yes_imports_again_confirmed_and_says_what_it_replaced(make_app, demo_store, demo_file, data_dir):
    path, january, voucher = locked_january_changed(demo_store, demo_file, data_dir)
    app = make_app(demo_store, language="sv")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await import_from_the_overview(pilot, path)
        question = static_text(app.screen, "#question")
        assert question.startswith(f"Importen ändrar 1 verifikation i låsta perioder: {january} (1)")
        await pilot.press("j")
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        assert app.screen.overview.last_import.file_name == "again.se"
        toasts = [notification.message for notification in app._notifications]
        assert f"enligt bekräftelsen ersattes 1 verifikation i låsta perioder: {january} (1)" in toasts
    assert text_of(*voucher).endswith(" (changed)")
