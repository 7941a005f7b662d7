"""Where bokslut keeps its data and which limits apply: flag, then environment, then config file, then default."""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from core.errors import BokslutError
from core.sie.reader import SieLimits
from core.text import Notice

APP_NAME = "bokslut"
DB_FILE_NAME = "bokslut.sqlite3"
STORE_SCHEMES = ("sqlite:///", "postgresql://", "postgres://")


class ConfigError(BokslutError):
    pass


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    config_file: Path | None
    max_file_bytes: int = 100 * 1024 * 1024
    max_objects_per_dimension: int = 10_000
    max_objects: int = 100_000  # in all dimensions of one file together: memory grows with it
    config: Mapping = field(default_factory=dict)  # the parsed file, for settings other layers own (the app's keys)
    # A shared PostgreSQL store; None: the SQLite file in the data directory. Never in a repr: it may hold a password.
    database_url: str | None = field(default=None, repr=False)
    notices: tuple[Notice, ...] = ()  # for the user to hear once, e.g. a config file with a secret others can read

    @property
    def db_path(self) -> Path:
        return self.data_dir / DB_FILE_NAME

    @property
    def store(self) -> str | Path:
        """What `open_store` opens: the shared server when one is set, else the embedded file."""
        return self.database_url or self.db_path

    def sie_limits(self) -> SieLimits:
        return SieLimits(
            max_bytes=self.max_file_bytes,
            max_objects_per_dimension=self.max_objects_per_dimension,
            max_objects=self.max_objects,
        )


def default_config_file() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def _read_config(path: Path, explicit: bool) -> dict:
    if not path.exists():
        if explicit:
            raise ConfigError(f"{path}: config file not found. Check the path given with --config or BOKSLUT_CONFIG.")
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error}). Fix the file or remove it to use the defaults.") from None


def positive_int(config: dict, section: str, key: str, default: int, path: Path) -> int:
    value = config.get(section, {}).get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ConfigError(f"{path}: [{section}] {key} must be a positive whole number, not {value!r}.")
    return value


def load_settings(
    data_dir: str | None = None,
    config_file: str | None = None,
    environ: Mapping[str, str] = os.environ,
) -> Settings:
    explicit_config = config_file or environ.get("BOKSLUT_CONFIG")
    config_path = Path(explicit_config).expanduser() if explicit_config else default_config_file()
    config = _read_config(config_path, explicit=bool(explicit_config))
    chosen_dir = data_dir or environ.get("BOKSLUT_DATA_DIR") or config.get("data_dir")
    resolved_dir = Path(chosen_dir).expanduser() if chosen_dir else Path(platformdirs.user_data_dir(APP_NAME))
    max_file_mb = positive_int(config, "import", "max_file_mb", 100, config_path)
    database_url = environ.get("BOKSLUT_DATABASE_URL") or config.get("database_url") or None
    if database_url is not None and not str(database_url).startswith(STORE_SCHEMES):
        raise ConfigError(
            f"The store address must start with {' or '.join(STORE_SCHEMES)} (BOKSLUT_DATABASE_URL or database_url "
            "in the config file)."
        )
    return Settings(
        data_dir=resolved_dir.resolve(),
        config_file=config_path if config_path.exists() else None,
        max_file_bytes=max_file_mb * 1024 * 1024,
        max_objects_per_dimension=positive_int(config, "import", "max_objects_per_dimension", 10_000, config_path),
        max_objects=positive_int(config, "import", "max_objects", 100_000, config_path),
        config=config,
        database_url=database_url,
        notices=_secret_exposed(config_path, config) + _made_private(resolved_dir.resolve()),
    )


def _made_private(data_dir: Path) -> tuple[Notice, ...]:
    """The data directory holds the books, tokens and crash logs: one made before bokslut made it 0700 (or by
    hand under a 0022 umask) let every user of the machine list and read into it. Made private once, said once."""
    try:
        status = data_dir.stat()
    except OSError:  # not made yet: it is made private when it is
        return ()
    if os.name != "posix" or not stat.S_IMODE(status.st_mode) & 0o077 or status.st_uid != os.getuid():
        return ()
    try:
        data_dir.chmod(stat.S_IMODE(status.st_mode) & 0o700)
    except OSError:
        return ()
    return (
        Notice(
            "data_dir_made_private",
            {"folder": str(data_dir)},
            f"{data_dir} could be opened by other users of this computer; it is now open to you only.",
        ),
    )


def _secret_exposed(path: Path, config: Mapping) -> tuple[Notice, ...]:
    """A client secret in a file others may read is the firm's Fortnox app for anyone on the machine."""
    fortnox = config.get("fortnox")
    if not isinstance(fortnox, Mapping) or not fortnox.get("client_secret") or os.name != "posix":
        return ()
    if not stat.S_IMODE(path.stat().st_mode) & 0o077:
        return ()
    return (
        Notice(
            "config_secret_readable",
            {"file": str(path)},
            f"{path} holds the Fortnox client_secret and other users of this computer can read it; "
            f"make it private with 'chmod 600 {path}'.",
        ),
    )
