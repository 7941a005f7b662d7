"""The built-in checks (domain.md §4): they can be disabled, not edited. Each is set-based SQL over the year.

The checks the importer already runs (core.integrity) are reused here with their queries; this module adds
what transaction analysis needs beyond them.
"""

from __future__ import annotations

import datetime as dt
import json
import math

from core import integrity
from core.checks import VOUCHER_CHANGES
from core.checks.engine import Check, Context, Finding, not_run, outcome
from core.closing.entries import closing_movements
from core.integrity import BALANCE_CLASSES, RESULT_CLASSES
from core.money import format_amount, from_ore
from core.periods import period_start
from core.store.dialect import all_digits, greatest, joined, weekday

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
MIN_COUNT_EXCESS = 3  # rows more than the mean before a count is unusual, whatever the deviation
COUNT_TOLERANCE = 5  # rows that a period may differ from the same period last year, or half of last year's count
OUTPUT_VAT = (("2610", "2619", 25), ("2620", "2629", 12), ("2630", "2639", 6))
INPUT_VAT = ("2640", "2649")
VAT_RATES = (25, 12, 6)
VAT_TOLERANCE_ORE = 100  # rounding: at least one krona, else half a percentage point of the base
SETTLEMENT_ACCOUNT = "2650"
DUPLICATE_MIN_ORE = 100_000  # possible duplicates from 1 000 kr on result accounts, where every purchase and sale
# shows (their bank and VAT rows would only repeat it); smaller equal amounts are everyday
ROUND_MIN_ORE = 1_000_000  # round amounts from 10 000 kr, in whole thousands, on result accounts
ROUND_STEP_ORE = 100_000


def _amount(ore: int) -> str:
    return format_amount(from_ore(ore))


def _voucher_row(series: str, number: str, date: str, account: str | None = None, ore: int | None = None) -> dict:
    row = {"series": series, "number": number, "date": str(date)}
    if account is not None:
        row["account"] = account
    if ore is not None:
        row["amount"] = _amount(ore)
    return row


def _from_integrity(ctx: Context, check_id: str, compute, found: str, clean: str) -> list[Finding]:
    """The importer's result when it has one (it checked these very rows), else the same check run now."""
    result = ctx.integrity.get(check_id) or compute()
    return [outcome(list(result.details), found, clean)]


# --- the books add up -----------------------------------------------------------------------------


def voucher_balance(ctx: Context) -> list[Finding]:
    if not ctx.has_vouchers:
        return [not_run("no-vouchers", NO_VOUCHERS)]
    return _from_integrity(
        ctx, "voucher-balance", lambda: integrity.check_vouchers_balance(ctx.db, ctx.year.id),
        "{count} vouchers do not balance (debit ≠ credit)",
        "every voucher balances",
    )


def closing_balances(ctx: Context) -> list[Finding]:
    if not ctx.has_vouchers:
        return [not_run("no-vouchers", NO_VOUCHERS)]
    if not ctx.balance_kinds & {"IB", "UB"}:
        return [not_run("no-balances", "the year has no #IB or #UB to compare with")]
    return _from_integrity(
        ctx, "closing-balances", lambda: integrity.check_closing_balances(ctx.db, ctx.year.id, ctx.movement, True),
        "{count} balance accounts where #IB + transactions ≠ #UB",
        "#IB + transactions = #UB on every balance account",
    )


def result_balances(ctx: Context) -> list[Finding]:
    if not ctx.has_vouchers:
        return [not_run("no-vouchers", NO_VOUCHERS)]
    if "RES" not in ctx.balance_kinds:
        return [not_run("no-res", "the year has no #RES to compare with")]
    return _from_integrity(
        ctx, "results", lambda: integrity.check_results(ctx.db, ctx.year.id, ctx.movement, True),
        "{count} result accounts where the transactions ≠ #RES",
        "the transactions equal #RES on every result account",
    )


def voucher_numbering(ctx: Context) -> list[Finding]:
    """Duplicates of any number; gaps only between numeric ones, per series."""
    if not ctx.has_vouchers:
        return [not_run("no-vouchers", NO_VOUCHERS)]
    numeric = f"CASE WHEN {all_digits(ctx.db, 'number')} THEN CAST(number AS BIGINT) END"
    series_counts = ctx.rows(
        f"SELECT COUNT(*), COUNT(DISTINCT number), COUNT(DISTINCT {numeric}), MAX({numeric}) - MIN({numeric}) + 1 "
        "FROM voucher WHERE fiscal_year_id = ? GROUP BY series",
        ctx.year.id,
    )
    if all(count == distinct and numeric == span for count, distinct, numeric, span in series_counts):
        return [outcome([], "", "no gaps or duplicates in any series")]  # the common case, without sorting numbers
    rows = [
        {"series": series, "number": number, "problem": "duplicate", "expected": 1, "found": count}
        for series, number, count in ctx.rows(
            "SELECT series, number, COUNT(*) FROM voucher WHERE fiscal_year_id = ? GROUP BY series, number "
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
    return [outcome(rows, "{count} gaps or duplicates in the voucher numbering", "no gaps or duplicates in any series")]


def voucher_dates(ctx: Context) -> list[Finding]:
    if not ctx.has_vouchers:
        return [not_run("no-vouchers", NO_VOUCHERS)]
    return _from_integrity(
        ctx, "voucher-dates", lambda: integrity.check_voucher_dates(ctx.db, ctx.year.id, ctx.year.start, ctx.year.end),
        "{count} vouchers are dated outside the fiscal year",
        "every voucher is dated within the fiscal year",
    )


# --- between years ---------------------------------------------------------------------------------


def opening_balance(ctx: Context) -> list[Finding]:
    previous = ctx.previous
    if previous is None or previous.batch_id is None:
        return [not_run("no-previous-year", "the previous year is not imported: no closing balance to compare with")]
    if not ctx.rows("SELECT 1 FROM balance WHERE fiscal_year_id = ? AND kind = 'UB' LIMIT 1", previous.id):
        return [not_run("no-previous-closing", "the previous year has no #UB to compare with")]
    result = integrity.check_opening_against_store(ctx.db, ctx.year.id, ctx.year.start)  # now: that year may be newer
    return [outcome(list(result.details), "{count} accounts where #IB ≠ the previous year's #UB",
                    "#IB equals the previous year's #UB on every account")]  # fmt: skip


def result_transferred(ctx: Context) -> list[Finding]:
    """Result accounts start every year at zero, and last year's result (2099) is re-booked to 2098 or 2091."""
    if "IB" not in ctx.balance_kinds:
        return [not_run("no-opening", "the year has no #IB")]
    rows = [
        {"account": account, "expected": _amount(0), "found": _amount(amount)}
        for account, amount in sorted(ctx.opening.items())
        if amount and (account.startswith(RESULT_CLASSES) or account == "2099")
    ]
    return [outcome(rows, "the previous year's result is not transferred: {count} accounts with an opening balance",
                    "the previous year's result is transferred")]  # fmt: skip


def unusual_sign(ctx: Context) -> list[Finding]:
    """On the final balances: the imported books plus the closing entries not yet in them. The year's movement is
    summed over the ranges the rules cover only, each an ordered slice of the account index."""
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
    return [outcome(rows, "{count} balance accounts with the unusual sign", "every balance account has its usual sign")]


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
            found = stats.get((account, period), (0, 0.0, 0.0))[0]
            if not found:
                continue
            counts = [stats.get((account, p), (0, 0.0, 0.0))[0] for p in earlier]
            mean = sum(counts) / len(counts)
            deviation = math.sqrt(sum((c - mean) ** 2 for c in counts) / len(counts))
            if found - mean > max(STD_FACTOR * deviation, MIN_COUNT_EXCESS):
                rows.append({"account": account, "expected": round(mean, 1), "found": found,
                             "deviation": round(deviation, 1)})  # fmt: skip
        findings.append(outcome(rows, "{count} accounts with unusually many transactions",
                                "no account has unusually many transactions", period=period))  # fmt: skip
    return findings


def unusual_amounts(ctx: Context) -> list[Finding]:
    """Rows whose size is above the account's mean + 3σ over the earlier periods' rows."""
    stats = ctx.per_period
    findings, checked, limits = [], [], {}
    for period in ctx.periods:
        earlier = _earlier(ctx, period)
        if len(earlier) < MIN_PERIODS:
            findings.append(_too_few(period, earlier))
            continue
        for account in sorted({account for account, p in stats if p == period}):
            n = total = squares = 0
            for p in earlier:
                count, amount_sum, square_sum = stats.get((account, p), (0, 0.0, 0.0))
                n, total, squares = n + count, total + amount_sum, squares + square_sum
            if n >= MIN_SAMPLE_ROWS:
                mean = total / n
                limits[period, account] = int(mean + STD_FACTOR * math.sqrt(max(squares / n - mean * mean, 0.0)))
        checked.append(period)
    rows: dict[str, list[dict]] = {period: [] for period in checked}
    for account in sorted({account for _, account in limits}):
        lowest = min(limit for (_, a), limit in limits.items() if a == account)
        for series, number, date, ore in ctx.rows(
            "SELECT v.series, v.number, v.date, r.amount FROM voucher_row r JOIN voucher v ON v.id = r.voucher_id "
            "WHERE r.fiscal_year_id = ? AND r.account = ? AND r.kind = 'TRANS' AND ABS(r.amount) > ? "
            "ORDER BY v.date, v.id",
            ctx.year.id, account, lowest,
        ):  # fmt: skip
            period = ctx.period_of(date)
            limit = limits.get((period, account))
            if limit is not None and abs(ore) > limit:
                rows[period].append({**_voucher_row(series, number, date, account, ore), "limit": _amount(limit)})
    findings += [outcome(rows[period], "{count} transactions with unusually high amounts",
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
            found = stats.get((account, period), (0, 0.0, 0.0))[0]
            expected = stats.get((account, last_year), (0, 0.0, 0.0))[0]
            if abs(found - expected) > max(COUNT_TOLERANCE, expected // 2):
                rows.append({"account": account, "expected": expected, "found": found, "compared_with": last_year})
        findings.append(outcome(rows, "{count} accounts with another number of transactions than the same period "
                                "last year", "every account has about as many transactions as the same period last "
                                "year", period=period))  # fmt: skip
    return findings


# --- VAT ---------------------------------------------------------------------------------------------------


def vat_settlement(ctx: Context) -> list[Finding]:
    """Each settlement voucher (2650 against 2610-2649) must move the VAT booked in the period it settles: from
    the previous settlement (or the year's start, with the opening VAT) to the end of the last VAT period on or
    before its date. The VAT periods are the year's periods: months, or quarters when it is divided so."""
    settlements = [
        v for v in ctx.rows(
            "SELECT v.series, v.number, v.date, SUM(CASE WHEN r.account = ? THEN r.amount ELSE 0 END), "
            "SUM(CASE WHEN r.account < ? THEN 1 ELSE 0 END) FROM voucher_row r JOIN voucher v ON v.id = r.voucher_id "
            "WHERE r.fiscal_year_id = ? AND r.kind = 'TRANS' AND r.account >= '2610' AND r.account <= ? "
            "AND r.voucher_id IN (SELECT voucher_id FROM voucher_row WHERE fiscal_year_id = ? AND account = ?) "
            "GROUP BY v.id ORDER BY v.date, v.id",
            SETTLEMENT_ACCOUNT, SETTLEMENT_ACCOUNT, ctx.year.id, SETTLEMENT_ACCOUNT, ctx.year.id, SETTLEMENT_ACCOUNT,
        )
        if v[3] and v[4]
    ]  # fmt: skip
    booked = [
        (dt.date.fromisoformat(date), amount)
        for date, amount in ctx.rows(
            "SELECT v.date, SUM(r.amount) FROM voucher_row r JOIN voucher v ON v.id = r.voucher_id "
            "WHERE r.fiscal_year_id = ? AND r.kind = 'TRANS' AND r.account >= '2610' AND r.account < ? "
            "AND r.voucher_id NOT IN (SELECT voucher_id FROM voucher_row WHERE fiscal_year_id = ? AND account = ?) "
            "GROUP BY v.date",
            ctx.year.id, SETTLEMENT_ACCOUNT, ctx.year.id, SETTLEMENT_ACCOUNT,
        )
    ]  # fmt: skip
    if not settlements:
        if any(amount for _, amount in booked):
            return [not_run("no-settlement", "VAT is booked but no voucher settles it on {account}",
                            account=SETTLEMENT_ACCOUNT)]  # fmt: skip
        return [outcome([], "", "no VAT is booked")]
    carried = sum(amount for account, amount in ctx.opening.items() if "2610" <= account < SETTLEMENT_ACCOUNT)
    covered_from, rows = ctx.year.start, []
    for series, number, date_text, settled, _ in settlements:
        date = dt.date.fromisoformat(date_text)
        next_day = date + dt.timedelta(days=1)
        ends_a_period = period_start(ctx.kind, next_day) == next_day
        covered_to = date if ends_a_period else period_start(ctx.kind, date) - dt.timedelta(days=1)
        expected = carried + sum(amount for day, amount in booked if covered_from <= day <= covered_to)
        carried = 0
        if expected != settled:
            rows.append({**_voucher_row(series, number, date_text, SETTLEMENT_ACCOUNT),
                         "period": f"{covered_from}..{covered_to}", "expected": _amount(expected),
                         "found": _amount(settled)})  # fmt: skip
        covered_from = max(covered_from, covered_to + dt.timedelta(days=1))
    return [outcome(rows, "{count} VAT settlements differ from the VAT booked in their period",
                    "every VAT settlement matches the VAT booked in its period")]  # fmt: skip


def _vat_rate_ok(vat: int, base: int, rates: tuple[int, ...]) -> bool:
    """As _off in SQL: within 1 kr or half a percentage point of one of the rates."""
    tolerance = max(VAT_TOLERANCE_ORE * 100, abs(base) / 2)
    return any(abs(100 * vat - rate * base) <= tolerance for rate in rates)


def _between(low: str, high: str) -> str:
    return f"r.account BETWEEN '{low}' AND '{high}'"


def _off(db, vat: str, base: str, rate: str) -> str:
    """SQL: the VAT is not `rate` % of the base, beyond 1 kr or half a percentage point (all in öre × 100)."""
    return f"ABS(100 * {vat} - {rate} * {base}) > {greatest(db, str(VAT_TOLERANCE_ORE * 100), f'ABS({base}) / 2.0')}"


def vat_rate(ctx: Context) -> list[Finding]:
    """Per voucher: output VAT against its sales (3000-3799) at the account's rate, input VAT against its costs
    (4000-7999) at any of 25, 12 or 6 %. A voucher with several output rates is left out: its bases cannot be told
    apart. One GROUP BY over the year's rows on 2610-7999, read from the account index alone (a voucher without VAT
    drops out in the WHERE), judged in SQL; only what is found comes to Python."""
    output = f"{OUTPUT_VAT[0][0]}' AND '{OUTPUT_VAT[-1][1]}"
    rate = " ".join(f"WHEN out_account BETWEEN '{low}' AND '{high}' THEN {r}" for low, high, r in OUTPUT_VAT)
    rate = f"CASE {rate} END"
    cursor = ctx.rows(
        "SELECT v.series, v.number, v.date, out_account, out_vat, in_account, in_vat, sales, costs, "
        f"out_groups = 1 AND sales != 0 AND out_vat != 0 AND {_off(ctx.db, 'out_vat', 'sales', rate)} "
        "FROM (SELECT r.voucher_id, "
        f"MIN(CASE WHEN r.account BETWEEN '{output}' THEN r.account END) AS out_account, "
        f"SUM(CASE WHEN r.account BETWEEN '{output}' THEN r.amount ELSE 0 END) AS out_vat, "
        f"COUNT(DISTINCT CASE WHEN r.account BETWEEN '{output}' THEN substr(r.account, 1, 3) END) AS out_groups, "
        f"MIN(CASE WHEN {_between(*INPUT_VAT)} THEN r.account END) AS in_account, "
        f"SUM(CASE WHEN {_between(*INPUT_VAT)} THEN r.amount ELSE 0 END) AS in_vat, "
        f"SUM(CASE WHEN {_between('3000', '3799')} THEN r.amount ELSE 0 END) AS sales, "
        f"SUM(CASE WHEN {_between('4000', '7999')} THEN r.amount ELSE 0 END) AS costs "
        f"FROM voucher_row r WHERE r.fiscal_year_id = ? AND r.kind = 'TRANS' AND {_between(OUTPUT_VAT[0][0], '7999')} "
        "GROUP BY r.voucher_id) AS s JOIN voucher v ON v.id = s.voucher_id "
        f"WHERE (out_groups = 1 AND sales != 0 AND out_vat != 0 AND {_off(ctx.db, 'out_vat', 'sales', rate)}) "
        f"OR (in_vat != 0 AND costs != 0 AND {' AND '.join(_off(ctx.db, 'in_vat', 'costs', str(r)) for r in VAT_RATES)}) "
        "ORDER BY v.date, v.id",
        ctx.year.id,
    )  # fmt: skip
    rows = []
    for series, number, date, out_account, out_vat, in_account, in_vat, sales, costs, output_off in cursor:
        if output_off:
            expected = next(r for low, high, r in OUTPUT_VAT if low <= out_account <= high)
            rows.append({**_voucher_row(series, number, date, out_account, out_vat), "base": _amount(sales),
                         "expected": f"{expected} %"})  # fmt: skip
        if in_account and in_vat and costs and not _vat_rate_ok(in_vat, costs, VAT_RATES):
            rows.append({**_voucher_row(series, number, date, in_account, in_vat), "base": _amount(costs),
                         "expected": " or ".join(f"{r} %" for r in VAT_RATES)})  # fmt: skip
    return [outcome(rows, "{count} VAT rows are not the expected share of their base",
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
    return [outcome(rows, "{count} possible duplicates: the same amount, result account and date in two vouchers",
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
    return [outcome(rows, "{count} round amounts (whole thousands from {minimum}) on result accounts",
                    "no round amounts on result accounts", minimum=_amount(ROUND_MIN_ORE))]  # fmt: skip


def weekend_postings(ctx: Context) -> list[Finding]:
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
    ]
    return [outcome(rows, "{count} vouchers are dated on a weekend", "no voucher is dated on a weekend")]


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
    return [outcome(rows, "{count} vouchers changed or removed in the source since the previous import",
                    "no voucher changed or removed since the previous import", count=count, added=changes["added"])]  # fmt: skip


CHECKS: tuple[Check, ...] = (
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
    Check("vat-settlement", "Booked VAT against the settlement on 2650", vat_settlement),
    Check("vat-rate", "VAT not the expected share of its base", vat_rate),
    Check("possible-duplicates", "Possible duplicates", possible_duplicates),
    Check("round-amounts", "Round amounts", round_amounts),
    Check("weekend-postings", "Postings on weekends", weekend_postings),
    Check("changed-vouchers", "Vouchers changed or removed since the previous import", changed_vouchers),
)
BUILTIN_IDS = frozenset(check.id for check in CHECKS)
