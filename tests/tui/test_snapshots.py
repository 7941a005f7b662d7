"""SVG snapshots of the main screens at 80×24 and 120×40, over the demo company as `make demo` imports it.

The pictures must not depend on when or where they were taken: the store is built once per module from
the deterministic demo generator, every stored timestamp is then set to a fixed value with SQL, times are
shown in UTC, animations are off and no input cursor blinks.

    .venv/bin/python -m pytest tests/tui/test_snapshots.py --snapshot-update   # accept new pictures
    .venv/bin/python -m pytest tests/tui/test_snapshots.py --snapshot-report report.html

The 120×40 pictures are also the screenshots of docs/USER_GUIDE.md (docs/screens/*.svg): copy them there
when a screen changes.
"""

from __future__ import annotations

import os
import time

import pytest
from textual.widgets import Input

from core.config import Settings
from core.demo import DemoSpec, write_demo_sie
from core.importer import import_sie
from core.store.db import open_store
from tests.tui.pilot import settle
from tui.app import BokslutApp
from tui.i18n import set_language
from tui.preferences import Preferences

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]

# Every import gets its own fixed minute, in the order they ran (ids ascend with time).
FIXED_TIMES = """
UPDATE activity_log SET started = printf('2026-01-15 09:%02d:00', id), finished = printf('2026-01-15 09:%02d:02', id);
UPDATE import_batch SET started = printf('2026-01-15 09:%02d:00', id), finished = printf('2026-01-15 09:%02d:02', id);
UPDATE company SET created = '2026-01-15 09:00:00';
UPDATE activity_log SET process = '';
"""


@pytest.fixture(scope="module", autouse=True)
def utc_clock():
    """`format_time` shows the reader's local time; the pictures are taken in UTC wherever the tests run."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture(scope="module")
def snapshot_store(tmp_path_factory):
    """The demo company with its three years, imported one file per year as `bokslut demo` does."""
    data_dir = tmp_path_factory.mktemp("snapshot-data")
    spec = DemoSpec()
    db = open_store(data_dir / "bokslut.sqlite3")
    for year_index in range(-(spec.years - 1), 1):
        import_sie(db, write_demo_sie(spec, data_dir / f"demo-year{year_index}.se", year_index=year_index))
    db.connect(reuse_if_open=True)
    with db.atomic():
        for statement in filter(str.strip, FIXED_TIMES.split(";")):
            db.execute_sql(statement)
    db.close()
    yield db, data_dir
    db.close()


@pytest.fixture
def snapshot_app(snapshot_store):
    """A fresh app over the shared store (the screens only read it), English unless asked otherwise."""
    db, data_dir = snapshot_store

    def make(language: str = "en") -> BokslutApp:
        app = BokslutApp(db, Settings(data_dir=data_dir, config_file=None), Preferences(language, {}))
        app.animation_level = "none"  # also when TEXTUAL_ANIMATIONS is set in the shell running the tests
        return app

    yield make
    set_language("en")


def steps(*keys: str | tuple[str, ...]):
    """A run_before script: each key (or tuple of keys) is pressed, then every worker is waited for."""

    async def run(pilot) -> None:
        await settle(pilot)
        for group in keys:
            await pilot.press(*((group,) if isinstance(group, str) else group))
            await settle(pilot)
        for field in (field for screen in pilot.app.screen_stack for field in screen.query(Input)):
            field.cursor_blink = False  # a blinking cursor would be on or off by chance
        await pilot.pause()

    return run


def typed(text: str) -> tuple[str, ...]:
    """The keys that type `text` into the focused field, as one group for `steps`."""
    return tuple("space" if char == " " else char for char in text)


@pytest.mark.parametrize("size", SIZES)
def test_companies(snap_compare, snapshot_app, size):
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=steps())


@pytest.mark.parametrize("size", SIZES)
def test_import_overview(snap_compare, snapshot_app, size):
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=steps("enter"))


@pytest.mark.parametrize("size", SIZES)
def test_trial_balance(snap_compare, snapshot_app, size):
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=steps("enter", "b"))


@pytest.mark.parametrize("size", SIZES)
def test_transactions(snap_compare, snapshot_app, size):
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=steps("enter", "t"))


@pytest.mark.parametrize("size", SIZES)
def test_transactions_filtered(snap_compare, snapshot_app, size):
    run = steps("enter", "t", "f", typed("account:3000..3999 period:2025-03"), "enter")
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_transactions_filter_error(snap_compare, snapshot_app, size):
    """A filter that cannot be read is explained under the table, and the field keeps it to be fixed."""
    run = steps("enter", "t", "slash", typed("account:1930 period:2025-13"), "enter")
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_account_analysis(snap_compare, snapshot_app, size):
    run = steps("enter", "t", "f", typed("account:1930"), "enter", "enter")
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_voucher(snap_compare, snapshot_app, size):
    run = steps("enter", "t", "f", typed("account:1930"), "enter", "enter", "enter")
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_system_tasks(snap_compare, snapshot_app, size):
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=steps("f3"))


@pytest.mark.parametrize("size", SIZES)
def test_help_on_the_import_overview(snap_compare, snapshot_app, size):
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=steps("enter", "f1"))


@pytest.mark.parametrize("size", SIZES)
def test_help_on_the_transaction_analysis(snap_compare, snapshot_app, size):
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=steps("enter", "t", "f1"))


@pytest.mark.parametrize("size", SIZES)
def test_activity_panel_hidden(snap_compare, snapshot_app, size):
    """The panel is shown from the start (every picture above has it); F2 hides it and the screen grows."""
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=steps("enter", "f2"))


@pytest.mark.parametrize("size", SIZES)
def test_swedish_import_overview(snap_compare, snapshot_app, size):
    assert snap_compare(snapshot_app("sv"), terminal_size=size, run_before=steps("enter"))
