"""What Textual itself would say (the command palette's texts and system commands, Ctrl+C's notice, the footer's
palette key) reaches a Swedish reader in Swedish."""

from __future__ import annotations

from textual.app import App
from textual.command import CommandInput, CommandList, CommandPalette
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from tests.tui.conftest import SIZE
from tests.tui.pilot import drawn, press, settle
from tui.screens.closing_editor import EntryEditorScreen


def textual_system_texts(app: App) -> set[str]:
    """The titles and help texts of the commands Textual's palette offers on its own ("Quit the application",
    "Change theme", "Keys", "Save screenshot", …), as the installed Textual words them."""
    commands = list(App.get_system_commands(app, app.screen))
    assert commands  # the comparison below compares with something
    return {command.title for command in commands} | {command.help for command in commands}


def offered(palette: CommandPalette) -> list[str]:
    """Each option's text, those below the list's fold too (a centred one is wrapped in Rich's Align)."""
    prompts = [option.prompt for option in palette.query_one(CommandList).options]
    return [str(getattr(prompt, "renderable", prompt)) for prompt in prompts]


async def test_the_palette_speaks_swedish_and_offers_none_of_textuals_english_commands(make_app, demo_store):
    app = make_app(demo_store, language="sv")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for keys in ((), ("enter",)):  # the companies screen, then the overview
            await press(pilot, *keys)
            assert {key.key: key.description for key in app.screen.query(FooterKey)}["ctrl+p"] == "Kommandon"
            english = textual_system_texts(app)
            await press(pilot, "ctrl+p")
            palette = app.screen
            assert isinstance(palette, CommandPalette)
            assert palette.query_one(CommandInput).placeholder == "Sök bland kommandona…"
            shown = "\n".join(offered(palette))
            assert "Avsluta" in shown and "Hjälp" in shown
            assert not [text for text in english if text and text in shown], shown

            await press(pilot, *"qzxq")  # nothing answers to it
            results = palette.query_one(CommandList)
            for _ in range(400):  # until Textual's countdown to saying so has run out (half a second)
                if results.option_count and results.get_option_at_index(0).disabled:
                    break
                await pilot.pause(0.01)
            assert offered(palette) == ["Inga träffar"]
            await press(pilot, "escape")
            assert not isinstance(app.screen, CommandPalette)


async def test_ctrl_c_says_how_to_quit_in_swedish(make_app, demo_store):
    app = make_app(demo_store, language="sv")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+c")
        [notice] = app._notifications
        assert (notice.title, notice.message) == ("Avsluta?", "Ctrl+C avslutar inte: tryck ^q för att avsluta.")
        assert app.is_running


async def test_the_editors_date_field_asks_for_a_date_the_swedish_way(make_app, demo_store):
    app = make_app(demo_store, language="sv")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "e", "n")
        assert isinstance(app.screen, EntryEditorScreen)
        assert app.screen.query_one("#entry-date", Input).placeholder == "ÅÅÅÅ-MM-DD"


# A Swedish amount whole: its digit groups parted by (no-break) spaces, never by a line's end.
SWEDISH_AMOUNT = r"-?\d{1,3}(?:[ \u00a0]\d{3})*,\d\d"


async def test_no_summary_breaks_a_swedish_amount_across_lines_at_80_columns(make_app, demo_store):
    """Rich wraps at every space, the no-break ones between an amount's digit groups too: the trial balance's,
    the tax sheet's and a reconciliation's figures put each label and amount on a line of its own instead."""
    import re

    app = make_app(demo_store, language="sv")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for keys, selector, labels in (
            (("enter", "b"), "#summary", ("Balanskonton (klass 1–2)", "Årets resultat (klass 3–8)")),
            (("enter", "x"), "#tax-summary", ("Överskott före avsättning", "högst", "avsatt", "Skattepliktigt")),
            (("enter", "a", "enter"), "#reconcile-summary", ("Saldo", "Specificerat", "Differens")),
        ):
            while len(app.screen_stack) > 2:
                await app.pop_screen()
            await press(pilot, *keys)
            shown = drawn(app.screen.query_one(selector))
            for label in labels:
                assert re.search(re.escape(label) + " " + SWEDISH_AMOUNT, shown), (label, shown)
            assert selector != "#tax-summary" or "skatt 20,6 %" in shown  # the rate (2025's) the Swedish way too
            assert not re.search(r"\d\n\s*\d{3}(?:[ \u00a0]\d{3})*,\d\d", shown), shown  # an amount's tail
