"""The engine's promises: done marks that last until the findings change, staleness, disabled and own checks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.checks import custom, engine
from core.closing import entries
from core.errors import BokslutError
from core.ledger import resolve_company, resolve_fiscal_year
from core.store.models import CheckResult, Period
from tests.checks import ORG, day, db, load, results, run, voucher  # noqa: F401 (db is a fixture)


def _company_year(db, year=2024):  # noqa: F811
    company = resolve_company(db, ORG)
    return company, resolve_fiscal_year(db, company, year)


def _weekend(*numbers):
    """Vouchers dated on Saturdays of January: `weekend-postings` finds each."""
    return [voucher(n, day(1, 6 + 7 * (n - 1)), ("1930", "10"), ("3001", "-10")) for n in numbers]


def _mark(db, check_id="weekend-postings", period=""):
    company, year = _company_year(db)
    return engine.mark_done(db, engine.get_result(db, company, check_id, year, period))


def test_done_lasts_while_the_findings_stay_and_is_cleared_when_they_change(db):
    load(db, _weekend(1, 2))
    run(db)
    done = _mark(db)
    assert done.status == "done" and done.done_by and done.done_at
    load(db, _weekend(1, 2))  # the same books again
    assert results(db, "weekend-postings")["status"] == "done"
    load(db, _weekend(1, 2, 3))
    again = results(db, "weekend-postings")
    assert again["status"] == "red" and again["done_by"] is None and again["params"]["count"] == 3


def test_only_a_red_result_can_be_marked_done(db):
    load(db, _weekend(1))
    run(db)
    with pytest.raises(BokslutError, match="not red"):
        _mark(db, "voucher-balance")


def test_results_go_stale_after_an_import_and_fresh_after_a_run(db):
    load(db, _weekend(1))
    run(db)
    load(db, _weekend(1))
    company, year = _company_year(db)
    listed = engine.list_results(db, company, year)
    assert listed and all(result.stale for result in listed)
    assert not any(r["stale"] for r in run(db).values())


def test_results_go_stale_when_closing_entries_change(db):
    load(db, _weekend(1))
    run(db)
    company, year = _company_year(db)
    draft = entries.EntryDraft(None, "Avskrivning", (
        entries.RowDraft("1930", Decimal("100"), Decimal("0")), entries.RowDraft("3001", Decimal("0"), Decimal("100"))))  # fmt: skip
    entry = entries.create_entry(db, company, year, draft)
    assert all(result.stale for result in engine.list_results(db, company, year))
    run(db)
    entries.delete_entry(db, entry)
    assert all(result.stale for result in engine.list_results(db, company, year))


def test_closing_entries_count_in_the_sign_check(db):
    load(db, [voucher(1, day(2, 5), ("1930", "50"), ("3001", "-50"))])
    assert results(db, "unusual-sign")["status"] == "green"
    company, year = _company_year(db)
    draft = entries.EntryDraft(None, "Uttag", (
        entries.RowDraft("5410", Decimal("80"), Decimal("0")), entries.RowDraft("1930", Decimal("0"), Decimal("80"))))  # fmt: skip
    entries.create_entry(db, company, year, draft)
    assert results(db, "unusual-sign")["rows"] == [{"account": "1930", "expected": "debit", "found": "-30.00"}]


def test_a_disabled_check_is_skipped_and_its_results_removed(db):
    load(db, _weekend(1))
    run(db)
    company, year = _company_year(db)
    engine.set_enabled(db, company, "weekend-postings", False)
    assert ("weekend-postings", "") not in run(db)
    assert not CheckResult.select().where(CheckResult.check_id == "weekend-postings").exists()
    engine.set_enabled(db, company, "weekend-postings", True)
    assert run(db)[("weekend-postings", "")]["status"] == "red"
    with pytest.raises(BokslutError, match="no check 'nonsense'"):
        engine.set_enabled(db, company, "nonsense", False)


def test_one_period_runs_only_the_period_checks(db):
    load(db, _weekend(1))
    found = run(db, period="202401")
    assert {period for _, period in found} == {"202401"}
    assert {check for check, _ in found} == {"unusual-counts", "unusual-amounts", "count-vs-last-year"}
    with pytest.raises(BokslutError, match="not in the fiscal year"):
        run(db, period="202501")


def test_locked_periods_are_not_checked_again_until_an_import_makes_them_stale(db):
    load(db, _weekend(1))
    company, year = _company_year(db)
    run(db)
    Period.create(fiscal_year=year.id, position=1, key="202401", start=day(1, 1), end=day(1, 31), locked=True)
    before = CheckResult.get(CheckResult.check_id == "unusual-counts", CheckResult.period == "202401").computed
    run(db)
    stays = CheckResult.get(CheckResult.check_id == "unusual-counts", CheckResult.period == "202401")
    assert not stays.stale and stays.computed == before
    load(db, _weekend(1))
    assert CheckResult.get(CheckResult.check_id == "unusual-counts", CheckResult.period == "202401").stale
    run(db)  # stale for ever otherwise (tests/checks/test_locked_stale.py)
    assert not CheckResult.get(CheckResult.check_id == "unusual-counts", CheckResult.period == "202401").stale


def test_own_checks_of_each_kind(db):
    load(db, [voucher(1, day(1, 8), ("5410", "12000"), ("1930", "-12000")),
              voucher(2, day(1, 9), ("5410", "300"), ("1930", "-300")),
              voucher(3, day(2, 9), ("2099", "5"), ("1930", "-5"))])  # fmt: skip
    company, _ = _company_year(db)
    custom.add_check(db, company, "amount-threshold", "Stora inköp", {"accounts": ["5400..5499"], "above": "10000"})
    custom.add_check(db, company, "transaction-count", "Bank varje månad", {"accounts": "1930", "min": 1, "max": 1})
    custom.add_check(db, company, "empty-accounts", "Årets resultat", {"accounts": ["2099"]})
    found = run(db)
    assert found[("custom-stora-inköp", "")]["rows"] == [
        {"series": "A", "number": "1", "date": "2024-01-08", "account": "5410", "amount": "12000.00"}
    ]
    assert found[("custom-bank-varje-månad", "202401")]["rows"] == [{"account": "1930", "expected": "1..1", "found": 2}]
    assert found[("custom-bank-varje-månad", "202402")]["status"] == "green"
    assert found[("custom-bank-varje-månad", "202403")]["rows"] == [{"account": "1930", "expected": "1..1", "found": 0}]
    assert [row["account"] for row in found[("custom-årets-resultat", "")]["rows"]] == ["2099"]


@pytest.mark.parametrize(
    "kind, params, message",
    [
        ("amount-threshold", {"accounts": ["5410"]}, 'give "above" or "below"'),
        ("amount-threshold", {"accounts": ["54"], "above": "1"}, "is not an account"),
        ("transaction-count", {"accounts": ["1930"], "min": "many"}, "whole number"),
        ("empty-accounts", {}, "give the accounts"),
        ("sometimes", {}, "unknown check kind"),
    ],
)
def test_own_checks_refuse_bad_params(db, kind, params, message):
    load(db, _weekend(1))
    company, _ = _company_year(db)
    with pytest.raises(BokslutError, match=message):
        custom.add_check(db, company, kind, "Min kontroll", params)


def test_results_carry_a_message_key_and_parameters(db):
    load(db, _weekend(1, 2))
    result = run(db)[("weekend-postings", "")]
    assert result["message_key"] == "weekend-postings.found" and result["params"] == {"count": 2}
    assert result["message"] == "2 vouchers are dated on a weekend"
