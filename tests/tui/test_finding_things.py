"""Finding things: every screen's main keys in its footer and all its actions in Ctrl+P, the overview as the start
page, the activity log's detail, drill-down that keeps its place, totals, the account lookup; Home and End."""

from __future__ import annotations

import pytest
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from core.money import from_ore
from tests.tui.conftest import SIZE
from tests.tui.pilot import drawn, press, settle
from tui.bindings import full_name
from tui.i18n import format_money
from tui.screens.closing_editor import Chart, EntryEditorScreen
from tui.screens.trial_balance import TrialBalanceScreen
from tui.widgets.key_footer import KeyFooter
from tui.widgets.row_table import RowTable


async def test_home_and_end_go_to_the_first_and_last_row_of_the_trial_balance(make_app, demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "b")
        screen = app.screen
        assert isinstance(screen, TrialBalanceScreen)
        table = screen.query_one(RowTable)
        assert table.row_count > 20  # more rows than the screen shows
        await press(pilot, "end")
        assert table.cursor_row == table.row_count - 1
        await press(pilot, "home")
        assert table.cursor_row == 0


# Every screen a user reaches from the demo company's overview, by the keys that lead there.
SCREENS = {
    "companies": (),
    "overview": ("enter",),
    "trial balance": ("enter", "b"),
    "transactions": ("enter", "t"),
    "closing list": ("enter", "e"),
    "closing editor": ("enter", "e", "n"),
    "checks": ("enter", "k"),
    "periods": ("enter", "p"),
    "reports": ("enter", "r"),
    "tax": ("enter", "x"),
    "reconcile": ("enter", "a"),
    "import settings": ("enter", "s"),
    "new year": ("enter", "y"),
    "tasks": ("f3",),
}


def footer_keys(screen) -> dict[str, FooterKey]:
    return {key.key: key for key in screen.query(FooterKey)}


async def to_a_red_check(pilot) -> None:
    """The checks run, the cursor on the first that found something: its keys (Enter for its rows) show."""
    await press(pilot, "enter", "k", "r")
    red = next(index for index, line in enumerate(pilot.app.screen.year.lines) if line.status == "red" and line.rows)
    await press(pilot, *["down"] * red)


# Every screen with a footer, in each state that changes its keys, by the keys (or steps) that lead there from the
# companies screen. The closing list's three entries (walk_store): exported, not exported, deleted.
WALK = {
    **SCREENS,
    "new company": ("n",),
    "app settings": ("s",),
    "account analysis": ("enter", "b", "enter"),
    "voucher": ("enter", "t", "enter", "enter"),
    "closing entry not exported": ("enter", "e", "down"),
    "closing entry deleted": ("enter", "e", "h", "end"),
    "closing history": ("enter", "e", "l"),
    "checks, a red one": (to_a_red_check,),
    "check rows": (to_a_red_check, "enter"),
    "check settings": ("enter", "k", "c"),
    "new check": ("enter", "k", "c", "a"),
    "reconcile account": ("enter", "a", "enter"),
    "reconcile vat": ("enter", "a", "v"),
    "reconcile analysis": ("enter", "a", "n"),
    "activity detail": ("f3", "enter"),
}


@pytest.fixture
def walk_store(demo_store, tmp_path):
    """The demo company's last year with a closing entry exported (to a SIE file), one not, one deleted."""
    from decimal import Decimal

    from core import ledger
    from core.closing.entries import EntryDraft, RowDraft, create_entry, delete_entry
    from core.export.sie import export_closing_sie

    company = ledger.resolve_company(demo_store)
    year = ledger.resolve_fiscal_year(demo_store, company)

    def add(text: str) -> object:
        rows = (RowDraft("7832", Decimal(100), Decimal(0)), RowDraft("1229", Decimal(0), Decimal(100)))
        return create_entry(demo_store, company, year, EntryDraft(None, text, rows))

    exported = add("Avskrivning")
    export_closing_sie(demo_store, company, year, tmp_path / "closing.si", [exported.id])
    add("Upplupen hyra")
    delete_entry(demo_store, add("Borttagen"))
    return demo_store


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("language", ["sv", "en"])
async def test_no_footer_is_cut_on_any_screen(make_app, walk_store, language, size):
    """Every screen's footer, as drawn, holds each of its keys whole ("^p Comm…" at the end of the closing list's
    second line was one cut), with every key the screen shows, at 80×24 and 120×40 in both languages."""
    app = make_app(walk_store, language=language)
    footers_seen: set[str] = set()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for place, steps in WALK.items():
            while len(app.screen_stack) > 2:  # back to the companies screen, under which is Textual's own
                await app.pop_screen()
            await settle(pilot)
            for step in steps:
                await (step(pilot) if callable(step) else press(pilot, step))
            screen = app.screen
            footer = screen.query_one(KeyFooter)
            drawn = [strip.text for strip in screen._compositor.render_strips()][footer.region.y : footer.region.bottom]
            assert not any(line.rstrip().endswith("…") for line in drawn), (place, drawn)
            shown = {
                active.binding.key
                for active in screen.active_bindings.values()
                if active.binding.show and active.enabled and screen.check_action(active.binding.action, ()) is not False
            }
            keys = footer_keys(screen)
            assert shown <= set(keys), (place, shown - set(keys))
            for key in keys.values():
                label = f"{key.key_display} {key.description}"
                assert any(label in line for line in drawn), (place, label, drawn)
            footers_seen |= {active.binding.id for active in screen.active_bindings.values() if active.binding.key in keys}
    # the walk reached each state of the closing list and the checks, and the screens of every place it names
    assert {"closing.reverse", "closing.delete", "closing.not_applicable", "closing.restore"} <= footers_seen
    assert {"checks.rows", "check_rows.voucher", "check_settings.add"} <= footers_seen


@pytest.mark.parametrize("place", SCREENS)
async def test_every_action_of_a_screen_is_in_the_command_palette(make_app, demo_store, place):
    """Ctrl+P offers everything the screen's keys do, shown or not: the footer's main keys and the others."""
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, *SCREENS[place])
        screen = app.screen
        offered = {command.title for command in app.get_system_commands(screen)}
        for active in screen.active_bindings.values():
            binding = active.binding
            if binding.id and binding.description and binding.action != "command_palette" and active.enabled:
                assert full_name(binding) in offered, (place, binding.id)
        assert {"Checks", "Periods", "Reports", "New year"} <= offered or place != "overview"


CHART = Chart(
    (("1750", "Upplupna hyresintäkter"), ("1790", "Övriga förutbetalda kostnader och upplupna intäkter"),
     ("2990", "Övriga upplupna kostnader och förutbetalda intäkter"), ("3001", "Försäljning 25 %"),
     ("6110", "Kontorsmateriel"), ("6991", "Övriga avdragsgilla kostnader"), ("8999", "Årets resultat")),
    used=frozenset({"1790", "2990", "3001"}),
)  # fmt: skip


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("6110", ["6110"]),  # the exact number
        ("6", ["6110", "6991"]),  # number prefix, by number
        ("upplupna", ["1790", "2990", "1750"]),  # word starts: the accounts the books use first, then the rest
        ("kostn", ["1790", "2990", "6991"]),  # "kostnader" starts a word in each
        ("pplupna", ["1790", "2990", "1750"]),  # no word starts so: inside a word
        ("resultat", ["8999"]),
    ],
)
def test_the_account_lookup_ranks_number_then_word_start_then_substring(typed, first):
    assert [number for number, _name in CHART.matches(typed)] == first


def test_a_word_start_comes_before_a_used_account_that_holds_the_word_inside():
    chart = Chart((("1000", "Personalkostnader"), ("2000", "Kostnader övrigt")), used=frozenset({"1000"}))
    assert [number for number, _name in chart.matches("kostnad")] == ["2000", "1000"]


async def test_the_editor_lists_whole_names_and_the_used_upplupna_account_first(make_app, demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "e", "n")
        editor = app.screen
        assert isinstance(editor, EntryEditorScreen)
        first = editor.rows()[0].field("account")
        editor.set_focus(first)
        await press(pilot, *"upplupna")
        assert first.region.width >= len("upplupna") + 2  # what is typed can be read
        lines = str(editor.query_one("#account-suggestions", Static).content).splitlines()
        numbers = [line.split()[0] for line in lines]
        assert numbers[0] in editor.chart.used and "1750" not in numbers[:1]
        assert all(line == f"{number} {editor.chart.name(number)}" for line, number in zip(lines, numbers))
        await press(pilot, "enter")  # takes the first
        assert first.value == numbers[0]


async def test_the_filtered_transactions_show_the_debit_and_credit_of_every_row_picked(make_app, demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "t")
        screen = app.screen
        year = screen.fiscal_year_id
        everything = str(screen.query_one("#totals", Static).content)
        debit = demo_store.execute_sql(
            "SELECT SUM(amount) FROM voucher_row WHERE fiscal_year_id = ? AND kind = 'TRANS' AND amount > 0", (year,)
        ).fetchone()[0]
        assert everything == f"Total debit {format_money(from_ore(debit))}   credit {format_money(from_ore(debit))}"
        await press(pilot, "slash", *"konto:3000..3999", "enter")
        sales = demo_store.execute_sql(
            "SELECT SUM(CASE WHEN amount > 0 THEN amount ELSE 0 END), SUM(CASE WHEN amount < 0 THEN -amount ELSE 0 END) "
            "FROM voucher_row WHERE fiscal_year_id = ? AND kind = 'TRANS' AND account BETWEEN '3000' AND '3999'",
            (year,),
        ).fetchone()
        shown = str(screen.query_one("#totals", Static).content)
        assert shown == f"Total debit {format_money(from_ore(sales[0]))}   credit {format_money(from_ore(sales[1]))}"
        assert sales[1] > sales[0]  # sales are credited


async def test_the_trial_balance_ends_with_the_years_result(make_app, demo_store):
    """The result line sums classes 3-8 as the columns sign them; the balance accounts' sum is its opposite."""
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "b")
        screen = app.screen
        year = screen.fiscal_year_id
        result = demo_store.execute_sql(
            "SELECT SUM(amount) FROM voucher_row WHERE fiscal_year_id = ? AND kind = 'TRANS' "
            "AND substr(account, 1, 1) IN ('3', '4', '5', '6', '7', '8')",
            (year,),
        ).fetchone()[0]
        summary = drawn(screen.query_one("#summary", Static))  # each total whole on its line at 80 columns
        expected = format_money(from_ore(result))
        assert f"Year's result (classes 3–8) {expected}" in summary
        assert f"Balance accounts (classes 1–2) {format_money(-from_ore(result))}" in summary
