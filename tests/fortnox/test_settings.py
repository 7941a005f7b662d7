"""Fortnox settings: the config file's [fortnox] table, environment overrides, validation that names the culprit."""

from pathlib import Path

import pytest

from core.config import ConfigError, load_settings
from core.fortnox.settings import FortnoxSettings, fortnox_settings


def settings_from(tmp_path: Path, text: str):
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    return load_settings(config_file=str(config), data_dir=str(tmp_path), environ={}), config


def test_defaults_are_fortnox_real_addresses(tmp_path: Path):
    settings, _ = settings_from(tmp_path, "")
    fortnox = fortnox_settings(settings, environ={})
    assert fortnox == FortnoxSettings(client_id="", client_secret="")
    assert fortnox.auth_url == "https://apps.fortnox.se/oauth-v1"
    assert fortnox.api_url == "https://api.fortnox.se/3"
    assert fortnox.redirect_uri == "http://localhost:8765/callback"
    assert (fortnox.connection_days, fortnox.token_store) == (30, "auto")


def test_environment_beats_config_file(tmp_path: Path):
    settings, _ = settings_from(
        tmp_path,
        '[fortnox]\nclient_id = "file-id"\nclient_secret = "file-secret"\nauth_url = "http://file.test/oauth-v1"\n'
        'api_url = "http://file.test/3/"\nconnection_days = 20\ntoken_store = "keyring"\n',
    )
    from_file = fortnox_settings(settings, environ={})
    assert (from_file.client_id, from_file.client_secret, from_file.connection_days) == ("file-id", "file-secret", 20)
    assert from_file.api_url == "http://file.test/3"  # trailing slash dropped: paths are appended
    assert from_file.token_store == "keyring"
    environ = {
        "BOKSLUT_FORTNOX_CLIENT_ID": "env-id",
        "BOKSLUT_FORTNOX_CLIENT_SECRET": "env-secret",
        "BOKSLUT_FORTNOX_REDIRECT_URI": "http://127.0.0.1:9999/cb",
        "BOKSLUT_FORTNOX_AUTH_URL": "http://127.0.0.1:1/oauth-v1",
        "BOKSLUT_FORTNOX_API_URL": "http://127.0.0.1:1/3",
        "BOKSLUT_TOKEN_STORE": "file",
    }
    overridden = fortnox_settings(settings, environ=environ)
    assert overridden == FortnoxSettings(
        "env-id", "env-secret", "http://127.0.0.1:9999/cb", "http://127.0.0.1:1/oauth-v1", "http://127.0.0.1:1/3",
        20, "file",
    )


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('auth_url = "ftp://x"', "[fortnox] auth_url must be an http:// or https:// address"),
        ('api_url = "api.fortnox.se"', "[fortnox] api_url must be an http:// or https:// address"),
        ('redirect_uri = "localhost:8765"', "[fortnox] redirect_uri must be an http:// or https:// address"),
        ("connection_days = 46", "connection_days must be a whole number from 1 to 45"),
        ("connection_days = 0", "connection_days must be a whole number from 1 to 45"),
        ('connection_days = "30"', "connection_days must be a whole number from 1 to 45"),
        ('token_store = "vault"', "[fortnox] token_store must be one of auto, keyring, file"),
        ("client_id = 42", "[fortnox] client_id must be text"),
    ],
)
def test_a_bad_config_value_names_the_file_and_key(tmp_path: Path, table: str, expected: str):
    settings, config = settings_from(tmp_path, f"[fortnox]\n{table}\n")
    with pytest.raises(ConfigError) as caught:
        fortnox_settings(settings, environ={})
    assert str(config) in str(caught.value)
    assert expected in str(caught.value)


def test_a_bad_environment_value_names_the_variable(tmp_path: Path):
    settings, _ = settings_from(tmp_path, "")
    with pytest.raises(ConfigError, match="BOKSLUT_TOKEN_STORE must be one of auto, keyring, file"):
        fortnox_settings(settings, environ={"BOKSLUT_TOKEN_STORE": "cloud"})
    with pytest.raises(ConfigError, match="BOKSLUT_FORTNOX_AUTH_URL must be an http"):
        fortnox_settings(settings, environ={"BOKSLUT_FORTNOX_AUTH_URL": "apps.fortnox.se"})


def test_a_non_text_secret_is_rejected_without_echoing_it(tmp_path: Path):
    settings, _ = settings_from(tmp_path, "[fortnox]\nclient_secret = 987654321\n")
    with pytest.raises(ConfigError) as caught:
        fortnox_settings(settings, environ={})
    assert "client_secret must be text" in str(caught.value)
    assert "987654321" not in str(caught.value)


def test_require_client_names_both_places_to_set_it():
    with pytest.raises(ConfigError) as caught:
        FortnoxSettings(client_id="", client_secret="s").require_client()
    assert "BOKSLUT_FORTNOX_CLIENT_ID" in str(caught.value) and "client_id" in str(caught.value)
    with pytest.raises(ConfigError, match="BOKSLUT_FORTNOX_CLIENT_SECRET"):
        FortnoxSettings(client_id="id", client_secret="").require_client()
    FortnoxSettings(client_id="id", client_secret="s").require_client()


def test_the_secret_is_not_in_repr():
    assert "hunter2-secret" not in repr(FortnoxSettings(client_id="id", client_secret="hunter2-secret"))
