"""The activity log in the reader's language: each keyed entry reads in English exactly as stored (what `bokslut
activity` prints), in Swedish without an English sentence; entries without a key show their stored English."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Callable

import pytest
from textual.widgets import Static

from core import ledger
from core.activity import close_interrupted, list_activity
from core.closing.entries import create_entry
from core.demo import DemoSpec, write_demo_sie
from core.export.sie import export_closing_sie
from core.importer import SourceFile, import_sie, import_sources
from core.sie.reader import SieReader
from core.store.db import open_store
from core.store.models import ActivityLog, utc_now
from tests.export.conftest import draft, nordljus  # noqa: F401 (the fixture: Nordljus connected and imported)
from tests.export.conftest import connected, fortnox_cli, sandbox  # noqa: F401 (the fixtures nordljus needs)
from tests.fortnox.conftest import NORDLJUS
from tests.tui.pilot import settle
from tests.tui.test_screens import submit_path
from tui.i18n import activity_message, set_language

# Words of core's English summaries and connection lines; none may reach a Swedish reader.
ENGLISH = (
    "imported", "replaced", "vouchers", "transactions", "balances", "checks:", "all ok", "requests", "Steps",
    "fetch ", "renew", "import into", "Export to", "sent", "found after", "skipped", "failed", "Fortnox series",
    "connected", "disconnected", "wrote", "closing entr", "cannot", "expected", "line ", "interrupted", "process ended",
)  # fmt: skip


@pytest.fixture
def in_both():
    """What an entry says in English, then in Swedish."""

    def said(entry) -> tuple[str, str]:
        set_language("en")
        english = activity_message(entry)
        set_language("sv")
        try:
            return english, activity_message(entry)
        finally:
            set_language("en")

    return said


def assert_reads_in_both(
    entry, in_both, *, checked: Callable[[str], str] | None = None, as_stored: bool = True
) -> str:
    """English as stored (unless the app says what to do with its own keys where the CLI names its commands),
    Swedish different and free of English words; `checked` is the part to hold to that."""
    english, swedish = in_both(entry)
    assert entry.message_key is not None
    assert english == entry.message if as_stored else english.split(";")[0] == entry.message.split(";")[0]
    assert swedish != entry.message
    shown = swedish if checked is None else checked(swedish)
    assert [word for word in ENGLISH if word in shown] == [], shown
    return swedish


async def test_fortnox_connect_import_export_and_disconnect_read_in_both_languages(nordljus, in_both):  # noqa: F811
    nordljus.add(draft("Skatt på årets resultat", ("8910", "51234.00"), ("2512", "-51234.00")))
    exported = nordljus.export("--yes")
    assert exported.returncode == 0, exported.stderr
    assert nordljus.cli("disconnect", "--company", NORDLJUS).returncode == 0
    assert nordljus.export("--yes").returncode != 0  # no longer connected
    printed = nordljus.cli("activity", "--json").json()  # what the CLI says, unchanged

    entries = {entry.message_key: entry for entry in list_activity(nordljus.db)}
    assert entries.keys() == {"connect", "import_fortnox", "export_fortnox", "disconnect", "failed"}
    assert {item["message"] for item in printed} == {entry.message for entry in entries.values()}
    assert assert_reads_in_both(entries["connect"], in_both) == "ansluten till Fortnox: Nordljus Konsult AB (556123-4567)"
    assert assert_reads_in_both(entries["disconnect"], in_both) == "frånkopplad från Fortnox"
    imported = assert_reads_in_both(entries["import_fortnox"], in_both)
    assert imported.startswith("Fortnox: Nordljus Konsult AB (556123-4567): importerade ") and ". Steg: " in imported
    export = assert_reads_in_both(entries["export_fortnox"], in_both, checked=lambda text: text.split("\n")[0])
    first, *lines = export.split("\n")
    assert first == (
        "Export till Fortnox-serie I: 1 skickad, 0 hittade efter ett förlorat svar, 0 överhoppade, 0 misslyckade."
    )
    assert lines == entries["export_fortnox"].message.split("\n")[1:]  # each entry's own line stays core's English
    failed = assert_reads_in_both(entries["failed"], in_both, as_stored=False)  # "connect it: s …" in the app
    assert failed.startswith("Fortnox-serie I: ") and entries["failed"].message_params["error_key"], failed


def test_sie_imports_and_a_sie_export_read_in_both_languages(store, tmp_path, in_both):
    spec = DemoSpec(vouchers_per_year=40, years=2)
    paths = [write_demo_sie(spec, tmp_path / name, index) for index, name in ((-1, "a.se"), (0, "b.se"))]
    import_sources(store, [SourceFile(SieReader(path), path.name) for path in paths], subject="two years")
    result = import_sie(store, paths[1])  # again: the year is replaced
    company = ledger.resolve_company(store, result.org_number)
    year = ledger.resolve_fiscal_year(store, company, result.year_end.year)
    tax = draft("Skatt på årets resultat", ("8910", "51234.00"), ("2512", "-51234.00"))
    create_entry(store, company, year, tax)
    export_closing_sie(store, company, year, tmp_path / "closing.si")

    two_years, replaced, written = sorted(list_activity(store, company_id=company.id), key=lambda entry: entry.id)
    both = assert_reads_in_both(two_years, in_both)
    assert both.count("importerade ") == 2 and both.startswith("a.se: ") and "; b.se: " in both
    assert ": ersatte året med " in assert_reads_in_both(replaced, in_both)
    assert replaced.message_params["years"][0]["start"] == result.year_start.isoformat()  # plain JSON: ISO dates
    assert assert_reads_in_both(written, in_both, checked=lambda text: text.replace(str(tmp_path), "")).startswith(
        "closing.si: skrev 1 bokslutspost ("
    )


def test_why_a_sie_export_skipped_an_entry_reads_in_both_languages(store, tmp_path, in_both):
    """Chosen again after it went out, an entry is skipped; the Swedish reader is told why in Swedish."""
    path = write_demo_sie(DemoSpec(vouchers_per_year=20, years=1), tmp_path / "a.se", 0)
    result = import_sie(store, path)
    company = ledger.resolve_company(store, result.org_number)
    year = ledger.resolve_fiscal_year(store, company, result.year_end.year)
    first = create_entry(store, company, year, draft("Skatt", ("8910", "100.00"), ("2512", "-100.00")))
    second = create_entry(store, company, year, draft("Revision", ("6420", "50.00"), ("2990", "-50.00")))
    export_closing_sie(store, company, year, tmp_path / "first.si", entry_ids=[first.id])
    export_closing_sie(store, company, year, tmp_path / "second.si", entry_ids=[first.id, second.id])

    again = max(list_activity(store, company_id=company.id), key=lambda entry: entry.id)
    english, swedish = in_both(again)
    assert english == again.message
    assert f"entry {first.id} was already exported to {tmp_path / 'first.si'}" in english
    assert f"post {first.id} är redan exporterad till {tmp_path / 'first.si'}" in swedish
    shown = swedish.replace(str(tmp_path), "")
    assert [word for word in ENGLISH + ("was already",) if word in shown] == [], shown


def test_an_entry_from_before_migration_6_shows_its_english(tmp_path, monkeypatch, in_both):
    import core.store.migrations as migrations

    path = tmp_path / "store.sqlite3"
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:5])
        patch.setattr(migrations, "LATEST_VERSION", 5)
        old = open_store(path)
        old.execute_sql(
            "INSERT INTO activity_log (kind, status, started, finished, counts, message, process) VALUES ('import', "
            "'done', '2025-01-01', '2025-01-01', '{}', 'a.se: A AB (556000-0008) 2025-01-01..2025-12-31: imported 1 "
            "vouchers, 2 transactions, 0 balances; checks: all ok', 'h:1')"
        )
        old.close()
    store = open_store(path)
    [entry] = list_activity(store)
    store.close()
    assert (entry.message_key, entry.message_params) == (None, {})
    assert in_both(entry) == (entry.message, entry.message)


def test_a_failed_import_shows_the_keyed_sie_error_in_swedish(store, tmp_path, in_both):
    broken = tmp_path / "broken.se"
    broken.write_text('#FLAGGA 0\n#SIETYP 4\n#RAR 0 20250101 20251231\n#VER A 1 20250131 "x"\n}\n', encoding="cp437")
    with pytest.raises(Exception):
        import_sie(store, broken)
    [entry] = list_activity(store)
    assert entry.status == "failed" and entry.message_params["error_key"] == "sie_file"
    swedish = assert_reads_in_both(entry, in_both, checked=lambda text: text.replace(str(tmp_path), ""))
    assert swedish.startswith(f"broken.se: {broken}, rad 5: ")


def test_work_cut_short_by_a_killed_process_reads_in_both_languages(store, in_both):
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    process = f"{socket.gethostname()}:{ended.stdout.strip()}"
    ActivityLog.create(kind="import", status="running", started=utc_now(), message="a.se", process=process)
    assert close_interrupted() == 1
    [entry] = list_activity(store)
    assert assert_reads_in_both(entry, in_both) == "a.se: avbruten, processen slutade innan arbetet var klart"


async def test_a_swedish_user_imports_a_sie_file_and_the_activity_panel_says_it_in_swedish(make_app, store, demo_file):
    app = make_app(store, language="sv")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await submit_path(pilot, demo_file)
        panel = str(app.screen.query_one("#activity", Static).content)
        assert "demo.se: Nordljus Konsult AB (556123-4567) " in panel
        assert ": importerade " in panel and "imported" not in panel
