"""The import's progress bar moves by the bytes the import itself reads (issue 19): the app makes no pass of its own
over the file to count its #TRANS first, and a Fortnox import's three years fill one bar."""

from __future__ import annotations

import builtins
import io
import os
import re
import sys
from pathlib import Path

import pytest
from textual.widgets import ProgressBar

import core.fortnox.importer
import tests.tui.test_fortnox_screens as fortnox_screens
from core import ledger
from core.demo import DemoSpec, write_demo_sie
from core.importer import import_sie
from core.sie.reader import SieReader
from core.store.db import open_store
from tests.fortnox.conftest import NORDLJUS, connect_in_process
from tests.tui.conftest import SIZE
from tests.tui.pilot import press, settle
from tests.tui.test_screens import submit_path
from tui.messages import ImportJobChanged
from tui.screens.companies import CompaniesScreen
from tui.screens.overview import OverviewScreen

sandbox = fortnox_screens.sandbox  # the Fortnox sandbox on loopback, the app pointed at it


@pytest.fixture(scope="module")
def batched_file(tmp_path_factory) -> Path:
    """Rows enough for several of the importer's batches, so the bar has positions between none and all."""
    return write_demo_sie(DemoSpec(years=1, vouchers_per_year=7000), tmp_path_factory.mktemp("sie") / "batched.se")


def openers(monkeypatch, path: Path) -> list[str]:
    """The module of each caller that opens `path`, through open() or Path.open (io.open): the passes over it."""
    target = path.resolve()
    real_open = io.open
    callers: list[str] = []

    def recording_open(file, *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and Path(file).resolve() == target:
            callers.append(sys._getframe(1).f_globals.get("__name__", "?"))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", recording_open)
    monkeypatch.setattr(io, "open", recording_open)
    return callers


def bars_shown(monkeypatch, screen_class) -> list[tuple[str, float | None, float]]:
    """(the import's status, the bar's total, its position) each time a screen of `screen_class` shows an import."""
    original = screen_class.show_import
    shown: list[tuple[str, float | None, float]] = []

    def show_import(screen, job):
        original(screen, job)
        if job is not None:
            bar = screen.query_one("#import-progress", ProgressBar)
            shown.append((job.status, bar.total, bar.progress))

    monkeypatch.setattr(screen_class, "show_import", show_import)
    return shown


def running_bars(shown) -> list[tuple[float, float]]:
    """(total, position) while an import ran with a size known: before the first batch the bar has no total."""
    return [(total, position) for status, total, position in shown if status == "running" and total is not None]


def job_updates(messages) -> list:
    return [message.job for message in messages if isinstance(message, ImportJobChanged)]


async def test_the_app_reads_a_sie_file_only_as_the_import_does_and_its_bar_moves_by_bytes(
    make_app, store, batched_file, tmp_path, monkeypatch
):
    opened = openers(monkeypatch, batched_file)
    shown = bars_shown(monkeypatch, CompaniesScreen)
    app = make_app(store)
    messages = []
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await settle(pilot)
        await submit_path(pilot, batched_file)
        assert app.last_job.status == "done", app.last_job.message
    by_the_app = list(opened)
    opened.clear()
    alone = open_store(tmp_path / "alone.sqlite3")  # after the app's: the store opened last is the one in use
    import_sie(alone, batched_file)  # its own opens: the first 4 KB, the encoding and checksum, then the records
    alone.close()
    assert opened and by_the_app == opened  # nothing else opened the file: no count of its own first

    size = batched_file.stat().st_size
    bars = running_bars(shown)
    assert bars and {total for total, _ in bars} == {size}
    positions = [position for _, position in bars]
    assert positions == sorted(positions) and 0 < positions[0] < size and positions[-1] == size

    transactions = len(re.findall(rb"^#TRANS ", batched_file.read_bytes(), re.MULTILINE))
    updates = job_updates(messages)
    running = [job for job in updates if job.status == "running"]
    assert running[-1].transactions == updates[-1].transactions == transactions  # still counted, only not the bar's


async def test_the_overview_bar_moves_by_the_bytes_of_the_file_imported_again(
    make_app, demo_store, demo_file, monkeypatch
):
    shown = bars_shown(monkeypatch, OverviewScreen)
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "i")
        await submit_path(pilot, demo_file)
        assert isinstance(app.screen, OverviewScreen)
        assert app.last_job.status == "done"
    size = demo_file.stat().st_size
    bars = running_bars(shown)
    assert bars and {total for total, _ in bars} == {size} and bars[-1][1] == size


async def test_a_fortnox_import_fills_one_bar_across_its_three_years(make_app, store, sandbox, monkeypatch):
    sizes: list[int] = []

    def recorded_reader(*args, **kwargs) -> SieReader:
        reader = SieReader(*args, **kwargs)
        sizes.append(reader.size)
        return reader

    monkeypatch.setattr(core.fortnox.importer, "SieReader", recorded_reader)
    company = ledger.add_company(store, "Nordljus Konsult AB", NORDLJUS)
    app = make_app(store)
    await connect_in_process(app.settings, company)
    shown = bars_shown(monkeypatch, CompaniesScreen)
    messages = []
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await settle(pilot)
        app.start_fortnox_import(company.id, company.org_number)
        await settle(pilot)
        assert app.last_job.status == "done", app.last_job.message
    assert len(sizes) == 3
    whole = sum(sizes)
    # The later years download while the first is stored, so until they arrive the bar's span is a guess (the mean
    # size of the years in hand); it is right by the last year, and the bar never moves back when a guess is fixed.
    storing = [job for job in job_updates(messages) if job.status == "running" and job.total_bytes]
    assert storing and (storing[-1].total_bytes, storing[-1].bytes_read) == (whole, whole)
    fractions = [job.bytes_read / job.total_bytes for job in storing]
    assert fractions == sorted(fractions)
    first_done, second_done = sizes[0] / whole, (sizes[0] + sizes[1]) / whole  # the years are of about one size
    assert any(abs(f - first_done) < 0.05 for f in fractions) and any(abs(f - second_done) < 0.05 for f in fractions)
    bars = running_bars(shown)
    assert bars and bars[-1] == (whole, whole)
    assert [position / total for total, position in bars] == sorted(position / total for total, position in bars)
