"""Shared by the tax tests: a company's year imported from a small SIE file written here, so the books hold
exactly the trial balance of one of the reference's worked examples (tax-ink2-sru.md §4, §6.7, §8.7)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import peewee as pw

from core import ledger
from core.importer import import_sie
from core.store.models import FiscalYear

ORG_NUMBER = "556123-4567"
# The accounts the tax drafts book on, so the closing entries they make are valid against the chart.
CLOSING_ACCOUNTS = {"2099", "2153", "2512", "8811", "8819", "8853", "8910", *(f"21{n}" for n in range(20, 40))}


def write_books(
    path: Path, opening: dict[str, Decimal], movements: dict[str, Decimal], start: str = "20250101", end: str = "20251231"
) -> Path:
    """A SIE 4 file: `opening` as #IB, `movements` as one voucher balanced against 1930 (debit positive)."""
    balancing = -sum(movements.values(), Decimal(0))
    rows = {**movements, "1930": movements.get("1930", Decimal(0)) + balancing}
    accounts = sorted(set(opening) | set(rows) | CLOSING_ACCOUNTS)
    lines = [
        "#FLAGGA 0",
        '#PROGRAM "tests" 1',
        "#FORMAT PC8",
        "#SIETYP 4",
        '#FNAMN "Exempelbolaget AB"',
        f"#ORGNR {ORG_NUMBER}",
        f"#RAR 0 {start} {end}",
        *(f'#KONTO {account} "Konto {account}"' for account in accounts),
        *(f"#IB 0 {account} {amount}" for account, amount in opening.items()),
        f'#VER A 1 {end} "Årets händelser"',
        "{",
        *(f"#TRANS {account} {{}} {amount}" for account, amount in rows.items() if amount),
        "}",
    ]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="cp437")
    return path


def import_books(db: pw.Database, path: Path) -> FiscalYear:
    import_sie(db, path)
    company = ledger.resolve_company(db, ORG_NUMBER)
    return ledger.resolve_fiscal_year(db, company)
