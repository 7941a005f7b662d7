"""On the shared store, one accountant's import does not hold up another's of a different company: imports take
turns per company, not for the whole firm. (SQLite has one writer at a time, so there they always take turns.)"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.importer import import_source
from core.store.db import open_store
from core.store.locks import is_postgres
from core.store.models import Company, Voucher
from tests.store.sources import FakeSource, generated_year, make_header

REPO = Path(__file__).resolve().parents[2]
OTHER_ORG = "5590123450"

# Imports 1 000 vouchers of the tests' company, and stops half-way, inside its transaction, until told to go on.
_PAUSED_IMPORT = """
import sys, time
from pathlib import Path
from core.importer import import_source
from core.store.db import open_store
from tests.store.sources import FakeSource, make_header, generated_year

db = open_store(sys.argv[1])
paused, release = Path(sys.argv[2]), Path(sys.argv[3])

def halfway(progress):
    if progress.vouchers >= 500 and not paused.exists():
        paused.touch()
        while not release.exists():
            time.sleep(0.01)

import_source(db, FakeSource(make_header(), generated_year(1000)), batch_rows=200, on_progress=halfway)
"""


def _wait_for(path: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the first import never reached its half-way point"
        time.sleep(0.01)


def test_another_company_imports_while_one_import_is_half_way(store_address, tmp_path):
    db = open_store(store_address)
    if not is_postgres(db):
        db.close()
        pytest.skip("SQLite has one writer at a time: imports always take turns there")
    paused, release = tmp_path / "paused", tmp_path / "release"
    first = subprocess.Popen(
        [sys.executable, "-c", _PAUSED_IMPORT, str(store_address), str(paused), str(release)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        _wait_for(paused, first)
        # The first import holds its company's lock and an open transaction; this one is another company's.
        other = import_source(db, FakeSource(make_header(org=OTHER_ORG, name="Andra AB"), generated_year(300)))
        assert other.vouchers == 300
        assert [c.name for c in Company.select()] == ["Andra AB"]  # the first one's company is not committed yet
    finally:
        release.touch()
        _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    counts = db.execute_sql(
        "SELECT c.name, COUNT(*) FROM voucher v JOIN fiscal_year y ON y.id = v.fiscal_year_id "
        "JOIN company c ON c.id = y.company_id GROUP BY c.name ORDER BY c.name"
    ).fetchall()
    assert counts == [("Andra AB", 300), ("Testbolaget AB", 1000)]
    ids = [v.id for v in Voucher.select(Voucher.id)]
    assert len(ids) == len(set(ids)) == 1300
    db.close()
