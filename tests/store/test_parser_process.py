"""A big file is parsed in a second process that hands ready rows to the writer (core.importer, issue 19): the store
ends up exactly as when one process does both, errors and warnings arrive as the reader raised them, the row
indexes built after the load are the migrations' own, and a killed import leaves the store as it was."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import core.importer as importer
from core.demo.generator import DemoSpec, write_demo_sie
from core.importer import ImportProgress, import_sie
from core.sie.errors import SieError
from core.store.db import open_store
from core.store.locks import is_postgres
from tests.store.conftest import dump

REPO = Path(__file__).resolve().parents[2]
SPEC = DemoSpec(years=1, vouchers_per_year=2000)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    path = write_demo_sie(SPEC, tmp_path_factory.mktemp("demo") / "demo.se")
    path.write_bytes(path.read_bytes().replace(b"#FORMAT PC8", b"#FORMAT ANSI", 1))  # a warning, to cross over too
    return path


def _import(db, path: Path, *, elsewhere: bool, monkeypatch, **options):
    monkeypatch.setattr(importer, "SEPARATE_PARSER_BYTES", 0 if elsewhere else 1 << 40)
    return import_sie(db, path, batch_rows=500, **options)


def _contents(db) -> dict:
    """The books as stored, without the ids and times that differ between two stores filled alike."""
    return {
        "vouchers": db.execute_sql(
            "SELECT series, number, date, text, registered, signature, fingerprint FROM voucher ORDER BY id"
        ).fetchall(),
        "rows": db.execute_sql(
            "SELECT v.series, v.number, r.kind, r.account, r.amount, r.objects, r.cost_center, r.project, r.quantity, "
            "r.text, r.date, r.signature FROM voucher_row r JOIN voucher v ON v.id = r.voucher_id ORDER BY r.id"
        ).fetchall(),
        "balances": db.execute_sql(
            "SELECT kind, account, period, objects, amount, quantity FROM balance ORDER BY id"
        ).fetchall(),
        "accounts": db.execute_sql("SELECT number, name, sru FROM account ORDER BY number").fetchall(),
        "checks": db.execute_sql("SELECT check_id, status, message FROM integrity_check ORDER BY id").fetchall(),
    }


def _indexes(db) -> list:
    if is_postgres(db):
        query = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('voucher', 'voucher_row') ORDER BY 1"
    else:
        query = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('voucher', 'voucher_row')"
    return sorted(db.execute_sql(query).fetchall())


def test_the_parser_process_stores_what_one_process_does(store_address, tmp_path, demo_file, monkeypatch):
    db = open_store(store_address)
    indexes = _indexes(db)
    alone = _import(db, demo_file, elsewhere=False, monkeypatch=monkeypatch)
    expected = _contents(db)
    db.close()
    other = open_store(tmp_path / "other.sqlite3")
    seen: list[ImportProgress] = []
    beside = _import(other, demo_file, elsewhere=True, monkeypatch=monkeypatch, on_progress=seen.append)
    assert _contents(other) == expected
    assert (beside.vouchers, beside.transactions, beside.rows, beside.balances) == (
        alone.vouchers, alone.transactions, alone.rows, alone.balances,
    )
    assert [(w.line, w.message, w.message.key) for w in beside.warnings] == [
        (w.line, w.message, w.message.key) for w in alone.warnings
    ]
    assert "format_not_pc8" in [w.message.key for w in beside.warnings]
    assert beside.checks == alone.checks
    assert _indexes(open_store(store_address)) == indexes  # the row indexes were dropped and built again
    size = demo_file.stat().st_size
    assert len(seen) > 3 and [p.bytes_read for p in seen] == sorted(p.bytes_read for p in seen)
    assert seen[0].bytes_read < size and (seen[-1].bytes_read, seen[-1].total_bytes) == (size, size)


def test_an_error_in_the_parser_process_is_the_readers_and_nothing_is_stored(db, tmp_path, demo_file, monkeypatch):
    before = dump(db)
    lines = demo_file.read_bytes().split(b"\n")
    broken_at = [i for i, line in enumerate(lines) if line.startswith(b"#TRANS")][3000]
    lines[broken_at] = b"#TRANS 1930 {} 12,50"
    broken = tmp_path / "broken.se"
    broken.write_bytes(b"\n".join(lines))
    with pytest.raises(SieError) as raised:
        _import(db, broken, elsewhere=True, monkeypatch=monkeypatch)
    assert (raised.value.path, raised.value.line) == (str(broken), broken_at + 1)
    assert "comma" in str(raised.value)
    assert dump(db) == before
    assert db.execute_sql("SELECT COUNT(*) FROM voucher").fetchone()[0] == 0


_KILLED_IMPORT = """
import os, signal, sys
from pathlib import Path
import core.importer as importer
from core.store.db import open_store

importer.SEPARATE_PARSER_BYTES = 0
db = open_store(sys.argv[1])
db.execute_sql("PRAGMA cache_size = 20")  # a tiny page cache makes SQLite spill uncommitted pages to the WAL

def die(progress):
    if progress.vouchers >= 1000:
        print(os.path.getsize(sys.argv[1] + "-wal"), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

importer.import_sie(db, Path(sys.argv[2]), on_progress=die, batch_rows=500)
"""


@pytest.mark.sqlite_only  # reads SQLite's write-ahead log; tests/pg kills imports on PostgreSQL
@pytest.mark.skipif(not hasattr(os, "kill") or sys.platform == "win32", reason="needs SIGKILL")
def test_a_killed_import_with_its_indexes_dropped_leaves_the_store_as_it_was(db, store_address, demo_file):
    from tests.store.sources import FakeSource, consistent_year, make_header
    from core.importer import import_source

    import_source(db, FakeSource(make_header(), consistent_year()))  # a little, so the big file drops the indexes
    before, indexes = dump(db), _indexes(db)
    db.close()
    completed = subprocess.run(
        [sys.executable, "-c", _KILLED_IMPORT, str(store_address), str(demo_file)],
        cwd=REPO, capture_output=True, text=True,
    )
    assert completed.returncode == -9, completed.stderr
    assert int(completed.stdout) > 100_000  # uncommitted work had reached the disk
    db.connect()
    assert dump(db) == before and _indexes(db) == indexes
