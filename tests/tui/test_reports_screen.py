"""The report screen says what the books say above the figures: a balance sheet that does not balance in red, in
the reader's language with the amount written the reader's way; a rounds the statements, and the unit and the
rounding difference are said; the trial balance of a year known only from balances says so. Pilot at 80×24 on a
planted file (tests/reports/unbalanced_books.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from core.importer import import_sie
from tests.reports.unbalanced_books import UNBALANCED_SIE, unbalanced_by, write_unbalanced
from tests.tui.conftest import SIZE
from tests.tui.pilot import drawn, press, settle
from tui.screens.reports import ReportsScreen
from tui.screens.trial_balance import TrialBalanceScreen

UNBALANCED = {
    "en": "The balance sheet does not balance by 1,234.56 (assets − equity and liabilities).",
    "sv": "Balansräkningen balanserar inte: tillgångar − eget kapital och skulder = 1\u00a0234,56.",
}
THOUSANDS = {
    "en": ("Amounts in SEK thousands", "Rounding difference of 1 SEK thousand on Kassa och bank."),
    "sv": ("Belopp i tkr", "Avrundningsdifferens 1 tkr på raden Kassa och bank."),
}

FOOTER_WORD = {"en": "Round", "sv": "Avrunda"}


@pytest.fixture
def unbalanced_store(store, tmp_path):
    import_sie(store, write_unbalanced(tmp_path))
    return store


def notices(screen) -> str:
    return str(screen.query_one("#report-notices", Static).content)


def style_of(screen, words: str) -> str:
    text = screen.query_one("#report-notices", Static).content
    start = text.plain.index(words)
    return " ".join(str(span.style) for span in text.spans if span.start <= start < span.end)


@pytest.mark.parametrize("language", ["en", "sv"])
async def test_the_balance_sheet_says_it_does_not_balance_and_rounds_to_thousands(
    make_app, unbalanced_store, language
):
    assert unbalanced_by() == Decimal("1234.56")
    app = make_app(unbalanced_store, language)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "r", "3")
        screen = app.screen
        assert isinstance(screen, ReportsScreen) and screen.report.kind == "balance-sheet"
        assert UNBALANCED[language] in notices(screen)
        assert "red" in style_of(screen, UNBALANCED[language])
        unit, difference = THOUSANDS[language]
        assert unit not in notices(screen)  # öre: no unit line

        await press(pilot, "a", "a")  # öre, kronor, thousands
        assert screen.report.rounding == "thousand"
        shown = notices(screen).splitlines()
        assert shown[0] == unit and difference in shown
        assert UNBALANCED[language] in shown  # still said, and in öre: a rounded sheet hides nothing
        assert "red" not in style_of(screen, difference)
        keys = {(key.key, key.description): key.region for key in app.screen.query(FooterKey)}
        region = keys[("a", FOOTER_WORD[language])]  # the footer says the key, and it fits at 80 columns
        assert region.width and region.right <= SIZE[0]


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "known only from balances"), ("sv", "kända endast från saldon")],
)
async def test_the_trial_balance_of_a_year_known_only_from_balances_says_so(
    make_app, store, tmp_path, language, words
):
    balances_only = UNBALANCED_SIE.split("#VER")[0].replace("#SIETYP 4", "#SIETYP 1")  # SIE 1: year-end balances
    path = tmp_path / "saldon.se"
    path.write_bytes(balances_only.encode("cp437"))
    import_sie(store, path)
    app = make_app(store, language)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "b")
        screen = app.screen
        assert isinstance(screen, TrialBalanceScreen) and screen.balance.balances_only
        summary = drawn(screen.query_one("#summary", Static))
        assert words in summary and any(line.startswith(("9 accounts", "9 konton")) for line in summary.splitlines())
