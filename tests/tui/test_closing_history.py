"""A closing entry's history in the app (l on the closing list): when, who, what, the status and the details, an
edit with what the entry said before it; and "not applicable for transfer" (a) only for a year-end entry. Pilot at
80×24 on a real SQLite store."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Static

from core import ledger
from core.activity import current_user
from core.closing import history
from core.closing.entries import create_entry, update_entry
from core.store.models import ClosingEntry
from tests.export.conftest import draft
from tests.tui.conftest import SIZE
from tests.tui.pilot import press, settle
from tui.i18n import LANGUAGES, set_language, t
from tui.screens.closing import ClosingScreen
from tui.screens.closing_history import ClosingHistoryScreen


def rows_of(screen, selector: str) -> list[list[str]]:
    table = screen.query_one(selector)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


def keys_of(screen) -> set[str]:
    """The keys the screen offers now (its enabled bindings)."""
    return {active.binding.action for active in screen.active_bindings.values() if active.enabled}


async def open_closing(pilot) -> ClosingScreen:
    await press(pilot, "enter", "e")  # the only company, then its closing entries
    assert isinstance(pilot.app.screen, ClosingScreen)
    return pilot.app.screen


async def test_an_edited_entrys_history_with_what_it_said_before(make_app, demo_store):
    company = ledger.resolve_company(demo_store)
    year = ledger.resolve_fiscal_year(demo_store, company)
    entry = create_entry(demo_store, company, year, draft("Upplupen hyra", ("5010", "1200.50"), ("2990", "-1200.50")))
    update_entry(demo_store, entry, draft("Upplupen lokalhyra", ("5010", "1500"), ("2990", "-1500"), date=year.end))
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        closing = await open_closing(pilot)
        [shown] = [active for active in closing.active_bindings.values() if active.binding.action == "history"]
        assert shown.enabled and shown.binding.show and shown.binding.key == "l"  # in the footer
        await press(pilot, "l")
        screen = app.screen
        assert isinstance(screen, ClosingHistoryScreen)
        assert f"History of closing entry {entry.id}" in screen.title and "Upplupen lokalhyra" in screen.title

        created, edited = rows_of(screen, "#history-lines")
        assert created[1:4] == [current_user(), "created", "not exported"]
        assert edited[1:4] == [current_user(), "edited", "not exported"]
        assert edited[4] == f"before: {year.end} Upplupen hyra 1,200.50"
        assert created[0][:10] == edited[0][:10] == dt.date.today().isoformat()  # local time, the minute it was made

        await press(pilot, "down")  # the edit in full: the rows it replaced
        detail = str(screen.query_one("#history-detail", Static).content)
        assert f"Before the edit: {year.end}  Upplupen hyra" in detail
        assert "5010" in detail and "1,200.50" in detail and "2990" in detail and "-1,200.50" in detail

        await press(pilot, "escape")
        assert app.screen is closing


async def test_not_applicable_only_for_an_entry_dated_on_the_years_last_day(make_app, demo_store):
    company = ledger.resolve_company(demo_store)
    year = ledger.resolve_fiscal_year(demo_store, company)
    november = year.end.replace(month=11, day=30)
    create_entry(demo_store, company, year, draft("Hyra november", ("5010", "100"), ("2990", "-100"), date=november))
    at_end = create_entry(demo_store, company, year, draft("Skatt", ("8910", "500"), ("2510", "-500")))
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_closing(pilot)
        by_text = [row[1] for row in rows_of(screen, "#closing-entries")]
        await press(pilot, *["down"] * by_text.index("Hyra november"))
        assert screen.current().text == "Hyra november"
        assert "not_applicable" not in keys_of(screen)
        detail = str(screen.query_one("#closing-detail", Static).content)
        assert f"only for an entry dated on the year's last day, {year.end}" in detail
        await press(pilot, "a")  # greyed out: nothing happens
        assert {entry.status for entry in ClosingEntry.select()} == {"not_exported"}

        table = screen.query_one("#closing-entries")
        table.move_cursor(row=by_text.index("Skatt"))
        await settle(pilot)
        assert "not_applicable" in keys_of(screen)
        assert "year's last day" not in str(screen.query_one("#closing-detail", Static).content)
        await press(pilot, "a")
        assert ClosingEntry.get_by_id(at_end.id).status == "not_applicable"
        await press(pilot, "l")
        [_created, marked] = rows_of(app.screen, "#history-lines")
        assert marked[2:4] == ["not applicable for transfer", "not applicable"]


def test_every_history_action_has_its_words_in_both_languages():
    try:
        for language in LANGUAGES:
            set_language(language)
            assert all(t(f"closing.history.{action}") for action in history.ACTIONS)
    finally:
        set_language("en")
