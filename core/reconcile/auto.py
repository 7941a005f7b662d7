"""Specifications the books alone prove (reconciliation.md §6): computed on every read, so an import or a closing
entry is reflected at once and nothing goes stale.

- a VAT account 2610-2649: the VAT booked in the VAT periods no settlement up to the period end has reported, i.e.
  what was booked after the last settlement that cleared it, and where that settlement is dated after the VAT
  period it reports (booked on the filing date) also what was booked between that VAT period's end and it, less
  the settlements; the rest is what the settlements left behind (§6 check 5);
- 2650 / 1650: the settlements not yet cleared by an equal payment or refund, each with the VAT accounts its
  voucher cleared (§6 checks 5 and 8);
- 2099: the opening balance, its transfer (2098/2091) and the year's result computed from 3000-8989 (§6 checks 3-4);
- the tax account 1630: its movements by what they were (§6 check 9). Only the statement from Skatteverket proves
  its balance, so this one explains and does not count as a specification.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

import peewee as pw

from core.checks.vat import settled_through
from core.reconcile import rules
from core.reconcile.books import Balances, balances, kept
from core.reconcile.vat_periods import vat_period_kind
from core.store.dialect import ordered_join
from core.store.models import FiscalYear

RESULT_ACCOUNT = "2099"
RESULT_CLOSING = "8999"
RESULT_FIRST, RESULT_LAST = "3000", "8989"  # the result accounts the year's result is summed over (§6 check 3)
LISTED_VOUCHERS = 500  # source vouchers listed one by one; the rest are one line with their count


@dataclass(frozen=True)
class Source:
    voucher_id: int | None  # None for a closing entry
    entry_id: int | None
    series: str
    number: str
    date: dt.date
    rows: tuple[tuple[str, int], ...]  # (account, öre) of the voucher that show what it was

    def to_json(self) -> dict:
        return {
            "voucher_id": self.voucher_id,
            "closing_entry_id": self.entry_id,
            "series": self.series,
            "number": self.number,
            "date": self.date.isoformat(),
            "rows": [{"account": account, "amount": amount} for account, amount in self.rows],
        }


@dataclass
class AutoLine:
    label: str  # a key: "opening", "booked-since-settlement", "open-settlement", "transfer", "result", ...
    amount: int  # öre
    sources: list[Source] = field(default_factory=list)
    count: int = 0  # vouchers behind an aggregated line


@dataclass
class AutoSpec:
    kind: str  # "vat-account", "vat-settlement", "result-roll-forward", "tax-account"
    proves: bool  # counts as the specification when the accountant has written none
    lines: list[AutoLine]

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


@dataclass(frozen=True)
class _Row:
    voucher_id: int | None
    entry_id: int | None
    series: str
    number: str
    date: dt.date
    amount: int


def _rows(db: pw.Database, fiscal_year: FiscalYear, account: str, end: dt.date | None) -> list[_Row]:
    """The account's rows up to `end` (None: the whole year) in the final books: the vouchers', then the closing
    entries'."""
    until, after = ("", ()) if end is None else (" AND {}.date <= ?", (end.isoformat(),))
    found = [
        _Row(voucher, None, series, number, dt.date.fromisoformat(str(day)), amount)
        for voucher, series, number, day, amount in db.execute_sql(
            "SELECT v.id, v.series, v.number, v.date, SUM(r.amount) FROM voucher_row r JOIN voucher v "
            "ON v.id = r.voucher_id WHERE r.fiscal_year_id = ? AND r.kind = 'TRANS' "
            f"AND r.account = ?{until.format('v')} "
            "GROUP BY v.id, v.series, v.number, v.date",
            (fiscal_year.id, account, *after),
        ).fetchall()
    ]
    found += [
        _Row(None, entry, "", str(entry), dt.date.fromisoformat(str(day)), amount)
        for entry, day, amount in db.execute_sql(
            "SELECT e.id, e.date, SUM(r.amount) FROM closing_row r JOIN closing_entry e ON e.id = r.entry_id "
            f"WHERE e.fiscal_year_id = ? AND e.deleted = 0 AND e.booked = 0 AND r.account = ?{until.format('e')} "
            "GROUP BY e.id, e.date",
            (fiscal_year.id, account, *after),
        ).fetchall()
    ]
    return sorted((row for row in found if row.amount), key=lambda row: (row.date, row.entry_id is not None,
                                                                         row.voucher_id or row.entry_id or 0))


def _other_rows(db: pw.Database, rows: list[_Row]) -> dict[tuple[str, int], list[tuple[str, int]]]:
    """Per voucher or entry: all its rows summed per account, to show and classify what it was."""
    return _rows_of(db, [_key(row) for row in rows])


def _rows_of(db: pw.Database, keys: list[tuple[str, int]]) -> dict[tuple[str, int], list[tuple[str, int]]]:
    """Per voucher ("v", id) or closing entry ("e", id): its rows summed per account."""
    result: dict[tuple[str, int], list[tuple[str, int]]] = defaultdict(list)
    for kind, sql, ids in (
        ("v", "SELECT voucher_id, account, SUM(amount) FROM voucher_row WHERE kind = 'TRANS' AND voucher_id IN ({}) "
              "GROUP BY voucher_id, account", [owner for k, owner in keys if k == "v"]),
        ("e", "SELECT entry_id, account, SUM(amount) FROM closing_row WHERE entry_id IN ({}) GROUP BY entry_id, "
              "account", [owner for k, owner in keys if k == "e"]),
    ):
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for owner, account, amount in db.execute_sql(sql.format(", ".join("?" * len(chunk))), chunk).fetchall():
                result[(kind, owner)].append((account, amount))
    for value in result.values():
        value.sort()
    return result


def _key(row: _Row) -> tuple[str, int]:
    return ("v", row.voucher_id) if row.voucher_id else ("e", row.entry_id)


def _source(row: _Row, rows: tuple[tuple[str, int], ...] = ()) -> Source:
    return Source(row.voucher_id, row.entry_id, row.series, row.number, row.date, rows)


def _listed(label: str, rows: list[_Row]) -> list[AutoLine]:
    """One line per voucher up to LISTED_VOUCHERS, then one line for the rest."""
    lines = [AutoLine(label, row.amount, [_source(row)], 1) for row in rows[:LISTED_VOUCHERS]]
    rest = rows[LISTED_VOUCHERS:]
    if rest:
        lines.append(AutoLine(label, sum(row.amount for row in rest), [], len(rest)))
    return lines


def specification(db: pw.Database, fiscal_year: FiscalYear, account: str, opening: int, end: dt.date) -> AutoSpec | None:
    """The automatic specification of one account at `end`, or None when the books alone cannot give one."""
    vat = rules.vat()
    if rules.settled_vat_account(account):
        return _vat_account(db, fiscal_year, account, opening, end, vat["settlement_accounts"])
    if account in vat["settlement_accounts"]:
        return _vat_settlement(db, fiscal_year, account, opening, end)
    if account == RESULT_ACCOUNT:
        return _result(db, fiscal_year, opening, end)
    if account == rules.tax_account():
        return _tax_account(db, fiscal_year, account, opening, end)
    return None


def _settling(db: pw.Database, fiscal_year: FiscalYear, accounts: list[str]) -> set[tuple[str, int]]:
    """The year's vouchers and closing entries with a row on a settlement account: one query, not every row of
    every voucher that touched the VAT account (which took seconds per period on a large year)."""
    marks = ", ".join("?" * len(accounts))
    found = {("v", owner) for (owner,) in db.execute_sql(
        f"SELECT DISTINCT voucher_id FROM voucher_row WHERE fiscal_year_id = ? AND kind = 'TRANS' AND account IN "
        f"({marks})", (fiscal_year.id, *accounts)).fetchall()}
    return found | {("e", owner) for (owner,) in db.execute_sql(
        f"SELECT DISTINCT r.entry_id FROM closing_row r JOIN closing_entry e ON e.id = r.entry_id WHERE "
        f"e.fiscal_year_id = ? AND r.account IN ({marks})", (fiscal_year.id, *accounts)).fetchall()}


def _vat_period_kind(db: pw.Database, fiscal_year: FiscalYear) -> str | None:
    """The VAT period as set or as the settlements show it; None where it would only be the usual period guessed
    (a settlement on the last day of a month then reads as reporting up to its own date, as before)."""
    return vat_period_kind(db, fiscal_year.company, fiscal_year.id, guess=False)


def _reported_through(kind: str | None, fiscal_year: FiscalYear, day: dt.date) -> dt.date:
    """The last day of the VAT periods a settlement dated `day` reports (core.checks.vat.settled_through); the
    day itself while the VAT period is unknown."""
    return day if kind is None else settled_through(kind, day, fiscal_year.start, fiscal_year.end)


def _vat_account(db, fiscal_year, account, opening, end, settlement_accounts) -> AutoSpec:
    rows = _rows(db, fiscal_year, account, end)
    settling = _settling(db, fiscal_year, list(settlement_accounts))
    settled = [i for i, row in enumerate(rows) if _key(row) in settling]
    if not settled:
        return AutoSpec("vat-account", True, [AutoLine("opening", opening), *_listed("booked", rows)])
    reported = _reported_through(_vat_period_kind(db, fiscal_year), fiscal_year, rows[settled[-1]].date)
    if reported < rows[settled[-1]].date:  # booked after the VAT period it reports: the VAT since that period's end
        unsettled = [row for row in rows if row.date > reported and _key(row) not in settling]
    else:
        unsettled = rows[settled[-1] + 1:]
    return AutoSpec("vat-account", True, _listed("booked-since-settlement", unsettled))


def _vat_settlement(db, fiscal_year, account, opening, end) -> AutoSpec:
    rows = _rows(db, fiscal_year, account, end)
    others = _other_rows(db, rows)
    lines = []
    for row, amount in _open_items(opening, rows):
        if row is None:
            lines.append(AutoLine("opening", amount))
            continue
        shown = tuple((a, v) for a, v in others[_key(row)] if rules.settled_vat_account(a) or a in (
            account, rules.vat()["rounding_account"]))
        lines.append(AutoLine("open-settlement", amount, [_source(row, shown)], 1))
    return AutoSpec("vat-settlement", True, lines)


def _open_items(opening: int, rows: list[_Row]) -> list[tuple[_Row | None, int]]:
    """Settlements (credits) matched first-in first-out by an equal payment (debit); what is left is open."""
    open_items: list[tuple[_Row | None, int]] = [(None, opening)] if opening else []
    for row in rows:
        match = next((i for i, (_, amount) in enumerate(open_items) if amount == -row.amount), None)
        if match is None:
            open_items.append((row, row.amount))
        else:
            del open_items[match]
    return open_items


def _result(db, fiscal_year, opening, end) -> AutoSpec:
    rows = _rows(db, fiscal_year, RESULT_ACCOUNT, end)
    computed = None
    if _rows(db, fiscal_year, RESULT_CLOSING, end):
        (computed,) = db.execute_sql(
            "SELECT COALESCE(SUM(r.amount), 0) FROM voucher_row r JOIN voucher v ON v.id = r.voucher_id "
            "WHERE r.fiscal_year_id = ? AND r.kind = 'TRANS' AND r.account BETWEEN ? AND ? AND v.date <= ?",
            (fiscal_year.id, RESULT_FIRST, RESULT_LAST, end.isoformat()),
        ).fetchone()
        (closing,) = db.execute_sql(
            "SELECT COALESCE(SUM(r.amount), 0) FROM closing_row r JOIN closing_entry e ON e.id = r.entry_id "
            "WHERE e.fiscal_year_id = ? AND e.deleted = 0 AND e.booked = 0 AND r.account BETWEEN ? AND ? "
            "AND e.date <= ?",
            (fiscal_year.id, RESULT_FIRST, RESULT_LAST, end.isoformat()),
        ).fetchone()
        computed = int(computed) + int(closing)
    return _result_spec(opening, rows, _other_rows(db, rows), computed)


def _result_spec(opening: int, rows: list[_Row], others, computed: int | None) -> AutoSpec:
    """2099 as the books say it: its opening, the transfer and other rows, and the year's result as computed
    from the result accounts (`computed`, None while nothing is booked on 8999) in place of the result as booked."""
    lines = [AutoLine("opening", opening)] if opening else []
    for row in rows:
        accounts = {a for a, _ in others[_key(row)]}
        if RESULT_CLOSING in accounts:
            continue  # the result as booked: replaced by the result as computed below
        label = "transfer" if accounts & {"2098", "2091"} else "other"
        lines.append(AutoLine(label, row.amount, [_source(row, tuple(others[_key(row)]))], 1))
    if computed is not None:
        lines.append(AutoLine("result", computed))
    return AutoSpec("result-roll-forward", True, lines)


def _tax_account(db, fiscal_year, account, opening, end) -> AutoSpec:
    rows = _rows(db, fiscal_year, account, end)
    others = _other_rows(db, rows)
    by_class: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        by_class[rules.tax_account_class({a for a, _ in others[_key(row)]} - {account})].append(row)
    lines = [AutoLine("opening", opening)] if opening else []
    for name, found in sorted(by_class.items()):
        if name == "unclassified":
            lines += [AutoLine(name, row.amount, [_source(row, tuple(others[_key(row)]))], 1) for row in found]
        else:
            lines.append(AutoLine(name, sum(row.amount for row in found), [], len(found)))
    return AutoSpec("tax-account", False, lines)


class Totals:
    """The totals of the specifications that prove a balance, for any account at any period end of one year,
    read set-based once for the year: what the grid and the progress need, where `specification` per account and
    period re-read each account's rows every time (104 queries and 12 s on a 1.6 M-row year). The figures are
    `specification(...).total` exactly; the lines stay with `specification`.

    A VAT account's total is its movement after the last settlement that cleared it (or its balance when none
    has): the movement up to the period's end less the movement up to and including that settlement, where the
    rows of the settlement's own day count up to its voucher (vouchers by id, then closing entries by id). Where
    that settlement is dated after the VAT period it reports, it is the movement after that VAT period's end less
    the settlements' own rows since then."""

    def __init__(self, db: pw.Database, fiscal_year: FiscalYear, books: Balances) -> None:
        self.db, self.fiscal_year, self.books = db, fiscal_year, books
        self.vat = rules.vat()
        self.year_rows: dict[str, list[_Row]] = {}
        self._settled: dict[str, list[tuple[tuple[str, bool, int], int, int]]] | None = None
        self._results: Balances | None = None
        self._result_others: dict[tuple[str, int], list[tuple[str, int]]] | None = None

    def total(self, account: str, opening: int, end: dt.date) -> int | None:
        """`specification(db, year, account, opening, end).total` where that specification proves the balance;
        None where there is none or it only explains (the tax account)."""
        if rules.settled_vat_account(account):
            return self._vat_account(account, opening, end)
        if account in self.vat["settlement_accounts"]:
            return sum(amount for _, amount in _open_items(opening, self._rows(account, end)))
        if account == RESULT_ACCOUNT:
            return self._result(opening, end)
        return None

    def _rows(self, account: str, end: dt.date) -> list[_Row]:
        """The account's rows up to `end`, cut from the year's (read once): for the accounts with few rows."""
        if account not in self.year_rows:
            self.year_rows[account] = _rows(self.db, self.fiscal_year, account, None)
        return [row for row in self.year_rows[account] if row.date <= end]

    def _vat_account(self, account: str, opening: int, end: dt.date) -> int:
        day = end.isoformat()
        moved = self.books.moved(account, day)
        settled = [item for item in self.settled().get(account, []) if item[0][0] <= day]
        if not settled:
            return opening + moved
        (last_day, _, _), through, _ = settled[-1]
        last = dt.date.fromisoformat(last_day)
        reported = _reported_through(self.vat_period_kind, self.fiscal_year, last).isoformat()
        if reported < last_day:  # booked after the VAT period it reports: the VAT since that period's end
            return moved - self.books.moved(account, reported) - sum(
                own for (when, _, _), _, own in settled if when > reported)
        return moved - through

    @cached_property
    def vat_period_kind(self) -> str | None:
        """The VAT period (_vat_period_kind), read once when first needed."""
        return _vat_period_kind(self.db, self.fiscal_year)

    def settled(self) -> dict[str, list[tuple[tuple[str, bool, int], int, int]]]:
        """Per settled VAT account, in the books' order: each settlement that moved it, as (ISO date, is a closing
        entry, id), the account's movement from the year's start up to and including it, and its own movement of
        the account."""
        if self._settled is not None:
            return self._settled
        found: dict[str, list[tuple[tuple[str, bool, int], int, int]]] = defaultdict(list)
        for account, day, owner, earlier, own in kept(self.db, self.fiscal_year.id, "vat-settlements",
                                                      self._settlements):
            found[account].append(((day, False, owner), self.books.moved(account, day, through=False) + earlier,
                                   own))
        entries: dict[tuple[int, str], int] = defaultdict(int)
        for entry, day, account, amount in self.books.closing_rows:
            entries[(entry, account)] += amount
        entry_days = {entry: day for entry, day, _, _ in self.books.closing_rows}
        settling = {entry for entry, _, account, _ in self.books.closing_rows
                    if account in self.vat["settlement_accounts"]}  # as _settling: a row there, whatever its sum
        for (entry, account), amount in entries.items():
            if amount and entry in settling and rules.settled_vat_account(account):
                day = entry_days[entry]
                later = sum(value for (other, a), value in entries.items()
                            if a == account and entry_days[other] == day and other > entry)
                found[account].append(((day, True, entry), self.books.moved(account, day) - later, amount))
        self._settled = {account: sorted(items) for account, items in found.items()}
        return self._settled

    def _settlements(self) -> list[tuple[str, str, int, int, int]]:
        """Each voucher with a row on a settlement account (_settling) that moved a settled VAT account: (account,
        ISO date, voucher id, the account's movement that day by the vouchers up to and including it, the voucher's
        own movement of it). From the imported vouchers alone: kept per books fingerprint."""
        settling = _settling(self.db, self.fiscal_year, list(self.vat["settlement_accounts"]))
        vouchers = sorted(owner for kind, owner in settling if kind == "v")
        dates: dict[int, str] = {}
        for start in range(0, len(vouchers), 500):
            chunk = vouchers[start:start + 500]
            dates.update((owner, str(day)) for owner, day in self.db.execute_sql(
                f"SELECT id, date FROM voucher WHERE id IN ({', '.join('?' * len(chunk))})", chunk).fetchall())
        own = _rows_of(self.db, [("v", owner) for owner in vouchers])
        same_day = self._same_day(sorted(set(dates.values())))
        found = []
        for owner in vouchers:
            day = dates[owner]
            for account, amount in own[("v", owner)]:
                if amount and rules.settled_vat_account(account):
                    earlier = sum(part for voucher, part in same_day.get((account, day), []) if voucher <= owner)
                    found.append((account, day, owner, earlier, amount))
        return found

    def _same_day(self, days: list[str]) -> dict[tuple[str, str], list[tuple[int, int]]]:
        """(account, ISO date) -> (voucher id, öre) of the settled VAT accounts' rows on the days a settlement is
        booked: only those days need the order within the day."""
        found: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        if not days:
            return found
        first, last = self.vat["settled_first"], self.vat["settled_last"]
        for start in range(0, len(days), 500):
            chunk = days[start:start + 500]
            for account, day, voucher, amount in self.db.execute_sql(  # the days' vouchers by date, then their rows
                f"SELECT r.account, v.date, v.id, SUM(r.amount) FROM voucher v {ordered_join(self.db)} voucher_row r "
                f"ON r.voucher_id = v.id WHERE v.fiscal_year_id = ? AND v.date IN ({', '.join('?' * len(chunk))}) "
                "AND r.kind = 'TRANS' AND r.account BETWEEN ? AND ? GROUP BY r.account, v.date, v.id",
                (self.fiscal_year.id, *chunk, first, last),
            ).fetchall():
                found[(account, str(day))].append((voucher, int(amount)))
        return found

    def _result(self, opening: int, end: dt.date) -> int:
        rows = self._rows(RESULT_ACCOUNT, end)
        computed = None
        if self._rows(RESULT_CLOSING, end):
            if self._results is None:
                self._results = balances(self.db, self.fiscal_year.company, self.fiscal_year, results=True)
            day = end.isoformat()
            computed = sum(self._results.moved(account, day) for account in self._results.days
                           if RESULT_FIRST <= account <= RESULT_LAST)
        if self._result_others is None:
            self._result_others = _other_rows(self.db, self.year_rows[RESULT_ACCOUNT])
        return _result_spec(opening, rows, self._result_others, computed).total


def totals(db: pw.Database, fiscal_year: FiscalYear, books: Balances) -> Totals:
    """The year's Totals, kept with the balances they were read beside (shared by every period of a grid)."""
    if books.automatic is None:
        books.automatic = Totals(db, fiscal_year, books)
    return books.automatic
