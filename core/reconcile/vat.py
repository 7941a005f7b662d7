"""VAT reconciliation per VAT period (reconciliation.md §3.4): the VAT booked per box of the return against what
the return reported, the settlement to 2650 (1650 for a refund) with its öre on 3740, and the payment on to the tax
account 1630.

A reconciliation period shows the VAT period holding its last day: the company's VAT period setting (month, quarter
or year), else the one its settlements' dates show (core.checks.vat). Where that VAT period has not ended with the
reconciliation period it is open: the VAT booked in it so far is shown, and nothing is compared with a return.
Booked values leave out the settlement voucher, which would zero every box (§3.4 step 1). Box 49 is computed from
the rounded boxes (§3.4 step 2); reported figures are the accountant's (VatReported, per VAT period), and box 49 is
otherwise read from the VAT period's settlement voucher (§3.4 step 3, "inferred").
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import peewee as pw

from core import periods
from core.activity import current_user
from core.checks.vat import settled_through
from core.errors import BokslutError
from core.reconcile import rules
from core.reconcile.books import Balances, balances
from core.reconcile.vat_periods import (
    Settling,
    on_settlement_accounts,
    settles_vat,
    settling_vouchers,
    vat_period_kind,
)
from core.reconcile.work import Place, refuse_if_locked
from core.store.models import Company, FiscalYear, VatReported, utc_now

TAX_ACCOUNT = "1630"
BANK_AND_CASH = "19"  # BAS 19xx: a return paid straight from the bank (§3.4 step 6)


def whole_kronor(ore: int) -> int:
    """The box in whole kronor (as öre) by the configured rule; truncate or round is unverified (§3.5)."""
    how = ROUND_DOWN if rules.vat()["rounding"] == "truncate" else ROUND_HALF_UP
    return int((Decimal(ore) / 100).quantize(Decimal(1), rounding=how)) * 100


def _vat_period(here: Place, settling: list[Settling]) -> dict:
    """The VAT period holding the reconciliation period's last day; open while it ends after that day."""
    kind = vat_period_kind(here.db, here.company, here.fiscal_year.id, settling)
    return _vat_period_holding(kind, here.fiscal_year, here.period.end)


def _vat_period_holding(kind: str, year: FiscalYear, day: dt.date) -> dict:
    """The VAT period of `kind` holding `day` (§3.4: calendar months or quarters, or the fiscal year), clipped to the
    fiscal year; open while it ends after that day."""
    if kind == "year":
        key, start, end = str(year.end.year), year.start, year.end
    else:
        start = periods.period_start(kind, day)
        following = start.month - 1 + (3 if kind == "quarter" else 1)
        key, end = periods.period_key(kind, day), dt.date(start.year + following // 12, following % 12 + 1, 1)
        start, end = max(start, year.start), min(end - dt.timedelta(days=1), year.end)
    return {"key": key, "label": periods.key_label(key), "kind": kind, "start": start, "end": end, "open": end > day}


def set_reported(here: Place, box: str, kronor: int) -> None:
    known = {b.box for b in rules.vat_boxes()} | {"49"}
    if box not in known:
        raise BokslutError(f"{box!r} is not a box of the VAT return; choose one of {', '.join(sorted(known))}",
                           key="reconcile_bad_vat_box", params={"box": box})
    period = _vat_period(here, settling_vouchers(here.db, here.fiscal_year.id))
    if period["open"]:
        raise BokslutError(
            f"VAT period {period['label']} is still open on {here.period.end} and has no return yet; give what its "
            f"return said in the period that ends on {period['end']}",
            key="reconcile_vat_period_open",
            params={"vat_period": period["label"], "date": here.period.end.isoformat(),
                    "end": period["end"].isoformat()},
        )
    refuse_if_locked(here)
    VatReported.delete().where(VatReported.fiscal_year == here.fiscal_year.id, VatReported.period == period["key"],
                               VatReported.box == box).execute()
    VatReported.create(fiscal_year=here.fiscal_year.id, period=period["key"], box=box, amount=Decimal(kronor),
                       changed_by=current_user(), changed_at=utc_now())


def reconcile_vat(here: Place) -> dict:
    """The VAT period's boxes (öre): booked, rounded, reported, difference; its settlement and the payment."""
    settling = settling_vouchers(here.db, here.fiscal_year.id)
    result = _reconcile(here.db, here.fiscal_year, _vat_period(here, settling), here.period.end, settling)
    return {"period": here.label, **result}


def vat_year(db: pw.Database, company: Company, year: FiscalYear, books: Balances | None = None) -> dict:
    """Every VAT period of the fiscal year, as the auditor's VAT working paper has them (§4.2 paper 5: every period
    reconciled, UB 26xx explained; one column per VAT period as in §3.4): each period's box 49 booked, reported and
    their difference, the boxes that differ, its settlement and payment; then the year-end balance of the settlement
    accounts against the settlements not yet paid, and what stays unsettled on the VAT accounts (§3.4 step 7)."""
    settling = settling_vouchers(db, year.id)
    kind = vat_period_kind(db, company, year.id, settling)
    vat_periods, day = [], year.start
    while day <= year.end:
        period = {**_vat_period_holding(kind, year, day), "open": False}  # every one has ended by the year's end
        result = _reconcile(db, year, period, period["end"], settling)
        box49 = next(box for box in result["boxes"] if box["box"] == "49")
        vat_periods.append({**result["vat_period"], "booked_49": box49["rounded"], "reported_49": box49["reported"],
                            "reported_source": box49["reported_source"], "difference_49": box49["difference"],
                            "differences": result["differences"], "settlement": result["settlement"],
                            "payment": result["payment"]})  # fmt: skip
        day = period["end"] + dt.timedelta(days=1)
    closing = (books or balances(db, company, year)).at(year.end, year_end=True)  # a caller's Place has them read
    settlement_accounts = rules.vat()["settlement_accounts"]
    on_settlement = sum(closing.get(account, 0) for account in settlement_accounts)
    unpaid = sum(p["settlement"]["amount_2650"] for p in vat_periods if p["settlement"] and not p["payment"])
    unsettled = {account: amount for account, amount in sorted(closing.items())
                 if amount and rules.settled_vat_account(account)}  # fmt: skip
    return {"vat_period_kind": kind, "start": year.start.isoformat(), "end": year.end.isoformat(),
            "periods": vat_periods, "year_end": {
                "accounts": [a for a in settlement_accounts if closing.get(a)] or settlement_accounts[:1],
                "balance": on_settlement,
                "settled_not_paid": unpaid, "difference": on_settlement - unpaid, "unsettled_vat": unsettled}}


def _reconcile(db: pw.Database, year: FiscalYear, period: dict, end: dt.date, settling: list[Settling]) -> dict:
    """One VAT period's boxes as booked from its start through `end`, and what its return reported."""
    start = period["start"]
    per_account = _booked_per_account(db, year, start, end, settling)
    booked: dict[str, int] = defaultdict(int)
    accounts: dict[str, list[str]] = defaultdict(list)
    for account, amount in sorted(per_account.items()):
        for box in rules.vat_boxes():
            if box.holds(account):
                booked[box.box] += box.sign * amount
                accounts[box.box].append(account)
    rounded = {box: whole_kronor(amount) for box, amount in booked.items()}
    formula = rules.vat()["box49"]
    rounded["49"] = sum(rounded.get(b, 0) for b in formula["add"]) - sum(rounded.get(b, 0) for b in formula["subtract"])
    booked["49"] = sum(booked.get(b, 0) for b in formula["add"]) - sum(booked.get(b, 0) for b in formula["subtract"])
    reported, settled, payment = {}, None, None
    if not period["open"]:
        reported = {r.box: (int(r.amount * 100), "manual") for r in VatReported.select().where(
            VatReported.fiscal_year == year.id, VatReported.period == period["key"])}
        settled, payment = _settlement(settling, period, year)
    if "49" not in reported and settled is not None:
        reported["49"] = (-settled["amount_2650"], "inferred")
    boxes = []
    for box in sorted(set(booked) | set(reported), key=lambda b: (b == "49", b)):
        value, source = reported.get(box, (None, None))
        boxes.append({"box": box, "accounts": accounts.get(box, []), "booked": booked.get(box, 0),
                      "rounded": rounded.get(box, 0), "reported": value, "reported_source": source,
                      "difference": None if value is None else rounded.get(box, 0) - value})
    shown = {**period, "start": period["start"].isoformat(), "end": period["end"].isoformat()}
    return {"vat_period": shown, "start": start.isoformat(), "end": end.isoformat(),
            "rounding_rule": rules.vat()["rounding"], "boxes": boxes, "settlement": settled, "payment": payment,
            "differences": [b["box"] for b in boxes if b["difference"]]}


def _booked_per_account(db: pw.Database, year: FiscalYear, start: dt.date, end: dt.date,
                        settling: list[Settling]) -> dict[str, int]:
    """Öre per account of the #TRANS rows dated start..end, the settlement vouchers left out (§3.4 step 1): the
    import's sums per account and day (models.AccountDaySum) less the settlements' own rows, instead of joining
    every row of the year to its voucher's date once per VAT period (7.7 s for a 1.7 M-row year's twelve)."""
    sums: dict[str, int] = defaultdict(int)
    for account, amount in db.execute_sql(
        "SELECT account, SUM(amount) FROM account_day_sum WHERE fiscal_year_id = ? AND date BETWEEN ? AND ? "
        "GROUP BY account", (year.id, start.isoformat(), end.isoformat()),
    ).fetchall():
        sums[account] += int(amount)
    for *_, day, rows in settling:
        if start <= day <= end:
            for account, amount in rows.items():
                sums[account] -= amount
    return {account: amount for account, amount in sums.items() if amount}


def _settlement(settling: list[Settling], period: dict, year: FiscalYear) -> tuple[dict | None, dict | None]:
    """The first settlement that reports the VAT period (dated from its end until the next one ends, as the VAT
    check reads it), and after it the voucher that clears it against the tax account 1630, or straight against the
    bank or cash as some charts do (§3.4 step 6)."""
    settled = None
    for voucher_id, series, number, day, rows in settling:
        voucher = {"voucher_id": voucher_id, "series": series, "number": number, "date": day.isoformat()}
        if settled is None and settles_vat(rows) and settled_through(
                period["kind"], day, year.start, year.end) == period["end"]:
            settled = {**voucher, "amount_2650": on_settlement_accounts(rows),
                       "accounts": [a for a in rules.vat()["settlement_accounts"] if a in rows],
                       "rounding_3740": rows.get(rules.vat()["rounding_account"], 0)}
        elif settled is not None and on_settlement_accounts(rows) == -settled["amount_2650"] and (
                paying := next((a for a in sorted(rows) if a == TAX_ACCOUNT or a.startswith(BANK_AND_CASH)), None)):
            return settled, {**voucher, "account": paying, "amount": rows[paying]}
    return settled, None
