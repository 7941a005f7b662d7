"""Settings precedence and config-file errors, as a script or a user meets them."""

from pathlib import Path

import pytest

from core.config import ConfigError, load_settings


def test_flag_beats_environment_beats_config_file(tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text(f'data_dir = "{tmp_path / "from-config"}"\n', encoding="utf-8")
    env = {"BOKSLUT_CONFIG": str(config)}
    assert load_settings(environ=env).data_dir == tmp_path / "from-config"
    env["BOKSLUT_DATA_DIR"] = str(tmp_path / "from-env")
    assert load_settings(environ=env).data_dir == tmp_path / "from-env"
    assert load_settings(data_dir=str(tmp_path / "from-flag"), environ=env).data_dir == tmp_path / "from-flag"


def test_limits_come_from_the_config_file(tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text("[import]\nmax_file_mb = 5\nmax_objects_per_dimension = 20\n", encoding="utf-8")
    settings = load_settings(config_file=str(config), environ={})
    assert settings.max_file_bytes == 5 * 1024 * 1024
    assert settings.max_objects_per_dimension == 20


def test_defaults_are_the_documented_limits(tmp_path: Path):
    settings = load_settings(config_file=None, data_dir=str(tmp_path), environ={"BOKSLUT_CONFIG": ""})
    assert settings.max_file_bytes == 100 * 1024 * 1024
    assert settings.max_objects_per_dimension == 10_000
    assert settings.db_path == tmp_path / "bokslut.sqlite3"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("data_dir = \n", "not valid TOML"),
        ("[import]\nmax_file_mb = -1\n", "max_file_mb must be a positive whole number"),
        ("[import]\nmax_objects_per_dimension = 'many'\n", "max_objects_per_dimension must be a positive"),
    ],
)
def test_a_bad_config_file_names_the_file_and_the_problem(tmp_path: Path, text: str, expected: str):
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config_file=str(config), environ={})
    assert str(config) in str(caught.value)
    assert expected in str(caught.value)


def test_a_missing_explicit_config_file_is_an_error(tmp_path: Path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(config_file=str(tmp_path / "nope.toml"), environ={})
