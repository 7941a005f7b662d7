"""Shared by the closing tests: a real store holding the generated demo company's latest (still open) year."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import peewee as pw

from core import ledger
from core.demo import DemoSpec, write_demo_sie
from core.importer import import_sie
from core.store.db import open_store
from core.store.models import Company, FiscalYear

DEMO = DemoSpec(vouchers_per_year=300, years=2)


@dataclass
class Books:
    db: pw.SqliteDatabase
    company: Company
    year: FiscalYear

    def closing(self, final: bool = True) -> dict[str, Decimal]:
        """Closing balance per account from the trial balance, the figures a user sees."""
        balance = ledger.trial_balance(self.db, self.company, self.year, final=final)
        return {line.number: line.closing for line in balance.accounts}


def demo_books(tmp_path, store_address) -> Iterator[Books]:
    """Imported from a generated SIE file like any user's books; each test module makes it its `books` fixture."""
    db = open_store(store_address)
    import_sie(db, write_demo_sie(DEMO, tmp_path / "demo.se"))
    company = ledger.resolve_company(db, DEMO.org_number)
    yield Books(db, company, ledger.resolve_fiscal_year(db, company, DEMO.last_year_end.year))
    db.close()
