"""Finding things: Home and End in every list."""

from __future__ import annotations

from tests.tui.conftest import SIZE
from tests.tui.pilot import press, settle
from tui.screens.trial_balance import TrialBalanceScreen
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
