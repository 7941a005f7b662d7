"""Trust: keys land where the user meant them, however fast they come, and nothing is done before it is asked."""

from __future__ import annotations

import unicodedata

from textual import events
from textual.widgets import Input, Static

from core.importer import import_sie
from core.store.models import Company

from tests.tui.conftest import SIZE
from tests.tui.pilot import press, settle
from tui.navigation import Place
from tui.screens.closing_editor import EntryEditorScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.new_company import NewCompanyScreen
from tui.screens.periods import PeriodsScreen


def key_event(key: str) -> events.Key:
    """The event the terminal driver makes of one key: a name, and the character it types."""
    if len(key) == 1:
        name = {" ": "space", "-": "minus"}.get(key, key)
        return events.Key(name, key)
    return events.Key(key, "\t" if key == "tab" else "\r" if key == "enter" else None)


async def burst(pilot, *keys: str) -> None:
    """Every key handed to the app at once, as one read of a paste or a slow SSH link gives them; then wait until
    the app has applied them all."""
    for key in keys:
        pilot.app._driver.send_message(key_event(key))
    await pilot.pause()  # the app has read them
    await pilot.app.typed_applied.wait()
    await settle(pilot)


async def test_a_burst_after_n_lands_field_by_field_in_the_new_company_form(make_app, demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "n", *"Nordljus Konsult AB", "tab", *"5561234567")
        screen = app.screen
        assert isinstance(screen, NewCompanyScreen)
        assert screen.query_one("#company-name", Input).value == "Nordljus Konsult AB"
        assert screen.query_one("#company-org", Input).value == "5561234567"


async def test_a_burst_in_the_closing_editor_fills_text_account_and_debit(make_app, demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "e")  # the only company, then its closing entries
        await burst(pilot, "n", *"Snabbtest", "tab", *"6110", "tab", *"100")
        editor = app.screen
        assert isinstance(editor, EntryEditorScreen)
        first = editor.rows()[0]
        assert editor.query_one("#entry-text", Input).value == "Snabbtest"
        assert (first.field("account").value, first.field("debit").value) == ("6110", "100")


async def test_locking_a_period_whose_predecessor_is_open_is_refused_before_any_question(make_app, demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "p")
        screen = app.screen
        assert isinstance(screen, PeriodsScreen)
        await press(pilot, "down", "l")  # the second month, the first still open
        assert app.screen is screen  # no question was asked
        second = screen.year.lines[1].label
        status = str(screen.query_one("#periods-status", Static).content)
        assert f"Period {second} cannot be locked yet" in status
        await press(pilot, "up", "l")  # the first one may be locked: now it is asked
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "y")
        assert screen.year.lines[0].state == "locked"


async def test_an_organisation_number_with_a_wrong_check_digit_is_refused_for_a_new_company(make_app, store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.go(Place.NEW_COMPANY)
        await settle(pilot)
        await burst(pilot, *"Fel AB", "tab", *"556677-8898", "enter")
        status = str(app.screen.query_one("#new-company-status", Static).content)
        assert "556677-8898 is not an organisation number: its check digit does not match" in status
        assert Company.select().count() == 0
        field = app.screen.query_one("#company-org", Input)
        assert field.has_focus
        field.value = "556677-8899"
        await press(pilot, "enter")
        assert Company.get().org_number == "5566778899"


def test_a_file_whose_organisation_number_has_a_wrong_check_digit_is_imported_with_a_warning(store, tmp_path):
    path = tmp_path / "bad-check-digit.se"
    path.write_text(
        '#FLAGGA 0\n#SIETYP 4\n#FNAMN "Kontroll AB"\n#ORGNR 556677-8898\n#RAR 0 20250101 20251231\n'
        '#KONTO 1930 "Bank"\n#KONTO 3001 "Sales"\n#VER A 1 20250115 "Sale"\n{\n#TRANS 1930 {} 100.00\n'
        '#TRANS 3001 {} -100.00\n}\n',
        encoding="utf-8",
    )
    result = import_sie(store, path)
    assert result.vouchers == 1 and Company.get_by_id(result.company_id).org_number == "5566778898"
    assert [str(w) for w in result.warnings if "check digit" in str(w)] == [
        "#ORGNR 556677-8898 has a check digit that does not match; imported as written. Check the number with the "
        "company"
    ]
