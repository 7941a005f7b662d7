"""The interface's language chosen in the app settings: in effect at once, and saved into the config file without
losing the user's other settings, keymap or comments."""

from __future__ import annotations

import tomllib

import pytest

from core.config import ConfigError, load_settings
from tests.tui.conftest import SIZE
from tests.tui.pilot import press, settle
from tui.app import BokslutApp
from tui.preferences import load_preferences, save_language
from tui.screens.companies import CompaniesScreen
from tui.screens.app_settings import AppSettingsScreen

CONFIG = """\
# My bokslut settings
data_dir = "{data_dir}"  # where the store lives

# Keys I prefer
[keymap]
"app.activity" = "f6"   # the log

[import]
max_file_mb = 50
"""


def footer_labels(screen) -> set[str]:
    return {active.binding.description for active in screen.active_bindings.values() if active.binding.id}


async def test_switching_the_language_takes_effect_at_once_and_is_saved(store, data_dir, demo_file, tmp_path):
    from core.importer import import_sie

    import_sie(store, demo_file)
    config = tmp_path / "config.toml"
    config.write_text(CONFIG.format(data_dir=data_dir))
    settings = load_settings(config_file=str(config))
    app = BokslutApp(store, settings, load_preferences(settings, environ={"LANG": "en_GB.UTF-8"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "s")
        assert "(•) English" in str(app.screen.query_one("#app-settings").content)
        await press(pilot, "l")
        screen = app.screen
        assert isinstance(screen, AppSettingsScreen) and screen.title == "Appens inställningar"
        assert [type(each) for each in app.screen_stack[1:]] == [CompaniesScreen, AppSettingsScreen]
        assert {"Språk", "Tillbaka", "Hjälp"} <= footer_labels(screen)  # the app's F1 too
        assert "(•) Svenska" in str(screen.query_one("#app-settings").content)
        await press(pilot, "f6")  # the user's keymap still holds
        assert not app.has_class("-show-activity")

        written = config.read_text()
        assert written.startswith('# My bokslut settings\ndata_dir = "') and "# where the store lives" in written
        assert '"app.activity" = "f6"   # the log' in written and "# Keys I prefer" in written
        assert tomllib.loads(written) == {**tomllib.loads(CONFIG.format(data_dir=data_dir)), "language": "sv"}

        await press(pilot, "escape")  # the screen under it is Swedish too
        assert isinstance(app.screen, CompaniesScreen) and app.screen.title == "Företag"
        await press(pilot, "s", "l")
        assert app.screen.title == "App settings" and tomllib.loads(config.read_text())["language"] == "en"
        assert config.read_text().count("language = ") == 1


async def test_without_a_config_file_the_language_goes_into_the_default_one(
    make_app, demo_store, tmp_path, monkeypatch
):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "s", "l")
        assert app.screen.title == "Appens inställningar"
    assert (tmp_path / "xdg" / "bokslut" / "config.toml").read_text() == 'language = "sv"\n'


def test_save_language_edits_the_line_in_place_keeping_its_comment(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('language = "en"   # chosen in the app\n[keymap]\n"app.help" = "f12"\n')
    save_language(path, "sv")
    assert path.read_text() == 'language = "sv"   # chosen in the app\n[keymap]\n"app.help" = "f12"\n'


def test_save_language_refuses_a_file_it_cannot_read_and_leaves_it(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("language = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        save_language(path, "sv")
    assert path.read_text() == "language = \n"


def test_a_language_key_inside_a_table_is_not_taken_for_the_top_level_one(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[fortnox]\nlanguage = "x"\n')
    save_language(path, "en")
    assert tomllib.loads(path.read_text()) == {"language": "en", "fortnox": {"language": "x"}}
