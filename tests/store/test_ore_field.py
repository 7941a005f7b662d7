from decimal import Decimal

import pytest

from core.store.models import ActivityLog, Balance, Company, FiscalYear, ImportBatch


@pytest.fixture
def year_and_batch(db):
    company = Company.create(name="A", org_number="5566778899")
    batch = ImportBatch.create(company=company, source="sie-file")
    year = FiscalYear.create(company=company, start="2024-01-01", end="2024-12-31")
    return year, batch


def test_amounts_are_integer_ore_on_disk_and_decimal_in_python(db, year_and_batch):
    year, batch = year_and_batch
    Balance.create(fiscal_year=year, batch=batch, kind="IB", account="1930", amount=Decimal("-1234.50"))
    (on_disk,) = db.execute_sql("SELECT amount FROM balance").fetchone()
    assert (on_disk, type(on_disk)) == (-123450, int)
    assert Balance.get().amount == Decimal("-1234.50")
    assert str(Balance.get().amount) == "-1234.50"


@pytest.mark.parametrize("amount, error", [(Decimal("0.005"), ValueError), (0.1, TypeError)])
def test_sub_ore_and_float_amounts_are_refused(db, year_and_batch, amount, error):
    year, batch = year_and_batch
    with pytest.raises(error):
        Balance.create(fiscal_year=year, batch=batch, kind="IB", account="1930", amount=amount)
    assert Balance.select().count() == 0 and ActivityLog.select().count() == 0
