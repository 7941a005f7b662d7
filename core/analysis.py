"""Read-side queries for the transaction analysis: a fiscal year's #TRANS rows, filtered and paged by key.

Pages are fetched by keyset (`WHERE key > ? ORDER BY key LIMIT n`), or, for a filter that picks few
rows, from the list of their ids; never with OFFSET, so the cost of a page does not grow with how far
into 1.5 million rows it is. `KeysetPager` turns that into random access by row position, which is
what a scrolling table needs.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import json
import shlex
import threading
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Generic, Protocol, TypeVar

import peewee as pw

from core.errors import BokslutError
from core.integrity import BALANCE_CLASSES
from core.money import from_ore, to_ore
from core.store.dialect import has_text_indexes, ordered_join, scan_condition, text_contains

PAGE_SIZE = 200


class FilterError(BokslutError):
    """A filter the user typed that cannot be understood; the message says which part and why."""


@dataclass(frozen=True, slots=True)
class TransactionFilter:
    """What the analysis shows; None means no restriction. Both ends of a range are inclusive."""

    accounts: tuple[str, str] | None = None
    period: tuple[dt.date, dt.date] | None = None  # voucher date
    series: str | None = None
    text: str | None = None  # part of the row's or the voucher's text
    amount: tuple[Decimal | None, Decimal | None] | None = None  # on the absolute amount: debit and credit alike
    cost_center: str | None = None
    project: str | None = None


@dataclass(frozen=True, slots=True)
class TransactionRow:
    key: int  # voucher_row.id: the import order, which is the order of the analysis
    voucher_id: int
    date: dt.date
    series: str
    number: str
    account: str
    amount: Decimal
    text: str  # the row's own text, else the voucher's
    cost_center: str
    project: str


@dataclass(frozen=True, slots=True)
class LedgerRow:
    key: tuple[str, int]  # (voucher date, row id): the account analysis is chronological
    date: dt.date
    series: str
    number: str
    text: str
    amount: Decimal
    balance: Decimal  # opening balance plus every row up to and including this one
    voucher_id: int


R = TypeVar("R")


class KeysetQuery(Protocol[R]):
    """Rows in the order of their `.key`, read from either side of a key."""

    def count(self) -> int: ...

    def page_after(self, key: object | None, limit: int) -> list[R]:
        """The first `limit` rows after `key` (None: from the start), ascending."""

    def page_before(self, key: object | None, limit: int) -> list[R]:
        """The last `limit` rows before `key` (None: up to the end), ascending."""


class KeysetPager(Generic[R]):
    """Rows by position, fetched page by page from a neighbouring page's boundary key.

    Page n can be fetched once the key just before it (the last key of page n-1) or just after it
    (the first key of page n+1) is known; the first page is known from the start and the last from
    the end, so scrolling and jumping to either end cost one keyset query each. A jump into the
    middle walks page by page from the nearest known page. Thread-safe: workers share one pager.
    """

    def __init__(self, query: KeysetQuery[R], page_size: int = PAGE_SIZE) -> None:
        self.query = query
        self.page_size = page_size
        self.count = query.count()
        self._key_before_page: dict[int, object | None] = {0: None}
        self._key_after_page: dict[int, object | None] = {self.page_count - 1: None}
        self._lock = threading.Lock()

    @property
    def page_count(self) -> int:
        return -(-self.count // self.page_size)

    def page(self, number: int) -> list[R]:
        if not 0 <= number < self.page_count:
            return []
        with self._lock:
            nearest = min(
                self._key_before_page.keys() | self._key_after_page.keys(), key=lambda page: abs(page - number)
            )
            for on_the_way in range(nearest, number, 1 if nearest < number else -1):
                if not self._fetch(on_the_way):
                    return []  # the rows changed under us (a re-import): the owner starts over
            return self._fetch(number)

    def seek(self, position: int, key: object) -> None:
        """Make the page holding the row at `position` one query away, given that row's key (found by counting the
        rows before it, never by reading them): the rows before it on its page are read back from its key, and the
        first of them bounds the page. A drill-down opens deep in the rows this way without walking to them."""
        number, offset = divmod(position, self.page_size)
        if number == 0 or not 0 <= position < self.count:
            return  # the first page is known from the start
        with self._lock:
            before = self.query.page_before(key, offset + 1)
            if len(before) == offset + 1:
                self._key_before_page[number] = before[0].key

    def _fetch(self, number: int) -> list[R]:
        size = min(self.page_size, self.count - number * self.page_size)
        if number in self._key_before_page:
            rows = self.query.page_after(self._key_before_page[number], size)
        else:
            rows = self.query.page_before(self._key_after_page[number], size)
        if rows:
            self._key_before_page[number + 1] = rows[-1].key
            self._key_after_page[number - 1] = rows[0].key
        return rows


# --- the year's transactions ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class YearExtent:
    """How many #TRANS rows a year has and the row ids they lie between.

    `exact` extents are counted; the others come from what the import recorded (its row count and
    the rows of the year's first and last voucher) and are only trusted once a counted one agrees.
    """

    count: int
    low: int
    high: int
    exact: bool

    def agrees_with(self, counted: YearExtent) -> bool:
        """Whether rows read under this extent are the counted extent's rows (same count, range covers them)."""
        return self.count == counted.count and (
            counted.count == 0 or (self.low <= counted.low and counted.high <= self.high)
        )


def year_extent(db: pw.Database, fiscal_year_id: int) -> YearExtent:
    """Counted: one pass over the year's part of the account index (it covers the query), ~0.15 s at 1.6 M rows."""
    count, low, high = db.execute_sql(
        "SELECT COUNT(*), MIN(id), MAX(id) FROM voucher_row WHERE fiscal_year_id = ? AND kind = 'TRANS'",
        (fiscal_year_id,),
    ).fetchone()
    return YearExtent(count, low or 0, high or 0, exact=True)


def recorded_extent(db: pw.Database, fiscal_year_id: int) -> YearExtent | None:
    """Instant: the count the year's import recorded, and the row ids from its first voucher's first row to its
    last voucher's last row (an import writes a voucher's rows right after it, in order). None if unknown."""
    recorded = db.execute_sql(
        "SELECT b.transactions FROM fiscal_year y JOIN import_batch b ON b.id = y.batch_id "
        "WHERE y.id = ? AND b.status = 'done'",
        (fiscal_year_id,),
    ).fetchone()
    if recorded is None or recorded[0] is None:
        return None
    ends = []
    for order, pick in (("ASC", "MIN"), ("DESC", "MAX")):
        voucher = db.execute_sql(
            f"SELECT id FROM voucher WHERE fiscal_year_id = ? ORDER BY id {order} LIMIT 1", (fiscal_year_id,)
        ).fetchone()
        row = voucher and db.execute_sql(f"SELECT {pick}(id) FROM voucher_row WHERE voucher_id = ?", voucher).fetchone()
        if not row or row[0] is None:
            return None
        ends.append(row[0])
    return YearExtent(recorded[0], ends[0], ends[1], exact=False)


class TransactionQuery:
    """The #TRANS rows of one fiscal year that match a filter, ordered by row id.

    Construction (in a worker) needs the year's extent, counted if not given. The whole year needs
    nothing more. A filter is first looked for as a list of row ids, at most LISTED_MAX_ROWS of them;
    when it picks that few, pages are read by id, whatever plan found them. Otherwise the rest of the
    matches are counted, and pages walk the rows in id order between the first and last match, which
    with LIMIT is cheap because matches are then common. Only an account range lets SQLite use the
    account index for that search; any other filter reads the year's rows in id order (`+` makes a
    column term unusable for an index), since fetching scattered rows one by one through an index
    costs more than reading the year's stretch of the table straight through.
    """

    LISTED_MAX_ROWS = 20_000
    _COLUMNS = (
        "r.id, r.voucher_id, v.date, v.series, v.number, r.account, r.amount, "
        "CASE WHEN r.text != '' THEN r.text ELSE v.text END, COALESCE(r.cost_center, ''), COALESCE(r.project, '')"
    )
    _FROM = "FROM voucher_row r JOIN voucher v ON v.id = r.voucher_id"
    _FROM_ROWS_FIRST = "FROM voucher_row r {join} voucher v ON v.id = r.voucher_id"

    def __init__(
        self,
        db: pw.Database,
        fiscal_year_id: int,
        row_filter: TransactionFilter = TransactionFilter(),
        extent: YearExtent | None = None,
    ):
        self.db = db
        self.extent = extent or year_extent(db, fiscal_year_id)
        self.ids: list[int] | None = None  # all matching row ids, when there are few
        conditions, params, needs_voucher = _conditions(db, fiscal_year_id, row_filter)
        walk = [scan_condition(db, condition) for condition in conditions]
        if row_filter == TransactionFilter():
            self._count, low, high = self.extent.count, self.extent.low, self.extent.high
        else:
            listing = self._FROM_ROWS_FIRST.format(join="JOIN") if needs_voucher else "FROM voucher_row r"
            source = self._FROM_ROWS_FIRST.format(join=ordered_join(db)) if needs_voucher else listing
            if row_filter.accounts:
                found = db.execute_sql(
                    f"SELECT r.id {listing} WHERE {' AND '.join(conditions)} LIMIT ?",
                    [*params, self.LISTED_MAX_ROWS + 1],
                ).fetchall()
            else:
                found = db.execute_sql(
                    f"SELECT r.id {source} WHERE {' AND '.join(walk)} AND r.id BETWEEN ? AND ? ORDER BY r.id LIMIT ?",
                    [*params, self.extent.low, self.extent.high, self.LISTED_MAX_ROWS + 1],
                ).fetchall()
            if len(found) <= self.LISTED_MAX_ROWS:
                self.ids = sorted(row_id for (row_id,) in found)
                self._count = len(self.ids)
                low, high = (self.ids[0], self.ids[-1]) if self.ids else (0, 0)
            elif row_filter.accounts:
                self._count, low, high = db.execute_sql(
                    f"SELECT COUNT(*), MIN(r.id), MAX(r.id) {listing} "
                    f"WHERE {' AND '.join(conditions)}",
                    params,
                ).fetchone()
            else:  # the search above stopped at the first LISTED_MAX_ROWS + 1 matches; count on from there
                rest, last = db.execute_sql(
                    f"SELECT COUNT(*), MAX(r.id) {source} WHERE {' AND '.join(walk)} AND r.id BETWEEN ? AND ?",
                    [*params, found[-1][0] + 1, self.extent.high],
                ).fetchone()
                self._count, low, high = len(found) + rest, found[0][0], last or found[-1][0]
        self.where = " AND ".join([*walk, "r.id BETWEEN ? AND ?"])
        self.params = [*params, low or 0, high or 0]

    def count(self) -> int:
        return self._count

    def totals(self) -> tuple[Decimal, Decimal]:
        """(debit, credit) of every row the filter picks, both positive: one aggregate over the same conditions the
        pages walk, so it costs one pass over the filter's stretch of the year (run it in a worker)."""
        debit, credit = self.db.execute_sql(
            "SELECT COALESCE(SUM(CASE WHEN r.amount > 0 THEN r.amount ELSE 0 END), 0), "
            f"COALESCE(SUM(CASE WHEN r.amount < 0 THEN -r.amount ELSE 0 END), 0) {self._FROM} WHERE {self.where}",
            self.params,
        ).fetchone()
        return from_ore(debit), from_ore(credit)

    def page_after(self, key: int | None, limit: int) -> list[TransactionRow]:
        if self.ids is not None:
            start = 0 if key is None else bisect.bisect_right(self.ids, key)
            return self._listed(self.ids[start : start + limit])
        return self._page(">", key, "ASC", limit)

    def page_before(self, key: int | None, limit: int) -> list[TransactionRow]:
        if self.ids is not None:
            end = len(self.ids) if key is None else bisect.bisect_left(self.ids, key)
            return self._listed(self.ids[max(0, end - limit) : end])
        return self._page("<", key, "DESC", limit)

    def _listed(self, ids: list[int]) -> list[TransactionRow]:
        """The rows with these ids (ascending), each found by its primary key."""
        if not ids:
            return []
        sql = f"SELECT {self._COLUMNS} {self._FROM} WHERE r.id IN ({', '.join('?' * len(ids))}) ORDER BY r.id"
        return self._rows(self.db.execute_sql(sql, ids).fetchall())

    def _page(self, comparison: str, key: int | None, order: str, limit: int) -> list[TransactionRow]:
        """Rows beyond `key` in the direction of `order`, handed back ascending either way.

        The key narrows the id range itself rather than adding `r.id > ?` beside it: SQLite seeks to
        only one lower (and one upper) bound, and if it chose the range's it would walk from the first
        match to the key, making a page near the end cost a scan of the year.
        """
        *params, low, high = self.params
        if key is not None:
            low, high = (max(low, key + 1), high) if comparison == ">" else (low, min(high, key - 1))
        sql = f"SELECT {self._COLUMNS} {self._FROM} WHERE {self.where} ORDER BY r.id {order} LIMIT ?"
        raw = self.db.execute_sql(sql, [*params, low, high, limit]).fetchall()
        if order == "DESC":
            raw.reverse()
        return self._rows(raw)

    @staticmethod
    def _rows(raw: list[tuple]) -> list[TransactionRow]:
        return [
            TransactionRow(
                row_id,
                voucher_id,
                dt.date.fromisoformat(date),
                series,
                number,
                account,
                from_ore(ore),
                text,
                cc,
                project,
            )
            for row_id, voucher_id, date, series, number, account, ore, text, cc, project in raw
        ]


def _conditions(db: pw.Database, fiscal_year_id: int, row_filter: TransactionFilter) -> tuple[list[str], list, bool]:
    """SQL conditions for a filter, their parameters, and whether they need the voucher joined."""
    conditions, params = ["r.fiscal_year_id = ?", "r.kind = 'TRANS'"], [fiscal_year_id]
    if row_filter.accounts:
        conditions.append("r.account BETWEEN ? AND ?")
        params.extend(row_filter.accounts)
    if row_filter.amount:
        low, high = row_filter.amount
        if low is not None:
            conditions.append("ABS(r.amount) >= ?")
            params.append(to_ore(low))
        if high is not None:
            conditions.append("ABS(r.amount) <= ?")
            params.append(to_ore(high))
    if row_filter.cost_center is not None:
        conditions.append("r.cost_center = ?")
        params.append(row_filter.cost_center)
    if row_filter.project is not None:
        conditions.append("r.project = ?")
        params.append(row_filter.project)
    text_indexed = bool(row_filter.text) and has_text_indexes(db)
    if text_indexed:  # the rows found through the trigram indexes of both texts, so no voucher join is needed
        like = text_contains(db)
        conditions.append(
            # text <> '': the row texts' index leaves empty texts out, and a filter's text is never empty
            f"r.id IN (SELECT id FROM voucher_row WHERE text {like} ? ESCAPE '\\' AND text <> '' UNION ALL "
            f"SELECT x.id FROM voucher_row x JOIN voucher w ON w.id = x.voucher_id WHERE w.text {like} ? ESCAPE '\\')"
        )
        params.extend([_like_pattern(row_filter.text)] * 2)
    row_only = len(conditions)
    if row_filter.period:
        conditions.append("v.date BETWEEN ? AND ?")
        params.extend(day.isoformat() for day in row_filter.period)
    if row_filter.series is not None:
        conditions.append("v.series = ?")
        params.append(row_filter.series)
    if row_filter.text and not text_indexed:
        like = text_contains(db)
        conditions.append(f"(r.text {like} ? ESCAPE '\\' OR v.text {like} ? ESCAPE '\\')")
        params.extend([_like_pattern(row_filter.text)] * 2)
    return conditions, params, len(conditions) > row_only


def _like_pattern(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# --- the account analysis ---------------------------------------------------------------------


def opening_balance(db: pw.Database, fiscal_year_id: int, account: str) -> Decimal:
    """#IB for balance accounts (classes 1-2); result accounts start every year at zero."""
    if not account.startswith(BALANCE_CLASSES):
        return Decimal("0.00")
    row = db.execute_sql(
        "SELECT COALESCE(SUM(amount), 0) FROM balance WHERE fiscal_year_id = ? AND kind = 'IB' AND objects = '' "
        "AND account = ?",
        (fiscal_year_id, account),
    ).fetchone()
    return from_ore(row[0])


class LedgerQuery:
    """One account's #TRANS rows of a year in date order, each with the running balance.

    Construction reads the number of rows and their sum (one query, in a worker).
    """

    BLOCK_ROWS = 2_000

    _ROWS = (
        "FROM voucher_row r JOIN voucher v ON v.id = r.voucher_id "
        "WHERE r.fiscal_year_id = ? AND r.account = ? AND r.kind = 'TRANS'"
    )

    def __init__(self, db: pw.Database, fiscal_year_id: int, account: str, opening: Decimal):
        self.db = db
        self.params = [fiscal_year_id, account]
        self.opening = opening
        self._count, total = db.execute_sql(
            f"SELECT COUNT(*), COALESCE(SUM(r.amount), 0) {self._ROWS}", self.params
        ).fetchone()
        self.total = from_ore(total)
        # Running balances at page edges: before a page's first row, after its last. The pager fetches a page
        # from a neighbour's edge key, so its balance is known without summing every row before it.
        self._before: dict[tuple[str, int], Decimal] = {}
        self._after: dict[tuple[str, int], Decimal] = {}
        self._block: tuple[list[tuple], bool, bool] = ([], False, False)  # rows read last; reach the start, end?
        self._block_index: dict[tuple[str, int], int] = {}

    def count(self) -> int:
        return self._count

    def place_of(self, row_id: int) -> tuple[int, tuple[str, int]] | None:
        """The position and key of one of the account's rows (a #TRANS row's id), counted by key: the rows before it
        are never read. None when the row is not one of the account's."""
        found = self.db.execute_sql(f"SELECT v.date {self._ROWS} AND r.id = ?", [*self.params, row_id]).fetchone()
        if found is None:
            return None
        key = (found[0], row_id)  # as the pages key their rows
        (before,) = self.db.execute_sql(
            f"SELECT COUNT(*) {self._ROWS} AND (v.date, r.id) < (?, ?)", [*self.params, *key]
        ).fetchone()
        return before, key

    def page_after(self, key: tuple[str, int] | None, limit: int) -> list[LedgerRow]:
        return self._page(">", key, "ASC", limit)

    def page_before(self, key: tuple[str, int] | None, limit: int) -> list[LedgerRow]:
        return self._page("<", key, "DESC", limit)

    def _page(self, comparison: str, key: tuple[str, int] | None, order: str, limit: int) -> list[LedgerRow]:
        """Rows beyond `key` in the direction of `order`, handed back ascending with their running balance."""
        raw = self._raw(comparison, key, order, limit)
        if not raw:
            return []
        if key is None:
            closing = self.opening + self.total
            balance = self.opening if order == "ASC" else closing - sum(from_ore(row[5]) for row in raw)
        elif order == "ASC" and key in self._after:
            balance = self._after[key]
        elif order == "DESC" and key in self._before:
            balance = self._before[key] - sum(from_ore(row[5]) for row in raw)
        else:
            balance = self.opening + self._sum_before((raw[0][0], raw[0][1]))
        self._before[(raw[0][0], raw[0][1])] = balance
        rows = []
        for date, row_id, series, number, text, ore, voucher_id in raw:
            amount = from_ore(ore)
            balance += amount
            day = dt.date.fromisoformat(date)
            rows.append(LedgerRow((date, row_id), day, series, number, text, amount, balance, voucher_id))
        self._after[rows[-1].key] = balance
        return rows

    def _raw(self, comparison: str, key: tuple[str, int] | None, order: str, limit: int) -> list[tuple]:
        """Up to `limit` rows beyond `key`, ascending: from the block read last when it holds them, else from a
        new block. No index has the voucher date, so every read sorts the whole account (a top-N sort of a
        join): reading BLOCK_ROWS at once costs hardly more than a page and serves the next pages too."""
        block, at_start, at_end = self._block
        if key is None:
            held = at_start if order == "ASC" else at_end
            if held:
                return block[:limit] if order == "ASC" else block[-limit:]
        elif key in self._block_index:
            index = self._block_index[key]
            if order == "ASC" and (index + 1 + limit <= len(block) or at_end):
                return block[index + 1 : index + 1 + limit]
            if order == "DESC" and (index - limit >= 0 or at_start):
                return block[max(0, index - limit) : index]
        size = max(limit, self.BLOCK_ROWS)
        keyset, key_params = ("", []) if key is None else (f" AND (v.date, r.id) {comparison} (?, ?)", list(key))
        block = self.db.execute_sql(
            "SELECT v.date, r.id, v.series, v.number, CASE WHEN r.text != '' THEN r.text ELSE v.text END, r.amount, "
            "r.voucher_id "
            f"{self._ROWS}{keyset} ORDER BY v.date {order}, r.id {order} LIMIT ?",
            [*self.params, *key_params, size],
        ).fetchall()
        complete = len(block) < size  # reached the end of the account in the direction read
        if order == "DESC":
            block.reverse()
        self._block = (
            block,
            key is None if order == "ASC" else complete,
            complete if order == "ASC" else key is None,
        )
        self._block_index = {(row[0], row[1]): index for index, row in enumerate(block)}
        return block[:limit] if order == "ASC" else block[-limit:]

    def _sum_before(self, key: tuple[str, int]) -> Decimal:
        row = self.db.execute_sql(
            f"SELECT COALESCE(SUM(r.amount), 0) {self._ROWS} AND (v.date, r.id) < (?, ?)", [*self.params, *key]
        ).fetchone()
        return from_ore(row[0])


@dataclass(frozen=True, slots=True)
class AccountLedger:
    account: str
    name: str
    opening: Decimal
    closing: Decimal
    rows: KeysetPager[LedgerRow]
    position: int = 0  # of the row asked for (`at_row`), else the first


def account_ledger(db: pw.Database, fiscal_year_id: int, account: str, at_row: int | None = None) -> AccountLedger:
    """Opening balance, the rows with running balance, and the closing balance of one account; with `at_row` (a
    #TRANS row's id, e.g. the transaction analysis' row the user chose) its page is ready and its position said."""
    name_row = db.execute_sql(
        "SELECT a.name FROM account a JOIN fiscal_year y ON y.company_id = a.company_id "
        "WHERE y.id = ? AND a.number = ?",
        (fiscal_year_id, account),
    ).fetchone()
    opening = opening_balance(db, fiscal_year_id, account)
    query = LedgerQuery(db, fiscal_year_id, account, opening)
    pager, position = KeysetPager(query), 0
    place = None if at_row is None else query.place_of(at_row)
    if place is not None:
        position, key = place
        pager.seek(position, key)
    name = name_row[0] if name_row else ""
    return AccountLedger(account, name, opening, opening + query.total, pager, position)


# --- one voucher ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VoucherLine:
    kind: str  # TRANS; RTRANS (a row removed after registration) and BTRANS (one added) are history only
    account: str
    name: str  # the account's name in the chart, "" when the chart lacks it
    amount: Decimal
    objects: str  # "dimension:object" pairs, e.g. "1:10 6:P1"
    text: str  # the row's own text


@dataclass(frozen=True, slots=True)
class VoucherDetail:
    series: str
    number: str
    date: dt.date
    text: str
    registered: dt.date | None
    lines: tuple[VoucherLine, ...]  # in the file's order


def voucher_detail(db: pw.Database, voucher_id: int) -> VoucherDetail:
    """A voucher with all its rows, history rows included, as the drill-down from an account shows it."""
    series, number, date, text, registered = db.execute_sql(
        "SELECT series, number, date, text, registered FROM voucher WHERE id = ?", (voucher_id,)
    ).fetchone()
    rows = db.execute_sql(
        "SELECT r.kind, r.account, COALESCE(a.name, ''), r.amount, r.objects, r.text FROM voucher_row r "
        "JOIN fiscal_year y ON y.id = r.fiscal_year_id "
        "LEFT JOIN account a ON a.company_id = y.company_id AND a.number = r.account "
        "WHERE r.voucher_id = ? ORDER BY r.id",
        (voucher_id,),
    ).fetchall()
    lines = tuple(
        VoucherLine(kind, account, name, from_ore(ore), _objects_shown(objects), row_text)
        for kind, account, name, ore, objects, row_text in rows
    )
    return VoucherDetail(
        series,
        number,
        dt.date.fromisoformat(date),
        text,
        dt.date.fromisoformat(registered) if registered else None,
        lines,
    )


def named_voucher(db: pw.Database, fiscal_year_id: int, finding: dict) -> int | None:
    """The voucher one row of a check's finding names, by series and number ({"series": "A", "number": "12"}) or as
    the integrity checks write it ({"voucher": "A 12"}); None when it names none, or one no longer in the books."""
    if "number" in finding:
        series, number = str(finding.get("series", "")), str(finding["number"])
    elif isinstance(finding.get("voucher"), str):
        series, _, number = finding["voucher"].rpartition(" ")
    else:
        return None
    found = db.execute_sql(
        "SELECT id FROM voucher WHERE fiscal_year_id = ? AND series = ? AND number = ? ORDER BY id LIMIT 1",
        (fiscal_year_id, series, number),
    ).fetchone()
    return found[0] if found else None


def _objects_shown(stored: str) -> str:
    """The stored JSON object list ([[dimension, object], ...]) as `1:10 6:P1`."""
    return " ".join(f"{dimension}:{item}" for dimension, item in json.loads(stored)) if stored else ""


# --- the filter as the user types it --------------------------------------------------------------

FILTER_KEYWORDS = {
    "account": "accounts", "konto": "accounts",
    "period": "period",
    "series": "series", "serie": "series",
    "text": "text",
    "amount": "amount", "belopp": "amount",
    "cc": "cost_center", "ks": "cost_center",
    "project": "project", "projekt": "project",
}  # fmt: skip


def parse_filter(typed: str) -> TransactionFilter:
    """`konto:1900..1999 period:2025-01..2025-03 serie:A belopp:100..500 ks:10 projekt:P1 hyra`.

    Words without a keyword search the texts. Swedish and English keywords are both accepted;
    amounts may use a decimal comma. Raises FilterError naming the part that is wrong.
    """
    try:
        words = shlex.split(typed)
    except ValueError:
        raise FilterError(f"unbalanced quotes in the filter {typed!r}") from None
    fields: dict[str, object] = {}
    free_text: list[str] = []
    for word in words:
        keyword, separator, value = word.partition(":")
        field = FILTER_KEYWORDS.get(keyword.lower()) if separator else None
        if field is None:
            free_text.append(word)
        elif not value:
            raise FilterError(f"{keyword}: needs a value, e.g. {keyword}:{_EXAMPLES[field]}")
        else:
            fields[field] = _PARSERS[field](value)
    if free_text:
        fields["text"] = " ".join([*free_text, *([fields["text"]] if "text" in fields else [])])
    return TransactionFilter(**fields)


def _range(value: str) -> tuple[str, str]:
    low, separator, high = value.partition("..")
    return (low, high if separator else low)


def _accounts(value: str) -> tuple[str, str]:
    low, high = _range(value)
    if not (low.isdigit() and high.isdigit()):
        raise FilterError(f"account {value!r}: use a number or a range like 1900..1999")
    return low, high


def _day(text: str, last: bool) -> dt.date:
    """A date, or a whole month (YYYY-MM) taken from its first or last day."""
    try:
        if len(text) == 7:
            month = dt.date.fromisoformat(text + "-01")
            return month.replace(day=calendar.monthrange(month.year, month.month)[1]) if last else month
        return dt.date.fromisoformat(text)
    except ValueError:
        raise FilterError(f"period {text!r}: use YYYY-MM or YYYY-MM-DD, or a range like 2025-01..2025-03") from None


def _period(value: str) -> tuple[dt.date, dt.date]:
    low, high = _range(value)
    return _day(low, last=False), _day(high, last=True)


def _amount(text: str) -> Decimal | None:
    if not text:
        return None
    try:
        amount = abs(Decimal(text.replace(",", ".")))
        to_ore(amount)
        return amount
    except (InvalidOperation, ValueError):
        raise FilterError(f"amount {text!r}: use kronor with at most two decimals, or a range like 100..500") from None


def _amounts(value: str) -> tuple[Decimal | None, Decimal | None]:
    low, separator, high = value.partition("..")
    return (_amount(low), _amount(high)) if separator else (_amount(low), _amount(low))


_PARSERS = {
    "accounts": _accounts,
    "period": _period,
    "series": str,
    "text": str,
    "amount": _amounts,
    "cost_center": str,
    "project": str,
}
_EXAMPLES = {
    "accounts": "1930",
    "period": "2025-01",
    "series": "A",
    "text": "hyra",
    "amount": "100..500",
    "cost_center": "10",
    "project": "P1",
}
