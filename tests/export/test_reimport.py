"""A later import that brings back exported closing entries marks them booked, and nothing is counted twice."""

from __future__ import annotations

import dataclasses
from collections import Counter
from decimal import Decimal
from pathlib import Path

from core import ledger
from core.closing.entries import closing_movements, create_entry
from core.fortnox.connection import open_link
from core.fortnox.importer import import_from_fortnox
from core.integrity import OK
from core.sie.model import Balance, BalanceKind
from core.sie.reader import SieReader
from core.sie.writer import write_sie4e
from core.store.models import ClosingEntry, FiscalYear, utc_now
from tests.export.test_sie_export import AUDIT, DEPRECIATION, TAX, YEAR, books, demo_file, export  # noqa: F401
from tests.fortnox.conftest import connected, sandbox  # noqa: F401

NORDLJUS_TENANT = 1105837
_YEAR_ZERO_TOTALS = (BalanceKind.UB, BalanceKind.RES)


def _books_after_booking(books, closing_file: Path, out: Path) -> Path:
    """The year as the bookkeeping program exports it once it has imported the 4I: its vouchers, then the
    closing vouchers numbered into its own series I with their texts kept, and balances that include them."""
    header, balances, vouchers = ledger.export_year(books.db, books.company, books.year)
    received = [dataclasses.replace(v, series="I", number=str(n)) for n, v in enumerate(SieReader(closing_file), 1)]
    moved = Counter()
    for voucher in received:
        for row in voucher.rows:
            moved[row.account] += row.amount

    kept, totalled = [], set()
    for balance in balances:
        if balance.year_index == 0 and balance.kind in _YEAR_ZERO_TOTALS and not balance.objects:
            balance = dataclasses.replace(balance, amount=balance.amount + moved[balance.account])
            totalled.add(balance.account)
        elif balance.year_index == 0 and balance.kind is not BalanceKind.IB:
            continue  # period and object balances are optional in 4E; leaving them out keeps the file consistent
        kept.append(balance)
    for account, amount in moved.items():
        if account not in totalled:  # a total the file left out was zero (sie4.md §1.3)
            kept.append(Balance(BalanceKind.UB if account[0] in "12" else BalanceKind.RES, 0, account, amount))
    write_sie4e(out, header, kept, [*vouchers, *received])
    return out


def _lines(books, *, final: bool):
    year = FiscalYear.get_by_id(books.year.id)
    return ledger.trial_balance(books.db, books.company, year, final=final).accounts


def _booked(entries) -> list[bool]:
    return [ClosingEntry.get_by_id(entry.id).booked for entry in entries]


def test_a_reimport_holding_the_exported_vouchers_marks_them_booked_and_counts_them_once(cli, books, tmp_path):
    exported = [books.add(DEPRECIATION), books.add(AUDIT)]
    assert export(cli, tmp_path / "bokslut.si").returncode == 0
    pending = books.add(TAX)  # made after the export: only here, not in the books
    final_before = _lines(books, final=True)
    new_books = _books_after_booking(books, tmp_path / "bokslut.si", tmp_path / "after-booking.se")

    run = cli("import-sie", str(new_books), "--json")

    assert run.returncode == 0, run.stderr
    assert all(check["status"] == OK for check in run.json()["checks"]), run.json()["checks"]
    assert _booked([*exported, pending]) == [True, True, False]
    assert _lines(books, final=True) == final_before
    preliminary = {line.number: line.movement for line in _lines(books, final=False)}
    final = {line.number: line.movement for line in _lines(books, final=True)}
    difference = {n: final.get(n, 0) - preliminary.get(n, 0) for n in final.keys() | preliminary.keys()}
    assert {n: amount for n, amount in difference.items() if amount} == {
        "8910": Decimal("51234.00"), "2512": Decimal("-51234.00"),
    }
    assert closing_movements(books.db, books.year.id) == {"8910": 5123400, "2512": -5123400}


def test_an_import_without_them_any_more_counts_them_here_again(cli, books, demo_file, tmp_path):
    exported = [books.add(DEPRECIATION), books.add(AUDIT)]
    assert export(cli, tmp_path / "bokslut.si").returncode == 0
    final_before = _lines(books, final=True)
    assert cli("import-sie", str(_books_after_booking(books, tmp_path / "bokslut.si", tmp_path / "b.se"))).returncode == 0
    assert _booked(exported) == [True, True]

    assert cli("import-sie", str(demo_file)).returncode == 0  # the books as they were before the booking

    assert _booked(exported) == [False, False]
    assert _lines(books, final=True) == final_before
    assert [ClosingEntry.get_by_id(e.id).status for e in exported] == ["exported", "exported"]


async def test_a_voucher_exported_to_fortnox_is_found_by_series_and_number(connected):
    db, settings, company = connected.db, connected.settings, connected.company
    await import_from_fortnox(db, settings, company)
    year = ledger.resolve_fiscal_year(db, company, int(YEAR))
    entry = create_entry(db, company, year, DEPRECIATION)
    other = create_entry(db, company, year, TAX)
    async with open_link(settings, company) as link:  # what export-fortnox sends for the entry
        answer = await link.client.post_json(
            "/vouchers",
            {
                "Voucher": {
                    "Description": entry.text,
                    "TransactionDate": entry.date.isoformat(),
                    "VoucherSeries": "I",
                    "Comments": entry.marker,
                    "VoucherRows": [
                        {"Account": 7832, "Debit": Decimal("12000.00"), "Credit": Decimal(0), "CostCenter": "10",
                         "TransactionInformation": "Plan 20 %"},
                        {"Account": 1229, "Debit": Decimal(0), "Credit": Decimal("12000.00")},
                    ],
                }
            },
            params={"financialyear": year.fortnox_id},
        )
    number = answer["Voucher"]["VoucherNumber"]
    ClosingEntry.update(
        status="exported", exported_to="fortnox", exported_at=utc_now(),
        fortnox_series="I", fortnox_number=number, fortnox_year=year.fortnox_id,
    ).where(ClosingEntry.id == entry.id).execute()
    final_before = ledger.trial_balance(db, company, year, final=True).accounts
    assert [v.comments for v in connected.sandbox.sandbox.vouchers_posted(NORDLJUS_TENANT)] == [entry.marker]

    await import_from_fortnox(db, settings, company)

    assert _booked([entry, other]) == [True, False]
    year = FiscalYear.get_by_id(year.id)
    assert ledger.trial_balance(db, company, year, final=True).accounts == final_before
    assert closing_movements(db, year.id) == {"8910": 5123400, "2512": -5123400}
    stored = db.execute_sql(
        "SELECT text FROM voucher WHERE fiscal_year_id = ? AND series = 'I' AND number = ?", (year.id, str(number))
    ).fetchall()
    assert stored == [(entry.text,)]


def test_books_holding_the_exported_entries_reimport_into_a_locked_year_without_confirming(cli, books, tmp_path):
    """Review B3 (closing): export, book in the program, re-import is the designed way back. With every period
    locked, the books' new voucher I 1 is the exported entry itself, which the final figures already held, so the
    import is no change to a locked period and needs no --allow-locked (before: refused, 'year-end (1)'). A
    voucher the entries do not explain, in a locked period, is still refused."""
    entry = books.add(DEPRECIATION)
    assert export(cli, tmp_path / "bokslut.si").returncode == 0
    for period in [f"{YEAR}-{month:02d}" for month in range(1, 13)] + ["year-end"]:
        assert cli("period", "lock", period, "--year", YEAR).returncode == 0
    final_before = {line.number: line.closing for line in _lines(books, final=True)}
    received = _books_after_booking(books, tmp_path / "bokslut.si", tmp_path / "after.se")

    run = cli("import-sie", str(received))

    assert run.returncode == 0, run.stderr
    assert ClosingEntry.get_by_id(entry.id).booked is True
    assert {line.number: line.closing for line in _lines(books, final=True)} == final_before

    text = received.read_bytes().decode("cp437")
    changed = text.replace("#TRANS 1229 {} -12000.00", "#TRANS 1229 {} -12000.00\r\n#TRANS 1229 {} -1.00\r\n"
                           "#TRANS 7832 {} 1.00", 1)  # the booked entry altered in the program: 1 kr more
    assert changed != text
    (tmp_path / "altered.se").write_bytes(changed.encode("cp437"))
    refused = cli("import-sie", str(tmp_path / "altered.se"))
    assert refused.returncode == 2 and "locked periods" in refused.stderr, refused.stderr
