import hashlib
import datetime as dt
import json
import os
import subprocess
import sys
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest

from core.activity import list_activity
from core.importer import (
    ArrivingFiles, ImportAbandoned, ImportProgress, OrgNumberMismatch, SourceFile, VouchersOnlyFile, import_sie,
    import_source,
    import_sources,
)
from core.store.db import open_store
from core.sie.errors import SieError
from core.store.models import ActivityLog, Balance, Company, FiscalYear, ImportBatch, Voucher, VoucherRow
from tests.store.conftest import dump
from tests.store.sources import END, ORG, START, FakeSource, balance, consistent_year, generated_vouchers, generated_year, make_header, voucher

REPO = Path(__file__).resolve().parents[2]


def _import(db, items=None, header=None, **options):
    return import_source(db, FakeSource(header or make_header(), items if items is not None else consistent_year()), **options)


def test_import_stores_company_years_vouchers_and_balances(db):
    result = _import(db, file_name="2024.se")
    assert (result.vouchers, result.transactions, result.rows, result.balances) == (2, 4, 6, 9)
    company = Company.get()
    assert (company.name, company.org_number) == ("Testbolaget AB", "5566778899")
    years = {(fy.start, fy.end, fy.batch_id is not None) for fy in FiscalYear.select()}
    assert years == {(START, END, True), (dt.date(2023, 1, 1), dt.date(2023, 12, 31), False)}
    assert result.fiscal_year_id == FiscalYear.get(FiscalYear.start == START).id
    row = VoucherRow.get(VoucherRow.account == "5410", VoucherRow.kind == "TRANS")
    assert row.amount == Decimal("400.25") and isinstance(row.amount, Decimal)
    assert (row.cost_center, row.project, json.loads(row.objects)) == ("0015", "P1", [["1", "0015"], ["6", "P1"]])
    assert db.execute_sql("SELECT amount FROM voucher_row WHERE id = ?", (row.id,)).fetchone()[0] == 40025
    assert sorted(r.kind for r in VoucherRow.select()) == ["BTRANS", "RTRANS", "TRANS", "TRANS", "TRANS", "TRANS"]
    assert Balance.select().where(Balance.fiscal_year == result.fiscal_year_id).count() == 6
    batch = ImportBatch.get()
    assert (batch.file_name, batch.vouchers, batch.transactions, batch.status) == ("2024.se", 2, 4, "done")
    assert {a.number for a in company.accounts} >= {"1930", "2440", "3001", "5410"}


def test_activity_log_records_a_done_import(db):
    result = _import(db, file_name="2024.se")
    entry = ActivityLog.get_by_id(result.activity_id)
    assert (entry.kind, entry.status, entry.company_id) == ("import", "done", result.company_id)
    assert json.loads(entry.counts) == {"vouchers": 2, "transactions": 4, "balances": 9}
    assert entry.started <= entry.finished


def test_reimport_replaces_the_year_without_duplicates(db):
    first = _import(db)
    before = dump(db, without=("activity_log", "import_batch", "check_result"))
    second = _import(db)
    assert not first.replaced and second.replaced
    assert (Company.select().count(), FiscalYear.select().count()) == (1, 2)
    assert Voucher.select().count() == 2 and VoucherRow.select().count() == 6
    assert second.fiscal_year_id == first.fiscal_year_id
    after = dump(db, without=("activity_log", "import_batch", "check_result"))
    assert {t: len(rows) for t, rows in after.items()} == {t: len(rows) for t, rows in before.items()}


def test_reimport_with_fewer_vouchers_drops_the_old_ones(db):
    _import(db)
    _import(db, [balance("RES", 0, "3001", "-1"), voucher(9, START, ("1930", "1"), ("3001", "-1"))])
    assert [v.number for v in Voucher.select()] == ["9"]
    assert Balance.select().join(FiscalYear).where(FiscalYear.start == START).count() == 1


def test_a_voucher_file_with_rar_but_no_balances_does_not_replace_a_full_year(db):
    """Like a closing-entries 4I file: #RAR 0 and vouchers only. Replacing the year with it would lose the books."""
    _import(db)
    before = dump(db, without=("activity_log", "import_batch"))
    with pytest.raises(OrgNumberMismatch.__mro__[1], match="vouchers only .* Import the full SIE 4E"):
        _import(db, [voucher(9, START, ("1930", "1"), ("3001", "-1"))], file_name="closing.si")
    assert dump(db, without=("activity_log", "import_batch")) == before


def test_previous_year_balances_only_fill_a_year_not_imported_itself(db):
    previous_header = make_header(start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31))
    _import(db, [balance("UB", 0, "1930", "1000.00")], header=previous_header)
    _import(db)  # its year -1 says UB 1930 = 1000.00 too, and IB -1 800.00
    previous = FiscalYear.get(FiscalYear.start == dt.date(2023, 1, 1))
    kinds = sorted((b.kind, b.amount) for b in previous.balances)
    assert kinds == [("UB", Decimal("1000.00"))]


def test_previous_year_balances_are_replaced_by_a_newer_file(db):
    _import(db)
    _import(db, [balance("UB", -1, "1930", "7.00")])
    previous = FiscalYear.get(FiscalYear.start == dt.date(2023, 1, 1))
    assert [(b.kind, b.amount) for b in previous.balances] == [("UB", Decimal("7.00"))]


def test_org_mismatch_is_refused_and_changes_nothing(db):
    _import(db)
    before = dump(db)
    with pytest.raises(OrgNumberMismatch) as raised:
        _import(db, header=make_header(org="559999-0000"), company_org=ORG)
    assert "5599990000" in str(raised.value) and "5566778899" in str(raised.value)
    assert dump(db) == before
    failed = ActivityLog.select().where(ActivityLog.status == "failed").get()
    assert "5599990000" in failed.message


def test_org_mismatch_can_be_confirmed(db):
    result = _import(db, header=make_header(org="559999-0000"), company_org=ORG, confirm_org_mismatch=True)
    assert Company.get_by_id(result.company_id).org_number == "5566778899"


def test_missing_org_number_counts_as_a_mismatch(db):
    with pytest.raises(OrgNumberMismatch, match="no organisation number"):
        _import(db, header=make_header(org=""), company_org=ORG)
    assert Company.select().count() == 0


def test_company_org_matches_whatever_form_is_written(db):
    _import(db, company_org="16556677-8899")
    assert Company.select().count() == 1


def test_amount_with_more_than_two_decimals_is_refused_with_its_line(db):
    _import(db)
    before = dump(db)
    bad = voucher(5, START, ("1930", "1.005"), ("3001", "-1.005"), line=40)
    with pytest.raises(SieError, match=r"fake\.se:41: amount 1\.005 has more than two decimals"):
        _import(db, [*consistent_year(), bad])
    assert dump(db) == before


def test_failed_import_is_on_record(db):
    with pytest.raises(SieError):
        _import(db, [voucher(1, START, ("1930", "0.001"), ("3001", "-0.001"))], file_name="bad.se")
    entry = ActivityLog.get()
    assert entry.status == "failed" and "bad.se" in entry.message and "more than two decimals" in entry.message
    assert entry.finished is not None
    assert Company.select().count() == 0


def test_progress_is_reported_per_batch(db):
    seen: list[ImportProgress] = []
    result = _import(db, generated_vouchers(250), batch_rows=100, on_progress=seen.append)
    assert len(seen) >= 5
    assert [p.vouchers for p in seen] == sorted(p.vouchers for p in seen)
    assert seen[-1] == ImportProgress(250, 500, 0) and result.transactions == 500


def test_an_import_given_up_while_its_files_arrive_stops_at_the_next_batch(db):
    """A Fortnox import whose later download fails, or that Ctrl+C stops, gives up the year being stored at its next
    batch rather than after the year's last: nothing is kept, and the user does not wait for a year to finish."""
    before = dump(db)
    arriving = ArrivingFiles(expected=2)
    arriving.put(SourceFile(FakeSource(make_header(), generated_vouchers(250)), "first-year.se"))
    seen: list[ImportProgress] = []

    def give_up(progress: ImportProgress) -> None:
        seen.append(progress)
        arriving.abandon()

    with pytest.raises(ImportAbandoned):
        import_sources(db, arriving, subject="Fortnox", batch_rows=100, on_progress=give_up)

    assert len(seen) == 1 and seen[0].vouchers < 250
    assert dump(db) == before


def test_file_without_rar_gets_the_calendar_year_of_its_vouchers(db):
    header = make_header()
    header.years.clear()
    result = _import(db, [voucher(1, dt.date(2022, 5, 1), ("1930", "1"), ("3001", "-1"))], header=header)
    year = FiscalYear.get_by_id(result.fiscal_year_id)
    assert (year.start, year.end) == (dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    assert [warning.message.key for warning in result.warnings] == ["year_from_first_voucher"]  # a guess, said


def test_a_voucher_file_without_rar_goes_to_the_stored_year_that_holds_it(db):
    """A company with a broken fiscal year (May-April): a 4I file of February 2025 belongs to 2024-05-01..2025-04-30,
    not to a calendar year 2025 overlapping it. That year was loaded from a full export, so the voucher file may not
    replace it, and nothing changes."""
    full = make_header(start=dt.date(2024, 5, 1), end=dt.date(2025, 4, 30))
    _import(db, consistent_year(dt.date(2024, 5, 1)), header=full, file_name="full.se")
    before = dump(db)
    header = make_header()
    header.years.clear()

    with pytest.raises(VouchersOnlyFile, match="2024"):
        _import(db, [voucher(1, dt.date(2025, 2, 10), ("1930", "1"), ("3001", "-1"))], header=header, file_name="feb.si")

    assert dump(db) == before
    assert dt.date(2025, 1, 1) not in {year.start for year in FiscalYear.select()}  # no overlapping calendar year


def test_chart_only_file_creates_no_year(db):
    header = make_header()
    header.years.clear()
    result = _import(db, [], header=header)
    assert result.fiscal_year_id is None and FiscalYear.select().count() == 0
    assert Company.get().accounts.count() == 4


_KILLED_IMPORT = """
import os, signal, sys
from core.importer import import_source
from core.store.db import open_store
from tests.store.sources import FakeSource, make_header, generated_year

db = open_store(sys.argv[1])
db.execute_sql("PRAGMA cache_size = 20")  # a tiny page cache makes SQLite spill uncommitted pages to the WAL

def die(progress):
    if progress.vouchers >= 1500:
        print(os.path.getsize(sys.argv[1] + "-wal"), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

import_source(db, FakeSource(make_header(), generated_year(3000)), batch_rows=500, on_progress=die)
"""


@pytest.mark.sqlite_only  # reads SQLite's write-ahead log; tests/pg kills imports on PostgreSQL
@pytest.mark.skipif(not hasattr(os, "kill") or sys.platform == "win32", reason="needs SIGKILL")
def test_kill_mid_import_leaves_the_store_unchanged(db, store_address):
    _import(db)  # the killed import re-imports this same year, so its deletes must roll back too
    before = dump(db)
    db.close()
    wal = store_address.with_name(f"{store_address.name}-wal")
    wal_before = wal.stat().st_size if wal.exists() else 0
    completed = subprocess.run(
        [sys.executable, "-c", _KILLED_IMPORT, str(store_address)], cwd=REPO, capture_output=True, text=True
    )
    assert completed.returncode == -9, completed.stderr
    assert int(completed.stdout) > wal_before + 100_000  # uncommitted work had reached the disk
    db.connect()
    assert dump(db) == before
    assert ActivityLog.select().where(ActivityLog.status == "running").count() == 1  # the interrupted attempt
    db.close()
    open_store(store_address)  # as the next run of the program does
    interrupted = ActivityLog.select().order_by(ActivityLog.id.desc()).get()
    assert (interrupted.status, interrupted.message.endswith("interrupted, the process ended before it finished")) == (
        "failed",
        True,
    )


def test_a_file_that_cannot_be_read_is_on_record_as_failed(db, tmp_path):
    _import(db)
    company = Company.get()
    with pytest.raises(SieError):
        import_sie(db, tmp_path / "missing.se", company_org=company.org_number)
    failed = ActivityLog.select().order_by(ActivityLog.id.desc()).get()
    assert (failed.status, failed.company_id) == ("failed", company.id)
    assert "missing.se" in failed.message


def test_the_activity_entry_keeps_what_it_says_as_a_key_and_plain_json_params(db, tmp_path):
    """Migration 6 on either backend: the app says the entry in its language from these (tests/tui covers that)."""
    result = _import(db, file_name="2024.se")
    with pytest.raises(SieError):
        import_sie(db, tmp_path / "missing.se")
    [failed, done] = list_activity(db)
    assert (done.message_key, done.message_params) == ("import", {"years": [{"file": "2024.se", **result.params()}]})
    assert done.message_params["years"][0]["start"] == START.isoformat()
    assert failed.message_key == "failed" and failed.message_params["error_key"] == "sie_file"
    assert failed.message == f"missing.se: {failed.message_params['error']}"


def _peak_memory_of_import(db, vouchers: int) -> int:
    tracemalloc.start()
    try:
        _import(db, generated_year(vouchers), batch_rows=1000)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_file(db):
    small = _peak_memory_of_import(db, 2_000)
    large = _peak_memory_of_import(db, 16_000)  # eight times the vouchers, replacing the same year
    assert large < small * 1.5 + 200_000


def test_malformed_org_number_in_the_file_is_a_warning_not_a_company_key(db):
    result = _import(db, header=make_header(org="12-34"))
    assert Company.get_by_id(result.company_id).org_number is None
    assert any("12-34" in warning.message for warning in result.warnings)


def test_the_import_records_the_files_sha256(db, tmp_path):
    path = tmp_path / "small.se"
    path.write_bytes(
        b'#FLAGGA 0\r\n#SIETYP 4\r\n#FNAMN "\x8e AB"\r\n#ORGNR 556123-4567\r\n#RAR 0 20240101 20241231\r\n'
        b"#VER A 1 20240105\r\n{\r\n#TRANS 1930 {} 10.00\r\n#TRANS 3001 {} -10.00\r\n}\r\n"
    )
    import_sie(db, path)
    assert ImportBatch.get().sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_several_years_land_together_or_not_at_all(db):
    """A Fortnox import brings several years; if one fails, none of them may stay in the store."""
    from core.importer import SourceFile, import_sources

    earlier = dt.date(2023, 1, 1)
    good = FakeSource(make_header(start=earlier, end=dt.date(2023, 12, 31)), consistent_year(earlier))
    broken = FakeSource(make_header(), [voucher(1, START, ("1930", "1.001"), ("3001", "-1.001"))])
    with pytest.raises(SieError, match="more than two decimals"):
        import_sources(db, [SourceFile(good, "2023.se"), SourceFile(broken, "2024.se")], subject="two years")
    assert (Company.select().count(), Voucher.select().count(), Balance.select().count()) == (0, 0, 0)
    entry = ActivityLog.get()
    assert (entry.kind, entry.status, entry.message.startswith("two years: ")) == ("import", "failed", True)

    good = FakeSource(make_header(start=earlier, end=dt.date(2023, 12, 31)), consistent_year(earlier))
    results = import_sources(
        db, [SourceFile(good, "2023.se"), SourceFile(FakeSource(make_header(), consistent_year()), "2024.se")],
        subject="two years",
    )
    assert [r.year_start for r in results] == [earlier, START]
    assert json.loads(ActivityLog.get_by_id(results[0].activity_id).counts)["years"] == 2
    assert Company.get().last_import is not None
