"""The analysis' text filter on the shared store goes through trigram indexes (pg_trgm, migration 12) when the server
let bokslut create the extension, and finds the same rows as reading the year; a server that refuses the extension
leaves the store without them, the filter still works, and opening the store says so once."""

from __future__ import annotations

from contextlib import closing

import pytest

from core.analysis import TransactionFilter, TransactionQuery
from core.importer import import_source
from core.store.db import open_store, take_notices
from core.store.dialect import has_text_indexes
from core.store.locks import is_postgres
from tests.store.sources import FakeSource, generated_year, make_header


def _postgres(store_address):
    db = open_store(store_address)
    if not is_postgres(db):
        db.close()
        pytest.skip("SQLite has no trigram index; its text filter reads the year")
    return db


def _expected(db, year_id: int, text: str) -> list[int]:
    """Independently: every #TRANS row of the year whose own or voucher's text holds `text`, any case."""
    rows = db.execute_sql(
        "SELECT r.id, r.text, v.text FROM voucher_row r JOIN voucher v ON v.id = r.voucher_id "
        "WHERE r.fiscal_year_id = ? AND r.kind = 'TRANS' ORDER BY r.id",
        (year_id,),
    ).fetchall()
    return [row_id for row_id, row_text, voucher_text in rows if text in row_text.lower() or text in voucher_text.lower()]


def _found(db, year_id: int, text: str) -> list[int]:
    query = TransactionQuery(db, year_id, TransactionFilter(text=text))
    return list(query.ids) if query.ids is not None else []


def test_the_text_filter_uses_the_trigram_indexes_and_finds_what_reading_the_year_does(store_address):
    db = _postgres(store_address)
    assert has_text_indexes(db)
    result = import_source(db, FakeSource(make_header(), generated_year(2000)))
    db.execute_sql("UPDATE voucher_row SET text = 'Hyra kontor' WHERE MOD(id, 97) = 0")
    db.execute_sql("UPDATE voucher SET text = 'hyra lager' WHERE MOD(id, 89) = 0")
    db.execute_sql("ANALYZE voucher, voucher_row")
    expected = _expected(db, result.fiscal_year_id, "hyra")
    assert len(expected) > 50
    assert _found(db, result.fiscal_year_id, "hyra") == expected
    db.execute_sql("SET enable_seqscan = off")  # the plan must be able to take the indexes, whatever the sizes
    db.execute_sql("SET enable_indexscan = off")
    plan = " ".join(
        line for (line,) in db.execute_sql(
            "EXPLAIN SELECT id FROM voucher_row WHERE text ILIKE ? AND text <> '' UNION ALL SELECT x.id "
            "FROM voucher_row x JOIN voucher w ON w.id = x.voucher_id WHERE w.text ILIKE ?",
            ("%hyra%", "%hyra%"),
        )
    )
    assert "voucher_row_text_trigram" in plan and "voucher_text_trigram" in plan


def test_a_server_that_refuses_pg_trgm_leaves_the_store_without_and_says_so(store_address):
    import psycopg2

    _postgres(store_address).close()
    server, _, _ = str(store_address).rpartition("/")
    with closing(psycopg2.connect(f"{server}/postgres")) as admin:
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("CREATE ROLE plain_user LOGIN")
            cursor.execute("CREATE DATABASE plain_store")
    with closing(psycopg2.connect(f"{server}/plain_store")) as admin:  # tables yes, extensions no
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("GRANT ALL ON SCHEMA public TO plain_user")
            cursor.execute("REVOKE CREATE ON DATABASE plain_store FROM PUBLIC")
    address = server.replace("bokslut@", "plain_user@") + "/plain_store"
    take_notices()
    db = open_store(address)
    try:
        assert not has_text_indexes(db)
        assert [notice.key for notice in take_notices()] == ["store_without_text_index"]
        result = import_source(db, FakeSource(make_header(), generated_year(300)))
        db.execute_sql("UPDATE voucher SET text = 'Hyra' WHERE MOD(id, 7) = 0")
        assert _found(db, result.fiscal_year_id, "hyra") == _expected(db, result.fiscal_year_id, "hyra")
    finally:
        db.close()
        with closing(psycopg2.connect(f"{server}/postgres")) as admin:
            admin.autocommit = True
            with admin.cursor() as cursor:
                cursor.execute("DROP DATABASE plain_store WITH (FORCE)")
                cursor.execute("DROP ROLE plain_user")
