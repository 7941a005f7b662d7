"""The year's transactions summed per account and voucher date (account_day_sum), which reconciliation reads
instead of joining every row to its voucher: written by the import in one process or two, replaced by a re-import,
filled by the migration for a store imported before it, and read through its index."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest

from core import importer
from core.demo.generator import DemoSpec, write_demo_sie
from core.importer import import_sie
from core.money import to_ore
from core.store.db import open_store
from core.store.migrations import LATEST_VERSION, current_version
from tests.reconcile.test_cli import SieBook


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    return write_demo_sie(DemoSpec(years=1, vouchers_per_year=600), tmp_path_factory.mktemp("demo") / "demo.se")


def stored_sums(db) -> dict[tuple[str, str], int]:
    return {(account, str(day)): amount for account, day, amount in
            db.execute_sql("SELECT account, date, amount FROM account_day_sum").fetchall()}  # fmt: skip


def file_sums(path) -> dict[tuple[str, str], int]:
    """Summed here from the file's own #VER dates and #TRANS amounts."""
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for _, _, day, rows in SieBook(path).vouchers:
        for account, amount in rows:
            sums[account, day.isoformat()] += amount
    return {key: to_ore(amount) for key, amount in sums.items()}


@pytest.mark.parametrize("elsewhere", [False, True], ids=["one process", "parser process"])
def test_an_import_writes_the_files_sums_and_a_reimport_replaces_them(store_address, demo_file, monkeypatch,
                                                                      elsewhere):  # fmt: skip
    monkeypatch.setattr(importer, "SEPARATE_PARSER_BYTES", 0 if elsewhere else 1 << 40)
    db = open_store(store_address)
    expected = file_sums(demo_file)
    assert len(expected) > 100
    import_sie(db, demo_file, batch_rows=500)
    assert stored_sums(db) == expected
    import_sie(db, demo_file, batch_rows=500)
    assert stored_sums(db) == expected
    db.close()


def test_the_migration_sums_the_vouchers_imported_before_it(store_address, monkeypatch):
    """A store at the version before: its vouchers' TRANS rows are summed per year, account and date; the rows a
    voucher had before a correction (BTRANS) and the ones added (RTRANS, also present as TRANS) are not counted."""
    from core.store import migrations

    version = migrations.MIGRATIONS.index(migrations._add_account_day_sums)
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:version])
        patch.setattr(migrations, "LATEST_VERSION", version)
        old = open_store(store_address)
        assert "account_day_sum" not in old.get_tables()
        for sql in (
            "INSERT INTO company (id, name, created) VALUES (1, 'A', '2024-01-01')",
            ("INSERT INTO import_batch (id, company_id, source, file_name, sha256, vouchers, transactions, balances, "
             "started, status) VALUES (1, 1, 'sie-file', 'a.se', '', 3, 6, 0, '2024-01-01', 'done')"),
            ("INSERT INTO fiscal_year (id, company_id, start, \"end\", batch_id) VALUES (1, 1, '2024-01-01', "
             "'2024-12-31', 1), (2, 1, '2025-01-01', '2025-12-31', 1)"),
            ("INSERT INTO voucher (id, fiscal_year_id, batch_id, series, number, date, text, signature) VALUES "
             "(1, 1, 1, 'A', '1', '2024-03-01', '', ''), (2, 1, 1, 'A', '2', '2024-03-01', '', ''), "
             "(3, 1, 1, 'A', '3', '2024-03-02', '', ''), (4, 2, 1, 'A', '1', '2025-03-01', '', '')"),
            ("INSERT INTO voucher_row (voucher_id, fiscal_year_id, kind, account, amount, objects, text, signature) "
             "VALUES (1, 1, 'TRANS', '1930', 10000, '', '', ''), (1, 1, 'TRANS', '3001', -10000, '', '', ''), "
             "(2, 1, 'TRANS', '1930', 2550, '', '', ''), (2, 1, 'TRANS', '3001', -2550, '', '', ''), "
             "(3, 1, 'TRANS', '1930', -700, '', '', ''), (3, 1, 'BTRANS', '1910', -700, '', '', ''), "
             "(3, 1, 'RTRANS', '6570', 700, '', '', ''), (3, 1, 'TRANS', '6570', 700, '', '', ''), "
             "(4, 2, 'TRANS', '1930', 1, '', '', ''), (4, 2, 'TRANS', '3001', -1, '', '', '')"),
        ):
            old.execute_sql(sql)
        old.close()
    db = open_store(store_address)
    assert current_version(db) == LATEST_VERSION
    rows = db.execute_sql("SELECT fiscal_year_id, account, date, amount FROM account_day_sum").fetchall()
    assert sorted((year, account, str(day), amount) for year, account, day, amount in rows) == [
        (1, "1930", "2024-03-01", 12550), (1, "1930", "2024-03-02", -700), (1, "3001", "2024-03-01", -12550),
        (1, "6570", "2024-03-02", 700), (2, "1930", "2025-03-01", 1), (2, "3001", "2025-03-01", -1),
    ]  # fmt: skip
    db.close()


@pytest.mark.sqlite_only
def test_reconciliation_finds_its_sums_and_the_settlement_days_through_their_indexes(store_address, demo_file):
    """The grid's reads on the two expensive parts: the year's day sums, and the VAT accounts' rows on the days a
    settlement was booked (through those days' vouchers, not through every row of the VAT accounts)."""
    from core.reconcile.report import progress_at_work

    db = open_store(store_address)
    year = import_sie(db, demo_file).fiscal_year_id
    statements = []
    original = db.execute_sql

    def recorded(sql, params=None, *args, **kwargs):
        statements.append((sql, params))
        return original(sql, params, *args, **kwargs)

    db.execute_sql = recorded
    progress_at_work(db, year)
    db.execute_sql = original
    plans = {" | ".join(row[3] for row in db.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params))
             for sql, params in statements if "account_day_sum" in sql or "v.date IN" in sql}  # fmt: skip
    assert plans == {
        "SEARCH account_day_sum USING INDEX account_day_sum_fiscal_year_id_account_date (fiscal_year_id=?)",
        "SEARCH v USING COVERING INDEX voucher_fiscal_year_id_date (fiscal_year_id=? AND date=?) | "
        "SEARCH r USING INDEX voucher_row_voucher_id_kind_amount (voucher_id=? AND kind=?) | "
        "USE TEMP B-TREE FOR GROUP BY",
    }
    db.close()
