"""The refresh-token store: private file (0600, atomic, optionally encrypted) or an OS keyring, never the user's own."""

import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import keyring
import keyring.backend
import keyring.backends.chainer
import keyring.backends.fail
import keyring.backends.null
import pytest

from core.config import ConfigError, load_settings
from core.fortnox.settings import FortnoxSettings
from core.fortnox.tokens import (
    FileTokenStore,
    KeyringTokenStore,
    StoredToken,
    TokenStoreError,
    is_real_keyring,
    open_token_store,
    token_key,
)

SECRET = "refresh-7f3c9a-SECRET"
TOKEN = StoredToken(SECRET, datetime(2026, 11, 1, 9, 30, tzinfo=UTC), "bookkeeping companyinformation")
KEY = "fortnox:5566778899"


class InMemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1

    def __init__(self):
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.passwords.get((service, username))

    def set_password(self, service, username, password):
        self.passwords[(service, username)] = password

    def delete_password(self, service, username):
        if self.passwords.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


@pytest.fixture(autouse=True)
def no_real_keyring():
    """Every test starts with a keyring that refuses everything, so the user's real one is never touched."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def settings(tmp_path: Path):
    return load_settings(data_dir=str(tmp_path / "data"), config_file=str(_empty_config(tmp_path)), environ={})


def _empty_config(tmp_path: Path) -> Path:
    config = tmp_path / "config.toml"
    config.touch()
    return config


def fortnox(token_store: str = "auto") -> FortnoxSettings:
    return FortnoxSettings(client_id="id", client_secret="secret", token_store=token_store)


def test_without_a_keyring_the_token_goes_to_a_private_file(settings):
    store = open_token_store(settings, fortnox(), environ={})
    assert isinstance(store, FileTokenStore)
    store.save(KEY, TOKEN)
    path = settings.data_dir / "fortnox-tokens.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert store.kind.startswith("file ") and store.kind.endswith("fortnox-tokens.json (mode 0600)")
    assert open_token_store(settings, fortnox(), environ={}).load(KEY) == TOKEN


def test_companies_are_kept_apart_and_delete_removes_one(tmp_path: Path):
    store = FileTokenStore(tmp_path / "tokens.json")
    other = StoredToken("other-refresh", TOKEN.obtained, "bookkeeping")
    store.save(KEY, TOKEN)
    store.save("fortnox:1234567890", other)
    store.delete(KEY)
    store.delete(KEY)  # deleting what is gone is not an error
    assert store.load(KEY) is None
    assert store.load("fortnox:1234567890") == other


def test_the_file_is_private_from_its_first_byte(tmp_path: Path, monkeypatch):
    modes = []
    real_fsync = os.fsync

    def recording_fsync(fd):
        if stat.S_ISREG(os.fstat(fd).st_mode):
            modes.append(stat.S_IMODE(os.fstat(fd).st_mode))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    FileTokenStore(tmp_path / "tokens.json").save(KEY, TOKEN)
    assert modes == [0o600]


def test_a_crash_during_save_leaves_the_previous_token(tmp_path: Path, monkeypatch):
    store = FileTokenStore(tmp_path / "tokens.json")
    store.save(KEY, TOKEN)

    def crash(*_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        store.save(KEY, StoredToken("newer", TOKEN.obtained, TOKEN.scope))
    monkeypatch.undo()
    assert store.load(KEY) == TOKEN
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tokens.json", "tokens.json.lock"]


def test_encrypted_file_round_trip_hides_the_token(settings):
    store = open_token_store(settings, fortnox("file"), environ={"BOKSLUT_TOKEN_PASSPHRASE": "correct horse"})
    assert store.kind.startswith("encrypted file ")
    store.save(KEY, TOKEN)
    text = (settings.data_dir / "fortnox-tokens.json").read_text()
    assert SECRET not in text and "5566778899" not in text
    reopened = open_token_store(settings, fortnox("file"), environ={"BOKSLUT_TOKEN_PASSPHRASE": "correct horse"})
    assert reopened.load(KEY) == TOKEN
    reopened.save("fortnox:1234567890", TOKEN)
    assert json.loads((settings.data_dir / "fortnox-tokens.json").read_text())["salt"] == json.loads(text)["salt"]


def test_a_wrong_or_missing_passphrase_says_what_to_do(tmp_path: Path):
    path = tmp_path / "tokens.json"
    FileTokenStore(path, passphrase="right").save(KEY, TOKEN)
    with pytest.raises(TokenStoreError) as wrong:
        FileTokenStore(path, passphrase="not-the-pass-phrase").load(KEY)
    assert "BOKSLUT_TOKEN_PASSPHRASE is not the passphrase" in str(wrong.value)
    assert "delete the file and connect again" in str(wrong.value)
    with pytest.raises(TokenStoreError, match="is encrypted. Set BOKSLUT_TOKEN_PASSPHRASE"):
        FileTokenStore(path).load(KEY)
    assert SECRET not in str(wrong.value) and "not-the-pass-phrase" not in str(wrong.value)


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b'{"format": "other"}',
        b"\xff\xfe",
        b'{"format": "bokslut-fortnox-tokens", "tokens": {"fortnox:5566778899": {"refresh_token": "x"}}}',
    ],
)
def test_a_damaged_file_says_what_to_do(tmp_path: Path, content: bytes):
    path = tmp_path / "tokens.json"
    path.write_bytes(content)
    with pytest.raises(TokenStoreError, match="is damaged. Delete it and connect again"):
        FileTokenStore(path).load(KEY)


def test_a_real_keyring_is_used_when_there_is_one(settings):
    memory = InMemoryKeyring()
    keyring.set_keyring(memory)
    store = open_token_store(settings, fortnox(), environ={})
    assert isinstance(store, KeyringTokenStore)
    assert store.kind == "system keyring (test_tokens)"
    store.save(KEY, TOKEN)
    assert store.load(KEY) == TOKEN
    assert set(memory.passwords) == {("bokslut", KEY)}
    assert not (settings.data_dir / "fortnox-tokens.json").exists()
    store.delete(KEY)
    store.delete(KEY)
    assert store.load(KEY) is None and memory.passwords == {}


def test_file_store_can_be_chosen_even_with_a_keyring(settings):
    keyring.set_keyring(InMemoryKeyring())
    assert isinstance(open_token_store(settings, fortnox("file"), environ={}), FileTokenStore)


def test_keyring_fallbacks_that_would_lose_the_token_do_not_count(monkeypatch):
    assert not is_real_keyring(keyring.backends.fail.Keyring())
    assert not is_real_keyring(keyring.backends.null.Keyring())
    monkeypatch.setattr(keyring.backend, "get_all_keyring", lambda: [])
    assert not is_real_keyring(keyring.backends.chainer.ChainerBackend())
    monkeypatch.setattr(keyring.backend, "get_all_keyring", lambda: [InMemoryKeyring()])
    assert is_real_keyring(keyring.backends.chainer.ChainerBackend())
    assert is_real_keyring(InMemoryKeyring())


def test_asking_for_a_keyring_that_is_not_there_is_a_config_error(settings):
    with pytest.raises(ConfigError, match="no usable keyring.*BOKSLUT_TOKEN_STORE=file"):
        open_token_store(settings, fortnox("keyring"), environ={})


def test_token_keys_are_per_company():
    assert token_key("556677-8899") == token_key("16556677-8899") == "fortnox:5566778899"
    with pytest.raises(ValueError):
        token_key("")


def test_the_token_is_not_in_repr():
    assert SECRET not in repr(TOKEN)
    assert "correct horse" not in repr(FileTokenStore(Path("x"), passphrase="correct horse"))
