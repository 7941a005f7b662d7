"""The user's own checks, of three parameterised kinds; stored as CheckSetting rows with JSON params.

    amount-threshold   {"accounts": ["5410", "5400..5499"], "above": "10000.00", "below": "-500"}  (either bound)
    transaction-count  {"accounts": ["1930"], "min": 1, "max": 40}  per period: month or quarter (either bound)
    empty-accounts     {"accounts": ["2099", "1010..1019"]}
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation

import peewee as pw

from core.checks.engine import Context, Finding, outcome
from core.checks.registry import Check, builtin_ids, register_kind
from core.errors import BokslutError
from core.money import format_amount, from_ore, to_ore
from core.store.models import CheckSetting, Company

KINDS = ("amount-threshold", "transaction-count", "empty-accounts")
_ACCOUNT_RANGE = re.compile(r"^(\d{4})(?:\.\.(\d{4}))?$")


def _ranges(params: dict, name: str) -> list[tuple[str, str]]:
    accounts = params.get("accounts")
    if isinstance(accounts, str):
        accounts = [accounts]
    if not accounts or not isinstance(accounts, list):
        raise BokslutError(f'{name}: give the accounts as "accounts": ["1930", "5400..5499"]')
    ranges = []
    for item in accounts:
        match = _ACCOUNT_RANGE.match(str(item))
        if not match:
            raise BokslutError(f"{name}: {item!r} is not an account; give four digits or a range like 5400..5499")
        ranges.append((match[1], match[2] or match[1]))
    return ranges


def _ore(params: dict, key: str, name: str) -> int | None:
    if params.get(key) is None:
        return None
    try:
        return to_ore(Decimal(str(params[key]).replace(",", ".")))
    except (InvalidOperation, ValueError):
        raise BokslutError(f"{name}: {key} {params[key]!r} is not an amount; give it like 10000.00") from None


def _count(params: dict, key: str, name: str) -> int | None:
    value = params.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise BokslutError(f"{name}: {key} must be a whole number of transactions, not {value!r}")
    return value


def validate(kind: str, params: object, name: str) -> dict:
    """The params in their stored shape, or a BokslutError naming what is wrong."""
    if kind not in KINDS:
        raise BokslutError(f"unknown check kind {kind!r}; choose one of: {', '.join(KINDS)}")
    if not isinstance(params, dict):
        raise BokslutError(f'{name}: the params must be a JSON object, e.g. {{"accounts": ["1930"]}}')
    ranges = [f"{low}..{high}" if low != high else low for low, high in _ranges(params, name)]
    if kind == "amount-threshold":
        above, below = _ore(params, "above", name), _ore(params, "below", name)
        if above is None and below is None:
            raise BokslutError(f'{name}: give "above" or "below" (or both), e.g. {{"above": "10000.00"}}')
        return {"accounts": ranges, **({} if above is None else {"above": format_amount(from_ore(above))}),
                **({} if below is None else {"below": format_amount(from_ore(below))})}  # fmt: skip
    if kind == "transaction-count":
        low, high = _count(params, "min", name), _count(params, "max", name)
        if low is None and high is None:
            raise BokslutError(f'{name}: give "min" or "max" (or both), e.g. {{"min": 1, "max": 40}}')
        return {"accounts": ranges, **({} if low is None else {"min": low}), **({} if high is None else {"max": high})}
    return {"accounts": ranges}


def add_check(db: pw.Database, company: Company, kind: str, name: str, params: object) -> CheckSetting:
    name = name.strip()
    if not name:
        raise BokslutError("a check needs a name (--name)")
    stored = validate(kind, params, name)
    check_id = "custom-" + (re.sub(r"[\W_]+", "-", name.lower()).strip("-") or "check")
    taken = CheckSetting.get_or_none(CheckSetting.company == company.id, CheckSetting.check_id == check_id)
    if check_id in builtin_ids() or taken:
        raise BokslutError(f"{company.name} already has a check {check_id}; give the new one another name")
    return CheckSetting.create(company=company.id, check_id=check_id, kind=kind, name=name, params=json.dumps(stored))


def _where_accounts(ranges: list[str]) -> tuple[str, list[str]]:
    parsed = [tuple(r.split("..")) if ".." in r else (r, r) for r in ranges]
    return "(" + " OR ".join("r.account BETWEEN ? AND ?" for _ in parsed) + ")", [a for pair in parsed for a in pair]


def _rows(ctx: Context, condition: str, params: list) -> list[dict]:
    """The year's #TRANS rows meeting `condition` (on `r`), in date order, as the details show them."""
    return [
        {"series": series, "number": number, "date": date, "account": account, "amount": format_amount(from_ore(ore))}
        for series, number, date, account, ore in ctx.rows(
            "SELECT v.series, v.number, v.date, r.account, r.amount FROM voucher_row r "
            "JOIN voucher v ON v.id = r.voucher_id "
            f"WHERE r.fiscal_year_id = ? AND r.kind = 'TRANS' AND {condition} ORDER BY v.date, v.id",
            ctx.year.id, *params,
        )
    ]  # fmt: skip


@register_kind(*KINDS)
def build(setting: CheckSetting) -> Check:
    params = json.loads(setting.params)
    runs = {"amount-threshold": _amount_threshold, "transaction-count": _transaction_count, "empty-accounts": _empty}
    return Check(
        setting.check_id, setting.name, lambda ctx: runs[setting.kind](ctx, params),
        per_period=setting.kind == "transaction-count", builtin=False, kind=setting.kind, params=params,
    )  # fmt: skip


def _amount_threshold(ctx: Context, params: dict) -> list[Finding]:
    where, accounts = _where_accounts(params["accounts"])
    bounds, values = [], []
    if "above" in params:
        bounds.append("r.amount > ?")
        values.append(to_ore(Decimal(params["above"])))
    if "below" in params:
        bounds.append("r.amount < ?")
        values.append(to_ore(Decimal(params["below"])))
    rows = _rows(ctx, f"{where} AND ({' OR '.join(bounds)})", [*accounts, *values])
    limits = {key: value for key, value in params.items() if key != "accounts"}
    return [outcome(rows, ("{count} transaction beyond the amount limits",
                           "{count} transactions beyond the amount limits"),
                    "no transaction beyond the amount limits",
                    **limits, accounts=", ".join(params["accounts"]))]  # fmt: skip


def _transaction_count(ctx: Context, params: dict) -> list[Finding]:
    where, accounts = _where_accounts(params["accounts"])
    findings = []
    for period in ctx.periods:
        start, end = (day.isoformat() for day in ctx.spans[period])
        (found,) = ctx.rows(
            "SELECT COUNT(*) FROM voucher_row r JOIN voucher v ON v.id = r.voucher_id "
            f"WHERE r.fiscal_year_id = ? AND r.kind = 'TRANS' AND {where} AND v.date BETWEEN ? AND ?",
            ctx.year.id, *accounts, start, end,
        )[0]  # fmt: skip
        low, high = params.get("min"), params.get("max")
        wrong = (low is not None and found < low) or (high is not None and found > high)
        expected = f"{'' if low is None else low}..{'' if high is None else high}"
        rows = [{"account": ", ".join(params["accounts"]), "expected": expected, "found": found}] if wrong else []
        findings.append(outcome(rows, "the number of transactions is outside {expected}",
                                "the number of transactions is within {expected}",
                                period=period, expected=expected))  # fmt: skip
    return findings


def _empty(ctx: Context, params: dict) -> list[Finding]:
    where, accounts = _where_accounts(params["accounts"])
    rows = _rows(ctx, where, accounts)
    return [outcome(rows, ("{count} transaction on an account that must stay empty",
                           "{count} transactions on accounts that must stay empty"),
                    "the accounts that must stay empty are empty", accounts=", ".join(params["accounts"]))]  # fmt: skip
