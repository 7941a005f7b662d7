"""A year divided into quarters (period kind "quarter"): the per-period checks report per quarter, compare with
earlier quarters and the same quarter last year, and the VAT settlement covers whole quarters."""

from __future__ import annotations

import pytest

from core import periods
from core.checks import custom, engine
from core.checks.vat import set_vat_period
from core.errors import BokslutError
from core.ledger import resolve_company, resolve_fiscal_year
from core.store.models import CheckResult
from tests.checks import ORG, day, db, load, results, run, voucher  # noqa: F401 (db is a fixture)

PER_PERIOD = ("unusual-counts", "unusual-amounts", "count-vs-last-year")


def _by_quarters(db, year=2024):  # noqa: F811
    company = resolve_company(db, ORG)
    periods.set_period_kind(db, resolve_fiscal_year(db, company, year), "quarter")


def _quarterly(counts: dict[int, int], big: dict[int, str] | None = None, year=2024):
    """`counts[q]` vouchers on 5410 spread over quarter q's three months; `big[q]` replaces one amount that quarter."""
    items, number = [], 0
    for quarter, count in counts.items():
        for i in range(count):
            number += 1
            value = (big or {}).get(quarter) if i == 0 and quarter in (big or {}) else f"100.{i % 7}0"
            month = 3 * quarter - 2 + i % 3
            items.append(voucher(number, day(month, 1 + i % 28, year), ("5410", value), ("1930", "-" + value)))
    return items


def test_the_periods_are_the_quarters(db):
    load(db, _quarterly({1: 4}))
    _by_quarters(db)
    found = run(db)
    assert {period for check, period in found if check in PER_PERIOD} == {"2024Q1", "2024Q2", "2024Q3", "2024Q4"}
    assert not any(period.isdigit() for _, period in found)


def test_unusually_many_transactions_in_a_quarter(db):
    load(db, _quarterly({1: 4, 2: 5, 3: 4, 4: 30}))
    _by_quarters(db)
    found = run(db)
    assert found[("unusual-counts", "2024Q3")]["status"] == "orange"  # two earlier quarters only
    fourth = found[("unusual-counts", "2024Q4")]
    assert fourth["status"] == "red" and {row["account"] for row in fourth["rows"]} == {"1930", "5410"}
    assert fourth["rows"][0]["found"] == 30


def test_as_many_transactions_as_in_earlier_quarters(db):
    load(db, _quarterly({1: 4, 2: 5, 3: 4, 4: 5}))
    _by_quarters(db)
    assert results(db, "unusual-counts", period="2024Q4")["status"] == "green"


def test_unusually_high_amount_in_a_quarter(db):
    load(db, _quarterly({1: 5, 2: 5, 3: 5, 4: 5}, big={4: "25000.00"}))
    _by_quarters(db)
    found = run(db)
    fourth = found[("unusual-amounts", "2024Q4")]
    assert fourth["status"] == "red"
    assert {(row["account"], row["amount"]) for row in fourth["rows"]} == {("5410", "25000.00"), ("1930", "-25000.00")}
    load(db, _quarterly({1: 5, 2: 5, 3: 5, 4: 5}))
    assert results(db, "unusual-amounts", period="2024Q4")["status"] == "green"


def test_a_quarter_against_the_same_quarter_last_year(db):
    load(db, _quarterly({1: 20}, year=2023), year=2023)
    load(db, _quarterly({1: 20, 2: 3}))
    _by_quarters(db)
    found = run(db)
    assert found[("count-vs-last-year", "2024Q1")]["status"] == "green"
    assert found[("count-vs-last-year", "2024Q2")]["status"] == "green"  # none last year, three now: within tolerance
    load(db, _quarterly({1: 4}))
    assert results(db, "count-vs-last-year", period="2024Q1")["rows"][0] == {
        "account": "1930", "expected": 20, "found": 4, "compared_with": "2023Q1"
    }  # fmt: skip


def _sale(number, date, net, vat):
    gross = str(int(net) + int(vat))
    return voucher(number, date, ("1510", gross), ("3001", "-" + net), ("2610", "-" + vat))


def test_vat_settled_per_quarter(db):
    """Settled in May for the first quarter: April's sale belongs to the next settlement, not this one. The VAT
    period is the company's own setting, whatever the reconciliation periods are."""
    items = [_sale(1, day(1, 10), "1000", "250"), _sale(2, day(3, 5), "400", "100"), _sale(3, day(4, 9), "800", "200"),
             voucher(4, day(5, 12), ("2610", "350"), ("2650", "-350"))]  # fmt: skip
    load(db, items)
    result = results(db, "vat-settlement")  # one settlement tells no period: a quarter, the usual one
    assert result["status"] == "green" and result["params"]["vat_period"] == "quarter"
    set_vat_period(db, resolve_company(db, ORG), "month")
    _by_quarters(db)  # the reconciliation periods do not decide it
    assert results(db, "vat-settlement")["status"] == "red"  # by month, May 12 settles January..April
    set_vat_period(db, resolve_company(db, ORG), "quarter")
    assert results(db, "vat-settlement")["status"] == "green"
    items[-1] = voucher(4, day(5, 12), ("2610", "250"), ("2650", "-250"))
    load(db, items)
    assert results(db, "vat-settlement")["rows"] == [
        {"series": "A", "number": "4", "date": "2024-05-12", "account": "2650", "period": "2024-01-01..2024-03-31",
         "expected": "-350.00", "found": "-250.00", "difference": "100.00"}
    ]  # fmt: skip


def test_own_transaction_count_per_quarter(db):
    load(db, _quarterly({1: 5, 2: 1}))
    company = resolve_company(db, ORG)
    custom.add_check(db, company, "transaction-count", "Purchases", {"accounts": ["5410"], "min": 2, "max": 6})
    _by_quarters(db)
    found = run(db)
    assert found[("custom-purchases", "2024Q1")]["status"] == "green"
    assert found[("custom-purchases", "2024Q2")]["rows"] == [{"account": "5410", "expected": "2..6", "found": 1}]


def test_one_quarter_and_its_names(db):
    load(db, _quarterly({1: 4, 2: 4}))
    _by_quarters(db)
    for name in ("2024Q2", "2024-Q2", "2024q2"):
        assert {period for _, period in run(db, period=name)} == {"2024Q2"}
    with pytest.raises(BokslutError, match="divided into quarters 2024Q1..2024Q4"):
        run(db, period="2024-04")


def test_a_locked_quarter_is_not_checked_again_while_its_results_are_fresh(db):
    load(db, _quarterly({1: 4}))
    _by_quarters(db)
    company = resolve_company(db, ORG)
    year = resolve_fiscal_year(db, company, 2024)
    run(db)
    periods.lock_period(db, year, "2024Q1")
    before = CheckResult.get(CheckResult.check_id == "unusual-counts", CheckResult.period == "2024Q1").computed
    run(db)
    stays = CheckResult.get(CheckResult.check_id == "unusual-counts", CheckResult.period == "2024Q1")
    assert not stays.stale and stays.computed == before


def test_switching_to_quarters_drops_the_months_results(db):
    load(db, _quarterly({1: 4}))
    run(db)
    company = resolve_company(db, ORG)
    year = resolve_fiscal_year(db, company, 2024)
    assert any(r.period == "202401" for r in engine.list_results(db, company, year))
    _by_quarters(db)
    listed = engine.list_results(db, company, year)
    assert listed and all(r.period == "" and r.stale for r in listed)
