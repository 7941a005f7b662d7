"""Checks that a stored fiscal year adds up, run after every import and stored with it.

Only #TRANS rows count (sie4.md §7). Within the year a discrepancy is an error: the books or the
file's own balances do not add up. Opening balances that differ from the previous year's closing
are a warning: common while the previous year is still preliminary.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import peewee as pw

from core.money import format_amount, from_ore
from core.store.db import executemany
from core.text import counted

OK, WARNING, ERROR = "ok", "warning", "error"
MAX_DETAILS = 1000  # enough to work through; the message carries the full count

BALANCE_CLASSES = ("1", "2")
RESULT_CLASSES = ("3", "4", "5", "6", "7", "8")


@dataclass(frozen=True, slots=True)
class CheckResult:
    check_id: str
    status: str
    message: str
    details: tuple[dict, ...] = field(default=())


def _amount(ore: int) -> str:
    return format_amount(from_ore(ore))


def _account_discrepancies(
    expected: Mapping[str, int], found: Mapping[str, int], classes: tuple[str, ...]
) -> list[dict]:
    """Accounts of the given classes where the two sides differ; a missing side counts as zero."""
    accounts = sorted(number for number in expected.keys() | found.keys() if number.startswith(classes))
    return [
        {
            "account": number,
            "expected": _amount(expected.get(number, 0)),
            "found": _amount(found.get(number, 0)),
            "difference": _amount(found.get(number, 0) - expected.get(number, 0)),
        }
        for number in accounts
        if expected.get(number, 0) != found.get(number, 0)
    ]


def _result(check_id: str, discrepancies: list[dict], status_if_any: str, what: str) -> CheckResult:
    if not discrepancies:
        return CheckResult(check_id, OK, f"{what}: no differences")
    return CheckResult(
        check_id,
        status_if_any,
        f"{what}: {counted(len(discrepancies), 'difference', 'differences')}",
        tuple(discrepancies[:MAX_DETAILS]),
    )


def _balances(db: pw.Database, fiscal_year_id: int, kind: str) -> dict[str, int]:
    """Account totals of one balance kind; object rows are excluded since they need not add up."""
    cursor = db.execute_sql(
        "SELECT account, SUM(amount) FROM balance WHERE fiscal_year_id = ? AND kind = ? AND objects = '' "
        "GROUP BY account",
        (fiscal_year_id, kind),
    )
    return dict(cursor.fetchall())


def transaction_totals(db: pw.Database, fiscal_year_id: int) -> dict[str, int]:
    """Σ #TRANS per account in öre, the year's movement."""
    cursor = db.execute_sql(
        "SELECT account, SUM(amount) FROM voucher_row WHERE fiscal_year_id = ? AND kind = 'TRANS' GROUP BY account",
        (fiscal_year_id,),
    )
    return dict(cursor.fetchall())


def check_vouchers_balance(db: pw.Database, fiscal_year_id: int) -> CheckResult:
    cursor = db.execute_sql(
        "SELECT v.series, v.number, v.date, SUM(r.amount) AS total FROM voucher v "
        "JOIN voucher_row r ON r.voucher_id = v.id AND r.kind = 'TRANS' "
        "WHERE v.fiscal_year_id = ? GROUP BY v.id HAVING SUM(r.amount) != 0 ORDER BY v.id",
        (fiscal_year_id,),
    )
    discrepancies = [
        {"voucher": f"{series} {number}".strip(), "date": str(date), "expected": _amount(0), "found": _amount(total)}
        for series, number, date, total in cursor.fetchall()
    ]
    return _result("voucher-balance", discrepancies, ERROR, "Vouchers whose #TRANS rows do not sum to zero")


NO_VOUCHERS = "not checked, the year has no vouchers (SIE types 1-3 carry balances only)"


def check_closing_balances(
    db: pw.Database, fiscal_year_id: int, movement: Mapping[str, int], has_vouchers: bool
) -> CheckResult:
    what = "Balance accounts where #IB + Σ#TRANS ≠ #UB"
    if not has_vouchers:
        return CheckResult("closing-balances", OK, f"{what}: {NO_VOUCHERS}")
    opening, closing = _balances(db, fiscal_year_id, "IB"), _balances(db, fiscal_year_id, "UB")
    if not opening and not closing:
        return CheckResult("closing-balances", OK, f"{what}: not checked, the year has no #IB or #UB")
    found = {account: opening.get(account, 0) + movement.get(account, 0) for account in opening | movement}
    return _result("closing-balances", _account_discrepancies(closing, found, BALANCE_CLASSES), ERROR, what)


def check_results(
    db: pw.Database, fiscal_year_id: int, movement: Mapping[str, int], has_vouchers: bool
) -> CheckResult:
    what = "Result accounts where Σ#TRANS ≠ #RES"
    if not has_vouchers:
        return CheckResult("results", OK, f"{what}: {NO_VOUCHERS}")
    results = _balances(db, fiscal_year_id, "RES")
    if not results:
        return CheckResult("results", OK, f"{what}: not checked, the year has no #RES")
    return _result("results", _account_discrepancies(results, movement, RESULT_CLASSES), ERROR, what)


def check_opening_against_file(
    db: pw.Database, fiscal_year_id: int, previous_closing: Mapping[str, int] | None
) -> CheckResult:
    what = "#IB of the year ≠ #UB of the previous year in the same file"
    if not previous_closing:
        return CheckResult("opening-vs-file", OK, f"{what}: not checked, the file has no #UB -1")
    opening = _balances(db, fiscal_year_id, "IB")
    return _result("opening-vs-file", _account_discrepancies(previous_closing, opening, BALANCE_CLASSES), WARNING, what)


def check_opening_against_store(db: pw.Database, fiscal_year_id: int, start: dt.date) -> CheckResult:
    """Compares with the previous year only when that year came from its own import as year 0."""
    what = "#IB of the year ≠ #UB of the previous year already in the store"
    cursor = db.execute_sql(
        "SELECT prev.id FROM fiscal_year prev JOIN fiscal_year cur ON cur.company_id = prev.company_id "
        "WHERE cur.id = ? AND prev.\"end\" = ? AND prev.batch_id IS NOT NULL",
        (fiscal_year_id, (start - dt.timedelta(days=1)).isoformat()),
    )
    row = cursor.fetchone()
    previous_closing = _balances(db, row[0], "UB") if row else {}
    if not previous_closing:
        return CheckResult("opening-vs-store", OK, f"{what}: not checked, no imported previous year with #UB")
    opening = _balances(db, fiscal_year_id, "IB")
    discrepancies = _account_discrepancies(previous_closing, opening, BALANCE_CLASSES)
    return _result("opening-vs-store", discrepancies, WARNING, what)


def check_opening_sum(db: pw.Database, fiscal_year_id: int) -> CheckResult:
    """The opening balances of the balance accounts sum to zero (sie4.md §4); what they do not is most often the
    previous year's result, not yet booked to equity when the file was made."""
    what = "Σ #IB over the balance accounts ≠ 0"
    opening = _balances(db, fiscal_year_id, "IB")
    if not opening:
        return CheckResult("opening-sum", OK, f"{what}: not checked, the year has no #IB")
    total = sum(amount for account, amount in opening.items() if account.startswith(BALANCE_CLASSES))
    if not total:
        return CheckResult("opening-sum", OK, f"{what}: no differences")
    return CheckResult(
        "opening-sum", WARNING, f"{what}: the opening balances sum to {_amount(total)}, often last year's result "
        "not yet booked", ({"expected": _amount(0), "found": _amount(total)},),
    )  # fmt: skip


def check_voucher_dates(db: pw.Database, fiscal_year_id: int, start: dt.date, end: dt.date) -> CheckResult:
    cursor = db.execute_sql(
        "SELECT series, number, date FROM voucher WHERE fiscal_year_id = ? AND (date < ? OR date > ?) ORDER BY id",
        (fiscal_year_id, start.isoformat(), end.isoformat()),
    )
    discrepancies = [
        {"voucher": f"{series} {number}".strip(), "expected": f"{start}..{end}", "found": str(date)}
        for series, number, date in cursor.fetchall()
    ]
    return _result("voucher-dates", discrepancies, WARNING, "Vouchers dated outside the fiscal year")


def run_checks(
    db: pw.Database,
    fiscal_year_id: int,
    start: dt.date,
    end: dt.date,
    *,
    previous_closing_from_file: Mapping[str, int] | None = None,
) -> list[CheckResult]:
    """All checks of one stored year; `previous_closing_from_file` is the file's #UB -1 in öre."""
    movement = transaction_totals(db, fiscal_year_id)
    has_vouchers = (
        db.execute_sql("SELECT 1 FROM voucher WHERE fiscal_year_id = ? LIMIT 1", (fiscal_year_id,)).fetchone()
        is not None
    )
    return [
        check_vouchers_balance(db, fiscal_year_id),
        check_closing_balances(db, fiscal_year_id, movement, has_vouchers),
        check_results(db, fiscal_year_id, movement, has_vouchers),
        check_opening_against_file(db, fiscal_year_id, previous_closing_from_file),
        check_opening_against_store(db, fiscal_year_id, start),
        check_opening_sum(db, fiscal_year_id),
        check_voucher_dates(db, fiscal_year_id, start, end),
    ]


def store_checks(db: pw.Database, fiscal_year_id: int, batch_id: int, results: list[CheckResult]) -> None:
    """Replaces the year's stored results: they describe the data as it now is."""
    db.execute_sql("DELETE FROM integrity_check WHERE fiscal_year_id = ?", (fiscal_year_id,))
    executemany(
        db,
        "INSERT INTO integrity_check (fiscal_year_id, batch_id, check_id, status, message, details) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (fiscal_year_id, batch_id, r.check_id, r.status, r.message, json.dumps(list(r.details), ensure_ascii=False))
            for r in results
        ],
    )


def stored_checks(db: pw.Database, fiscal_year_id: int) -> list[CheckResult]:
    cursor = db.execute_sql(
        "SELECT check_id, status, message, details FROM integrity_check WHERE fiscal_year_id = ? ORDER BY id",
        (fiscal_year_id,),
    )
    return [
        CheckResult(check_id, status, message, tuple(json.loads(details)))
        for check_id, status, message, details in cursor
    ]
