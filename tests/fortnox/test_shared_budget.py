"""Fortnox's rate limit is per client and tenant: bokslut processes importing the same company at once share one
budget (a file under the data directory) and so never draw a 429 from each other. Real `bokslut` processes against
the sandbox over loopback, which answers 429 beyond 25 requests in 5 seconds per client and tenant."""

from __future__ import annotations

import json
import subprocess

from tests.fortnox.conftest import NORDLJUS, connect

PROCESSES = 3  # 11 requests an import: three at once overrun 25 per 5 s unless they share the budget


def test_imports_of_one_company_in_parallel_processes_draw_no_429(fortnox_cli):
    cli = fortnox_cli
    assert cli("company", "add", "--org-number", NORDLJUS, "--name", "Nordljus Konsult AB").returncode == 0
    assert connect(cli, NORDLJUS).returncode == 0

    importing = [
        subprocess.Popen(
            cli.command("import-fortnox", "--company", NORDLJUS, "--json"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli.env,
        )  # fmt: skip
        for _ in range(PROCESSES)
    ]
    results = []
    for process in importing:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        results.append(json.loads(out))

    assert sum(result["requests"] for result in results) > 25  # more than one window's worth, all at once
    assert [result["rate_limited"] for result in results] == [0] * PROCESSES
