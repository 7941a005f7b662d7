"""Several accountants on one store: `bokslut` processes, each with its own data directory and its own Fortnox
token (as on different machines), import and export the same company at the same time. Afterwards nothing is
lost or doubled, in the store or in the sandbox.

Runs on the embedded SQLite file in the first pass of `make test` and on the shared PostgreSQL server in the
`--store=postgresql` pass, where the processes share nothing but the server.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from core import ledger
from core.closing.entries import create_entry
from fortnox_sandbox.app import SandboxConfig
from fortnox_sandbox.serve import RunningSandbox, running_sandbox
from core.store.db import open_store
from core.store.models import ActivityLog, ClosingEntry, ExportAttempt, Voucher
from tests.conftest import Cli
from tests.export.conftest import draft
from tests.fortnox.conftest import NORDLJUS, connect, free_port, sandbox_env

TENANT = 1105837
MARKER = re.compile(r"bokslut:[0-9a-f]{16}")
ENTRIES = 24
ACCOUNTANTS = 4


@pytest.fixture
def sandbox() -> Iterator[RunningSandbox]:
    """Without Fortnox's rate limit: four processes at bokslut's own 4 requests/s would exceed it."""
    config = SandboxConfig(vouchers_per_year=150, rate_limit=False)
    with running_sandbox(config, redirect_uri=f"http://127.0.0.1:{free_port()}/callback") as running:
        yield running


def _accountants(cli: Cli, sandbox: RunningSandbox, tmp_path) -> list[Cli]:
    """Each with a data directory (and so a token store) of their own, all on the test's store."""
    team = []
    for index in range(ACCOUNTANTS):
        data_dir = tmp_path / f"accountant-{index}"
        data_dir.mkdir(mode=0o700)
        member = Cli(data_dir, extra_env=sandbox_env(sandbox), store=cli.store)
        if index == 0:
            added = member("company", "add", "--org-number", NORDLJUS, "--name", "Nordljus Konsult AB")
            assert added.returncode == 0, added.stderr
        connected = connect(member, NORDLJUS)
        assert connected.returncode == 0, connected.stderr
        team.append(member)
    return team


def _closing_entries(store) -> list[int]:
    db = open_store(store)
    company = ledger.resolve_company(db, NORDLJUS)
    year = ledger.resolve_fiscal_year(db, company, 2025)
    made = []
    for n in range(ENTRIES):
        amount = f"{100 + n}.50"
        entry = draft(f"Periodisering {n}", ("1790", amount), ("5010", f"-{amount}"))
        made.append(create_entry(db, company, year, entry).id)
    db.close()
    return made


def _run(member: Cli, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(member.command(*args), capture_output=True, text=True, env=member.env, timeout=240)


IMPORT = ("import-fortnox", "--company", NORDLJUS)
EXPORT = ("export-fortnox", "--company", NORDLJUS, "--year", "2025", "--series", "I", "--yes")


def test_accountants_importing_and_exporting_the_same_company_at_once(cli, sandbox, tmp_path):
    team = _accountants(cli, sandbox, tmp_path)
    first = _run(team[0], *IMPORT)
    assert first.returncode == 0, first.stderr
    entry_ids = _closing_entries(cli.store)
    db = open_store(cli.store)
    year = ledger.resolve_fiscal_year(db, ledger.resolve_company(db, NORDLJUS), 2025)
    imported_before = Voucher.select().where(Voucher.fiscal_year == year).count()
    db.close()

    # Each accountant runs a few steps in a row, all four at once: imports and exports interleave.
    plans = [(IMPORT, EXPORT, IMPORT), (EXPORT, IMPORT, EXPORT), (EXPORT, EXPORT, IMPORT), (IMPORT, IMPORT, EXPORT)]

    def work(index: int) -> list[tuple[str, int, str]]:
        outcomes = []
        for step in plans[index]:
            done = _run(team[index], *step)
            outcomes.append((step[0], done.returncode, done.stderr.strip()))
        return outcomes

    with ThreadPoolExecutor(ACCOUNTANTS) as pool:
        outcomes = [outcome for outcomes in pool.map(work, range(ACCOUNTANTS)) for outcome in outcomes]
    assert [o for o in outcomes if o[1] != 0] == [], outcomes
    last = _run(team[1], *IMPORT)  # the books as Fortnox now has them, vouchers from the export included
    assert last.returncode == 0, last.stderr

    # In Fortnox: each entry's voucher once, nothing else posted.
    posted = Counter(m for v in sandbox.sandbox.vouchers_posted(TENANT) for m in MARKER.findall(v.comments or ""))
    db = open_store(cli.store)
    entries = [ClosingEntry.get_by_id(entry_id) for entry_id in entry_ids]
    assert sorted(posted.values()) == [1] * ENTRIES
    assert set(posted) == {entry.marker for entry in entries}
    # In the store: each entry exported once with its own number, booked by the last import; vouchers not doubled.
    assert {(e.status, e.fortnox_series, e.booked) for e in entries} == {("exported", "I", True)}
    assert len({e.fortnox_number for e in entries}) == ENTRIES
    assert not ExportAttempt.select().where(ExportAttempt.state == "intent").exists()
    assert Voucher.select().where(Voucher.fiscal_year == year).count() == imported_before + ENTRIES
    doubled = db.execute_sql(
        "SELECT series, number FROM voucher WHERE fiscal_year_id = ? GROUP BY series, number HAVING COUNT(*) > 1",
        (year.id,),
    ).fetchall()
    assert doubled == []
    log = Counter((entry.kind, entry.status) for entry in ActivityLog.select().where(ActivityLog.kind != "connect"))
    assert log == {("import", "done"): 8, ("export", "done"): 6}, log
    db.close()
