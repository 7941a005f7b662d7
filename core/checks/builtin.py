"""The built-in checks (domain.md §4): they can be disabled, not edited. Each is set-based SQL over the year.

The checks the importer already runs (core.integrity) are reused here with their queries; this module adds
what transaction analysis needs beyond them.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from fractions import Fraction
from itertools import combinations, groupby, product

from core import integrity
from core.checks import VOUCHER_CHANGES
from core.checks.engine import NO_ROWS, Context, Finding, not_run, outcome
from core.checks.registry import Check, register
from core.checks.vat import derived_vat_period, settled_through
from core.closing.entries import closing_movements
from core.integrity import BALANCE_CLASSES, RESULT_CLASSES
from core.money import format_amount, from_ore
from core.store.dialect import all_digits, joined, weekday

NO_VOUCHERS = "the year has no vouchers (a SIE file of type 1-3 carries balances only)"

# Balance accounts and the side their balance normally has: the other side is "negative debts and receivables".
SIGN_RULES: tuple[tuple[str, str, str], ...] = (
    ("1400", "1499", "debit"),  # inventories
    ("1500", "1599", "debit"),  # trade receivables
    ("1900", "1999", "debit"),  # cash and bank
    ("2400", "2499", "credit"),  # trade payables and other short-term debts
    ("2710", "2739", "credit"),  # withheld tax and social security charges
)

STD_FACTOR = 3  # unusual: above mean + 3 standard deviations of the earlier periods
MIN_PERIODS = 3  # earlier periods needed before "unusual" means anything
MIN_SAMPLE_ROWS = 10  # an account with fewer earlier rows has no usable amount distribution
MIN_COUNT_EXCESS = 5  # rows more than the mean before a count is unusual, whatever the deviation: an account
# used a few times a month varies by that much by chance
MIN_RISE = 1.25  # an amount is unusual only from a quarter above the mean of its side
COUNT_TOLERANCE = 5  # rows that a period may differ from the same period last year, or three standard deviations
# of the difference of two counts that vary by chance (√(this + last)), whichever is more
# VAT accounts and boxes: reconciliation.md §3.2 (BAS 2025)
OUTPUT_VAT = (("2610", "2619", 25), ("2620", "2629", 12), ("2630", "2639", 6))
INPUT_VAT = ("2640", "2649")
VAT_ACCOUNTS = ("2610", "2649")  # the accounts a VAT return reports
DORMANT_VAT = ("2618", "2628", "2638", "2648")  # vilande moms: never on the return
REVERSE_CHARGE_DIGITS = ("4", "5")  # 26x4 reverse charge, 26x5 import: output VAT on a purchase (digit rule [D])
CALCULATED_INPUT_VAT = ("2645", "2647")  # the input VAT that mirrors it
VAT_RATES = (25, 12, 6)
VAT_TOLERANCE_ORE = 100  # rounding: at least one krona, else half a percentage point of the base
MAX_BASE_ROWS = 10  # base rows on one voucher whose every combination is tried
MAX_MIXED_ROWS = 6  # base rows whose every assignment of rates is tried (5 choices each: 15 625 at most)
# What input VAT may be a share of, besides the costs (4000-7999): equipment and stock bought (1000-1499), prepaid
# costs (1700-1799) and accrued ones (2900-2999). Payment, receivable and payable rows are never a base.
INPUT_BASE = (("1000", "1499"), ("1700", "1799"), ("2900", "2999"), ("4000", "7999"))
# Leasing a car (BAS 5615): half the VAT is deductible, the other half is booked on the cost (13 kap. 21-22 §§ ML,
# Skatteverket's rättsliga vägledning 2023.16 "Personbilar och motorcyklar" [V]), so the VAT is 12.5 % of the fee
# without the VAT that was not deducted.
HALF_VAT_ACCOUNTS = ("5615",)
HALF_VAT_RATE = Decimal("12.5")
# Representation and staff parties (BAS 6071/6072, 7631/7632): VAT is deductible on at most 300 kr a person excl.
# VAT, so 36 kr a person for food at 12 %, or Skatteverket's schablon of 46 kr a person with alcohol (13 kap. 24-25 §§
# ML; Skatteverket on representation [V2]). Input VAT that is a whole number of either is such a cap.
REPRESENTATION_ACCOUNTS = ("6071", "6072", "7631", "7632")
REPRESENTATION_VAT_PER_PERSON_ORE = (3600, 4600)
SETTLEMENT_ACCOUNTS = ("2650", "1650", "1630")  # redovisningskonto, momsfordran, the tax account (§3.6)
ROUNDING_ACCOUNT = "3740"  # öres- och kronutjämning: the öre a return in whole kronor leaves (§3.5)
WHOLE_KRONA_ORE = 100
DUPLICATE_MIN_ORE = 100_000  # possible duplicates from 1 000 kr on result accounts, where every purchase and sale
# shows (their bank and VAT rows would only repeat it); smaller equal amounts are everyday
ROUND_MIN_ORE = 1_000_000  # round amounts from 10 000 kr, in whole thousands, on result accounts
ROUND_STEP_ORE = 100_000
RESULT_ACCOUNT = "2099"  # årets resultat
RESULT_TRANSFER_ACCOUNTS = ("2099", "2098", "2091")  # where last year's result opens, and where it is re-booked


def _amount(ore: int) -> str:
    return format_amount(from_ore(ore))


def _voucher_row(series: str, number: str, date: str, account: str | None = None, ore: int | None = None) -> dict:
    row = {"series": series, "number": number, "date": str(date)}
    if account is not None:
        row["account"] = account
    if ore is not None:
        row["amount"] = _amount(ore)
    return row


def _from_integrity(ctx: Context, check_id: str, compute, found: tuple[str, str], clean: str) -> list[Finding]:
    """The importer's result when it has one (it checked these very rows), else the same check run now."""
    result = ctx.integrity.get(check_id) or compute()
    return [outcome(list(result.details), found, clean)]


# --- the books add up -----------------------------------------------------------------------------


def voucher_balance(ctx: Context) -> list[Finding]:
    if not ctx.has_vouchers:
        return [not_run("no-vouchers", NO_VOUCHERS)]
    return _from_integrity(
        ctx, "voucher-balance", lambda: integrity.check_vouchers_balance(ctx.db, ctx.year.id),
        ("{count} voucher does not balance (debit ≠ credit)", "{count} vouchers do not balance (debit ≠ credit)"),
        "every voucher balances",
    )


def closing_balances(ctx: Context) -> list[Finding]:
    if not ctx.has_vouchers:
        return [not_run("no-vouchers", NO_VOUCHERS)]
    if not ctx.balance_kinds & {"IB", "UB"}:
        return [not_run("no-balances", "the year has no #IB or #UB to compare with")]
    return _from_integrity(
        ctx, "closing-balances", lambda: integrity.check_closing_balances(ctx.db, ctx.year.id, ctx.movement, True),
        ("{count} balance account where #IB + transactions ≠ #UB",
         "{count} balance accounts where #IB + transactions ≠ #UB"),
        "#IB + transactions = #UB on every balance account",
    )


def result_balances(ctx: Context) -> list[Finding]:
    if not ctx.has_vouchers:
        return [not_run("no-vouchers", NO_VOUCHERS)]
    if "RES" not in ctx.balance_kinds:
        return [not_run("no-res", "the year has no #RES to compare with")]
    return _from_integrity(
        ctx, "results", lambda: integrity.check_results(ctx.db, ctx.year.id, ctx.movement, True),
        ("{count} result account where the transactions ≠ #RES",
         "{count} result accounts where the transactions ≠ #RES"),
        "the transactions equal #RES on every result account",
    )


def voucher_numbering(ctx: Context) -> list[Finding]:
    """Duplicates of any number; gaps only between numeric ones, per series. A voucher without a number (allowed
    in a 4I file, whose receiver numbers it, sie4.md) is neither."""
    if not ctx.has_vouchers:
        return [not_run("no-vouchers", NO_VOUCHERS)]
    numeric = f"CASE WHEN {all_digits(ctx.db, 'number')} THEN CAST(number AS BIGINT) END"
    series_counts = ctx.rows(
        f"SELECT COUNT(*), COUNT(DISTINCT number), COUNT(DISTINCT {numeric}), MAX({numeric}) - MIN({numeric}) + 1 "
        "FROM voucher WHERE fiscal_year_id = ? AND number <> '' GROUP BY series",
        ctx.year.id,
    )
    if all(count == distinct and numeric == span for count, distinct, numeric, span in series_counts):
        return [outcome([], "", "no gaps or duplicates in any series")]  # the common case, without sorting numbers
    rows = [
        {"series": series, "number": number, "problem": "duplicate", "expected": 1, "found": count}
        for series, number, count in ctx.rows(
            "SELECT series, number, COUNT(*) FROM voucher WHERE fiscal_year_id = ? AND number <> '' "
            "GROUP BY series, number "
            f"HAVING COUNT(*) > 1 ORDER BY series, {numeric} NULLS FIRST, number",
            ctx.year.id,
        )
    ]
    rows += [
        {"series": series, "number": str(previous + 1), "problem": "gap", "after": str(previous), "before": str(n),
         "missing": n - previous - 1}
        for series, previous, n in ctx.rows(
            "SELECT series, previous, n FROM (SELECT series, CAST(number AS BIGINT) AS n, "
            "LAG(CAST(number AS BIGINT)) OVER (PARTITION BY series ORDER BY CAST(number AS BIGINT)) AS previous "
            f"FROM voucher WHERE fiscal_year_id = ? AND {all_digits(ctx.db, 'number')}) AS numbered "
            "WHERE n - previous > 1 ORDER BY series, n",
            ctx.year.id,
        )
    ]  # fmt: skip
    return [outcome(rows, ("{count} gap or duplicate in the voucher numbering",
                           "{count} gaps or duplicates in the voucher numbering"),
                    "no gaps or duplicates in any series")]  # fmt: skip


def voucher_dates(ctx: Context) -> list[Finding]:
    if not ctx.has_vouchers:
        return [not_run("no-vouchers", NO_VOUCHERS)]
    return _from_integrity(
        ctx, "voucher-dates", lambda: integrity.check_voucher_dates(ctx.db, ctx.year.id, ctx.year.start, ctx.year.end),
        ("{count} voucher is dated outside the fiscal year", "{count} vouchers are dated outside the fiscal year"),
        "every voucher is dated within the fiscal year",
    )


# --- between years ---------------------------------------------------------------------------------


def opening_balance(ctx: Context) -> list[Finding]:
    """#IB against the previous year's final closing balances: its #UB (from its own import or this file's #UB -1)
    with the closing entries not yet in its books. A result not booked to equity that year (its balance accounts
    do not sum to zero) is expected on 2099, or where the opening shows it (2098, 2091): that is the normal result
    transfer, and only what differs beyond it is a finding, account by account with both amounts."""
    previous = ctx.previous
    if previous is None:
        return [not_run("no-previous-year", "the previous year is not imported: no closing balance to compare with")]
    closing = {
        account: amount
        for account, amount in ctx.rows(
            "SELECT account, SUM(amount) FROM balance WHERE fiscal_year_id = ? AND kind = 'UB' AND objects = '' "
            "GROUP BY account",
            previous.id,
        )
    }
    if not closing:
        return [not_run("no-previous-closing", "the previous year has no #UB to compare with")]
    for account, amount in closing_movements(ctx.db, previous.id).items():
        closing[account] = closing.get(account, 0) + amount
    expected = {account: amount for account, amount in closing.items() if account.startswith(BALANCE_CLASSES)}
    found = {account: amount for account, amount in ctx.opening.items() if account.startswith(BALANCE_CLASSES)}
    # The previous year's result where its books left it, off equity: the opening books it on equity when its own
    # balances sum to zero, as they should (when they do not, the import's opening-sum check says so).
    unbooked = -sum(expected.values()) if not sum(found.values()) else 0
    if unbooked:
        target = next(
            (a for a in RESULT_TRANSFER_ACCOUNTS if found.get(a, 0) - expected.get(a, 0) == unbooked),
            RESULT_TRANSFER_ACCOUNTS[0],
        )
        expected[target] = expected.get(target, 0) + unbooked
    rows = [
        {"account": account, "expected": _amount(expected.get(account, 0)), "found": _amount(found.get(account, 0)),
         "difference": _amount(found.get(account, 0) - expected.get(account, 0))}
        for account in sorted(expected.keys() | found.keys())
        if expected.get(account, 0) != found.get(account, 0)
    ]  # fmt: skip
    return [outcome(rows, ("{count} account where #IB ≠ the previous year's final #UB",
                           "{count} accounts where #IB ≠ the previous year's final #UB"),
                    "#IB equals the previous year's final #UB on every account",
                    result_transfer=_amount(unbooked))]  # fmt: skip


def result_transferred(ctx: Context) -> list[Finding]:
    """Result accounts start every year at zero. Last year's result on 2099 is normal at the start (until the
    annual general meeting decides); it must be re-booked to 2098 or 2091 by the year's end: the vouchers that
    move 2099 against those accounts count, so a year without vouchers (balances only) cannot say whether 2099 was
    transferred, only whether result accounts opened at zero."""
    if "IB" not in ctx.balance_kinds:
        return [not_run("no-opening", "the year has no #IB")]
    rows = [
        {"account": account, "expected": _amount(0), "found": _amount(amount)}
        for account, amount in sorted(ctx.opening.items())
        if amount and account.startswith(RESULT_CLASSES)
    ]
    opening = ctx.opening.get(RESULT_ACCOUNT, 0)
    if opening and not ctx.has_vouchers and not rows:
        return [not_run("no-vouchers", NO_VOUCHERS)]
    if opening and ctx.has_vouchers:
        transfer_accounts = ", ".join(f"'{account}'" for account in RESULT_TRANSFER_ACCOUNTS[1:])
        ((moved,),) = ctx.rows(
            "SELECT COALESCE(SUM(r.amount), 0) FROM voucher_row r WHERE r.fiscal_year_id = ? AND r.kind = 'TRANS' "
            "AND r.account = ? AND r.voucher_id IN (SELECT voucher_id FROM voucher_row WHERE fiscal_year_id = ? "
            f"AND account IN ({transfer_accounts}))",
            ctx.year.id, RESULT_ACCOUNT, ctx.year.id,
        )  # fmt: skip
        if opening + moved:
            rows.insert(0, {"account": RESULT_ACCOUNT, "expected": _amount(0), "found": _amount(opening + moved),
                            "opening": _amount(opening), "transferred": _amount(-moved)})  # fmt: skip
    return [outcome(rows, ("the previous year's result is not transferred: {count} account keeps an opening balance",
                           "the previous year's result is not transferred: {count} accounts keep an opening balance"),
                    "the previous year's result is transferred")]  # fmt: skip


def unusual_sign(ctx: Context) -> list[Finding]:
    """On the final balances: the imported books plus the closing entries not yet in them. The year's movement is
    summed over the ranges the rules cover only, each an ordered slice of the account index. A file with neither #IB
    nor #UB (a 4I voucher file, an export without balances) does not say where the accounts started: its movement
    alone is no balance."""
    if not ctx.balance_kinds & {"IB", "UB"}:
        return [not_run("no-balances", "the year has no #IB or #UB, so its balances are unknown")]
    movement = [
        (account, amount)
        for low, high, _ in SIGN_RULES
        for account, amount in ctx.rows(
            "SELECT account, SUM(amount) FROM voucher_row WHERE fiscal_year_id = ? AND account BETWEEN ? AND ? "
            "AND kind = 'TRANS' GROUP BY account",
            ctx.year.id, low, high,
        )
    ]  # fmt: skip
    final = {a: n for a, n in ctx.opening.items() if a.startswith(BALANCE_CLASSES)}
    for account, amount in (*movement, *closing_movements(ctx.db, ctx.year.id).items()):
        final[account] = final.get(account, 0) + amount
    rows = []
    for account, amount in sorted(final.items()):
        for low, high, side in SIGN_RULES:
            if len(account) == 4 and low <= account <= high and ((amount < 0) if side == "debit" else (amount > 0)):
                rows.append({"account": account, "expected": side, "found": _amount(amount)})
    return [outcome(rows, ("{count} balance account with the unusual sign",
                           "{count} balance accounts with the unusual sign"),
                    "every balance account has its usual sign")]  # fmt: skip


# --- compared with other periods ---------------------------------------------------------------------


def _earlier(ctx: Context, period: str) -> list[str]:
    return [p for p in ctx.periods_with_data if p < period]


def _too_few(period: str, earlier: list[str]) -> Finding:
    return not_run(
        "too-few-periods", "needs {needed} earlier periods with transactions, found {found}",
        period=period, needed=MIN_PERIODS, found=len(earlier),
    )  # fmt: skip


def unusual_counts(ctx: Context) -> list[Finding]:
    """Rows per account in the period against the mean and standard deviation of the earlier periods."""
    stats = ctx.per_period
    accounts = sorted({account for account, _ in stats})
    findings = []
    for period in ctx.periods:
        earlier = _earlier(ctx, period)
        if len(earlier) < MIN_PERIODS:
            findings.append(_too_few(period, earlier))
            continue
        rows = []
        for account in accounts:
            found = stats.get((account, period), NO_ROWS)[0]
            if not found:
                continue
            counts = [stats.get((account, p), NO_ROWS)[0] for p in earlier]
            mean = sum(counts) / len(counts)
            deviation = math.sqrt(sum((c - mean) ** 2 for c in counts) / len(counts))
            if found - mean > max(STD_FACTOR * deviation, MIN_COUNT_EXCESS):
                rows.append({"account": account, "expected": round(mean, 1), "found": found,
                             "deviation": round(deviation, 1)})  # fmt: skip
        findings.append(outcome(rows, ("{count} account with unusually many transactions",
                                       "{count} accounts with unusually many transactions"),
                                "no account has unusually many transactions", period=period))  # fmt: skip
    return findings


def _side_stats(stats: tuple, debit: bool) -> tuple[int, float, float, int]:
    """(rows, Σ|amount|, Σamount², the largest) of one side of a Context.per_period entry."""
    count, total, squares, debits, debit_total, debit_squares, largest_debit, largest_credit = stats
    if debit:
        return debits, debit_total, debit_squares, largest_debit
    return count - debits, total - debit_total, squares - debit_squares, largest_credit


def unusual_amounts(ctx: Context) -> list[Finding]:
    """Rows whose size is above the mean + 3σ of the account's earlier rows on the same side (debit or credit),
    above the largest of them, and at least a quarter above their mean: an amount the account has carried before
    is not unusual, nor a steady amount that rises a little (a yearly pay rise) however small its spread was."""
    stats = ctx.per_period
    findings, checked, limits = [], [], {}
    for period in ctx.periods:
        earlier = _earlier(ctx, period)
        if len(earlier) < MIN_PERIODS:
            findings.append(_too_few(period, earlier))
            continue
        for account in sorted({account for account, p in stats if p == period}):
            for debit in (True, False):
                n = total = squares = largest = 0
                for p in earlier:
                    count, amount_sum, square_sum, most = _side_stats(stats.get((account, p), NO_ROWS), debit)
                    n, total, squares, largest = n + count, total + amount_sum, squares + square_sum, max(largest, most)
                if n >= MIN_SAMPLE_ROWS:
                    mean = total / n
                    spread = STD_FACTOR * math.sqrt(max(squares / n - mean * mean, 0.0))
                    limits[period, account, debit] = int(max(mean + spread, mean * MIN_RISE, largest))
        checked.append(period)
    rows: dict[str, list[dict]] = {period: [] for period in checked}
    for account in sorted({account for _, account, _ in limits}):
        lowest = min(limit for (_, a, _), limit in limits.items() if a == account)
        for series, number, date, ore in ctx.rows(
            "SELECT v.series, v.number, v.date, r.amount FROM voucher_row r JOIN voucher v ON v.id = r.voucher_id "
            "WHERE r.fiscal_year_id = ? AND r.account = ? AND r.kind = 'TRANS' AND ABS(r.amount) > ? "
            "ORDER BY v.date, v.id",
            ctx.year.id, account, lowest,
        ):  # fmt: skip
            period = ctx.period_of(str(date))
            limit = limits.get((period, account, ore > 0))
            if limit is not None and abs(ore) > limit:
                rows[period].append({**_voucher_row(series, number, date, account, ore), "limit": _amount(limit)})
    findings += [outcome(rows[period], ("{count} transaction with an unusually high amount",
                                        "{count} transactions with unusually high amounts"),
                         "no transaction has an unusually high amount", period=period) for period in checked]  # fmt: skip
    return sorted(findings, key=lambda finding: finding.period)


def count_vs_last_year(ctx: Context) -> list[Finding]:
    previous = ctx.previous
    has_previous = previous is not None and bool(
        ctx.rows("SELECT 1 FROM voucher WHERE fiscal_year_id = ? LIMIT 1", previous.id)
    )
    stats = ctx.per_period
    findings = []
    for period in ctx.periods:
        if not has_previous:
            findings.append(not_run("no-previous-year", "the previous year's transactions are not imported",
                                    period=period))  # fmt: skip
            continue
        last_year = f"{int(period[:4]) - 1}{period[4:]}"  # 202503 -> 202403, 2025Q1 -> 2024Q1
        accounts = sorted({a for a, p in stats if p in (period, last_year)})
        rows = []
        for account in accounts:
            found = stats.get((account, period), NO_ROWS)[0]
            expected = stats.get((account, last_year), NO_ROWS)[0]
            if abs(found - expected) > max(COUNT_TOLERANCE, STD_FACTOR * math.sqrt(found + expected)):
                rows.append({"account": account, "expected": expected, "found": found, "compared_with": last_year})
        findings.append(outcome(rows, ("{count} account with another number of transactions than the same period "
                                       "last year", "{count} accounts with another number of transactions than the "
                                       "same period last year"),
                                "every account has about as many transactions as the same period last "
                                "year", period=period))  # fmt: skip
    return findings


# --- VAT ---------------------------------------------------------------------------------------------------


def _settlement_vouchers(ctx: Context) -> str:
    """SQL: the ids of the year's vouchers with a row on a settlement account (2650, 1650 or 1630)."""
    accounts = ", ".join(f"'{account}'" for account in SETTLEMENT_ACCOUNTS)
    return f"SELECT voucher_id FROM voucher_row WHERE fiscal_year_id = {int(ctx.year.id)} AND account IN ({accounts})"


def _reported_vat(column: str) -> str:
    """SQL: the row is on an account of the VAT return's boxes: 2610-2649, not the dormant ones."""
    dormant = ", ".join(f"'{account}'" for account in DORMANT_VAT)
    return f"{column} BETWEEN '{VAT_ACCOUNTS[0]}' AND '{VAT_ACCOUNTS[1]}' AND {column} NOT IN ({dormant})"


def vat_settlement(ctx: Context) -> list[Finding]:
    """Each settlement voucher (2610-2649 cleared against 2650, 1650 or straight to the tax account 1630) must move
    the VAT booked in the VAT periods it reports: from the previous settlement (or the year's start, with the
    opening VAT) to the end of the last VAT period on or before its date. The return is in whole kronor: each box
    drops its öre (reconciliation.md §3.5) and they go to 3740, so a difference under one krona for each VAT account
    the voucher clears is rounding. The VAT period is the company's own setting (core.checks.vat), else read from the
    settlements' dates."""
    settlement_accounts = ", ".join(f"'{account}'" for account in SETTLEMENT_ACCOUNTS)
    settlements = ctx.rows(
        f"SELECT v.series, v.number, v.date, MAX(CASE WHEN r.account IN ({settlement_accounts}) THEN r.account END), "
        f"SUM(CASE WHEN r.account IN ({settlement_accounts}) THEN r.amount ELSE 0 END), "
        f"COUNT(DISTINCT CASE WHEN {_reported_vat('r.account')} THEN r.account END) "
        "FROM voucher_row r JOIN voucher v ON v.id = r.voucher_id "
        f"WHERE r.fiscal_year_id = ? AND r.kind = 'TRANS' AND r.voucher_id IN ({_settlement_vouchers(ctx)}) "
        f"GROUP BY v.id, v.series, v.number, v.date HAVING SUM(CASE WHEN {_reported_vat('r.account')} THEN 1 ELSE 0 "
        "END) > 0 ORDER BY v.date, v.id",
        ctx.year.id,
    )  # fmt: skip
    booked = [
        (dt.date.fromisoformat(str(date)), amount)
        for date, amount in ctx.rows(
            "SELECT v.date, SUM(r.amount) FROM voucher_row r JOIN voucher v ON v.id = r.voucher_id "
            f"WHERE r.fiscal_year_id = ? AND r.kind = 'TRANS' AND {_reported_vat('r.account')} "
            f"AND r.voucher_id NOT IN ({_settlement_vouchers(ctx)}) GROUP BY v.date",
            ctx.year.id,
        )
    ]  # fmt: skip
    if not settlements:
        if any(amount for _, amount in booked):
            return [not_run("no-settlement", "VAT is booked but no voucher settles it on {account}",
                            account=", ".join(SETTLEMENT_ACCOUNTS))]  # fmt: skip
        return [outcome([], "", "no VAT is booked")]
    setting = ctx.year.company.vat_period
    period = setting or derived_vat_period([dt.date.fromisoformat(str(date)) for _, _, date, *_ in settlements])
    carried = sum(amount for account, amount in ctx.opening.items() if _is_reported_vat(account))
    covered_from, rows = ctx.year.start, []
    for series, number, date_text, account, settled, vat_accounts in settlements:
        covered_to = settled_through(period, dt.date.fromisoformat(str(date_text)), ctx.year.start, ctx.year.end)
        expected = carried + sum(amount for day, amount in booked if covered_from <= day <= covered_to)
        carried = 0
        if abs(expected - settled) >= WHOLE_KRONA_ORE * vat_accounts:
            rows.append({**_voucher_row(series, number, date_text, account), "period": f"{covered_from}..{covered_to}",
                         "expected": _amount(expected), "found": _amount(settled),
                         "difference": _amount(settled - expected)})  # fmt: skip
        covered_from = max(covered_from, covered_to + dt.timedelta(days=1))
    return [outcome(rows, ("{count} VAT settlement differs from the VAT booked in its {vat_period} by more than "
                           "the return's rounding", "{count} VAT settlements differ from the VAT booked in their "
                           "{vat_period} by more than the return's rounding"),
                    "every VAT settlement matches the VAT booked in its {vat_period} (to the return's rounding)",
                    vat_period=period, vat_period_set=bool(setting))]  # fmt: skip


def _is_reported_vat(account: str) -> bool:
    return VAT_ACCOUNTS[0] <= account <= VAT_ACCOUNTS[1] and account not in DORMANT_VAT


def _output_rate(account: str) -> int | None:
    """The rate of an output VAT account on sales; None for the reverse-charge and import ones (last digit 4 or 5,
    reconciliation.md §3.2), whose base is a purchase."""
    if account[3] in REVERSE_CHARGE_DIGITS:
        return None
    return next((rate for low, high, rate in OUTPUT_VAT if low <= account <= high), None)


def _vat_rate_ok(vat: int, base: int, rates: tuple[int | Decimal, ...], half_deducted: bool = False) -> bool:
    """Within 1 kr or half a percentage point of one of the rates (exact arithmetic: 2 x difference against twice
    the tolerance). With half the VAT not deducted, that half is in the base and the rate is half the full one."""
    if half_deducted:
        base, rates = base - vat, (HALF_VAT_RATE,)
    tolerance = max(2 * VAT_TOLERANCE_ORE * 100, abs(base))
    return any(2 * abs(100 * vat - rate * base) <= tolerance for rate in rates)


def _some_base_fits(vat: int, bases: list[tuple[str, int]], rates: tuple[int, ...]) -> bool:
    """The VAT is the rate of the whole base or of some of its rows: a VAT-free sale or cost (3045, 3048,
    insurance...) may stand on the same voucher, even the same account, as a taxable one."""
    amounts = [amount for _, amount in bases if amount]
    half = any(account.startswith(HALF_VAT_ACCOUNTS) for account, _ in bases)
    subsets = [amounts] if len(amounts) > MAX_BASE_ROWS else (
        subset for size in range(len(amounts), 0, -1) for subset in combinations(amounts, size)
    )  # fmt: skip  (lazily: the whole base first, which most vouchers fit)
    return any(
        _vat_rate_ok(vat, sum(subset), rates) or (half and _vat_rate_ok(vat, sum(subset), rates, half_deducted=True))
        for subset in subsets
    )


def _is_sale(account: str) -> bool:
    return "3000" <= account <= "3799" and account != ROUNDING_ACCOUNT


def _is_bought(account: str) -> bool:
    return any(low <= account <= high for low, high in INPUT_BASE)


def _capped_representation(vat: int, bases: list[tuple[str, int]]) -> bool:
    """Input VAT on representation that is the capped amount for a whole number of people."""
    return vat > 0 and any(account.startswith(REPRESENTATION_ACCOUNTS) for account, _ in bases) and any(
        vat % per_person == 0 for per_person in REPRESENTATION_VAT_PER_PERSON_ORE)


def _fits_row_by_row(ctx: Context, voucher_id: int, vat: int, is_base, rates: tuple[int, ...]) -> bool:
    """The voucher read whole (only one that did not fit by account): its base rows one by one, including what it
    bought on balance accounts. Without any base row there is nothing to judge."""
    bases = [(account, amount) for account, amount in ctx.rows(
        "SELECT account, amount FROM voucher_row WHERE voucher_id = ? AND kind = 'TRANS' ORDER BY id", voucher_id
    ) if amount and is_base(account)]  # fmt: skip
    return not bases or _some_base_fits(vat, bases, rates) or _rows_at_their_own_rates(vat, bases, rates)


def _rows_at_their_own_rates(vat: int, bases: list[tuple[str, int]], rates: tuple[int, ...]) -> bool:
    """The VAT is the sum of each row at a rate of its own, or none: a supplier invoice with rent at 25 %, a leased
    car at half and insurance without VAT, or two card receipts at 6 and 12 % on one account. Up to MAX_MIXED_ROWS
    rows (every assignment is tried); exact arithmetic, a leased car's deducted VAT being a ninth of its row (12.5 %
    of the fee without the half not deducted)."""
    if len(bases) > MAX_MIXED_ROWS:
        return False
    choices = [
        [Fraction(0), *(Fraction(rate * amount, 100) for rate in rates),
         *((Fraction(amount, 9),) if account.startswith(HALF_VAT_ACCOUNTS) else ())]
        for account, amount in bases
    ]
    tolerance = max(Fraction(VAT_TOLERANCE_ORE), Fraction(sum(abs(amount) for _, amount in bases), 200))
    return any(abs(vat - sum(parts)) <= tolerance for parts in product(*choices))


def vat_rate(ctx: Context) -> list[Finding]:
    """Per voucher: output VAT against its sales (3000-3799 but 3740) at the account's rate, input VAT against
    what was bought at any of 25, 12 or 6 %: by account over 2610-7999 (one pass over the account index), and a
    voucher that does not fit so again row by row with what it bought on balance accounts too (INPUT_BASE), so a
    VAT-free line beside a taxed one on the same account is told apart. Left out: settlement vouchers, reverse
    charge and import (2614/2615..., 2645, 2647: a purchase's calculated VAT, on both sides), rounding (3740),
    dormant VAT, and vouchers with several output rates (their bases cannot be told apart). Representation's VAT
    capped per person (REPRESENTATION_VAT_PER_PERSON_ORE) is no rate of the cost and is accepted as such."""
    by_voucher = groupby(
        ctx.rows(
            "SELECT v.id, v.series, v.number, v.date, r.account, SUM(r.amount) FROM voucher_row r "
            "JOIN voucher v ON v.id = r.voucher_id WHERE r.fiscal_year_id = ? AND r.kind = 'TRANS' "
            f"AND r.account BETWEEN '{VAT_ACCOUNTS[0]}' AND '7999' AND r.voucher_id IN (SELECT voucher_id FROM "
            f"voucher_row WHERE fiscal_year_id = ? AND {_reported_vat('account')}) "
            f"AND r.voucher_id NOT IN ({_settlement_vouchers(ctx)}) "
            "GROUP BY v.id, v.series, v.number, v.date, r.account ORDER BY v.date, v.id, r.account",
            ctx.year.id, ctx.year.id,
        ),
        key=lambda row: row[:4],
    )  # fmt: skip
    rows = []
    for (voucher_id, series, number, date), lines in by_voucher:
        amounts = {account: amount for *_, account, amount in lines if amount}
        output = {a: n for a, n in amounts.items() if _is_reported_vat(a) and a < INPUT_VAT[0] and _output_rate(a)}
        input_vat = sum(n for a, n in amounts.items() if _is_reported_vat(a) and a >= INPUT_VAT[0]
                        and a not in CALCULATED_INPUT_VAT)  # fmt: skip
        sales = [(a, n) for a, n in amounts.items() if _is_sale(a)]
        costs = [(a, n) for a, n in amounts.items() if _is_bought(a)]  # of 2610-7999: 2900-2999 and 4000-7999
        output_rates = {_output_rate(a) for a in output}
        out_vat = sum(output.values())
        if len(output_rates) == 1 and out_vat and sales and not _some_base_fits(out_vat, sales, tuple(output_rates)) \
                and not _fits_row_by_row(ctx, voucher_id, out_vat, _is_sale, tuple(output_rates)):
            account, rate = min(output), output_rates.pop()
            rows.append({**_voucher_row(series, number, date, account, out_vat),
                         "base": _amount(sum(n for _, n in sales)), "expected": f"{rate} %"})  # fmt: skip
        if input_vat and not _some_base_fits(input_vat, costs, VAT_RATES) \
                and not _capped_representation(input_vat, costs) \
                and not _fits_row_by_row(ctx, voucher_id, input_vat, _is_bought, VAT_RATES):
            account = min(a for a in amounts if _is_reported_vat(a) and a >= INPUT_VAT[0])
            expected = " or ".join(f"{r} %" for r in VAT_RATES)
            rows.append({**_voucher_row(series, number, date, account, input_vat),
                         "base": _amount(sum(n for _, n in costs)), "expected": expected})  # fmt: skip
    return [outcome(rows, ("{count} VAT row is not the expected share of its base",
                           "{count} VAT rows are not the expected share of their base"),
                    "every VAT row is the expected share of its base")]  # fmt: skip


# --- transactions worth a second look -----------------------------------------------------------------------


def possible_duplicates(ctx: Context) -> list[Finding]:
    """The amounts that recur on an account are found on the account index alone; only their rows are joined to
    their vouchers for the date."""
    candidates = (
        "r.fiscal_year_id = ? AND r.kind = 'TRANS' AND r.account >= '3000' AND r.account < '9000' AND ABS(r.amount) >= ?"
    )
    their_vouchers = joined(ctx.db, "v.series || ' ' || v.number", ", ")
    rows = [
        {"account": account, "date": date, "amount": _amount(ore), "vouchers": vouchers}
        for account, date, ore, vouchers in ctx.rows(
            f"WITH recurring AS MATERIALIZED (SELECT r.account, r.amount FROM voucher_row r WHERE {candidates} "
            "GROUP BY r.account, r.amount HAVING COUNT(*) > 1) "
            f"SELECT r.account, v.date, r.amount, {their_vouchers} "
            f"FROM voucher_row r JOIN voucher v ON v.id = r.voucher_id WHERE {candidates} "
            "AND (r.account, r.amount) IN (SELECT account, amount FROM recurring) GROUP BY r.account, v.date, r.amount "
            "HAVING COUNT(DISTINCT r.voucher_id) > 1 ORDER BY v.date, r.account",
            ctx.year.id, DUPLICATE_MIN_ORE, ctx.year.id, DUPLICATE_MIN_ORE,
        )
    ]  # fmt: skip
    return [outcome(rows, ("{count} possible duplicate: the same amount, result account and date in two vouchers",
                           "{count} possible duplicates: the same amount, result account and date in two vouchers"),
                    "no possible duplicates", minimum=_amount(DUPLICATE_MIN_ORE))]  # fmt: skip


def round_amounts(ctx: Context) -> list[Finding]:
    rows = [
        _voucher_row(series, number, date, account, ore)
        for series, number, date, account, ore in ctx.rows(
            "SELECT v.series, v.number, v.date, r.account, r.amount FROM voucher_row r "
            "JOIN voucher v ON v.id = r.voucher_id WHERE r.fiscal_year_id = ? AND r.kind = 'TRANS' "
            "AND r.account >= '3000' AND r.account < '9000' AND r.amount % ? = 0 AND ABS(r.amount) >= ? "
            "ORDER BY v.date, v.id",
            ctx.year.id, ROUND_STEP_ORE, ROUND_MIN_ORE,
        )
    ]  # fmt: skip
    return [outcome(rows, ("{count} round amount (whole thousands from {minimum}) on a result account",
                           "{count} round amounts (whole thousands from {minimum}) on result accounts"),
                    "no round amounts on result accounts", minimum=_amount(ROUND_MIN_ORE))]  # fmt: skip


def weekend_postings(ctx: Context) -> list[Finding]:
    """Vouchers dated on a Saturday or Sunday, but not on the last day of a month: depreciation, accruals and the
    VAT report are dated on the period's last day, whatever day of the week it is."""
    if not ctx.has_vouchers:
        return [not_run("no-vouchers", NO_VOUCHERS)]
    weekday_of = weekday(ctx.db, "date")
    rows = [
        {**_voucher_row(series, number, date), "weekday": "Saturday" if weekday == 6 else "Sunday"}
        for series, number, date, weekday in ctx.rows(
            f"SELECT series, number, date, {weekday_of} FROM voucher "
            f"WHERE fiscal_year_id = ? AND {weekday_of} IN (0, 6) ORDER BY date, id",
            ctx.year.id,
        )
        if (dt.date.fromisoformat(str(date)) + dt.timedelta(days=1)).day != 1
    ]
    return [outcome(rows, ("{count} voucher is dated on a weekend", "{count} vouchers are dated on a weekend"),
                    "no voucher is dated on a weekend")]  # fmt: skip


def changed_vouchers(ctx: Context) -> list[Finding]:
    """What the importer found when it compared the vouchers it replaced with the new ones (core.checks)."""
    stored = ctx.rows(
        "SELECT details FROM check_result WHERE fiscal_year_id = ? AND period = '' AND check_id = ?",
        ctx.year.id, VOUCHER_CHANGES,
    )  # fmt: skip
    if not stored:
        return [not_run("no-previous-import", "the year has not been imported again since its first import here, "
                        "so there is nothing to compare with")]  # fmt: skip
    changes = json.loads(stored[0][0])
    rows = [{"voucher": key, "problem": problem} for problem in ("changed", "removed") for key in changes[problem]["keys"]]
    count = changes["changed"]["count"] + changes["removed"]["count"]
    return [outcome(rows, ("{count} voucher changed or removed in the source since the previous import",
                           "{count} vouchers changed or removed in the source since the previous import"),
                    "no voucher changed or removed since the previous import", count=count, added=changes["added"])]  # fmt: skip


CHECKS: tuple[Check, ...] = register(
    Check("voucher-balance", "Vouchers that do not balance", voucher_balance),
    Check("closing-balances", "#IB + transactions differs from #UB", closing_balances),
    Check("results", "Transactions differ from #RES", result_balances),
    Check("voucher-numbering", "Gaps and duplicates in voucher numbering", voucher_numbering),
    Check("voucher-dates", "Vouchers dated outside the fiscal year", voucher_dates),
    Check("opening-balance", "Opening balance differs from the previous year's closing", opening_balance),
    Check("result-transferred", "Previous year's result not transferred", result_transferred),
    Check("unusual-sign", "Balance accounts with the unusual sign", unusual_sign),
    Check("unusual-counts", "Unusually many transactions on an account", unusual_counts, per_period=True),
    Check("unusual-amounts", "Unusually high amounts", unusual_amounts, per_period=True),
    Check("count-vs-last-year", "Transactions per account against the same period last year", count_vs_last_year,
          per_period=True),  # fmt: skip
    Check("vat-settlement", "Booked VAT against its settlement (2650, 1650 or 1630)", vat_settlement),
    Check("vat-rate", "VAT not the expected share of its base", vat_rate),
    Check("possible-duplicates", "Possible duplicates", possible_duplicates),
    Check("round-amounts", "Round amounts", round_amounts),
    Check("weekend-postings", "Postings on weekends", weekend_postings),
    Check("changed-vouchers", "Vouchers changed or removed since the previous import", changed_vouchers),
)
BUILTIN_IDS = frozenset(check.id for check in CHECKS)
