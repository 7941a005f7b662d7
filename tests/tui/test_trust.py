"""Trust: keys land where the user meant them, however fast they come, and nothing is done before it is asked."""

from __future__ import annotations

import unicodedata

from textual import events
from textual.widgets import Input

from tests.tui.conftest import SIZE
from tests.tui.pilot import press, settle
from tui.screens.closing_editor import EntryEditorScreen
from tui.screens.new_company import NewCompanyScreen


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
