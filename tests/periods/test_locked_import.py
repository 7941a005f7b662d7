"""A re-import that would change vouchers in locked periods: refused (the store exactly as before) unless the user
confirms it, on the command line and on the path the Fortnox import takes (core.importer.import_sources)."""

from __future__ import annotations

import re

import pytest

from core.demo import write_demo_sie
from core.errors import BokslutError
from core.importer import SourceFile, import_sources
from core.periods import LockedPeriodsChanged, lock_period, locked_spans, unlock_period
from core.sie.reader import SieReader
from core.store.db import open_store
from core.store.models import FiscalYear
from tests.closing import DEMO

YEAR = ("--company", DEMO.org_number, "--year", "2025")


def changed_voucher_texts(data: bytes, months: list[str]) -> tuple[bytes, list[bytes]]:
    """The file with the first voucher of each month (YYYYMM) given a new text, and the keys changed."""
    keys = []
    for month in months:
        match = re.search(rb'^#VER (\S+) (\S+) ' + month.encode() + rb'\d\d "([^"]*)"', data, re.MULTILINE)
        assert match is not None, month
        keys.append(match[1] + b" " + match[2])
        data = data[: match.end(3)] + b" (changed)" + data[match.end(3):]
    return data, keys


def store_dump(address) -> dict[str, list[tuple]]:
    """Every table's rows, sorted; the activity log apart (it records attempts outside the import on purpose)."""
    db = open_store(address)
    try:
        return {
            table: sorted(map(repr, db.execute_sql(f"SELECT * FROM {table}").fetchall()))
            for table in sorted(db.get_tables())
            if table != "activity_log"
        }
    finally:
        db.close()


@pytest.fixture
def locked_books(cli, tmp_path):
    """The demo company imported, January and February locked, and a new export of the same year in which one
    voucher of January, one of February and one of March (open) differ."""
    original = write_demo_sie(DEMO, tmp_path / "demo.se")
    assert cli("import-sie", str(original)).returncode == 0
    for month in ("2025-01", "2025-02"):
        locked = cli("period", "lock", month, *YEAR)
        assert locked.returncode == 0, locked.stderr
    changed, keys = changed_voucher_texts(original.read_bytes(), ["202501", "202502", "202503"])
    path = tmp_path / "demo-again.se"
    path.write_bytes(changed)
    return cli, path, keys


def test_a_reimport_changing_locked_periods_is_refused_and_changes_nothing(locked_books):
    cli, path, _ = locked_books
    before = store_dump(cli.store)

    run = cli("import-sie", str(path))

    assert run.returncode != 0
    assert "2 vouchers in locked periods" in run.stderr and "2025-01 (1), 2025-02 (1)" in run.stderr, run.stderr
    assert "--allow-locked" in run.stderr
    assert store_dump(cli.store) == before
    db = open_store(cli.store)
    (status,) = db.execute_sql("SELECT status FROM activity_log ORDER BY id DESC LIMIT 1").fetchone()
    db.close()
    assert status == "failed"


def test_confirmed_the_reimport_replaces_the_vouchers_and_says_so(locked_books):
    cli, path, keys = locked_books

    run = cli("import-sie", str(path), "--allow-locked", "--json")

    assert run.returncode == 0, run.stderr
    assert any("as confirmed, 2 vouchers in locked periods were replaced: 2025-01 (1), 2025-02 (1)" in warning
               for warning in run.json()["warnings"])
    db = open_store(cli.store)
    texts = {
        f"{series} {number}": text
        for series, number, text in db.execute_sql("SELECT series, number, text FROM voucher").fetchall()
    }
    db.close()
    assert all(texts[key.decode()].endswith(" (changed)") for key in keys)


def test_the_same_file_again_is_no_change_and_imports(locked_books, tmp_path):
    cli, _, _ = locked_books
    run = cli("import-sie", str(tmp_path / "demo.se"))
    assert run.returncode == 0, run.stderr


def test_the_fortnox_path_is_refused_the_same_way_with_key_and_params(locked_books, tmp_path):
    cli, path, _ = locked_books
    db = open_store(cli.store)
    try:
        with pytest.raises(LockedPeriodsChanged) as refused:
            import_sources(db, [SourceFile(SieReader(path), path.name)], subject="Fortnox", source="fortnox")
        assert refused.value.key == "import_changes_locked_periods"
        assert refused.value.params["vouchers"] == 2
        assert refused.value.params["periods"] == [
            {"period": "2025-01", "vouchers": 1}, {"period": "2025-02", "vouchers": 1}
        ]
        [result] = import_sources(
            db, [SourceFile(SieReader(path), path.name)], subject="Fortnox", source="fortnox",
            confirm_locked_changes=True,
        )
        assert result.replaced
    finally:
        db.close()


def test_the_last_day_is_the_last_months_until_it_is_locked(cli, tmp_path):
    """locked_spans places the year's last day as period_of does (core/periods.py module note)."""
    assert cli("import-sie", str(write_demo_sie(DEMO, tmp_path / "demo.se"))).returncode == 0
    db = open_store(cli.store)
    try:
        year = FiscalYear.get(FiscalYear.end == DEMO.last_year_end)
        for month in range(1, 12):
            lock_period(db, year, f"2025-{month:02d}")
        assert locked_spans(year)[-1][0] == "2025-11"
        lock_period(db, year, "2025-12")
        assert [span[1:] for span in locked_spans(year)[-1:]] == [(year.end.replace(day=1), year.end.replace(day=30))]
        lock_period(db, year, "year-end")
        assert locked_spans(year)[-1] == ("year-end", year.end, year.end)
        unlock_period(db, year, "2025-12")  # the last day goes back to December, which is open now
        assert [span[0] for span in locked_spans(year)][-1] == "2025-11"
        with pytest.raises(BokslutError):
            unlock_period(db, year, "2025-11")  # one period open at a time
    finally:
        db.close()
