"""Where the Fortnox refresh token is kept between runs: the OS keyring, or a private (optionally encrypted) file.

Only the refresh token is stored; access tokens live for an hour and stay in memory.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

import keyring
import keyring.backends.chainer
import keyring.backends.fail
import keyring.backends.null
import keyring.errors
from keyring.backend import KeyringBackend
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from filelock import FileLock, Timeout

from core.config import ConfigError, Settings
from core.errors import BokslutError
from core.fortnox.settings import FortnoxSettings
from core.scratch import written_whole
from core.store.orgnr import normalise_org_number

TOKEN_FILE_NAME = "fortnox-tokens.json"
KEYRING_SERVICE = "bokslut"
PASSPHRASE_VARIABLE = "BOKSLUT_TOKEN_PASSPHRASE"
_FILE_FORMAT = "bokslut-fortnox-tokens"
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**15, 8, 1
_LOCK_SECONDS = 30


class TokenStoreError(BokslutError):
    pass


@dataclass(frozen=True)
class StoredToken:
    refresh_token: str = field(repr=False)
    obtained: datetime  # UTC; when this refresh token was issued, so the connection's age can be shown
    scope: str
    rejected: bool = False  # Fortnox refused it (invalid_grant); kept so the status can say "expired"
    tenant_id: int | None = None  # a service account's tenant: tokens from client credentials, refresh_token ""

    @property
    def service_account(self) -> bool:
        return self.tenant_id is not None

    def to_json(self) -> dict:
        return {
            "refresh_token": self.refresh_token,
            "obtained": self.obtained.isoformat(),
            "scope": self.scope,
            "rejected": self.rejected,
            "tenant_id": self.tenant_id,
        }

    @classmethod
    def from_json(cls, data: dict) -> StoredToken:
        obtained = datetime.fromisoformat(data["obtained"])
        tenant = data.get("tenant_id")
        if tenant is not None and (isinstance(tenant, bool) or not isinstance(tenant, int)):
            raise ValueError("stored tenant id is not a number")
        if obtained.tzinfo is None or not isinstance(data["refresh_token"], str) or not (data["refresh_token"] or tenant):
            raise ValueError("stored token is incomplete")
        return cls(data["refresh_token"], obtained, str(data["scope"]), bool(data.get("rejected", False)), tenant)


class StoreKind(str):
    """Where the token is: in English words when used as text (CLI, messages), and as `medium` ("keyring", "file"
    or "encrypted file") and `where` (the keyring's backend or the file) for an interface in another language."""

    medium: str
    where: str

    def __new__(cls, medium: str, where: str) -> StoreKind:
        words = f"system keyring ({where})" if medium == "keyring" else f"{medium} {where} (mode 0600)"
        kind = super().__new__(cls, words)
        kind.medium, kind.where = medium, where
        return kind


class TokenStore(Protocol):
    kind: StoreKind

    def load(self, key: str) -> StoredToken | None: ...

    def save(self, key: str, token: StoredToken) -> None: ...

    def delete(self, key: str) -> None: ...


def token_key(org_number: str) -> str:
    """One connection per company, so two companies' tokens never overwrite each other."""
    digits = normalise_org_number(org_number)
    if not digits:
        raise ValueError("a Fortnox connection needs the company's organisation number")
    return f"fortnox:{digits}"


def open_token_store(settings: Settings, fortnox: FortnoxSettings, environ=os.environ) -> TokenStore:
    if fortnox.token_store != "file":
        backend = keyring.get_keyring()
        if is_real_keyring(backend):
            return KeyringTokenStore(backend)
        if fortnox.token_store == "keyring":
            raise ConfigError(
                "token_store is \"keyring\" but this system has no usable keyring (e.g. no Secret Service running). "
                "Start one, or set BOKSLUT_TOKEN_STORE=file to keep the token in a private file."
            )
    return FileTokenStore(settings.data_dir / TOKEN_FILE_NAME, passphrase=environ.get(PASSPHRASE_VARIABLE) or None)


def forget_token(settings: Settings, org_number: str, environ=os.environ) -> None:
    """A removed company's connection: its token deleted from wherever it is kept (a token already gone is fine),
    so no store keeps access to books that are no longer here."""
    from core.fortnox.settings import fortnox_settings

    open_token_store(settings, fortnox_settings(settings, environ), environ).delete(token_key(org_number))


def is_real_keyring(backend: KeyringBackend) -> bool:
    """keyring falls back to backends that fail or forget; storing there would lose the connection silently."""
    if isinstance(backend, keyring.backends.chainer.ChainerBackend):
        return any(is_real_keyring(chained) for chained in backend.backends)
    if isinstance(backend, (keyring.backends.fail.Keyring, keyring.backends.null.Keyring)):
        return False
    return backend.priority > 0


class KeyringTokenStore:
    def __init__(self, backend: KeyringBackend):
        self._backend = backend
        self.kind = StoreKind("keyring", type(backend).__module__.rsplit(".", 1)[-1])

    def load(self, key: str) -> StoredToken | None:
        text = self._call(self._backend.get_password, KEYRING_SERVICE, key)
        if text is None:
            return None
        try:
            return StoredToken.from_json(json.loads(text))
        except (ValueError, KeyError, TypeError):
            raise TokenStoreError(
                f"The Fortnox connection saved in the {self.kind} under {KEYRING_SERVICE}/{key} is damaged. "
                "Disconnect and connect again."
            ) from None

    def save(self, key: str, token: StoredToken) -> None:
        self._call(self._backend.set_password, KEYRING_SERVICE, key, json.dumps(token.to_json()))

    def delete(self, key: str) -> None:
        try:
            self._call(self._backend.delete_password, KEYRING_SERVICE, key)
        except keyring.errors.PasswordDeleteError:
            pass  # already gone is what delete wants

    def _call(self, operation, *args):
        try:
            return operation(*args)
        except keyring.errors.PasswordDeleteError:
            raise
        except keyring.errors.KeyringError as error:
            raise TokenStoreError(
                f"The {self.kind} refused access ({type(error).__name__}). Unlock the keyring and try again, "
                "or set BOKSLUT_TOKEN_STORE=file."
            ) from None


class FileTokenStore:
    """All companies' tokens in one JSON file, mode 0600 from creation, replaced atomically on every change."""

    def __init__(self, path: Path, passphrase: str | None = None):
        self.path = path
        self._passphrase = passphrase
        self._keys: dict[bytes, bytes] = {}  # salt -> derived key; Scrypt is deliberately slow
        self.kind = StoreKind("encrypted file" if passphrase else "file", _home_relative(path))

    def __repr__(self) -> str:
        return f"FileTokenStore({str(self.path)!r}, encrypted={self._passphrase is not None})"

    def load(self, key: str) -> StoredToken | None:
        entry = self._read()[1].get(key)
        if entry is None:
            return None
        try:
            return StoredToken.from_json(entry)
        except (ValueError, KeyError, TypeError):
            raise self._damaged() from None

    def save(self, key: str, token: StoredToken) -> None:
        with self._writing():
            salt, tokens = self._read()
            tokens[key] = token.to_json()
            self._write(salt, tokens)

    def delete(self, key: str) -> None:
        with self._writing():
            salt, tokens = self._read()
            if tokens.pop(key, None) is not None:
                self._write(salt, tokens)

    def _writing(self) -> AbstractContextManager[None]:
        """Two bokslut processes may save different companies at once; each re-reads under the lock."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        return _locked(self.path.with_name(self.path.name + ".lock"), self.path)

    def _read(self) -> tuple[bytes | None, dict]:
        try:
            document = json.loads(self.path.read_bytes())
        except FileNotFoundError:
            return None, {}
        except (ValueError, UnicodeDecodeError):
            raise self._damaged() from None
        if not isinstance(document, dict) or document.get("format") != _FILE_FORMAT:
            raise self._damaged()
        if "ciphertext" not in document:
            return None, self._token_table(document.get("tokens", {}))
        if self._passphrase is None:
            raise TokenStoreError(
                f"{self.path} is encrypted. Set {PASSPHRASE_VARIABLE} to its passphrase, "
                "or delete the file and connect again."
            )
        try:
            salt = base64.b64decode(document["salt"])
            plain = Fernet(self._key(salt)).decrypt(document["ciphertext"].encode("ascii"))
        except InvalidToken:
            raise TokenStoreError(
                f"{self.path} could not be decrypted: {PASSPHRASE_VARIABLE} is not the passphrase it was saved with. "
                "Set the right passphrase, or delete the file and connect again."
            ) from None
        except (ValueError, KeyError, TypeError):
            raise self._damaged() from None
        return salt, self._token_table(json.loads(plain))

    def _token_table(self, tokens: object) -> dict:
        """A file edited by hand (or by a bug) may hold any JSON: only an object of entries is a token table."""
        if not isinstance(tokens, dict) or not all(isinstance(entry, dict) for entry in tokens.values()):
            raise self._damaged()
        return tokens

    def _write(self, salt: bytes | None, tokens: dict) -> None:
        document: dict = {"format": _FILE_FORMAT, "version": 1}
        if self._passphrase is None:
            document["tokens"] = tokens
        else:
            salt = salt or os.urandom(16)
            document["salt"] = base64.b64encode(salt).decode("ascii")
            document["ciphertext"] = Fernet(self._key(salt)).encrypt(json.dumps(tokens).encode()).decode("ascii")
        _atomic_private_write(self.path, json.dumps(document, indent=1).encode())

    def _key(self, salt: bytes) -> bytes:
        if salt not in self._keys:
            derived = Scrypt(salt=salt, length=32, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P).derive(
                self._passphrase.encode("utf-8")
            )
            self._keys[salt] = base64.urlsafe_b64encode(derived)
        return self._keys[salt]

    def _damaged(self) -> TokenStoreError:
        return TokenStoreError(f"{self.path} is damaged. Delete it and connect again.")


@contextmanager
def _locked(lock_path: Path, guarded: Path) -> Iterator[None]:
    try:
        with FileLock(lock_path, timeout=_LOCK_SECONDS, thread_local=False):
            yield
    except Timeout:
        raise TokenStoreError(
            f"{guarded} stayed locked by another bokslut for {_LOCK_SECONDS} seconds. "
            "Close the other bokslut and try again."
        ) from None


def _atomic_private_write(path: Path, data: bytes) -> None:
    """A crash mid-write must leave the old token, never half a file; 0600 from the first byte, and a killed
    writer's part is removed at the next start like every other (core.scratch)."""
    with written_whole(path) as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # make the rename itself durable
    finally:
        os.close(directory)


def _home_relative(path: Path) -> str:
    try:
        return f"~/{path.relative_to(Path.home())}"
    except ValueError:
        return str(path)
