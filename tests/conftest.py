"""Shared fixtures: the real `bokslut` command in a throw-away data directory, and the sample files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.postgres import PostgresMissing, running_postgres, store_location

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SAMPLE_FILES = SHARED / "sie" / "files"


def pytest_addoption(parser):
    parser.addoption(
        "--store",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="the store the store-facing tests run against; postgresql starts a throw-away server on loopback",
    )


def pytest_collection_modifyitems(config, items):
    if config.getoption("--store") == "postgresql":
        skip = pytest.mark.skip(reason="SQLite only: this test is about the embedded file store")
        for item in items:
            if "sqlite_only" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def postgres_server(request):
    """The throw-away server of a `--store=postgresql` run, or None for SQLite runs."""
    if request.config.getoption("--store") != "postgresql":
        yield None
        return
    try:
        with running_postgres() as server:
            yield server
    except PostgresMissing as missing:
        pytest.skip(f"PostgreSQL run skipped: {missing}")


@pytest.fixture
def store_address(tmp_path: Path, postgres_server) -> Iterator[str | Path]:
    """Where a test's store lives: a SQLite file in its folder, or a fresh database on the test server."""
    with store_location(postgres_server, tmp_path) as location:
        yield location


@pytest.fixture(autouse=True)
def no_real_keyring():
    """No test may read or write the user's own keyring; the file token store is what tests use."""
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def sample_file():
    """Path to one of the shared real-world SIE files; skips where ../shared is not checked out."""

    def find(relative: str) -> Path:
        path = SAMPLE_FILES / relative
        if not path.exists():
            pytest.skip(f"{path} is missing: ../shared is not beside the checkout")
        return path

    return find


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


@dataclass
class Cli:
    """Runs the installed console script as a user would, isolated from the user's own data and config."""

    data_dir: Path
    extra_env: dict[str, str] = field(default_factory=dict)  # e.g. the Fortnox sandbox's addresses
    store: str | Path | None = None  # the test's store; None: the data directory's own SQLite file

    @property
    def env(self) -> dict[str, str]:
        """Never the user's own config, data or keyring: a test must not touch a real token."""
        env = {
            **os.environ,
            "BOKSLUT_CONFIG": str(self.data_dir / "no-config.toml"),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            **self.extra_env,
        }
        env.pop("BOKSLUT_DATA_DIR", None)
        env.pop("BOKSLUT_DATABASE_URL", None)
        if self.store is not None:
            env["BOKSLUT_DATABASE_URL"] = str(self.store) if "://" in str(self.store) else f"sqlite:///{self.store}"
        (self.data_dir / "no-config.toml").touch()
        return env

    def command(self, *args: str) -> list[str]:
        return [str(Path(sys.executable).with_name("bokslut")), "--data-dir", str(self.data_dir), *args]

    def __call__(self, *args: str, stdin: str | None = None) -> Run:
        completed = subprocess.run(
            self.command(*args), capture_output=True, text=True, input=stdin, env=self.env, timeout=300
        )
        return Run(completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture
def cli(tmp_path: Path, postgres_server) -> Iterator[Cli]:
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)  # as bokslut makes it: an open one is made private and said (test_private_files)
    with store_location(postgres_server, data_dir) as location:
        yield Cli(data_dir, store=location)
