"""Shared fixtures: the real `bokslut` command in a throw-away data directory, and the sample files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SAMPLE_FILES = SHARED / "sie" / "files"


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

    def __call__(self, *args: str, stdin: str | None = None) -> Run:
        script = Path(sys.executable).with_name("bokslut")
        env = {**os.environ, "BOKSLUT_CONFIG": str(self.data_dir / "no-config.toml")}
        env.pop("BOKSLUT_DATA_DIR", None)
        (self.data_dir / "no-config.toml").touch()
        completed = subprocess.run(
            [str(script), "--data-dir", str(self.data_dir), *args],
            capture_output=True,
            text=True,
            input=stdin,
            env=env,
            timeout=300,
        )
        return Run(completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    return Cli(data_dir)
