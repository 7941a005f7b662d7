"""End to end: the real command in a real terminal (tmux), driven by keys as a user over SSH would."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from core.analysis import TransactionFilter, TransactionQuery
from core.demo import DemoSpec, write_demo_sie
from core.importer import import_sie
from core.store.db import open_store
from core.store.models import ActivityLog, ClosingEntry, Company, FiscalYear, Voucher

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

DEADLINE_SECONDS = 30


def bokslut_command() -> list[str]:
    """The installed console script, exactly what a user runs."""
    return [str(Path(sys.executable).with_name("bokslut"))]


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

    def wait_for(self, text: str | Callable[[str], bool]) -> str:
        """Poll the pane until `text` shows (or the screen satisfies it); fail with the last screen after the
        deadline."""
        deadline = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < deadline:
            shown = self.screen()
            if text(shown) if callable(text) else text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{shown}")

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.run("send-keys", "-t", "app", *(["-l"] if literal else []), *keys)

    def app_pid(self) -> int:
        return int(self.run("list-panes", "-t", "app", "-F", "#{pane_pid}").stdout.strip())


def _wait_until_gone(pid: int) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        assert time.monotonic() < deadline, f"process {pid} outlived its terminal"
        time.sleep(0.1)


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
    tmux.keys("/")
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


def test_when_the_terminal_goes_away_a_running_import_rolls_back_and_the_app_exits(tmux, data_dir, tmp_path):
    """An SSH connection that drops mid-import: the process ends, and the store holds all or nothing."""
    big = write_demo_sie(DemoSpec(vouchers_per_year=150_000, years=1), tmp_path / "big.se")
    config = tmp_path / "config.toml"
    config.write_text('language = "en"\n', encoding="utf-8")
    command = ["env", f"BOKSLUT_CONFIG={config}", *bokslut_command(), "--data-dir", str(data_dir)]
    tmux.run("new-session", "-d", "-x", "100", "-y", "30", "-s", "app", shlex.join(command))
    tmux.wait_for("Import a SIE file")
    tmux.keys(str(big), literal=True)
    tmux.keys("Enter")
    tmux.wait_for("running")
    pid = tmux.app_pid()
    tmux.run("kill-server")  # the terminal goes away: tmux hangs up on the app
    _wait_until_gone(pid)

    open_store(data_dir / "bokslut.sqlite3")  # the next start of the program
    entry = ActivityLog.get()
    if entry.status == "done":  # it finished before the hang-up arrived: then all of it is in
        assert Voucher.select().count() == big.read_bytes().count(b"#VER ")
    else:
        assert (entry.status, Voucher.select().count()) == ("failed", 0)
        assert entry.message.endswith("interrupted, the process ended before it finished")


def test_the_demo_walk_from_a_new_company_to_an_exported_closing_entry(tmux, data_dir, tmp_path):
    """`make demo` as a newcomer meets it: the demo store, then the app with the built-in sandbox on loopback,
    everything done with keys in one terminal."""
    config = tmp_path / "config.toml"
    config.write_text('language = "en"\n', encoding="utf-8")
    env = ["env", f"BOKSLUT_CONFIG={config}"]
    prepared = subprocess.run([*env, *bokslut_command(), "--data-dir", str(data_dir), "demo"], capture_output=True)
    assert prepared.returncode == 0, prepared.stderr
    command = [*env, *bokslut_command(), "--data-dir", str(data_dir), "--sandbox"]
    tmux.run("new-session", "-d", "-x", "100", "-y", "30", "-s", "app", shlex.join(command))

    tmux.wait_for("n New company")  # the footer: the list has the cursor
    tmux.keys("n")
    tmux.wait_for("Organisation number")
    tmux.keys("Nordljus Konsult AB", literal=True)
    tmux.keys("Enter")  # Enter creates; without a number the form says so and puts the cursor there
    tmux.wait_for("Type the organisation number")
    tmux.keys("556123-4567", literal=True)
    tmux.keys("Enter")
    tmux.wait_for("c Connect")  # the footer: the screen is ready for its keys
    tmux.keys("c")
    tmux.wait_for("Listening on http://127.0.0.1:")
    tmux.keys("C-o")
    # connected: back on the import settings, which follow the import that starts by itself
    shown = tmux.wait_for("Done: Nordljus Konsult AB (556123-4567): imported 3 years from Fortnox")
    assert "connected, 30 days left" in shown
    tmux.keys("Escape")
    tmux.wait_for("no differences")  # the checks of the imported year

    tmux.keys("e")  # closing entries: a depreciation from its template, then export it to series I
    tmux.wait_for("t Template")
    tmux.keys("t")
    tmux.wait_for("Avskrivning inventarier")
    tmux.keys("C-s")  # the first template, depreciation, with the amount computed from the books
    tmux.wait_for("Save")
    tmux.keys("C-s")
    tmux.wait_for("not exported")
    tmux.keys("x")
    tmux.wait_for("c checks, x exports")
    tmux.keys("c")
    tmux.wait_for("The check is clean")
    tmux.keys("x")
    tmux.wait_for("Done:")
    tmux.keys("Escape")
    tmux.wait_for("Fortnox I 1")

    db = open_store(data_dir / "bokslut.sqlite3")
    kinds = [(entry.kind, entry.status) for entry in ActivityLog.select().order_by(ActivityLog.id)]
    assert kinds == [("import", "done")] * 3 + [("connect", "done"), ("import", "done"), ("export", "done")]
    assert Voucher.select().join(FiscalYear).join(Company).where(Company.org_number == "5561234567").count() > 1000
    entry = ClosingEntry.get()
    assert (entry.status, entry.fortnox_series, entry.fortnox_number, entry.template) == ("exported", "I", 1, "depreciation")
    db.close()
    tmux.keys("C-q")
