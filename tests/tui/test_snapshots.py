"""SVG snapshots of the main screens at 80×24 and 120×40, over the demo company as `make demo` imports it.

The pictures must not depend on when or where they were taken: the store is built once per module from
the deterministic demo generator, every stored timestamp is then set to a fixed value with SQL, times are
shown in UTC, animations are off and no input cursor blinks.

    .venv/bin/python -m pytest tests/tui/test_snapshots.py --snapshot-update   # accept new pictures
    .venv/bin/python -m pytest tests/tui/test_snapshots.py --snapshot-report report.html

The 120×40 pictures are also the screenshots of docs/USER_GUIDE.md (docs/screens/*.svg): copy them there
when a screen changes. The import settings and connect screens are pictured at 80×24 (import-settings.svg,
connect.svg): the size of a terminal opened over SSH, and so are the closing entries, their editor and the series
dialog (closing.svg, closing-editor.svg, series.svg). The checks (checks.svg), a new year (new-year.svg) and the
form for a check of one's own (new-check.svg) are the 120×40 pictures.
"""

from __future__ import annotations

import asyncio

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
    run = steps("enter", "t", "slash", typed("account:3000..3999 period:2025-03"), "enter")
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_transactions_filter_error(snap_compare, snapshot_app, size):
    """A filter that cannot be read is explained under the table, and the field keeps it to be fixed."""
    run = steps("enter", "t", "slash", typed("account:1930 period:2025-13"), "enter")
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_account_analysis(snap_compare, snapshot_app, size):
    run = steps("enter", "t", "slash", typed("account:1930"), "enter", "enter")
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_voucher(snap_compare, snapshot_app, size):
    run = steps("enter", "t", "slash", typed("account:1930"), "enter", "enter", "enter")
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


FIXED_STATE = "fixed-state-for-the-picture"


@pytest.fixture
def fortnox_snapshot_app(tmp_path, monkeypatch):
    """A Fortnox company connected two days ago (28 days left), its token in a file shown as ~/…, and the connect
    address with a fixed `state` (a real one is random), so the settings and connect screens draw the same each time.

    The screen names the default redirect port, 8765, as a user's bokslut does, but the listener binds a free port
    underneath: a fixed port in use by anything else on the machine would make the picture fail by chance."""
    import datetime as dt

    import core.activity
    import core.fortnox.connection
    import core.fortnox.listener
    from core import ledger
    from core.fortnox.oauth import AuthorizationRequest, authorization_request
    from core.fortnox.tokens import FileTokenStore, StoredToken, TOKEN_FILE_NAME, token_key

    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    monkeypatch.setenv("HOME", str(data_dir))
    for name, value in {
        "BOKSLUT_TOKEN_STORE": "file",
        "BOKSLUT_FORTNOX_CLIENT_ID": "bokslut-demo",
        "BOKSLUT_FORTNOX_CLIENT_SECRET": "not-a-secret",
        "BOKSLUT_FORTNOX_REDIRECT_URI": "http://localhost:8765/callback",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("BOKSLUT_FORTNOX_AUTH_URL", "BOKSLUT_FORTNOX_API_URL", "BOKSLUT_TOKEN_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)

    def fixed_request(fortnox, **options) -> AuthorizationRequest:
        request = authorization_request(fortnox, **options)
        return AuthorizationRequest(request.url.replace(request.state, FIXED_STATE), FIXED_STATE, request.redirect_uri)

    monkeypatch.setattr(core.fortnox.connection, "authorization_request", fixed_request)
    start_server = asyncio.start_server
    monkeypatch.setattr(
        core.fortnox.listener.asyncio,
        "start_server",
        lambda handler, host, port, **options: start_server(handler, host, 0, **options),
    )
    monkeypatch.setattr(core.activity, "utc_now", lambda: dt.datetime(2026, 1, 15, 9, 30))  # the connect's entry
    db = open_store(data_dir / "bokslut.sqlite3")
    ledger.add_company(db, "Nordljus Konsult AB", "556123-4567", "fortnox")
    obtained = dt.datetime.now(dt.UTC) - dt.timedelta(days=2, hours=1)
    FileTokenStore(data_dir / TOKEN_FILE_NAME).save(token_key("5561234567"), StoredToken("not-a-token", obtained, ""))
    db.close()

    def make(language: str = "en") -> BokslutApp:
        app = BokslutApp(db, Settings(data_dir=data_dir, config_file=None), Preferences(language, {}))
        app.animation_level = "none"
        return app

    yield make
    db.close()
    set_language("en")


@pytest.mark.parametrize("size", SIZES)
def test_import_settings(snap_compare, fortnox_snapshot_app, size):
    """Fortnox is the source, connected with 28 days left, the token in a private file."""
    assert snap_compare(fortnox_snapshot_app(), terminal_size=size, run_before=steps("enter", "s"))


@pytest.mark.parametrize("size", SIZES)
def test_connect(snap_compare, fortnox_snapshot_app, size):
    """The address in full, the listener, what happens next and the paste field, waiting for the browser."""
    from tests.tui.pilot import until

    async def run(pilot) -> None:
        await steps("enter", "s")(pilot)
        await pilot.press("c")
        await until(pilot, pilot.app.screen.waiting)
        pilot.app.screen.query_one(Input).cursor_blink = False
        await pilot.pause()

    assert snap_compare(fortnox_snapshot_app(), terminal_size=size, run_before=run)


@pytest.fixture(scope="module")
def closing_snapshot_store(tmp_path_factory):
    """One demo year with three closing entries, one of each status an export leaves (fixed, as a picture needs)."""
    from decimal import Decimal

    from core import ledger
    from core.closing.entries import EntryDraft, RowDraft, create_entry

    data_dir = tmp_path_factory.mktemp("closing-snapshot-data")
    db = open_store(data_dir / "bokslut.sqlite3")
    import_sie(db, write_demo_sie(DemoSpec(years=1), data_dir / "demo.se"))
    db.connect(reuse_if_open=True)
    company = ledger.resolve_company(db)
    year = ledger.resolve_fiscal_year(db, company)

    def add(text: str, debit: str, credit: str, amount: str) -> int:
        rows = (RowDraft(debit, Decimal(amount), Decimal(0)), RowDraft(credit, Decimal(0), Decimal(amount)))
        return create_entry(db, company, year, EntryDraft(None, text, rows)).id

    exported = add("Avskrivning inventarier", "7832", "1229", "12000.00")
    failed = add("Upplupen hyra december", "5010", "2990", "18500.00")
    add("Förutbetald försäkring", "1790", "6310", "4200.00")
    with db.atomic():
        for statement in filter(str.strip, FIXED_TIMES.split(";")):
            db.execute_sql(statement)
        db.execute_sql(
            "UPDATE closing_entry SET status = 'exported', exported_to = 'fortnox', fortnox_series = 'I', "
            f"fortnox_number = 1 WHERE id = {exported}"
        )
        db.execute_sql(
            "UPDATE closing_entry SET status = 'failed', failure = 'Fortnox refused the voucher: account 2990 "
            f"is not active' WHERE id = {failed}"
        )
        db.execute_sql("UPDATE company SET source = 'fortnox'")
    db.close()
    yield db, data_dir
    db.close()


@pytest.fixture
def closing_snapshot_app(closing_snapshot_store, monkeypatch):
    """The voucher series as the sandbox's Nordljus has them in 2025, without a connection: the dialog's picture
    is of the dialog, not of Fortnox (tests/tui/test_closing_screens.py drives it against the sandbox)."""
    import tui.screens.series
    from core.export.fortnox import SeriesChoice

    async def series(*_args) -> list[SeriesChoice]:
        described = [("A", "Redovisning", True), ("B", "Kundfakturor", False), ("C", "Kundinbetalningar", False),
                     ("I", "Bokslut", True), ("M", "Manuella", True)]  # fmt: skip
        return [SeriesChoice(code, text, manual, code == "I") for code, text, manual in described]

    monkeypatch.setattr(tui.screens.series, "voucher_series", series)
    db, data_dir = closing_snapshot_store
    app = BokslutApp(db, Settings(data_dir=data_dir, config_file=None), Preferences("en", {}))
    app.animation_level = "none"
    yield app
    set_language("en")


@pytest.mark.parametrize("size", SIZES)
def test_closing_entries(snap_compare, closing_snapshot_app, size):
    """Each status: exported with its Fortnox number, failed with the reason (in full under the list, as the failed
    entry is highlighted), not exported."""
    assert snap_compare(closing_snapshot_app, terminal_size=size, run_before=steps("enter", "e", "down"))


@pytest.mark.parametrize("size", SIZES)
def test_closing_entry_editor(snap_compare, closing_snapshot_app, size):
    """An entry with a row added and an account typed by name: the lookup, the balance off by the new row's
    amount, and the problems at their fields."""
    run = steps("enter", "e", "down", "enter", "ctrl+n", typed("kontorsmat"), "tab", typed("100"))
    assert snap_compare(closing_snapshot_app, terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_series_dialog(snap_compare, closing_snapshot_app, size):
    """Only manual series can be chosen; I is preselected."""
    assert snap_compare(closing_snapshot_app, terminal_size=size, run_before=steps("enter", "e", "x"))


@pytest.fixture
def checks_snapshot_app(snapshot_store, tmp_path):
    """Running the checks writes their results: into a copy of the shared store, which the other pictures read."""
    import shutil

    db, data_dir = snapshot_store
    db.close()
    shutil.copy(data_dir / "bokslut.sqlite3", tmp_path / "bokslut.sqlite3")
    copy = open_store(tmp_path / "bokslut.sqlite3")
    app = BokslutApp(copy, Settings(data_dir=tmp_path, config_file=None), Preferences("en", {}))
    app.animation_level = "none"
    yield app
    copy.close()
    set_language("en")


def test_checks_screen(snap_compare, checks_snapshot_app):
    """The results of the latest year after r, at the size of a terminal opened over SSH."""
    assert snap_compare(checks_snapshot_app, terminal_size=(80, 24), run_before=steps("enter", "k", "r"))


def test_checks_screen_large(snap_compare, checks_snapshot_app):
    """The same results at 120×40, where the names and the detail line have room."""
    assert snap_compare(checks_snapshot_app, terminal_size=(120, 40), run_before=steps("enter", "k", "r"))


@pytest.mark.parametrize("size", SIZES)
def test_new_year(snap_compare, snapshot_app, size):
    """From the import settings: the three demo years, the next one expected, the source switch, what Enter does."""
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=steps("enter", "s", "y"))


@pytest.mark.parametrize("size", SIZES)
def test_new_check(snap_compare, snapshot_app, size):
    """The form for a check of one's own, saved too early: each problem under its field."""
    run = steps("enter", "k", "c", "a", typed("Stora belopp"), "ctrl+s")
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=run)
