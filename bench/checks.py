"""All checks over a 1.5 million transaction year (the SIE import benchmark's file), against one SELECT SUM.

Target: run_checks within 5 s. Measured twice: after the first import, and after importing the same file again,
when changed-vouchers has a comparison to show (the re-import compares the stored fingerprints of the vouchers it
replaces with the new ones). The store is imported once into a temporary directory; each job then runs in a fresh
process (bench.measure), so the page cache is warm for the baseline and the checks alike.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from bench.measure import measure, print_table
from bench.sie_import import ensure_file

JOBS = "bench.checks"


def _open(db_dir: str):
    from core.store.db import open_store

    return open_store(Path(db_dir) / "bench.sqlite3")


def load(path: str, db_dir: str) -> dict:
    from core.importer import import_sie

    result = import_sie(_open(db_dir), Path(path))
    return {"vouchers": result.vouchers, "transactions": result.transactions}


def baseline(db_dir: str) -> dict:
    """One full pass over the year's rows: the floor for any check that reads them all."""
    db = _open(db_dir)
    total, count = db.execute_sql("SELECT SUM(amount), COUNT(*) FROM voucher_row WHERE kind = 'TRANS'").fetchone()
    return {"rows": count}


def all_checks(db_dir: str) -> dict:
    from core.checks import engine
    from core.ledger import resolve_company, resolve_fiscal_year

    db = _open(db_dir)
    company = resolve_company(db)
    results = engine.run_checks(db, company, resolve_fiscal_year(db, company))
    return {status: sum(r.status == status for r in results) for status in ("red", "orange", "green")}


def each_check(db_dir: str) -> dict:
    """Seconds per built-in check, on one context (as in a run) whose shared statistics per period are built first."""
    from core.checks import builtin, engine
    from core.ledger import resolve_company, resolve_fiscal_year

    db = _open(db_dir)
    year = resolve_fiscal_year(db, resolve_company(db))
    context = engine.Context(db, year, engine.period_keys(year))
    times = {}
    start = time.perf_counter()
    context.per_period
    times["(statistics per period)"] = time.perf_counter() - start
    for check in builtin.CHECKS:
        start = time.perf_counter()
        check.run(context)
        times[check.id] = time.perf_counter() - start
    return {name: round(seconds, 2) for name, seconds in times.items()}


def main() -> None:
    path = ensure_file()
    with tempfile.TemporaryDirectory() as db_dir:
        print("importing the benchmark file once ...", file=sys.stderr)
        loaded = measure("(setup) import", JOBS, "load", str(path), db_dir)
        base = measure("a) SELECT SUM over the year (baseline)", JOBS, "baseline", db_dir)
        checks = measure("b) run_checks, every check", JOBS, "all_checks", db_dir)
        split = measure("(per check)", JOBS, "each_check", db_dir)
        reloaded = measure("(setup) import again", JOBS, "load", str(path), db_dir)
        again = measure("c) run_checks after a re-import", JOBS, "all_checks", db_dir)
    print_table(f"Checks, {path.name}: {loaded.detail}", [base, checks, again], base)
    print(f"results: {checks.detail}")
    print("per check (s): " + ", ".join(f"{name} {seconds}" for name, seconds in split.detail.items()))
    print(f"import {loaded.seconds:.1f} s; again, comparing the replaced vouchers with the new: {reloaded.seconds:.1f} s")
    print(f"run_checks {checks.seconds:.1f} s (target <= 5 s); after a re-import: {again.seconds:.1f} s")


if __name__ == "__main__":
    main()
