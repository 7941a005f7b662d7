"""End to end: the real command in a real terminal (tmux), driven by keys as a user over SSH would."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from core.analysis import TransactionFilter, TransactionQuery
from core.importer import import_sie
from core.store.db import open_store

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

DEADLINE_SECONDS = 30


def bokslut_command() -> list[str]:
    """The installed `bokslut` once its console script runs tui.launch; until then the same code via -m."""
    script = Path(sys.executable).with_name("bokslut")
    entry = next((entry for entry in entry_points(group="console_scripts") if entry.name == "bokslut"), None)
    if script.exists() and entry is not None and entry.value == "tui.launch:main":
        return [str(script)]
    return [sys.executable, "-m", "tui.launch"]


class Tmux:
    """One tmux server of our own (-L), so the user's sessions are never touched."""

    def __init__(self) -> None:
        self.socket = f"bokslut-test-{uuid.uuid4().hex[:12]}"

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=check, timeout=10
        )

    def screen(self) -> str:
        return self.run("capture-pane", "-t", "app", "-p").stdout

    def wait_for(self, text: str) -> str:
        """Poll the pane until `text` shows; fail with the last screen after the deadline."""
        deadline = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{shown}")

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.run("send-keys", "-t", "app", *(["-l"] if literal else []), *keys)


@pytest.fixture
def tmux():
    session = Tmux()
    yield session
    session.run("kill-server", check=False)
    # A server that ends by itself (the app quit, so its last session closed) can leave its socket file.
    (Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}" / session.socket).unlink(missing_ok=True)


def test_browse_the_books_in_a_real_terminal(tmux, data_dir, demo_file, tmp_path):
    db = open_store(data_dir / "bokslut.sqlite3")
    result = import_sie(db, demo_file)
    rows = TransactionQuery(db, result.fiscal_year_id).count()
    bank_rows = TransactionQuery(db, result.fiscal_year_id, TransactionFilter(accounts=("1930", "1930"))).count()
    db.close()
    config = tmp_path / "config.toml"
    config.write_text('language = "en"\n', encoding="utf-8")
    command = ["env", f"BOKSLUT_CONFIG={config}", *bokslut_command(), "--data-dir", str(data_dir)]
    tmux.run("new-session", "-d", "-x", "100", "-y", "30", "-s", "app", shlex.join(command))

    tmux.wait_for("Nordljus Konsult AB")
    tmux.keys("Enter")
    tmux.wait_for("Import overview: Nordljus Konsult AB")
    tmux.keys("t")
    tmux.wait_for(f"Row 1 of {rows:,}")
    tmux.keys("End")
    tmux.wait_for(f"Row {rows:,} of {rows:,}")
    tmux.keys("f")
    tmux.keys("account:1930", literal=True)
    tmux.keys("Enter")
    tmux.wait_for(f"Row 1 of {bank_rows:,}")
    tmux.keys("F3")
    tmux.wait_for("System tasks")
    tmux.keys("C-q")
    deadline = time.monotonic() + DEADLINE_SECONDS
    while tmux.run("has-session", "-t", "app", check=False).returncode == 0:
        assert time.monotonic() < deadline, "the app did not quit on ctrl+q"
        time.sleep(0.1)
