"""The shared store beside the embedded one: the ~100 MB SIE import, and the transaction analysis' paging
over its ~1.7 million rows, on a PostgreSQL server on loopback and on SQLite, in the same run.

The paging is what the analysis screen asks of the store (core.analysis, no interface): open the year
(count and extent), the first page, PageDown, End (the last page), and the filters `account:1930` and
`text:hyra` with their first page. The server runs with PostgreSQL's default durability, as a firm's would.

Targets (issue 7): none of their own; the screen's targets (analysis first paint 0.3 s, PageDown 50 ms,
a filter 0.5 s) apply to the store's share of them on either backend.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.measure import durable_postgres, measure, print_table
from bench.sie_import import ensure_file

JOBS = "bench.postgres_store"
PAGE = 200


def import_into(path: str, store: str) -> dict:
    from core.importer import import_sie
    from core.store.db import open_store

    result = import_sie(open_store(store), Path(path))
    return {"vouchers": result.vouchers, "transactions": result.transactions}


def paging(store: str) -> dict:
    from core import ledger
    from core.analysis import KeysetPager, TransactionFilter, TransactionQuery
    from core.store.db import open_store

    db = open_store(store)
    company = ledger.list_companies(db)[0]
    year_id = ledger.list_fiscal_years(db, company)[-1].id
    timings = {}

    def timed(name: str, step):
        started = time.perf_counter()
        value = step()
        timings[name] = time.perf_counter() - started
        return value

    pager = timed("open_year", lambda: KeysetPager(TransactionQuery(db, year_id), page_size=PAGE))
    timed("first_page", lambda: pager.page(0))
    timed("page_down", lambda: pager.page(1))
    timed("end", lambda: pager.page(pager.page_count - 1))
    for name, row_filter in (("filter_account", TransactionFilter(accounts=("1930", "1930"))),
                             ("filter_text", TransactionFilter(text="hyra"))):  # fmt: skip
        timed(name, lambda: KeysetPager(TransactionQuery(db, year_id, row_filter), page_size=PAGE).page(0))
    timings["rows"] = pager.count
    return timings


def main() -> None:
    from tests.postgres import new_database

    path = ensure_file()
    size_mb = path.stat().st_size / (1024 * 1024)
    with durable_postgres("PostgreSQL store benchmark") as server:
        if server is None:
            return
        with tempfile.TemporaryDirectory() as folder:
            sqlite_store = str(Path(folder) / "bench.sqlite3")
            postgres_store = new_database(server)
            on_sqlite = measure("import into SQLite (baseline)", JOBS, "import_into", str(path), sqlite_store)
            on_postgres = measure("import into PostgreSQL", JOBS, "import_into", str(path), postgres_store)
            print_table(f"Store: {path.name}, {size_mb:.0f} MB, {on_sqlite.detail}", [on_sqlite, on_postgres], on_sqlite)
            pages_sqlite = measure("paging on SQLite", JOBS, "paging", sqlite_store)
            pages_postgres = measure("paging on PostgreSQL", JOBS, "paging", postgres_store)
    print(f"\nTransaction analysis paging over {pages_sqlite.detail['rows']} rows, {PAGE} rows a page (seconds)")
    print(f"{'step':<18}{'SQLite':>10}{'PostgreSQL':>12}{'x SQLite':>10}")
    for step in ("open_year", "first_page", "page_down", "end", "filter_account", "filter_text"):
        lite, pg = pages_sqlite.detail[step], pages_postgres.detail[step]
        print(f"{step:<18}{lite:>10.3f}{pg:>12.3f}{pg / lite if lite else float('nan'):>10.1f}")


if __name__ == "__main__":
    main()
