import sqlite3

import pytest

from core.store.db import open_store
from core.store.locks import is_postgres
from core.store.migrations import LATEST_VERSION, StoreTooNew, current_version
from core.store.models import ALL_MODELS
from core.store.orgnr import normalise_org_number


def test_fresh_store_is_at_latest_version(db):
    assert LATEST_VERSION >= 1
    assert current_version(db) == LATEST_VERSION
    versions = [row[0] for row in db.execute_sql("SELECT version FROM schema_version ORDER BY version")]
    assert versions == list(range(1, LATEST_VERSION + 1))


def test_opening_twice_is_idempotent(tmp_path):
    path = tmp_path / "store.sqlite3"
    first = open_store(path)
    first.execute_sql("INSERT INTO company (name, org_number, created) VALUES ('A', '5566778899', '2024-01-01')")
    schema = first.execute_sql("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    first.close()
    second = open_store(path)
    assert current_version(second) == LATEST_VERSION
    assert second.execute_sql("SELECT COUNT(*) FROM schema_version").fetchone()[0] == LATEST_VERSION
    assert second.execute_sql("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema
    assert second.execute_sql("SELECT name FROM company").fetchall() == [("A",)]
    second.close()


@pytest.mark.sqlite_only
def test_pragmas(db):
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


def test_models_match_migrated_schema(db):
    """The migrations own the schema; the models must describe exactly what they built."""
    for model in ALL_MODELS:
        table = model._meta.table_name
        columns = {column.name for column in db.get_columns(table)}
        assert columns == set(model._meta.columns), table


def test_foreign_keys_are_enforced(db):
    with pytest.raises(Exception, match="(?i)foreign key"):
        db.execute_sql("INSERT INTO fiscal_year (company_id, start, \"end\") VALUES (999, '2024-01-01', '2024-12-31')")


def _voucher_in_a_year(db) -> tuple[int, int, int]:
    """(voucher id, its year's id, another year's id) in a store holding one voucher."""
    db.execute_sql("INSERT INTO company (name, created) VALUES ('A', '2024-01-01')")
    company = db.execute_sql("SELECT MAX(id) FROM company").fetchone()[0]
    db.execute_sql("INSERT INTO import_batch (company_id, source, file_name, sha256, vouchers, transactions, balances, "
                   "started, status) VALUES (?, 'sie-file', 'a.se', '', 0, 0, 0, '2024-01-01', 'done')", (company,))
    batch = db.execute_sql("SELECT MAX(id) FROM import_batch").fetchone()[0]
    for start, end in (("2024-01-01", "2024-12-31"), ("2025-01-01", "2025-12-31")):
        db.execute_sql("INSERT INTO fiscal_year (company_id, start, \"end\") VALUES (?, ?, ?)", (company, start, end))
    year, other_year = (row[0] for row in db.execute_sql("SELECT id FROM fiscal_year ORDER BY start").fetchall())
    db.execute_sql("INSERT INTO voucher (fiscal_year_id, batch_id, series, number, date, text, signature) "
                   "VALUES (?, ?, 'A', '1', '2024-03-01', '', '')", (year, batch))
    return db.execute_sql("SELECT MAX(id) FROM voucher").fetchone()[0], year, other_year


_ROW = ("INSERT INTO voucher_row (voucher_id, fiscal_year_id, kind, account, amount, objects, text, signature) "
        "VALUES (?, ?, 'TRANS', '1930', 100, '', '', '')")


def test_a_row_refers_to_a_voucher_and_year_that_exist_and_goes_with_its_year(db):
    voucher, year, _ = _voucher_in_a_year(db)
    with pytest.raises(Exception, match="(?i)foreign key"):
        db.execute_sql(_ROW, (voucher + 1, year))
    with pytest.raises(Exception, match="(?i)foreign key"):
        db.execute_sql(_ROW, (voucher, year + 100))
    db.execute_sql(_ROW, (voucher, year))
    db.execute_sql("DELETE FROM fiscal_year WHERE id = ?", (year,))
    assert db.execute_sql("SELECT COUNT(*) FROM voucher_row").fetchone()[0] == 0


def test_on_postgresql_a_rows_year_is_its_vouchers(db):
    """The shared store checks a row's year through its voucher: one key check a row in an import (migration 14)."""
    if not is_postgres(db):
        pytest.skip("SQLite checks a row's year on its own (a rowid look-up), not through the voucher")
    voucher, _, other_year = _voucher_in_a_year(db)
    with pytest.raises(Exception, match="(?i)foreign key"):
        db.execute_sql(_ROW, (voucher, other_year))


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "store.sqlite3"
    open_store(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO schema_version (version, applied) VALUES (?, '2030-01-01')", (LATEST_VERSION + 1,))
    with pytest.raises(StoreTooNew, match="newer bokslut"):
        open_store(path)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("556677-8899", "5566778899"),
        ("5566778899", "5566778899"),
        ("16556677-8899", "5566778899"),
        ("198605100000", "8605100000"),
        (" 556677 - 8899 ", "5566778899"),
        ("", ""),
    ],
)
def test_normalise_org_number(text, expected):
    assert normalise_org_number(text) == expected


@pytest.mark.parametrize("text", ["5566", "556677-889X", "125566778899", "５５６６７７８８９９"])
def test_normalise_org_number_rejects(text):
    with pytest.raises(ValueError):
        normalise_org_number(text)


def test_migration_5_leaves_old_vouchers_without_a_fingerprint(tmp_path, monkeypatch):
    """A store written before the importer kept fingerprints: its vouchers get NULL (the checks compute those), and
    the snapshots hashed in the old row order go, so the changed-vouchers check cannot compare against them."""
    import core.store.migrations as migrations

    path = tmp_path / "store.sqlite3"
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:4])
        patch.setattr(migrations, "LATEST_VERSION", 4)
        old = open_store(path)
        assert "fingerprint" not in {column.name for column in old.get_columns("voucher")}
        for sql in (
            "INSERT INTO company (id, name, created) VALUES (1, 'A', '2024-01-01')",
            "INSERT INTO import_batch (id, company_id, source, file_name, sha256, vouchers, transactions, balances, "
            "started, status) VALUES (1, 1, 'sie-file', 'a.se', '', 1, 0, 0, '2024-01-01', 'done')",
            "INSERT INTO fiscal_year (id, company_id, start, \"end\", batch_id) VALUES (1, 1, '2024-01-01', "
            "'2024-12-31', 1)",
            "INSERT INTO voucher (fiscal_year_id, batch_id, series, number, date, text, signature) VALUES (1, 1, 'A', "
            "'1', '2024-01-02', 'x', '')",
        ):
            old.execute_sql(sql)
        for check_id in ("_voucher-fingerprints", "weekend-postings"):
            old.execute_sql(
                "INSERT INTO check_result (fiscal_year_id, period, check_id, status, message, details, data_hash, "
                "computed, stale) VALUES (1, '', ?, 'green', '', '{}', '', '2024-01-01', 0)",
                (check_id,),
            )
        old.close()
    store = open_store(path)
    assert current_version(store) == LATEST_VERSION >= 5
    assert store.execute_sql("SELECT series, number, fingerprint FROM voucher").fetchall() == [("A", "1", None)]
    assert store.execute_sql("SELECT check_id FROM check_result").fetchall() == [("weekend-postings",)]
    store.close()


def test_a_shared_store_with_books_takes_the_pair_key_and_the_index_without_empty_texts(store_address, monkeypatch):
    """A PostgreSQL store that already holds a year: its rows get the pair key and the index without empty texts,
    and keep what they were (same rows, same text filter result)."""
    from core.analysis import TransactionFilter, TransactionQuery
    from core.importer import import_source
    from core.store import migrations
    from tests.store.sources import FakeSource, generated_year, make_header

    with monkeypatch.context() as patch:
        before = migrations.MIGRATIONS.index(migrations._row_year_through_its_voucher_on_postgres)
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:before])
        patch.setattr(migrations, "LATEST_VERSION", before)
        old = open_store(store_address)
        if not is_postgres(old):
            old.close()
            pytest.skip("these two migrations change only the shared store")
        year_id = import_source(old, FakeSource(make_header(), generated_year(300))).fiscal_year_id
        old.execute_sql("UPDATE voucher_row SET text = 'Hyra kontor' WHERE MOD(id, 7) = 0")
        rows_before = old.execute_sql("SELECT * FROM voucher_row ORDER BY id").fetchall()
        found_before = list(TransactionQuery(old, year_id, TransactionFilter(text="hyra")).ids or [])
        old.close()
    store = open_store(store_address)
    try:
        assert current_version(store) == LATEST_VERSION >= before + 2
        assert store.execute_sql("SELECT * FROM voucher_row ORDER BY id").fetchall() == rows_before
        keys = store.execute_sql(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'voucher_row'::regclass "
            "AND contype = 'f'"
        ).fetchall()
        pair_key = "FOREIGN KEY (voucher_id, fiscal_year_id) REFERENCES voucher(id, fiscal_year_id) ON DELETE CASCADE"
        assert keys == [(pair_key,)]
        index = store.execute_sql("SELECT indexdef FROM pg_indexes WHERE indexname = 'voucher_row_text_trigram'")
        assert index.fetchone()[0].endswith("WHERE (text <> ''::text)")
        assert len(found_before) > 10
        assert list(TransactionQuery(store, year_id, TransactionFilter(text="hyra")).ids or []) == found_before
    finally:
        store.close()
