"""VAT reconciliation per VAT period (reconciliation.md §3.4): the VAT booked per box of the return against what
the return reported, the settlement to 2650 with its öre on 3740, and the payment on to the tax account 1630.

Booked values leave out the settlement voucher, which would zero every box (§3.4 step 1). Box 49 is computed from
the rounded boxes (§3.4 step 2); reported figures are the accountant's (VatReported), and box 49 is otherwise read
from the settlement voucher's 2650 amount (§3.4 step 3, "inferred").
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import peewee as pw

from core.activity import current_user
from core.errors import BokslutError
from core.reconcile import rules
from core.reconcile.work import Place, refuse_if_locked
from core.store.models import VatReported, utc_now

TAX_ACCOUNT = "1630"


def whole_kronor(ore: int) -> int:
    """The box in whole kronor (as öre) by the configured rule; truncate or round is unverified (§3.5)."""
    how = ROUND_DOWN if rules.vat()["rounding"] == "truncate" else ROUND_HALF_UP
    return int((Decimal(ore) / 100).quantize(Decimal(1), rounding=how)) * 100


def _settlement_ids(db: pw.Database, year_id: int) -> str:
    accounts = ", ".join(f"'{a}'" for a in rules.vat()["settlement_accounts"])
    return (f"SELECT DISTINCT voucher_id FROM voucher_row WHERE fiscal_year_id = {int(year_id)} AND kind = 'TRANS' "
            f"AND account IN ({accounts})")


def _voucher_rows(db, voucher_id: int) -> dict[str, int]:
    return dict(db.execute_sql("SELECT account, SUM(amount) FROM voucher_row WHERE voucher_id = ? AND kind = 'TRANS' "
                               "GROUP BY account", (voucher_id,)).fetchall())


def set_reported(here: Place, box: str, kronor: int) -> None:
    known = {b.box for b in rules.vat_boxes()} | {"49"}
    if box not in known:
        raise BokslutError(f"{box!r} is not a box of the VAT return; choose one of {', '.join(sorted(known))}",
                           key="reconcile_bad_vat_box", params={"box": box})
    refuse_if_locked(here)
    VatReported.delete().where(VatReported.fiscal_year == here.fiscal_year.id, VatReported.period == here.period.key,
                               VatReported.box == box).execute()
    VatReported.create(fiscal_year=here.fiscal_year.id, period=here.period.key, box=box, amount=Decimal(kronor),
                       changed_by=current_user(), changed_at=utc_now())


def reconcile_vat(here: Place) -> dict:
    """The period's boxes (öre): booked, rounded, reported, difference; the settlement and its payment."""
    db, year = here.db, here.fiscal_year
    start, end = (year.start, year.end) if here.year_end else (here.period.start, here.period.end)
    per_account = dict(db.execute_sql(
        "SELECT r.account, SUM(r.amount) FROM voucher_row r JOIN voucher v ON v.id = r.voucher_id WHERE "
        f"r.fiscal_year_id = ? AND r.kind = 'TRANS' AND v.date BETWEEN ? AND ? AND r.voucher_id NOT IN "
        f"({_settlement_ids(db, year.id)}) GROUP BY r.account", (year.id, start.isoformat(), end.isoformat()),
    ).fetchall())
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
    reported = {r.box: (int(r.amount * 100), "manual") for r in VatReported.select().where(
        VatReported.fiscal_year == year.id, VatReported.period == here.period.key)}
    settlement = db.execute_sql(
        f"SELECT v.id, v.series, v.number, v.date FROM voucher v WHERE v.id IN ({_settlement_ids(db, year.id)}) AND "
        "v.date >= ? ORDER BY v.date, v.id", (end.isoformat(),)).fetchall()
    settled = payment = None
    settlement_account = rules.vat()["settlement_accounts"][0]
    for voucher_id, series, number, day in settlement:
        rows = _voucher_rows(db, voucher_id)
        if settled is None and any(rules.settled_vat_account(a) for a in rows):
            settled = {"voucher_id": voucher_id, "series": series, "number": number, "date": str(day),
                       "amount_2650": rows.get(settlement_account, 0),
                       "rounding_3740": rows.get(rules.vat()["rounding_account"], 0)}
        elif settled is not None and TAX_ACCOUNT in rows and rows.get(settlement_account) == -settled["amount_2650"]:
            payment = {"voucher_id": voucher_id, "series": series, "number": number, "date": str(day),
                       "amount_1630": rows[TAX_ACCOUNT]}
            break
    if "49" not in reported and settled is not None:
        reported["49"] = (-settled["amount_2650"], "inferred")
    boxes = []
    for box in sorted(set(booked) | set(reported), key=lambda b: (b == "49", b)):
        value, source = reported.get(box, (None, None))
        boxes.append({"box": box, "accounts": accounts.get(box, []), "booked": booked.get(box, 0),
                      "rounded": rounded.get(box, 0), "reported": value, "reported_source": source,
                      "difference": None if value is None else rounded.get(box, 0) - value})
    return {"period": here.label, "start": start.isoformat(), "end": end.isoformat(),
            "rounding_rule": rules.vat()["rounding"], "boxes": boxes, "settlement": settled, "payment": payment,
            "differences": [b["box"] for b in boxes if b["difference"]]}
