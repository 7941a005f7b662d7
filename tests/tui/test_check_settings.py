"""A check of the user's own added from the app (checks → settings → a), each problem shown at its field."""

from __future__ import annotations

import json

from textual.widgets import Input, RadioSet, Static

from core.store.models import CheckSetting
from tests.tui.conftest import SIZE
from tests.tui.pilot import press, settle
from tui.screens.check_settings import NewCheckScreen
from tui.screens.checks import CheckSettingsScreen


def problem(screen, field: str) -> str:
    return str(screen.query_one(f"#problem-{field}", Static).content)


async def type_into(pilot, field: Input, text: str) -> None:
    pilot.app.screen.set_focus(field)
    field.value = ""
    await press(pilot, *("space" if char == " " else char for char in text))


async def open_form(pilot) -> NewCheckScreen:
    await settle(pilot)
    await press(pilot, "enter", "k", "c")
    assert isinstance(pilot.app.screen, CheckSettingsScreen)
    await press(pilot, "a")
    assert isinstance(pilot.app.screen, NewCheckScreen)
    return pilot.app.screen


async def test_an_amount_threshold_added_after_its_problems_are_fixed(make_app, demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        assert form.query_one("#check-above", Input).display and not form.query_one("#check-min", Input).display
        await press(pilot, "ctrl+s")
        assert problem(form, "name") == "Give the check a name."
        assert problem(form, "accounts") == "Give at least one account."
        assert problem(form, "above").startswith("Give an amount")
        assert form.query_one("#check-name", Input).has_focus and form.query_one("#check-name").has_class("-problem")

        await type_into(pilot, form.query_one("#check-name", Input), "Stora representationer")
        await type_into(pilot, form.query_one("#check-accounts", Input), "6071, 19x0")
        await type_into(pilot, form.query_one("#check-above", Input), "tio")
        await press(pilot, "ctrl+s")
        assert problem(form, "name") == "" and "'19x0' is not an account" in problem(form, "accounts")
        assert problem(form, "above") == "tio is not an amount; give it like 10000.00."
        assert not CheckSetting.select().where(CheckSetting.name == "Stora representationer").exists()

        await type_into(pilot, form.query_one("#check-accounts", Input), "6071, 5400..5499")
        await type_into(pilot, form.query_one("#check-above", Input), "10 000,50")
        await press(pilot, "ctrl+s")
        settings_screen = app.screen
        assert isinstance(settings_screen, CheckSettingsScreen)
        assert "Stora representationer is added" in str(settings_screen.query_one("#check-settings-status").content)
        assert "custom-stora-representationer" in {line.check_id for line in settings_screen.lines}
        stored = CheckSetting.get(CheckSetting.check_id == "custom-stora-representationer")
        assert stored.kind == "amount-threshold"
        assert json.loads(stored.params) == {"accounts": ["6071", "5400..5499"], "above": "10000.50"}


async def test_a_transaction_count_and_a_name_already_taken(make_app, demo_store):
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        await type_into(pilot, form.query_one("#check-name", Input), "Bank")
        form.set_focus(form.query_one("#check-kind", RadioSet))
        await press(pilot, "down", "enter")  # the second kind
        assert form.query_one("#check-min", Input).display and not form.query_one("#check-above", Input).display
        await type_into(pilot, form.query_one("#check-accounts", Input), "1930")
        await type_into(pilot, form.query_one("#check-max", Input), "many")
        await press(pilot, "ctrl+s")
        assert problem(form, "max") == "many is not a whole number." and problem(form, "min") == ""
        await type_into(pilot, form.query_one("#check-max", Input), "40")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, CheckSettingsScreen)
        stored = CheckSetting.get(CheckSetting.check_id == "custom-bank")
        assert stored.kind == "transaction-count" and json.loads(stored.params) == {"accounts": ["1930"], "max": 40}

        await press(pilot, "a")
        form = app.screen
        await type_into(pilot, form.query_one("#check-name", Input), "bank")
        form.set_focus(form.query_one("#check-kind", RadioSet))
        await press(pilot, "down", "down", "enter")  # accounts that must stay empty: no bounds asked
        await type_into(pilot, form.query_one("#check-accounts", Input), "2099")
        await press(pilot, "ctrl+s")
        assert app.screen is form and "already has a check custom-bank" in problem(form, "name")
        await press(pilot, "escape")
        assert isinstance(app.screen, CheckSettingsScreen)
