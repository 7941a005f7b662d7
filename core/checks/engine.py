"""Running checks and keeping their results: one result per check, fiscal year and period.

A result is red (found something, with the rows behind it), orange (could not run), green (nothing found) or
done (a red result the user has marked). Its `data_hash` covers what the check found, so a re-run that finds
the same keeps "done", and one that finds anything else clears it. Messages are structured for translation:
`details` holds {"message": {"key", "params"}, "rows": [...]}, the `message` column the English text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property

import peewee as pw

from core import integrity, periods as period_layout
from core.activity import current_user
from core.checks import registry
from core.checks.registry import Check
from core.errors import BokslutError
from core.store.db import executemany
from core.store.dialect import float_sum
from core.store.models import CheckResult, CheckSetting, Company, FiscalYear, utc_now

RED, ORANGE, GREEN, DONE = "red", "orange", "green", "done"
MAX_ROWS = 1000  # rows kept behind a red result; the message's count is the full number
WORKERS = 2  # the checks are SQLite reads; two connections keep two cores busy
NO_ROWS = (0, 0.0, 0.0, 0, 0.0, 0.0, 0, 0)  # Context.per_period of an account without rows in a period
HIDDEN_PREFIX = "_"  # results the engine keeps for itself (voucher fingerprints), never listed


@dataclass(frozen=True, slots=True)
class Finding:
    """What one check says about one period ("" for the year)."""

    status: str
    key: str  # the message key under the check's id: "<check id>.<key>"
    text: str  # English
    params: dict = field(default_factory=dict)
    rows: tuple[dict, ...] = ()
    period: str = ""


def outcome(
    rows: list[dict], found: str | tuple[str, str], clean: str, *, period: str = "", count: int | None = None,
    **params
) -> Finding:
    """Red with the rows when there are any, else green. `found` may use {count} (default: the rows) and the params;
    a count is said by a pair of forms, English's for exactly one and for any other number."""
    if rows:
        params = {"count": len(rows) if count is None else count, **params}
        if isinstance(found, tuple):
            found = found[0] if params["count"] == 1 else found[1]
        return Finding(RED, "found", found.format(**params), params, tuple(rows[:MAX_ROWS]), period)
    return Finding(GREEN, "clean", clean.format(**params), params, (), period)


def not_run(key: str, text: str, *, period: str = "", **params) -> Finding:
    return Finding(ORANGE, key, text.format(**params), params, (), period)


class Context:
    """What the checks of one run share; each query runs at most once."""

    def __init__(self, db: pw.Database, fiscal_year: FiscalYear, periods: list[str]) -> None:
        self.db = db
        self.year = fiscal_year
        self.periods = periods  # the keys of the periods to report on: "YYYYMM" or "YYYYQn" (see core.periods)
        self.kind = fiscal_year.period_kind
        self.spans = {key: (start, end) for key, start, end in period_layout.spans(fiscal_year)}

    def rows(self, sql: str, *params) -> list[tuple]:
        return self.db.execute_sql(sql, params).fetchall()

    def period_of(self, date: str) -> str:
        """The key of the period (of this year's kind) an ISO date falls in; for last year's dates too."""
        return period_layout.period_key(self.kind, dt.date(int(date[:4]), int(date[5:7]), 1))

    @cached_property
    def previous(self) -> FiscalYear | None:
        return FiscalYear.get_or_none(
            FiscalYear.company == self.year.company_id, FiscalYear.end == self.year.start - dt.timedelta(days=1)
        )

    @cached_property
    def movement(self) -> dict[str, int]:
        return integrity.transaction_totals(self.db, self.year.id)

    @cached_property
    def has_vouchers(self) -> bool:
        return bool(self.rows("SELECT 1 FROM voucher WHERE fiscal_year_id = ? LIMIT 1", self.year.id))

    @cached_property
    def balance_kinds(self) -> set[str]:
        kinds = self.rows("SELECT DISTINCT kind FROM balance WHERE fiscal_year_id = ?", self.year.id)
        return {kind for (kind,) in kinds}

    @cached_property
    def integrity(self) -> dict[str, integrity.CheckResult]:
        """The checks the importer ran on these very rows and stored with the year."""
        return {result.check_id: result for result in integrity.stored_checks(self.db, self.year.id)}

    @cached_property
    def opening(self) -> dict[str, int]:
        return dict(
            self.rows(
                "SELECT account, SUM(amount) FROM balance WHERE fiscal_year_id = ? AND kind = 'IB' AND objects = '' "
                "GROUP BY account",
                self.year.id,
            )
        )

    @cached_property
    def per_period(self) -> dict[tuple[str, str], tuple]:
        """(account, period key) -> (#TRANS rows, Σ|amount|, Σamount², the same three over the debit rows, the
        largest debit, the largest credit) over this year and the previous one: a credit's size is judged against
        the credits, a debit's against the debits (a VAT account's settlements against its settlements, not its
        sales).

        Summed by month in SQL one account at a time (the importer adds every account a row uses to the chart):
        sorting each account's rows by month costs less than sorting the whole year's, and a bare substr keeps the
        keys small. The months are then added up into the year's periods here."""
        years = [self.year.id] + ([self.previous.id] if self.previous else [])
        debit = "CASE WHEN r.amount > 0 THEN r.amount ELSE 0 END"
        sql = (
            f"SELECT substr(v.date, 1, 7) AS month, COUNT(*), {float_sum(self.db, 'ABS(r.amount)')}, "
            f"{float_sum(self.db, 'r.amount * 1.0 * r.amount')}, SUM(CASE WHEN r.amount > 0 THEN 1 ELSE 0 END), "
            f"{float_sum(self.db, debit)}, {float_sum(self.db, f'({debit}) * 1.0 * ({debit})')}, "
            "MAX(r.amount), -MIN(r.amount) "
            f"FROM voucher_row r JOIN voucher v ON v.id = r.voucher_id WHERE r.fiscal_year_id IN "
            f"({','.join('?' * len(years))}) AND r.account = ? AND r.kind = 'TRANS' GROUP BY month"
        )
        stats: dict[tuple[str, str], tuple] = {}
        for (account,) in self.rows("SELECT number FROM account WHERE company_id = ?", self.year.company_id):
            for month, *sums in self.db.execute_sql(sql, (*years, account)):
                key = (account, self.period_of(month))
                before = stats.get(key, NO_ROWS)
                sums = [sums[i] or 0 for i in range(6)] + [max(sums[6], 0), max(sums[7], 0)]
                totals = [earlier + now for earlier, now in zip(before[:6], sums[:6])]
                stats[key] = (*totals, *(max(earlier, now) for earlier, now in zip(before[6:], sums[6:])))
        return stats

    @cached_property
    def periods_with_data(self) -> list[str]:
        return sorted({period for _, period in self.per_period})


def period_keys(fiscal_year: FiscalYear) -> list[str]:
    """The keys of the year's months or quarters, as its period kind divides it (the year-end period has no checks
    of its own: it is the year's last day)."""
    return [key for key, _, _ in period_layout.spans(fiscal_year)]


def check_period(fiscal_year: FiscalYear, text: str) -> str:
    """The key of a period of the year as the user names it (2025-03, 202503, 2025Q1), or a BokslutError."""
    key = period_layout.parse_key(text)
    if key not in period_keys(fiscal_year):
        raise BokslutError(
            f"period {text.strip()} is not in the fiscal year {fiscal_year.start}..{fiscal_year.end}, which is "
            f"divided into {period_layout.divided_words(fiscal_year)}; the checks run per month or quarter"
        )
    return key


def all_checks(db: pw.Database, company: Company) -> list[tuple[Check, bool]]:
    """Every check of the company with whether it is enabled: the built-in ones first, then the user's own."""
    settings = {s.check_id: s for s in CheckSetting.select().where(CheckSetting.company == company.id)}
    checks = [
        (check, settings[check.id].enabled if check.id in settings else True) for check in registry.builtin_checks()
    ]
    for setting in sorted(settings.values(), key=lambda s: s.id):
        if setting.kind != "builtin":
            checks.append((registry.own_check(setting), setting.enabled))
    return checks


def _data_hash(finding: Finding) -> str:
    document = [finding.status, finding.key, finding.params, list(finding.rows)]
    return hashlib.sha256(json.dumps(document, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _locked(db: pw.Database, fiscal_year: FiscalYear) -> set[str]:
    """The keys of the year's periods that lie inside a locked period (read only: creates no period rows)."""
    locked = [(p.start, p.end) for p in period_layout.locked_periods(db, fiscal_year)]
    return {
        key for key, first, last in period_layout.spans(fiscal_year)
        for start, end in locked if start <= first and last <= end
    }  # fmt: skip


def _stale_periods(fiscal_year: FiscalYear) -> set[str]:
    """Periods with a result the books have changed under since it was computed. A locked period among them is
    checked again: a confirmed re-import may have replaced its vouchers, and skipped it would stay stale for ever."""
    query = CheckResult.select(CheckResult.period).where(
        CheckResult.fiscal_year == fiscal_year.id, CheckResult.stale == True  # noqa: E712 (SQL, not Python)
    )
    return {period for (period,) in query.distinct().tuples()}


def run_checks(
    db: pw.Database, company: Company, fiscal_year: FiscalYear, period: str | None = None
) -> list[CheckResult]:
    """Runs the enabled checks: for the year and every unlocked period, or with `period` (as the user names it)
    only that period's checks. The periods are the year's months or quarters (fiscal_year.period_kind).

    Locked periods are not re-checked while their results are fresh; once an import or a closing entry has made
    them stale they are, once (see _stale_periods). Results of disabled checks are removed.
    """
    key = None if period is None else check_period(fiscal_year, period)
    keys = period_keys(fiscal_year)
    locked = _locked(db, fiscal_year) - _stale_periods(fiscal_year)
    wanted = [k for k in ([key] if key else keys) if k not in locked]
    context = Context(db, fiscal_year, wanted)
    checks = all_checks(db, company)
    selected = [
        check for check, enabled in checks
        if enabled and (check.per_period or key is None) and (wanted or not check.per_period)
    ]  # fmt: skip
    # The per-period checks share the run's largest query (Context.per_period): one worker runs them in turn from
    # the start, while the other works through the rest instead of waiting for that query.
    shared = [check for check in selected if check.per_period]
    tasks = ([shared] if shared else []) + [[check] for check in selected if not check.per_period]
    with ThreadPoolExecutor(WORKERS, thread_name_prefix="checks") as pool:
        runs = [pool.submit(_run_in_worker, db, task, context) for task in tasks]
        findings = [found for run in runs for found in run.result()]
    disabled = [check.id for check, enabled in checks if not enabled]
    _store(db, fiscal_year, findings, disabled)
    return list_results(db, company, fiscal_year, key)


def _run_in_worker(db: pw.Database, checks: list[Check], context: Context) -> list[tuple[str, Finding]]:
    """Each worker thread reads through its own connection (WAL lets them read at once); closed when done."""
    try:
        return [(check.id, finding) for check in checks for finding in check.run(context)]
    finally:
        db.close()


def _store(db: pw.Database, fiscal_year: FiscalYear, findings: list[tuple[str, Finding]], disabled: list[str]):
    existing = {
        (period, check_id): (status, data_hash, done_by, done_at)
        for period, check_id, status, data_hash, done_by, done_at in db.execute_sql(
            "SELECT period, check_id, status, data_hash, done_by, done_at FROM check_result WHERE fiscal_year_id = ?",
            (fiscal_year.id,),
        )
    }
    now = utc_now().isoformat(sep=" ")
    values = []
    for check_id, finding in findings:
        data_hash = _data_hash(finding)
        status, done_by, done_at = finding.status, None, None
        before = existing.get((finding.period, check_id))
        if before and before[0] == DONE and before[1] == data_hash and finding.status == RED:
            status, done_by, done_at = DONE, before[2], before[3]
        message = {"key": f"{check_id}.{finding.key}", "params": finding.params}
        details = {"message": message, "rows": list(finding.rows)}
        values.append(
            (fiscal_year.id, finding.period, check_id, status, finding.text,
             json.dumps(details, ensure_ascii=False, default=str), data_hash, now, done_by, done_at)
        )  # fmt: skip
    with db.atomic():
        executemany(
            db,
            "INSERT INTO check_result (fiscal_year_id, period, check_id, status, message, details, data_hash, "
            "computed, stale, done_by, done_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) "
            "ON CONFLICT (fiscal_year_id, period, check_id) DO UPDATE SET status = excluded.status, "
            "message = excluded.message, details = excluded.details, data_hash = excluded.data_hash, "
            "computed = excluded.computed, stale = 0, done_by = excluded.done_by, done_at = excluded.done_at",
            values,
        )
        if disabled:
            CheckResult.delete().where(
                CheckResult.fiscal_year == fiscal_year.id, CheckResult.check_id.in_(disabled)
            ).execute()


def list_results(
    db: pw.Database, company: Company, fiscal_year: FiscalYear, period: str | None = None
) -> list[CheckResult]:
    """The stored results of the enabled checks, year results first, then by period; hidden ones left out."""
    enabled = [check.id for check, on in all_checks(db, company) if on]
    order = {check_id: position for position, check_id in enumerate(enabled)}
    query = CheckResult.select().where(CheckResult.fiscal_year == fiscal_year.id, CheckResult.check_id.in_(enabled))
    if period is not None:
        query = query.where(CheckResult.period == period)
    return sorted(query, key=lambda r: (r.period, order[r.check_id]))


def get_result(
    db: pw.Database, company: Company, target: str, fiscal_year: FiscalYear | None, period: str = ""
) -> CheckResult:
    """A result by its id (digits), or by check id within `fiscal_year` and `period`."""
    if target.isdigit():
        result = CheckResult.get_or_none(CheckResult.id == int(target))
        if result is None or result.fiscal_year.company_id != company.id:
            raise BokslutError(f"there is no check result {target} for {company.name}; see bokslut checks list")
        return result
    if fiscal_year is None:
        raise BokslutError(f"name the fiscal year of check {target} with --year YYYY")
    result = CheckResult.get_or_none(
        CheckResult.fiscal_year == fiscal_year.id, CheckResult.check_id == target, CheckResult.period == period
    )
    if result is None or target.startswith(HIDDEN_PREFIX):
        where = f"period {period}" if period else "the year"
        raise BokslutError(
            f"check {target} has no result for {where} of {fiscal_year.start}..{fiscal_year.end}; "
            "run it first with bokslut checks run"
        )
    return result


def mark_done(db: pw.Database, result: CheckResult) -> CheckResult:
    """Only a red result can be done; the mark lasts until the check finds something else."""
    if result.status == DONE:
        return result
    if result.status != RED:
        raise BokslutError(
            f"check {result.check_id} is {result.status}, not red; "
            "only a result that found something can be marked done"
        )
    CheckResult.update(status=DONE, done_by=current_user(), done_at=utc_now()).where(
        CheckResult.id == result.id
    ).execute()
    return CheckResult.get_by_id(result.id)


def set_enabled(db: pw.Database, company: Company, check_id: str, enabled: bool) -> Check:
    """Built-in checks are switched off with a setting row; the user's own have theirs already."""
    known = {check.id: check for check, _ in all_checks(db, company)}
    if check_id not in known:
        raise BokslutError(f"there is no check {check_id!r}; the checks are: {', '.join(known)}")
    with db.atomic():
        updated = CheckSetting.update(enabled=enabled).where(
            CheckSetting.company == company.id, CheckSetting.check_id == check_id
        ).execute()
        if not updated:
            CheckSetting.create(company=company.id, check_id=check_id, kind="builtin", enabled=enabled)
    return known[check_id]


def result_json(result: CheckResult) -> dict:
    """The shape of `bokslut checks list --json`: the TUI translates `message_key` with `params`."""
    details = json.loads(result.details)
    message = details["message"]
    return {
        "id": result.id,
        "check_id": result.check_id,
        "period": result.period,
        "status": result.status,
        "stale": result.stale,
        "message": result.message,
        "message_key": message["key"],
        "params": message["params"],
        "rows": details["rows"],
        "computed": result.computed.isoformat() if result.computed else None,
        "done_by": result.done_by,
        "done_at": result.done_at.isoformat() if result.done_at else None,
    }
