"""Importing a 200 000-voucher year from the Fortnox sandbox with its rate limit on.

Printed beside it, measured in the same run: the same SIE bytes imported from a file (what the network and
the rate limit add), and what fetching the year voucher by voucher through the JSON endpoints would cost
(list pages without rows, then one request per voucher), from a measured sample and the request count.
Target: the import within 60 s, and no 429 when nothing else uses the tenant.
"""

from __future__ import annotations

import json
import math
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.measure import Measurement, measure, print_table

VOUCHERS = 200_000
ORG = "556123-4567"
JSON_SAMPLE = 40  # single-voucher GETs timed to measure the JSON path's real request rate
JOBS = "bench.fortnox_import"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _bokslut(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("bokslut")), *args]


def start_sandbox() -> tuple[subprocess.Popen, dict[str, str]]:
    """The sandbox in its own process, so its work does not share the importer's CPU time or memory figure."""
    server = subprocess.Popen(
        _bokslut("sandbox", "--port", str(_free_port()), "--auto-consent", "--vouchers", str(VOUCHERS)),
        stdout=subprocess.PIPE,
        text=True,
    )
    env = {}
    for line in server.stdout:
        if line.startswith("export "):
            name, value = shlex.split(line.removeprefix("export "))[0].split("=", 1)
            env[name] = value
        if line.startswith("# company:"):
            break
    env["BOKSLUT_FORTNOX_REDIRECT_URI"] = f"http://127.0.0.1:{_free_port()}/callback"
    env["BOKSLUT_TOKEN_STORE"] = "file"
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    return server, env


def connect(data_dir: str, env: dict[str, str]) -> None:
    from fortnox_sandbox.browser import give_consent_blocking

    full_env = {**os.environ, **env, "BOKSLUT_CONFIG": os.devnull}
    subprocess.run(
        _bokslut("--data-dir", data_dir, "company", "add", "--org-number", ORG, "--name", "Nordljus Konsult AB"),
        check=True, env=full_env, capture_output=True,
    )
    process = subprocess.Popen(
        _bokslut("--data-dir", data_dir, "connect", "--company", ORG, "--no-browser"),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=full_env,
    )
    for line in process.stdout:
        if "/oauth-v1/auth?" in line:
            process.stdin.write(give_consent_blocking(line.strip()) + "\n")
            process.stdin.flush()
            break
    process.communicate(timeout=60)
    if process.returncode != 0:
        raise RuntimeError("connecting to the sandbox failed")


def fortnox_import(data_dir: str, env_json: str) -> dict:
    """The job: what `bokslut import-fortnox` does, in this (measured) process. The first import of a company
    brings its last three years; every later one the current year."""
    os.environ.update(json.loads(env_json), BOKSLUT_CONFIG=os.devnull)
    import asyncio

    from core import ledger
    from core.config import load_settings
    from core.fortnox.importer import import_from_fortnox
    from core.store.db import open_store

    settings = load_settings(data_dir)
    db = open_store(settings.store)
    company = ledger.resolve_company(db, ORG)
    result = asyncio.run(import_from_fortnox(db, settings, company, today=_latest_year_end()))
    return {
        "years": len(result.years),
        "vouchers": sum(year.vouchers for year in result.years),
        "transactions": sum(year.transactions for year in result.years),
        "requests": result.requests,
        "rate_limited": result.rate_limited,
        "steps": result.step_report(),
    }


def _latest_year_end():  # "today" for the sandbox's books, whose last year ends 2025-12-31
    from core.demo import DemoSpec

    return DemoSpec().last_year_end


def file_import(path: str) -> dict:
    """Baseline: the very bytes Fortnox sent, imported from a file on disk."""
    from core.config import load_settings
    from core.importer import import_sie
    from core.store.db import open_store

    with tempfile.TemporaryDirectory() as scratch:
        settings = load_settings(scratch, os.devnull)
        result = import_sie(open_store(settings.store), Path(path), limits=settings.sie_limits())
    return {"vouchers": result.vouchers, "transactions": result.transactions}


def files_import(folder: str) -> dict:
    """Baseline of the first import: the three years' SIE files, downloaded before, imported from disk in one
    transaction as the Fortnox import does."""
    from core.config import load_settings
    from core.importer import SourceFile, import_sources
    from core.sie.reader import SieReader
    from core.store.db import open_store

    with tempfile.TemporaryDirectory() as scratch:
        settings = load_settings(scratch, os.devnull)
        readers = [SieReader(path, settings.sie_limits()) for path in sorted(Path(folder).glob("*.se"))]
        files = [SourceFile(reader, reader.path.name, reader.sha256) for reader in readers]
        results = import_sources(open_store(settings.store), files, subject="files", company_org=ORG)
    return {"vouchers": sum(r.vouchers for r in results), "transactions": sum(r.transactions for r in results)}


def _download_first_years(data_dir: str, env: dict[str, str], folder: Path) -> None:
    """The years a first import brings, fetched once: the sandbox generates each on its first request and keeps
    it, so the timed import afterwards measures bokslut, not the sandbox's generator."""
    os.environ.update(env, BOKSLUT_CONFIG=os.devnull)
    import asyncio
    import datetime as dt

    from core import ledger
    from core.config import load_settings
    from core.fortnox.connection import open_link
    from core.fortnox.importer import FinancialYearRef, choose_years
    from core.store.db import open_store

    settings = load_settings(data_dir)
    company = ledger.resolve_company(open_store(settings.store), ORG)
    folder.mkdir()

    async def download() -> None:
        async with open_link(settings, company) as link:
            years = [
                FinancialYearRef(int(item["Id"]), dt.date.fromisoformat(item["FromDate"]),
                                 dt.date.fromisoformat(item["ToDate"]))
                for item in await link.client.get_all("/financialyears", "FinancialYears")
            ]
            for year in choose_years(years, first_import=True, all_years=False, today=_latest_year_end()):
                await link.client.get_to_file("/sie/4", folder / f"{year.start}.se", {"financialyear": year.fortnox_id})

    asyncio.run(download())


def json_sample(data_dir: str, env_json: str) -> dict:
    """Time single-voucher GETs, the only way JSON gives rows, under the client's own throttle."""
    os.environ.update(json.loads(env_json), BOKSLUT_CONFIG=os.devnull)
    import asyncio
    import time

    from core import ledger
    from core.config import load_settings
    from core.fortnox.connection import open_link
    from core.store.db import open_store

    settings = load_settings(data_dir)
    company = ledger.resolve_company(open_store(settings.store), ORG)
    year = ledger.resolve_fiscal_year(None, company)

    async def sample() -> dict:
        async with open_link(settings, company) as link:
            await link.client.get_json("/companyinformation")  # the renewal, outside the timing
            started = time.perf_counter()
            page = await link.client.get_json("/vouchers", {"financialyear": year.fortnox_id, "limit": 500})
            for item in page["Vouchers"][: JSON_SAMPLE - 1]:
                await link.client.get_json(
                    f"/vouchers/{item['VoucherSeries']}/{item['VoucherNumber']}", {"financialyear": year.fortnox_id}
                )
            seconds = time.perf_counter() - started
            return {"requests": JSON_SAMPLE, "seconds": seconds, "rate_limited": link.client.stats.rate_limited}

    return asyncio.run(sample())


def main() -> None:
    server, env = start_sandbox()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-fortnox-") as data_dir:
            print(f"sandbox with {VOUCHERS} vouchers per year; connecting ...", file=sys.stderr)
            connect(data_dir, env)
            env_json = json.dumps(env)
            years_dir = Path(data_dir) / "years"
            _download_first_years(data_dir, env, years_dir)  # the sandbox produces (and keeps) them before the clock
            three_files = measure("same 3 SIE files from disk", JOBS, "files_import", str(years_dir))
            first = measure("first import-fortnox (3 years)", JOBS, "fortnox_import", data_dir, env_json)
            imported = measure("import-fortnox (current year)", JOBS, "fortnox_import", data_dir, env_json)
            sie_file = _download_current_year(data_dir, env)
            baseline = measure("same SIE bytes from a file", JOBS, "file_import", str(sie_file))
            sample = measure("JSON sample", JOBS, "json_sample", data_dir, env_json)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    _report(first, imported, baseline, sample)
    print_table("First import beside the same three years' SIE files from disk (target: within 1.2x)",
                [first, three_files], three_files)


def _download_current_year(data_dir: str, env: dict[str, str]) -> Path:
    """The SIE 4 of the year just imported, fetched again with the same client, for the file baseline."""
    os.environ.update(env, BOKSLUT_CONFIG=os.devnull)
    import asyncio

    from core import ledger
    from core.config import load_settings
    from core.fortnox.connection import open_link
    from core.store.db import open_store

    settings = load_settings(data_dir)
    company = ledger.resolve_company(open_store(settings.store), ORG)
    year = ledger.resolve_fiscal_year(None, company)
    target = Path(data_dir) / "current-year.se"

    async def download() -> None:
        async with open_link(settings, company) as link:
            await link.client.get_to_file("/sie/4", target, {"financialyear": year.fortnox_id})

    asyncio.run(download())
    return target


def _report(first: Measurement, imported: Measurement, baseline: Measurement, sample: Measurement) -> None:
    print_table(
        f"Fortnox import, {imported.detail['vouchers']} vouchers ({imported.detail['transactions']} transactions) "
        "in the current year, rate limit on",
        [first, imported, baseline],
        baseline,
    )
    for row in (first, imported):
        print(
            f"  {row.name}: {row.detail['vouchers']} vouchers, {row.detail['requests']} requests, "
            f"{row.detail['rate_limited']} answered 429 (target: 0); steps: {row.detail['steps']}"
        )
    print(f"  target: within 60 s -> {'met' if imported.seconds <= 60 else 'NOT met'} ({imported.seconds:.1f} s)")
    vouchers = imported.detail["vouchers"]
    rate = sample.detail["requests"] / sample.detail["seconds"]
    json_requests = math.ceil(vouchers / 500) + vouchers
    json_seconds = json_requests / rate
    print(
        f"  the same year through the JSON endpoints: {json_requests} requests ({math.ceil(vouchers / 500)} list pages "
        f"+ one per voucher); at the measured {rate:.2f} requests/s ({sample.detail['requests']} timed, "
        f"{sample.detail['rate_limited']} answered 429) that is {json_seconds / 3600:.1f} hours, "
        f"{json_seconds / imported.seconds:.0f}x the SIE import"
    )


if __name__ == "__main__":
    main()
