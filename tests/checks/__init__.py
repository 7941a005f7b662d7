"""Helpers for the check tests: small stores imported through core.importer, and results by check id."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from core.checks import engine
from core.importer import import_source
from core.ledger import resolve_company, resolve_fiscal_year
from core.store.db import open_store
from tests.store.sources import ORG, FakeSource, balance, make_header, voucher

__all__ = ["ORG", "balance", "db", "day", "load", "results", "run", "voucher"]


@pytest.fixture
def db(store_address):
    store = open_store(store_address)
    yield store
    store.close()


def day(month: int, number: int, year: int = 2024) -> dt.date:
    return dt.date(year, month, number)


def load(db, items, year: int = 2024, opening: bool = True) -> None:
    """Imports `items` as the fiscal year `year` (a calendar year) of the test company; a zero #IB goes first, so
    the file is a full export that may replace the year."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    items = [balance("IB", 0, "1930", "0.00"), *items] if opening else list(items)
    import_source(db, FakeSource(make_header(start=start, end=end), list(items)), file_name=f"{year}.se")


def run(db, year: int = 2024, period: str | None = None) -> dict[tuple[str, str], dict]:
    """Runs the checks; (check id, period) -> the result as JSON."""
    company = resolve_company(db, ORG)
    found = engine.run_checks(db, company, resolve_fiscal_year(db, company, year), period)
    return {(r.check_id, r.period): engine.result_json(r) for r in found}


def results(db, check_id: str, year: int = 2024, period: str = "") -> dict:
    return run(db, year)[(check_id, period)]


def rows_json(result: dict) -> str:
    return json.dumps(result["rows"])
