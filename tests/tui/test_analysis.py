"""core.analysis and core.activity against a real store of a few thousand rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core import ledger
from core.activity import list_activity
from core.analysis import (
    FilterError,
    KeysetPager,
    TransactionFilter,
    TransactionQuery,
    account_ledger,
    parse_filter,
)
from core.demo import DemoSpec, write_demo_sie
from core.importer import import_sie
from core.overview import company_overview
from core.store.db import open_store


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """About 3 200 #TRANS rows in the latest year, after a previous year so ids do not start at 1."""
    folder = tmp_path_factory.mktemp("analysis")
    spec = DemoSpec(vouchers_per_year=1000, years=2)
    db = open_store(folder / "store.sqlite3")
    import_sie(db, write_demo_sie(spec, folder / "previous.se", year_index=-1))
    result = import_sie(db, write_demo_sie(spec, folder / "latest.se"))
    yield db, result
    db.close()


def all_rows(db, year_id):
    """The reference: every row of the year in one plain query, in the analysis order."""
    query = TransactionQuery(db, year_id)
    return query.page_after(None, 10**9)


def test_pages_forward_cover_every_row_once_in_order(books):
    db, result = books
    pager = KeysetPager(TransactionQuery(db, result.fiscal_year_id), page_size=200)
    rows = [row for number in range(pager.page_count) for row in pager.page(number)]
    assert pager.count == result.transactions > 3000
    assert rows == all_rows(db, result.fiscal_year_id)


def test_pages_from_the_end_backwards_and_a_cold_jump_into_the_middle(books):
    db, result = books
    expected = all_rows(db, result.fiscal_year_id)
    backwards = KeysetPager(TransactionQuery(db, result.fiscal_year_id), page_size=200)
    for number in reversed(range(backwards.page_count)):
        assert backwards.page(number) == expected[number * 200 : (number + 1) * 200]
    cold = KeysetPager(TransactionQuery(db, result.fiscal_year_id), page_size=200)
    assert cold.page(7) == expected[1400:1600]
    assert cold.page(cold.page_count) == []


def recorded_statements(db, monkeypatch) -> list[tuple[str, list]]:
    statements = []
    execute = db.execute_sql

    def recording(sql, params=None, *args, **kwargs):
        statements.append((sql, list(params or [])))
        return execute(sql, params, *args, **kwargs)

    monkeypatch.setattr(db, "execute_sql", recording)
    return statements


def test_paging_never_uses_offset(books, monkeypatch):
    db, result = books
    statements = recorded_statements(db, monkeypatch)
    pager = KeysetPager(
        TransactionQuery(db, result.fiscal_year_id, TransactionFilter(accounts=("1900", "1999"))), page_size=50
    )
    pager.page(pager.page_count - 1)
    pager.page(3)
    assert statements and not any("OFFSET" in sql.upper() for sql, _params in statements)


@pytest.mark.parametrize(
    "row_filter",
    [
        TransactionFilter(),
        TransactionFilter(period=(dt.date(2025, 3, 1), dt.date(2025, 3, 31))),
        TransactionFilter(cost_center="20"),
    ],
)
def test_a_page_walks_rows_in_key_order_and_never_sorts_the_year(books, monkeypatch, row_filter):
    """What keeps a page instant at 1.5 million rows: SQLite steps along the row ids from the key and
    stops at LIMIT, instead of sorting every matching row first (a temp b-tree)."""
    db, result = books
    pager = KeysetPager(TransactionQuery(db, result.fiscal_year_id, row_filter), page_size=50)
    statements = recorded_statements(db, monkeypatch)
    pager.page(1)
    pager.page(pager.page_count - 1)
    monkeypatch.undo()
    plans = [
        " | ".join(row[3] for row in db.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params)) for sql, params in statements
    ]
    assert len(plans) == 3  # page 0 on the way to page 1, page 1, the last page
    for plan in plans:
        assert "SEARCH r USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)" in plan
        assert "TEMP B-TREE" not in plan


FILTERS = {
    "accounts": (TransactionFilter(accounts=("3000", "3999")), lambda row: "3000" <= row.account <= "3999"),
    "period": (
        TransactionFilter(period=(dt.date(2025, 3, 1), dt.date(2025, 3, 31))),
        lambda row: row.date.month == 3,
    ),
    "series": (TransactionFilter(series="A"), lambda row: row.series == "A"),
    "text": (TransactionFilter(text="hyra"), lambda row: "hyra" in row.text.lower()),
    "amount": (
        TransactionFilter(amount=(Decimal("100"), Decimal("500"))),
        lambda row: Decimal("100") <= abs(row.amount) <= Decimal("500"),
    ),
    "cost_center": (TransactionFilter(cost_center="20"), lambda row: row.cost_center == "20"),
    "project": (TransactionFilter(project="0001"), lambda row: row.project == "0001"),
}


@pytest.mark.parametrize("name", FILTERS)
def test_each_filter_matches_the_rows_a_plain_scan_would_pick(books, name):
    db, result = books
    row_filter, wanted = FILTERS[name]
    expected = [row for row in all_rows(db, result.fiscal_year_id) if wanted(row)]
    pager = KeysetPager(TransactionQuery(db, result.fiscal_year_id, row_filter), page_size=40)
    found = [row for number in reversed(range(pager.page_count)) for row in reversed(pager.page(number))][::-1]
    assert expected, f"the demo data should have rows for the {name} filter"
    assert pager.count == len(expected)
    assert found == expected


def test_typed_filters_in_swedish_and_english():
    swedish = parse_filter("konto:1930 serie:A belopp:1000,50 ks:10 projekt:P1")
    assert swedish == parse_filter("account:1930 series:A amount:1000.50 cc:10 project:P1")
    assert swedish == TransactionFilter(
        accounts=("1930", "1930"),
        series="A",
        amount=(Decimal("1000.50"), Decimal("1000.50")),
        cost_center="10",
        project="P1",
    )
    typed = parse_filter('konto:1900..1999 period:2025-02 belopp:..500 "lokal hyra"')
    assert typed.accounts == ("1900", "1999")
    assert typed.period == (dt.date(2025, 2, 1), dt.date(2025, 2, 28))
    assert typed.amount == (None, Decimal("500"))
    assert typed.text == "lokal hyra"


@pytest.mark.parametrize(
    ("typed", "complaint"),
    [
        ("konto:abc", "account 'abc'"),
        ("period:2025-13", "period '2025-13'"),
        ("belopp:1.234", "amount '1.234'"),
        ('text:"open', "quotes"),
    ],
)
def test_a_filter_that_cannot_be_read_says_which_part(typed, complaint):
    with pytest.raises(FilterError, match=complaint):
        parse_filter(typed)


def test_account_ledger_runs_from_opening_to_closing_balance(books):
    db, result = books
    company = ledger.resolve_company(db)
    line = next(
        line
        for line in ledger.trial_balance(db, company, ledger.resolve_fiscal_year(db, company)).accounts
        if line.number == "1930"
    )
    account = account_ledger(db, result.fiscal_year_id, "1930")
    rows = [row for number in range(account.rows.page_count) for row in account.rows.page(number)]
    assert (account.opening, account.closing) == (line.opening, line.closing)
    assert account.opening != 0
    balance = account.opening
    for row in rows:
        balance += row.amount
        assert row.balance == balance
    assert balance == account.closing
    assert [row.key for row in rows] == sorted(row.key for row in rows)
    from_the_end = account_ledger(db, result.fiscal_year_id, "1930").rows
    assert (
        from_the_end.page(from_the_end.page_count - 1) == rows[(from_the_end.page_count - 1) * from_the_end.page_size :]
    )


def test_result_accounts_open_at_zero(books):
    db, result = books
    assert account_ledger(db, result.fiscal_year_id, "3001").opening == 0


def test_overview_has_the_years_checks_and_twelve_months(books):
    db, result = books
    overview = company_overview(db, result.company_id)
    assert [start.year for _id, start, _end in overview.years] == [2024, 2025]
    assert overview.year_id == result.fiscal_year_id
    assert {check.check_id for check in overview.checks} >= {"voucher-balance", "closing-balances"}
    assert [month for month, _ in overview.monthly_results] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert overview.last_import.file_name == "latest.se"


def test_activity_newest_first_and_filtered(books):
    db, result = books
    entries = list_activity(db)
    assert [entry.id for entry in entries] == sorted((entry.id for entry in entries), reverse=True)
    assert entries[0].id == result.activity_id and entries[0].status == "done"
    assert entries[0].counts["transactions"] == result.transactions
    assert entries[0].company_name == "Nordljus Konsult AB"
    assert list_activity(db, status="failed") == []
    assert list_activity(db, kind="import", company_id=result.company_id, before_id=entries[0].id) == entries[1:]


def test_an_account_with_many_rows_is_walked_in_key_order_too(books, monkeypatch):
    """Above INDEX_PLAN_MAX_ROWS the account index would mean sorting every match for each page."""
    db, result = books
    bank = TransactionFilter(accounts=("1930", "1930"))
    with_index = KeysetPager(TransactionQuery(db, result.fiscal_year_id, bank), page_size=50)
    monkeypatch.setattr(TransactionQuery, "INDEX_PLAN_MAX_ROWS", 10)
    walked = TransactionQuery(db, result.fiscal_year_id, bank)
    sql = f"EXPLAIN QUERY PLAN SELECT r.id FROM voucher_row r WHERE {walked.where} ORDER BY r.id LIMIT 50"
    plan = " | ".join(row[3] for row in db.execute_sql(sql, walked.params))
    assert "TEMP B-TREE" not in plan and "INTEGER PRIMARY KEY" in plan
    pager = KeysetPager(walked, page_size=50)
    assert [pager.page(n) for n in range(pager.page_count)] == [
        with_index.page(n) for n in range(with_index.page_count)
    ]
