"""Where the PostgreSQL import's time goes on the server: the same vouchers and rows copied into the store's tables,
once as the schema has them (the baseline), then with each index or key of the two tables removed, one at a time,
and once into bare tables whose indexes and keys are built after the load (what a per-year partition would allow).

The rows are the ~100 MB demo file's, imported once by bokslut and dumped in COPY's binary form, so every job is the
server's own work alone: no parsing, no client encoding. The server keeps PostgreSQL's default durability.
Issue 19 asks for the import within 1.5x SQLite's; this says which part of the schema stands in the way.
"""

from __future__ import annotations

import tempfile
import time
from contextlib import closing
from pathlib import Path

from bench.measure import durable_postgres
from bench.sie_import import ensure_file

PARENTS = ("company", "import_batch", "fiscal_year")
LOADED = ("voucher", "voucher_row")
# Each job: what is removed from the store's schema before the same COPY.
WITHOUT = {
    "as the schema has them (baseline)": (),
    "without the row-text trigram index": ("DROP INDEX voucher_row_text_trigram",),
    "without the voucher-text trigram index": ("DROP INDEX voucher_text_trigram",),
    "without the row's key to its voucher": (
        "ALTER TABLE voucher_row DROP CONSTRAINT voucher_row_voucher_id_fiscal_year_id_fkey",
    ),
    "without the voucher's keys (year, batch)": (
        "ALTER TABLE voucher DROP CONSTRAINT voucher_fiscal_year_id_fkey",
        "ALTER TABLE voucher DROP CONSTRAINT voucher_batch_id_fkey",
    ),
    "without the row index by account": ("DROP INDEX voucher_row_fiscal_year_id_account_kind_voucher_id_amount",),
    "without the row index by voucher": ("DROP INDEX voucher_row_voucher_id_kind_amount",),
    "without the voucher index by year": ("DROP INDEX voucher_fiscal_year_id",),
}
BARE = "into bare tables, indexes and keys after"


def dump(server: str, folder: Path) -> None:
    """The demo file imported by bokslut, its tables dumped in COPY's binary form."""
    import psycopg2

    from core.importer import import_sie
    from core.store.db import open_store
    from tests.postgres import new_database

    source = new_database(server)
    import_sie(open_store(source), ensure_file())
    with closing(psycopg2.connect(source)) as connection, connection.cursor() as cursor:
        for table in PARENTS + LOADED:
            with open(folder / f"{table}.bin", "wb") as out:
                cursor.copy_expert(f"COPY {table} TO STDOUT WITH (FORMAT binary)", out)


def _copy(cursor, folder: Path, table: str, into: str | None = None) -> None:
    with open(folder / f"{table}.bin", "rb") as rows:
        cursor.copy_expert(f"COPY {into or table} FROM STDIN WITH (FORMAT binary)", rows)


def load(server: str, folder: Path, job: str) -> float:
    """Seconds to load the vouchers and rows (and commit) into a fresh store, the schema changed as `job` says."""
    import psycopg2

    from core.store.db import open_store
    from tests.postgres import new_database

    address = new_database(server)
    open_store(address).close()
    with closing(psycopg2.connect(address)) as connection, connection.cursor() as cursor:
        for table in PARENTS:
            _copy(cursor, folder, table)
        if job == BARE:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename IN ('voucher', 'voucher_row')")
            indexes = [definition for (definition,) in cursor.fetchall()]
        for statement in WITHOUT.get(job, ()):
            cursor.execute(statement)
        connection.commit()
        started = time.perf_counter()
        if job == BARE:
            _load_bare(cursor, folder, indexes)
        else:
            for table in LOADED:
                _copy(cursor, folder, table)
        connection.commit()
        return time.perf_counter() - started


def _load_bare(cursor, folder: Path, indexes: list[str]) -> None:
    """Copies of the two tables without indexes or keys, loaded, then given the store's indexes (each by one sort)
    and keys (each checked by one join)."""
    cursor.execute("SET maintenance_work_mem = '256MB'")
    for table in LOADED:
        cursor.execute(f"CREATE TABLE bare_{table} (LIKE {table} INCLUDING DEFAULTS)")
        _copy(cursor, folder, table, f"bare_{table}")
    for definition in indexes:
        named = definition.replace(" INDEX ", " INDEX bare_", 1)
        cursor.execute(named.replace(" ON public.voucher_row ", " ON bare_voucher_row ").replace(
            " ON public.voucher ", " ON bare_voucher "))
    cursor.execute("ALTER TABLE bare_voucher ADD FOREIGN KEY (fiscal_year_id) REFERENCES fiscal_year (id)")
    cursor.execute("ALTER TABLE bare_voucher ADD FOREIGN KEY (batch_id) REFERENCES import_batch (id)")
    cursor.execute("ALTER TABLE bare_voucher_row ADD FOREIGN KEY (voucher_id, fiscal_year_id) "
                   "REFERENCES bare_voucher (id, fiscal_year_id)")  # fmt: skip


def main() -> None:
    with durable_postgres("PostgreSQL import costs") as server, tempfile.TemporaryDirectory() as folder:
        if server is None:
            return
        dump(server, Path(folder))
        seconds = {job: load(server, Path(folder), job) for job in [*WITHOUT, BARE]}
    baseline = seconds[next(iter(WITHOUT))]
    print(f"\nPostgreSQL: COPY of {ensure_file().name}'s vouchers and rows, server work only (seconds)")
    print(f"{'job':<44}{'seconds':>9}{'x baseline':>12}{'saved':>8}")
    for job, taken in seconds.items():
        print(f"{job:<44}{taken:>9.2f}{taken / baseline:>12.2f}{baseline - taken:>8.2f}")


if __name__ == "__main__":
    main()
