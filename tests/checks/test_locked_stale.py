"""A locked period's check results are kept while the books under them stay as they were, and checked again once an
import (a re-import the user confirmed changes locked periods) has made them stale: never stale for ever."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from core import periods
from core.importer import import_source
from core.ledger import resolve_company, resolve_fiscal_year
from core.periods import LockedPeriodsChanged
from core.store.models import CheckResult
from tests.checks import ORG, balance, day, db, run, voucher  # noqa: F401 (db is a fixture)
from tests.store.sources import FakeSource, make_header

LOCKED = ("2024-01", "2024-02", "2024-03", "2024-04")


def sales(april: int) -> list:
    """One sale in each of January to March, and `april` sales on 2 April (a Tuesday)."""
    items = [balance("IB", 0, "1930", "0.00")]
    items += [voucher(month, day(month, 2), ("1930", "100"), ("3001", "-100")) for month in (1, 2, 3)]
    items += [voucher(10 + n, day(4, 2), ("1930", "100"), ("3001", "-100")) for n in range(april)]
    return items


def import_year(db, items, confirm_locked_changes: bool = False) -> None:  # noqa: F811
    header = make_header(start=day(1, 1), end=day(12, 31))
    import_source(db, FakeSource(header, items), file_name="2024.se", confirm_locked_changes=confirm_locked_changes)


def april_counts() -> CheckResult:
    return CheckResult.get(CheckResult.check_id == "unusual-counts", CheckResult.period == "202404")


@pytest.fixture
def locked_april(db):  # noqa: F811
    """The books with one sale in April, checked, then January to April locked."""
    import_year(db, sales(april=1))
    run(db)
    year = resolve_fiscal_year(db, resolve_company(db, ORG), 2024)
    for month in LOCKED:
        periods.lock_period(db, year, month)
    return db


def test_a_locked_period_with_fresh_results_is_not_checked_again(locked_april):
    before = april_counts()
    assert before.status == "green" and not before.stale  # one row a month, as in each month before
    long_ago = dt.datetime(2000, 1, 1)  # a run stamps the time it ran, to the second: this one no run can write
    CheckResult.update(computed=long_ago).where(CheckResult.id == before.id).execute()
    run(locked_april)
    assert april_counts().computed == long_ago


def test_a_confirmed_reimport_into_a_locked_period_gets_its_checks_run_again(locked_april):
    with pytest.raises(LockedPeriodsChanged):
        import_year(locked_april, sales(april=7))  # refused: nothing changed, the results stay fresh
    assert not april_counts().stale

    import_year(locked_april, sales(april=7), confirm_locked_changes=True)
    assert april_counts().stale
    run(locked_april)

    again = april_counts()
    assert not again.stale and again.status == "red"
    # January to March have one row each on 1930 and 3001 (mean 1, no spread); April now has seven on each:
    # 7 - 1 = 6 rows above the mean, more than the five the check lets pass.
    found = {row["account"]: row["found"] for row in json.loads(again.details)["rows"]}
    assert found == {"1930": 7, "3001": 7}
    assert not any(result.stale for result in CheckResult.select().where(CheckResult.period.in_(["202401", "202404"])))


def test_a_stale_locked_period_named_alone_is_checked(locked_april):
    import_year(locked_april, sales(april=7), confirm_locked_changes=True)
    found = run(locked_april, period="2024-04")
    assert found[("unusual-counts", "202404")]["status"] == "red"
    assert not found[("unusual-counts", "202404")]["stale"]
