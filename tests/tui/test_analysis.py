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
    YearExtent,
    account_ledger,
    parse_filter,
    recorded_extent,
    voucher_detail,
    year_extent,
)
from core.demo import DemoSpec, write_demo_sie
from core.importer import import_sie
from core.money import from_ore
from core.overview import company_overview
from core.store.db import open_store
from tests.postgres import store_location


@pytest.fixture(scope="module")
def books(tmp_path_factory, postgres_server):
    """About 3 200 #TRANS rows in the latest year, after a previous year so ids do not start at 1."""
    folder = tmp_path_factory.mktemp("analysis")
    spec = DemoSpec(vouchers_per_year=1000, years=2)
    with store_location(postgres_server, folder) as location:
        db = open_store(location)
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


@pytest.mark.sqlite_only  # reads SQLite's query plans
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
    monkeypatch.setattr(TransactionQuery, "LISTED_MAX_ROWS", 10)  # these filters pick more: walk, not list
    pager = KeysetPager(TransactionQuery(db, result.fiscal_year_id, row_filter), page_size=50)
    monkeypatch.undo()
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


@pytest.mark.parametrize("listed_max_rows", [20_000, 10], ids=["listed", "walked"])
@pytest.mark.parametrize("name", FILTERS)
def test_each_filter_matches_the_rows_a_plain_scan_would_pick(books, monkeypatch, name, listed_max_rows):
    """Both ways a filter is read: few matches as a list of row ids, many counted and walked by key."""
    db, result = books
    monkeypatch.setattr(TransactionQuery, "LISTED_MAX_ROWS", listed_max_rows)
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


@pytest.fixture(params=[2_000, 57], ids=["ledger-block", "small-blocks"])
def ledger_blocks(request, monkeypatch):
    """The ledger reads rows in blocks of several pages; small blocks put block edges inside every page."""
    from core.analysis import LedgerQuery

    monkeypatch.setattr(LedgerQuery, "BLOCK_ROWS", request.param)


def test_account_ledger_runs_from_opening_to_closing_balance(books, ledger_blocks):
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


def plans_of(db, statements) -> list[str]:
    return [
        " | ".join(row[3] for row in db.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params)) for sql, params in statements
    ]


@pytest.mark.sqlite_only  # reads SQLite's query plans
def test_an_account_with_many_rows_is_walked_in_key_order_too(books, monkeypatch):
    """Above LISTED_MAX_ROWS an account's rows are walked by key: the account index would mean sorting every
    match for each page."""
    db, result = books
    bank = TransactionFilter(accounts=("1930", "1930"))
    listed = KeysetPager(TransactionQuery(db, result.fiscal_year_id, bank), page_size=50)
    assert listed.query.ids is not None
    monkeypatch.setattr(TransactionQuery, "LISTED_MAX_ROWS", 10)
    walked = TransactionQuery(db, result.fiscal_year_id, bank)
    assert walked.ids is None
    sql = f"EXPLAIN QUERY PLAN SELECT r.id FROM voucher_row r WHERE {walked.where} ORDER BY r.id LIMIT 50"
    plan = " | ".join(row[3] for row in db.execute_sql(sql, walked.params))
    assert "TEMP B-TREE" not in plan and "INTEGER PRIMARY KEY" in plan
    pager = KeysetPager(walked, page_size=50)
    assert [pager.page(n) for n in range(pager.page_count)] == [listed.page(n) for n in range(listed.page_count)]


@pytest.mark.sqlite_only  # reads SQLite's query plans
@pytest.mark.parametrize(
    "row_filter",
    [
        TransactionFilter(text="hyra"),
        TransactionFilter(series="A", cost_center="20"),
        TransactionFilter(amount=(Decimal("100"), Decimal("500")), period=(dt.date(2025, 3, 1), dt.date(2025, 3, 31))),
    ],
    ids=["text", "series+cc", "amount+period"],
)
def test_a_filter_without_an_account_reads_the_year_in_key_order_once(books, monkeypatch, row_filter):
    """The slow way to search 1.5 million rows is through the account index, fetching each row and its
    voucher from all over the table. Without an account range the search reads the year's stretch of
    rows in id order, and its pages then fetch the few rows it found by primary key."""
    db, result = books
    extent = year_extent(db, result.fiscal_year_id)
    statements = recorded_statements(db, monkeypatch)
    pager = KeysetPager(TransactionQuery(db, result.fiscal_year_id, row_filter, extent), page_size=50)
    searches = list(statements)
    pager.page(pager.page_count - 1)
    pages = statements[len(searches) :]
    monkeypatch.undo()
    assert pager.query.ids is not None and pager.count > 0
    (search,) = plans_of(db, searches)  # the count comes with the ids: one pass
    assert search.startswith("SEARCH r USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)")
    assert "INDEX" not in search.replace("INTEGER PRIMARY KEY", "") and "TEMP B-TREE" not in search
    for plan in plans_of(db, pages):
        assert "SEARCH r USING INTEGER PRIMARY KEY (rowid=?)" in plan and "SCAN" not in plan


def test_the_recorded_extent_agrees_with_the_counted_one(books):
    """The analysis opens on the import's recorded count, then checks it against a counted one."""
    db, result = books
    counted = year_extent(db, result.fiscal_year_id)
    recorded = recorded_extent(db, result.fiscal_year_id)
    assert counted.exact and not recorded.exact
    assert counted.count == result.transactions
    assert recorded.agrees_with(counted)
    assert not recorded.agrees_with(YearExtent(counted.count - 1, counted.low, counted.high, exact=True))
    assert not recorded.agrees_with(YearExtent(counted.count, recorded.low - 1, counted.high, exact=True))
    rows = KeysetPager(TransactionQuery(db, result.fiscal_year_id, extent=recorded), page_size=500)
    assert [row for n in range(rows.page_count) for row in rows.page(n)] == all_rows(db, result.fiscal_year_id)


@pytest.mark.sqlite_only  # counts SQLite's virtual machine steps
def test_a_page_near_the_end_costs_what_one_near_the_start_does(books):
    """Measured in SQLite's own steps: a keyset page must seek to its key, not walk to it from the first match."""
    db, result = books
    steps = []
    connection = db.connection()
    connection.set_progress_handler(lambda: steps.append(1) and 0, 100)
    try:
        for row_filter in (TransactionFilter(), TransactionFilter(period=(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))):
            query = TransactionQuery(db, result.fiscal_year_id, row_filter)
            assert query.ids is None or row_filter != TransactionFilter()
            query.ids = None  # walk by key even where a list would do
            first, last = query.page_after(None, 50), query.page_before(None, 50)
            costs = {}
            for name, page in [
                ("second", lambda: query.page_after(first[-1].key, 50)),
                ("before last", lambda: query.page_before(last[0].key, 50)),
                ("after first", lambda: query.page_after(first[0].key, 50)),
                ("near the end", lambda: query.page_after(last[0].key - 1, 50)),
            ]:
                steps.clear()
                assert page()
                costs[name] = len(steps)
            assert max(costs.values()) <= 3 * min(costs.values()) + 5, costs
    finally:
        connection.set_progress_handler(None, 0)


def test_ledger_pages_carry_the_running_balance_from_their_neighbour(books, monkeypatch, ledger_blocks):
    """Summing every row before a page meant joining and scanning the whole account for each page; the
    pager always comes from a neighbouring page, whose edge balance is kept."""
    db, result = books
    forward = account_ledger(db, result.fiscal_year_id, "1930").rows
    expected = [row for number in range(forward.page_count) for row in forward.page(number)]
    monkeypatch.setattr(
        type(forward.query), "_sum_before", lambda *_: pytest.fail("summed the rows before a page")
    )
    for account in ("1930", "3001"):
        ledger = account_ledger(db, result.fiscal_year_id, account)
        pager = KeysetPager(ledger.rows.query, page_size=40)
        backwards = [row for number in reversed(range(pager.page_count)) for row in reversed(pager.page(number))]
        assert backwards[0].balance == ledger.closing
        if account == "1930":
            assert backwards[::-1] == expected
        middle = KeysetPager(account_ledger(db, result.fiscal_year_id, account).rows.query, page_size=40)
        assert middle.page(middle.page_count // 2) == pager.page(pager.page_count // 2)


@pytest.mark.sqlite_only  # the app's test fixtures open the data directory's file
@pytest.mark.parametrize("recorded_wrong_by", [0, 5], ids=["record-agrees", "record-wrong"])
async def test_the_analysis_opens_on_the_recorded_count_and_trusts_only_a_counted_one(
    make_app, demo_store, recorded_wrong_by
):
    """The screen shows the year at once on the import's recorded count, counts in the background, and reads
    the rows again if the store disagrees with the record."""
    from tests.tui.conftest import SIZE
    from tests.tui.pilot import press, settle
    from tui.screens.transactions import TransactionsScreen
    from tui.widgets.line_table import LineTable

    demo_store.execute_sql("UPDATE import_batch SET transactions = transactions + ?", (recorded_wrong_by,))
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        year_id = app.screen.overview.year_id
        await press(pilot, "t")
        screen = app.screen
        assert isinstance(screen, TransactionsScreen)
        counted = year_extent(demo_store, year_id)
        assert screen.extent == counted
        table = screen.query_one(LineTable)
        assert table.count == counted.count == screen.pager.count
        assert screen.pager.query.extent.agrees_with(counted)
        await press(pilot, "end")
        assert table.cursor_row == all_rows(demo_store, year_id)[-1]


def test_a_voucher_shows_every_row_history_included(tmp_path, store_address):
    from tests.tui.conftest import HISTORY_SIE

    path = tmp_path / "history.se"
    path.write_text(HISTORY_SIE, encoding="cp437")
    db = open_store(store_address)
    try:
        import_sie(db, path)
        (voucher_id,) = db.execute_sql("SELECT id FROM voucher").fetchone()
        voucher = voucher_detail(db, voucher_id)
    finally:
        db.close()
    assert (voucher.series, voucher.number, voucher.text) == ("A", "7", "Sale")
    assert voucher.date == dt.date(2025, 1, 15) and voucher.registered == dt.date(2025, 1, 20)
    assert [(line.kind, line.account, line.name, line.amount, line.objects, line.text) for line in voucher.lines] == [
        ("TRANS", "3001", "Försäljning", Decimal("-100.00"), "1:10", "row text"),
        ("BTRANS", "1910", "Kassa", Decimal("100.00"), "", ""),
        ("RTRANS", "1930", "Bank", Decimal("100.00"), "", ""),
        ("TRANS", "1930", "Bank", Decimal("100.00"), "", ""),
    ]


def account_rows_by_sql(db, year_id, account):
    """The reference: the account's rows in date order, (row id, amount in öre), in one plain query."""
    return db.execute_sql(
        "SELECT r.id, r.amount FROM voucher_row r JOIN voucher v ON v.id = r.voucher_id "
        "WHERE r.fiscal_year_id = ? AND r.account = ? AND r.kind = 'TRANS' ORDER BY v.date, r.id",
        (year_id, account),
    ).fetchall()


def test_the_account_ledger_opens_at_a_row_deep_in_it_reading_only_that_page(books, monkeypatch, ledger_blocks):
    """A drill-down from the transaction analysis: the row's position is counted, and its page is read straight
    from the rows before it on that page, not walked to page by page from the start."""
    from core.analysis import LedgerQuery

    db, result = books
    expected = account_rows_by_sql(db, result.fiscal_year_id, "1930")
    (opening_ore,) = db.execute_sql(
        "SELECT COALESCE(SUM(amount), 0) FROM balance WHERE fiscal_year_id = ? AND kind = 'IB' AND account = '1930' "
        "AND objects = ''",
        (result.fiscal_year_id,),
    ).fetchone()
    index = len(expected) * 2 // 3 + 7  # not a page's first row
    row_id = expected[index][0]
    ledger_at = account_ledger(db, result.fiscal_year_id, "1930", at_row=row_id)
    assert ledger_at.position == index
    page, offset = divmod(index, ledger_at.rows.page_size)
    assert page >= 2  # a walk from the first page would read page 1 on the way
    reads = []
    for side in ("page_after", "page_before"):
        original = getattr(LedgerQuery, side)
        monkeypatch.setattr(LedgerQuery, side, lambda self, *a, _o=original, _s=side: reads.append(_s) or _o(self, *a))
    rows = ledger_at.rows.page(page)
    assert reads == ["page_after"]
    row = rows[offset]
    assert row.key[1] == row_id
    assert row.balance == from_ore(opening_ore + sum(amount for _id, amount in expected[: index + 1]))


def test_an_unknown_row_opens_the_account_ledger_at_its_start(books):
    db, result = books
    other = account_rows_by_sql(db, result.fiscal_year_id, "3001")[0][0]
    assert account_ledger(db, result.fiscal_year_id, "1930", at_row=other).position == 0


def test_a_findings_voucher_is_found_by_series_and_number_or_as_the_integrity_checks_name_it(books):
    from core.analysis import named_voucher

    db, result = books
    voucher_id, series, number = db.execute_sql(
        "SELECT id, series, number FROM voucher WHERE fiscal_year_id = ? ORDER BY id DESC LIMIT 1",
        (result.fiscal_year_id,),
    ).fetchone()
    year = result.fiscal_year_id
    assert named_voucher(db, year, {"series": series, "number": number, "date": "2025-01-01"}) == voucher_id
    assert named_voucher(db, year, {"voucher": f"{series} {number}".strip(), "problem": "changed"}) == voucher_id
    assert named_voucher(db, year, {"voucher": f"{series} 999999", "problem": "removed"}) is None
    assert named_voucher(db, year, {"account": "3001", "vouchers": f"{series} {number}"}) is None
