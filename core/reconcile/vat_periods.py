"""The VAT settlements of a year and the VAT period they show: read by the VAT reconciliation (core.reconcile.vat)
and by a VAT account's automatic specification (core.reconcile.auto), which sits below it."""

from __future__ import annotations

import datetime as dt

import peewee as pw

from core.checks.vat import derived_vat_period
from core.reconcile import rules
from core.store.models import Company

Settling = tuple[int, str, str, dt.date, dict[str, int]]  # a voucher on 2650 or 1650: id, series, number, day, rows


def _settlement_ids(db: pw.Database, year_id: int) -> str:
    accounts = ", ".join(f"'{a}'" for a in rules.vat()["settlement_accounts"])
    return (f"SELECT DISTINCT voucher_id FROM voucher_row WHERE fiscal_year_id = {int(year_id)} AND kind = 'TRANS' "
            f"AND account IN ({accounts})")


def settling_vouchers(db: pw.Database, year_id: int) -> list[Settling]:
    """The year's vouchers with a row on a settlement account, by date, with their sum per account."""
    vouchers: dict[int, Settling] = {}
    for voucher_id, series, number, day, account, amount in db.execute_sql(
        "SELECT v.id, v.series, v.number, v.date, r.account, SUM(r.amount) FROM voucher v JOIN voucher_row r ON "
        f"r.voucher_id = v.id WHERE r.kind = 'TRANS' AND v.id IN ({_settlement_ids(db, year_id)}) "
        "GROUP BY v.id, v.series, v.number, v.date, r.account ORDER BY v.date, v.id"
    ).fetchall():
        entry = vouchers.setdefault(voucher_id, (voucher_id, series, number, dt.date.fromisoformat(str(day)), {}))
        entry[4][account] = int(amount)
    return list(vouchers.values())


def settles_vat(rows: dict[str, int]) -> bool:
    return any(rules.settled_vat_account(account) for account in rows)


def on_settlement_accounts(rows: dict[str, int]) -> int:
    """What the voucher moves on 2650 and 1650: a refund is settled to 1650 (§3.2 box 49, §3.6)."""
    return sum(rows.get(account, 0) for account in rules.vat()["settlement_accounts"])


def vat_period_kind(db: pw.Database, company: Company, year_id: int, settling: list[Settling] | None = None,
                    guess: bool = True) -> str | None:
    """How often the company files a VAT return: its setting, else what its settlements' dates show (read here
    unless `settling` is given). Where they are too few to tell (not two in different months) that is the usual
    period, a guess: None unless `guess`."""
    if company.vat_period:
        return company.vat_period
    if settling is None:
        settling = settling_vouchers(db, year_id)
    days = [when for *_, when, rows in settling if settles_vat(rows)]
    if not guess and len({(day.year, day.month) for day in days}) < 2:
        return None
    return derived_vat_period(days)
