"""Fortnox's rate limit is per client and tenant: bokslut processes importing the same company at once share one
budget (a file under the data directory; on the shared PostgreSQL store, a row of the store) and so never draw a 429
from each other. Real `bokslut` processes against the sandbox over loopback, which answers 429 beyond 25 requests in 5
seconds per client and tenant."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import Cli
from tests.fortnox.conftest import NORDLJUS, connect

PROCESSES = 3  # 11 requests an import: three at once overrun 25 per 5 s unless they share the budget


def test_imports_of_one_company_in_parallel_processes_draw_no_429(fortnox_cli):
    cli = fortnox_cli
    assert cli("company", "add", "--org-number", NORDLJUS, "--name", "Nordljus Konsult AB").returncode == 0
    assert connect(cli, NORDLJUS).returncode == 0
    _import_at_once([cli] * PROCESSES)


def test_accountants_on_the_shared_store_importing_one_company_draw_no_429(fortnox_cli, tmp_path):
    """Each accountant has a data directory of their own (their own machine, their own consent), all on the firm's
    PostgreSQL store: a budget file per data directory would give each a full budget, and together they overrun it."""
    if "://" not in str(fortnox_cli.store):
        pytest.skip("a SQLite store is one machine's: its processes share the data directory's budget file")
    accountants = [fortnox_cli]
    for number in range(1, PROCESSES):
        (tmp_path / f"accountant-{number}").mkdir(mode=0o700)
        accountants.append(Cli(tmp_path / f"accountant-{number}", dict(fortnox_cli.extra_env), fortnox_cli.store))
    assert fortnox_cli("company", "add", "--org-number", NORDLJUS, "--name", "Nordljus Konsult AB").returncode == 0
    for accountant in accountants:
        assert connect(accountant, NORDLJUS).returncode == 0
    assert len({accountant.data_dir for accountant in accountants}) == PROCESSES
    _import_at_once(accountants)


def _import_at_once(clis: list[Cli]) -> None:
    importing = [
        subprocess.Popen(
            cli.command("import-fortnox", "--company", NORDLJUS, "--json"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli.env,
        )  # fmt: skip
        for cli in clis
    ]
    results = []
    for process in importing:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        results.append(json.loads(out))

    assert sum(result["requests"] for result in results) > 25  # more than one window's worth, all at once
    assert [result["rate_limited"] for result in results] == [0] * len(clis)
