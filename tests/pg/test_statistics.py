"""After an import the shared store knows its tables' sizes: without statistics PostgreSQL sorts a whole year for
each page of the transaction analysis (bench/README.md, 'The shared store')."""

from __future__ import annotations

import pytest

from core.analysis import KeysetPager, TransactionQuery
from core.importer import import_source
from core.store.db import open_store
from core.store.locks import is_postgres
from tests.store.sources import FakeSource, generated_year, make_header


def test_an_import_leaves_statistics_that_make_a_page_walk_by_key(store_address):
    db = open_store(store_address)
    if not is_postgres(db):
        db.close()
        pytest.skip("SQLite's queries carry their own planner hints")
    result = import_source(db, FakeSource(make_header(), generated_year(3000)))
    (estimated,) = db.execute_sql(
        "SELECT reltuples FROM pg_class WHERE relname = 'voucher_row'"
    ).fetchone()
    assert estimated >= result.rows * 0.9  # the planner knows the table's size, not "one row"
    query = TransactionQuery(db, result.fiscal_year_id)
    sql = (
        "EXPLAIN SELECT r.id FROM voucher_row r WHERE r.fiscal_year_id = ? AND r.kind = 'TRANS' ORDER BY r.id LIMIT 200"
    )
    plan = " ".join(line for (line,) in db.execute_sql(sql, (result.fiscal_year_id,)))
    assert "Sort" not in plan and "voucher_row_pkey" in plan
    assert len(KeysetPager(query, page_size=200).page(0)) == 200
    db.close()
