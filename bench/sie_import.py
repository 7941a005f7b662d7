"""SIE import on a deterministic ~100 MB file: the bare floor (the baseline), read and split lines, parse only,
full import.

Target on a 2-core machine (issue 19): the full import within 1.5x the bare floor measured in the same run, and
300 MB peak RSS (the import's parser process included).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from bench.measure import measure, print_table

OUT = Path(__file__).resolve().parent / "out"
VOUCHERS = 540_000  # about 96 MB and 1.7 million #TRANS: the generator writes ~3.1 rows per voucher
JOBS = "bench.sie_import"  # the child process imports the jobs by this name, also when run as __main__


def bench_spec():
    from core.demo import DemoSpec

    return DemoSpec(vouchers_per_year=VOUCHERS)


def ensure_file() -> Path:
    """The file is deterministic, so one generated earlier is reused."""
    from core.demo import write_demo_sie

    OUT.mkdir(exist_ok=True)
    path = OUT / f"bench-{VOUCHERS}.se"
    if not path.exists():
        print(f"generating {path} ...", file=sys.stderr)
        write_demo_sie(bench_spec(), path)
    return path


def read_and_split(path: str) -> dict:
    lines = 0
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            lines += len(chunk.decode("cp437").splitlines())
    return {"lines": lines}


_FLOOR_SCHEMA = (
    "CREATE TABLE voucher (id INTEGER PRIMARY KEY, series TEXT, number TEXT, date TEXT, text TEXT)",
    "CREATE TABLE voucher_row (id INTEGER PRIMARY KEY, voucher_id INTEGER, account TEXT, objects TEXT, "
    "amount INTEGER, date TEXT, text TEXT, quantity TEXT)",
    "CREATE INDEX voucher_row_account ON voucher_row (account, voucher_id, amount)",
)


def bare_floor(path: str, db_dir: str) -> dict:
    """What any importer must at least do, in plain CPython: read, decode, split lines, take each #VER and #TRANS
    apart with string methods (amounts to integer öre), executemany into SQLite with one index, one transaction.
    No checks, no objects, no escapes: the file is known to be the generator's."""
    import sqlite3

    connection = sqlite3.connect(str(Path(db_dir) / f"floor-{os.getpid()}.sqlite3"), isolation_level=None)
    connection.execute("PRAGMA journal_mode = wal")
    connection.execute("PRAGMA synchronous = 1")
    for statement in _FLOOR_SCHEMA:
        connection.execute(statement)
    cursor = connection.cursor()
    cursor.execute("BEGIN")
    vouchers, rows = [], []
    voucher_id = transactions = 0
    tail = ""
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            lines = (tail + chunk.decode("cp437")).split("\n")
            tail = lines.pop()
            for line in lines:
                if line.startswith("#TRANS"):
                    head, _, rest = line.partition("{")
                    objects, _, after = rest.partition("}")
                    parts = after.split(None, 3)
                    whole, _, fraction = parts[0].partition(".")
                    ore = int(whole) * 100 + (-1 if whole[0] == "-" else 1) * int(fraction.ljust(2, "0"))
                    text = parts[2].strip('"') if len(parts) > 2 else ""
                    rows.append((voucher_id, head[7:].strip(), objects, ore, None, text, None))
                    transactions += 1
                elif line.startswith("#VER"):
                    voucher_id += 1
                    series, number, date, text = line[5:].split(" ", 3)
                    vouchers.append((voucher_id, series, number, date, text.partition('" ')[0].strip('"')))
                if len(rows) >= 10_000:
                    cursor.executemany("INSERT INTO voucher VALUES (?, ?, ?, ?, ?)", vouchers)
                    cursor.executemany("INSERT INTO voucher_row (voucher_id, account, objects, amount, date, text, "
                                       "quantity) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
                    vouchers.clear()
                    rows.clear()
    cursor.executemany("INSERT INTO voucher VALUES (?, ?, ?, ?, ?)", vouchers)
    cursor.executemany("INSERT INTO voucher_row (voucher_id, account, objects, amount, date, text, quantity) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    cursor.execute("COMMIT")
    connection.close()
    return {"vouchers": voucher_id, "transactions": transactions}


def parse_only(path: str) -> dict:
    from core.sie.reader import SieReader

    vouchers = rows = 0
    for item in SieReader(path):
        if hasattr(item, "rows"):
            vouchers += 1
            rows += len(item.rows)
    return {"vouchers": vouchers, "rows": rows}


def full_import(path: str, db_dir: str) -> dict:
    from core.importer import import_sie
    from core.store.db import open_store

    db = open_store(Path(db_dir) / "bench.sqlite3")
    result = import_sie(db, Path(path))
    return {"vouchers": result.vouchers, "transactions": result.transactions}


def main() -> None:
    path = ensure_file()
    size_mb = path.stat().st_size / (1024 * 1024)
    with tempfile.TemporaryDirectory() as db_dir:
        split = measure("a) read + split lines", JOBS, "read_and_split", str(path))
        floor = measure("f) bare floor (baseline)", JOBS, "bare_floor", str(path), db_dir)
        parse = measure("b) parse only", JOBS, "parse_only", str(path))
        load = measure("c) full import into fresh SQLite", JOBS, "full_import", str(path), db_dir)
    print_table(f"SIE import, {path.name}: {size_mb:.0f} MB, {parse.detail}", [split, floor, parse, load], floor)
    print(f"c/f = {load.seconds / floor.seconds:.2f} (target <= 1.5), peak RSS {load.peak_rss_mb:.0f} MB "
          "(target <= 300 MB, the parser process included)")


if __name__ == "__main__":
    main()
