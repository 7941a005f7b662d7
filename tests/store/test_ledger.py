import datetime as dt
from decimal import Decimal

import pytest

from core import ledger
from core.importer import import_source
from core.sie.model import Balance, BalanceKind, Voucher
from tests.store.sources import START, FakeSource, consistent_year, make_header


@pytest.fixture
def imported(db):
    import_source(db, FakeSource(make_header(), consistent_year()))
    company = ledger.resolve_company(db)
    return company, ledger.resolve_fiscal_year(db, company)


def test_trial_balance(db, imported):
    balance = ledger.trial_balance(db, *imported)
    lines = {line.number: line for line in balance.accounts}
    assert list(lines) == ["1930", "2440", "3001", "5410"]
    assert lines["1930"] == ledger.TrialBalanceLine("1930", "Företagskonto", Decimal("1000.00"), Decimal("1250.50"), Decimal("2250.50"))
    assert (lines["5410"].opening, lines["5410"].movement) == (Decimal("0"), Decimal("400.25"))  # #RTRANS/#BTRANS not summed
    assert (balance.vouchers, balance.transactions) == (2, 4)
    assert {check.check_id for check in balance.checks} == {
        "voucher-balance", "closing-balances", "results", "opening-vs-file", "opening-vs-store", "opening-sum",
        "voucher-dates",
    }


def test_result_accounts_open_at_zero(db):
    items = [*consistent_year(), Balance(BalanceKind.IB, 0, "3001", Decimal("-5.00"))]
    import_source(db, FakeSource(make_header(), items))
    company = ledger.resolve_company(db)
    lines = {line.number: line for line in ledger.trial_balance(db, company, ledger.resolve_fiscal_year(db, company)).accounts}
    assert lines["3001"].opening == 0 and lines["3001"].closing == Decimal("-1250.50")


def test_trial_balance_json(db, imported):
    document = ledger.trial_balance(db, *imported).to_json()
    assert document["company"] == {"name": "Testbolaget AB", "org_number": "5566778899"}
    assert document["fiscal_year"] == {"start": "2024-01-01", "end": "2024-12-31"}
    assert (document["vouchers"], document["transactions"]) == (2, 4)
    assert document["accounts"][0] == {"number": "1930", "name": "Företagskonto", "opening": "1000.00", "movement": "1250.50", "closing": "2250.50"}
    assert document["accounts"][3]["opening"] == "0.00"
    assert {"id": "voucher-balance", "status": "ok", "message": document["checks"][0]["message"]} == document["checks"][0]


def test_fiscal_year_by_the_calendar_year_it_ends_in(db, imported):
    company, latest = imported
    assert latest.start == START
    assert ledger.resolve_fiscal_year(db, company, 2023).start == dt.date(2023, 1, 1)
    with pytest.raises(ledger.NotInStore, match="2019"):
        ledger.resolve_fiscal_year(db, company, 2019)


def test_companies(db, imported):
    import_source(db, FakeSource(make_header(org="559999-0000", name="Annat AB"), consistent_year()))
    assert [c.name for c in ledger.list_companies(db)] == ["Annat AB", "Testbolaget AB"]
    assert ledger.resolve_company(db, "5599990000").name == "Annat AB"
    with pytest.raises(ledger.NotInStore, match="Annat AB"):
        ledger.resolve_company(db)
    assert ledger.list_companies(db)[1].to_json()["fiscal_years"][1] == {"start": "2024-01-01", "end": "2024-12-31"}


def test_export_year_streams_back_what_was_imported(db, imported):
    header, balances, vouchers = ledger.export_year(db, *imported)
    assert (header.company_name, header.org_number, header.years[0].start, header.years[-1].start) == (
        "Testbolaget AB", "556677-8899", START, dt.date(2023, 1, 1)
    )
    assert header.accounts["1930"].name == "Företagskonto"
    source = consistent_year()
    expected_vouchers = [item for item in source if isinstance(item, Voucher)]
    for item in expected_vouchers:
        item.line = 0
        for row in item.rows:
            row.line = 0
    assert list(vouchers) == expected_vouchers
    expected_balances = sorted(repr(item) for item in source if isinstance(item, Balance))
    assert sorted(repr(item) for item in balances) == expected_balances
