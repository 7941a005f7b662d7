import datetime as dt

from core.importer import import_source
from core.integrity import stored_checks
from tests.store.sources import START, FakeSource, balance, consistent_year, make_header, voucher


def _checks(db, items, header=None):
    result = import_source(db, FakeSource(header or make_header(), items))
    by_id = {check.check_id: check for check in result.checks}
    assert [c.check_id for c in stored_checks(db, result.fiscal_year_id)] == [c.check_id for c in result.checks]
    return by_id


def _without(items, kind, year, account):
    return [i for i in items if not (getattr(i, "kind", None) and i.kind.value == kind and i.year_index == year and i.account == account)]


def test_consistent_year_passes_every_check(db):
    checks = _checks(db, consistent_year())
    opening_sum = checks.pop("opening-sum")  # the sample's #IB is 1930 alone: no equity beside it
    assert opening_sum.status == "warning" and opening_sum.details == ({"expected": "0.00", "found": "1000.00"},)
    assert {c.status for c in checks.values()} == {"ok"}
    assert "no differences" in checks["closing-balances"].message
    assert "no differences" in checks["results"].message
    assert "no differences" in checks["opening-vs-file"].message


def test_unbalanced_voucher_is_an_error_naming_it(db):
    items = [*consistent_year(), voucher(7, START, ("1930", "100.00"), ("3001", "-60.00"), series="B")]
    check = _checks(db, items)["voucher-balance"]
    assert check.status == "error"
    assert check.details == ({"voucher": "B 7", "date": "2024-01-01", "expected": "0.00", "found": "40.00"},)


def test_history_rows_do_not_unbalance_a_voucher(db):
    checks = _checks(db, consistent_year())  # voucher 2 has an unmatched #BTRANS of 99
    assert checks["voucher-balance"].status == "ok"


def test_closing_balance_difference_names_account_expected_and_found(db):
    items = [balance("UB", 0, "1930", "2000.00") if getattr(i, "kind", None) and i.kind.value == "UB" and i.year_index == 0 and i.account == "1930" else i for i in consistent_year()]
    check = _checks(db, items)["closing-balances"]
    assert check.status == "error"
    assert check.details == ({"account": "1930", "expected": "2000.00", "found": "2250.50", "difference": "250.50"},)


def test_missing_closing_balance_counts_as_zero(db):
    check = _checks(db, _without(consistent_year(), "UB", 0, "2440"))["closing-balances"]
    assert [d["account"] for d in check.details] == ["2440"]


def test_result_difference_is_an_error(db):
    check = _checks(db, _without(consistent_year(), "RES", 0, "5410"))["results"]
    assert check.status == "error"
    assert check.details == ({"account": "5410", "expected": "0.00", "found": "400.25", "difference": "400.25"},)


def test_without_balances_the_balance_checks_say_so(db):
    checks = _checks(db, [voucher(1, START, ("1930", "1"), ("3001", "-1"))])
    assert checks["closing-balances"].status == "ok" and "not checked" in checks["closing-balances"].message
    assert "not checked" in checks["results"].message


def test_opening_differs_from_previous_closing_in_the_file(db):
    items = [balance("UB", -1, "1930", "999.00") if getattr(i, "kind", None) and i.kind.value == "UB" and i.year_index == -1 else i for i in consistent_year()]
    check = _checks(db, items)["opening-vs-file"]
    assert check.status == "warning"
    assert check.details[0]["account"] == "1930" and check.details[0]["expected"] == "999.00" and check.details[0]["found"] == "1000.00"


def test_opening_differs_from_previous_year_in_the_store(db):
    previous = make_header(start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31))
    import_source(db, FakeSource(previous, [balance("UB", 0, "1930", "900.00")]))
    checks = _checks(db, consistent_year())
    assert checks["opening-vs-store"].status == "warning"
    assert checks["opening-vs-store"].details[0] == {"account": "1930", "expected": "900.00", "found": "1000.00", "difference": "100.00"}


def test_opening_matches_previous_year_in_the_store(db):
    previous = make_header(start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31))
    import_source(db, FakeSource(previous, [balance("UB", 0, "1930", "1000.00")]))
    check = _checks(db, consistent_year())["opening-vs-store"]
    assert check.status == "ok" and "no differences" in check.message


def test_voucher_outside_the_year_is_a_warning(db):
    check = _checks(db, [*consistent_year(), voucher(3, dt.date(2025, 1, 2), ("1930", "1"), ("3001", "-1"))])["voucher-dates"]
    assert check.status == "warning" and check.details[0]["found"] == "2025-01-02"


def test_reimport_replaces_stored_checks(db):
    _checks(db, [*consistent_year(), voucher(7, START, ("1930", "1"))])
    result = import_source(db, FakeSource(make_header(), consistent_year()))
    statuses = {c.check_id: c.status for c in stored_checks(db, result.fiscal_year_id)}
    assert statuses.pop("opening-sum") == "warning" and set(statuses.values()) == {"ok"} and len(statuses) == 6


def test_opening_balances_that_do_not_sum_to_zero_are_a_warning_with_the_amount(db):
    balanced = [balance("IB", 0, "1930", "1000.00"), balance("IB", 0, "2099", "-1000.00")]
    assert _checks(db, balanced)["opening-sum"].status == "ok"
    check = _checks(db, [balance("IB", 0, "1930", "1000.00"), balance("IB", 0, "2081", "-600.00")])["opening-sum"]
    assert check.status == "warning" and check.details == ({"expected": "0.00", "found": "400.00"},)
    assert "400.00" in check.message
