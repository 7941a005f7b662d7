"""`bokslut` with no command starts the interface; with one, it is the CLI scripts rely on."""

from __future__ import annotations

import json

import pytest

from core.config import ConfigError, load_settings
from cli.main import _interface_options, main
from tui.preferences import load_preferences


def test_only_the_global_options_mean_the_interface():
    assert _interface_options([]) is not None
    assert _interface_options(["--data-dir", "/d", "--config", "/c.toml"]).data_dir == "/d"
    assert _interface_options(["--data-dir", "/d", "companies"]) is None
    assert _interface_options(["--help"]) is None


def test_a_command_goes_to_the_cli(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BOKSLUT_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").touch()
    assert main(["--data-dir", str(tmp_path), "companies", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_a_bad_config_stops_before_the_interface_with_one_line(tmp_path, capsys, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text('language = "de"\n', encoding="utf-8")
    assert main(["--data-dir", str(tmp_path), "--config", str(config)]) == 2
    assert capsys.readouterr().err == f"bokslut: {config}: language must be one of sv, en, not 'de'.\n"


def test_language_and_keymap_come_from_the_config_file(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('language = "sv"\n[keymap]\n"app.activity" = "f6"\n', encoding="utf-8")
    preferences = load_preferences(load_settings(str(tmp_path), str(config), environ={}), environ={"LANG": "en_US"})
    assert (preferences.language, preferences.keymap) == ("sv", {"app.activity": "f6"})
    config.write_text('[keymap]\n"app.activity" = 6\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[keymap\] must map binding ids to keys"):
        load_preferences(load_settings(str(tmp_path), str(config), environ={}))


def test_a_data_dir_that_cannot_be_used_is_one_line_too(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BOKSLUT_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").touch()
    occupied = tmp_path / "a-file"
    occupied.write_text("", encoding="utf-8")
    assert main(["--data-dir", str(occupied)]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"bokslut: {occupied}") and error.count("\n") == 1
