"""Closing entries to Fortnox as vouchers, each exactly once: the series choice, the preflight and the export.

Exactly once rests on three things:

- The export ledger. Before each POST an ExportAttempt in state "intent" is committed, inside an exclusive
  transaction (core.store.locks: the write lock on SQLite, an advisory lock on PostgreSQL) that first checks the
  entry: already exported, or claimed by another live bokslut on any host, means hands off. That claim is what
  lets two bokslut processes export the same year at once without doubling a voucher.
- The marker. Each entry's unique marker goes into the voucher's Comments, so the voucher can be found again.
- Resolution. An intent whose POST got no answer (time-out, dropped connection, 5xx, a killed process) is
  uncertain. It is never sent again blindly: the series' vouchers are read and searched for the marker. Found
  means exported with that number. Absent counts only once the POST was last sent long enough ago that Fortnox can
  no longer be working on it (`[export] unanswered_wait_seconds`), because a request the client gave up on may
  still commit; and only when what was read shows the marker wherever it could be: a series list whose items lack
  `Comments` (recorded real lists do) proves nothing, so then the single vouchers from the series'
  NextVoucherNumber recorded in the intent are read, and one without `Comments` is compared by its content.

Fortnox's locked period is only a warning here: a company's closing series ("Bokslutsserie, ej låsbar serie") takes
vouchers in it, and the API does not say which series that is (fortnox_VoucherSeries has no such field). Fortnox's
own answer (2000401) decides, and a refusal is recorded per entry.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial
from decimal import Decimal
from pathlib import Path

import peewee as pw

from core import activity
from core.closing import history
from core.closing.entries import EXPORTABLE, draft_of, rows_of, validate
from core.closing.texts import fortnox_text
from core.config import Settings, positive_int
from core.errors import BokslutError, user_message
from core.fortnox.client import FortnoxClient
from core.fortnox.connection import FortnoxLink, company_status, fortnox_company, open_link, require_same_company
from core.fortnox.errors import (
    FortnoxForbidden,
    FortnoxNotFound,
    FortnoxOutcomeUnknown,
    FortnoxRejected,
    FortnoxUnauthorized,
    FortnoxUnavailable,
    fortnox_says,
)
from core.fortnox.importer import locked_through
from core.fortnox.oauth import ConnectionExpired, OAuthError
from core.money import format_amount
from core.store.locks import exclusive, year_closing
from core.store.models import ClosingEntry, ClosingRow, Company, ExportAttempt, FiscalYear, utc_now
from core.store.orgnr import format_org_number
from core.text import counted

TARGET = "fortnox"
PRESELECTED_SERIES = "I"  # Fortnox's default series "Bokslut"
UNANSWERED_WAIT_SECONDS = 120  # default of [export] unanswered_wait_seconds
SENDS_PER_ENTRY = 3  # POSTs of one entry in one export whose answers may be lost before it waits for the next export
COMMENT = "Bokslutsverifikation från bokslut, {marker}"
_MARKER = re.compile(r"bokslut:[0-9a-f]{16}")
_STOPS_THE_EXPORT = (FortnoxUnavailable, FortnoxUnauthorized, FortnoxForbidden, ConnectionExpired, OAuthError)

# Entries this process is exporting now: an intent written by this very process is uncertain only if no
# export running here still owns it (the app may run two exports at once).
_OWNED: set[int] = set()


class ReconnectNeeded(BokslutError):
    """The help article's rule: an expired connection is renewed by a new import before an export."""

    def __init__(self, company: Company, state: str) -> None:
        org = format_org_number(company.org_number or "")
        steps = f"run bokslut connect --company {org}, then bokslut import-fortnox --company {org}"
        params = {"company": company.name, "org": org}
        if state == "disconnected":
            super().__init__(
                f"{company.name} is not connected to Fortnox, so nothing was exported; {steps}.",
                key="export_not_connected", params=params,
            )  # fmt: skip
        else:
            super().__init__(
                f"The connection to Fortnox has expired for {company.name}: you need to perform a new import to "
                f"reconnect before you can export ({steps}).",
                key="export_expired", params=params,
            )  # fmt: skip


@dataclass(frozen=True, slots=True)
class SeriesChoice:
    code: str
    description: str
    manual: bool  # only manual series take vouchers posted through the API
    preselected: bool

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "description": self.description,
            "manual": self.manual,
            "preselected": self.preselected,
        }


@dataclass
class Preflight:
    """What an export would send and everything Fortnox would refuse in it, found before anything is sent."""

    series: str
    year_start: dt.date
    year_end: dt.date
    fortnox_year: int | None
    entries: list[ClosingEntry]  # the candidates, in id order
    general: list[str] = field(default_factory=list)  # problems of the export as a whole (series, year)
    problems: dict[int, list[str]] = field(default_factory=dict)  # entry id -> its problems
    locked_through: dt.date | None = None  # Fortnox's locked period, as read now
    in_locked_period: list[int] = field(default_factory=list)  # entries Fortnox takes only into a closing series

    @property
    def clean(self) -> bool:
        """Warnings do not count: only Fortnox can tell whether the series is its closing series."""
        return not self.general and not self.problems

    @property
    def warnings(self) -> list[PreflightWarning]:
        if not self.in_locked_period:
            return []
        by_id = {entry.id: entry for entry in self.entries}
        named = "; ".join(f"{i} ({by_id[i].date}, {by_id[i].text})" for i in self.in_locked_period)
        count, locked = len(self.in_locked_period), str(self.locked_through)
        dated = "entry is" if count == 1 else "entries are"
        return [
            PreflightWarning(
                "export_locked_period_warning",
                {"count": count, "locked_through": locked, "series": self.series, "entries": named},
                f"{count} {dated} dated in Fortnox's locked period (through {locked}): {named}. Fortnox takes them "
                f"only if {self.series} is its closing series (\"Bokslutsserie, ej låsbar serie\"), which bokslut "
                "cannot see; otherwise Fortnox refuses them and each is marked failed with Fortnox's answer",
            )
        ]

    def entry_warnings(self, entry: ClosingEntry) -> list[PreflightWarning]:
        if entry.id not in self.in_locked_period:
            return []
        locked = str(self.locked_through)
        return [
            PreflightWarning(
                "export_entry_in_locked_period",
                {"date": str(entry.date), "locked_through": locked},
                f"date: {entry.date} is in Fortnox's locked period (through {locked}); Fortnox decides",
            )
        ]

    def warning_lines(self) -> list[str]:
        return [warning.text for warning in self.warnings]

    def problem_lines(self) -> list[str]:
        by_id = {entry.id: entry for entry in self.entries}
        lines = list(self.general)
        for entry_id, problems in self.problems.items():
            lines.append(f"entry {entry_id} ({by_id[entry_id].date}, {by_id[entry_id].text!r}):")
            lines.extend(f"  {problem}" for problem in problems)
        return lines

    def to_json(self) -> dict:
        return {
            "clean": self.clean,
            "series": self.series,
            "financial_year": {
                "start": self.year_start.isoformat(),
                "end": self.year_end.isoformat(),
                "fortnox_id": self.fortnox_year,
            },
            "general": self.general,
            "problems": {str(entry_id): problems for entry_id, problems in self.problems.items()},
            "locked_through": self.locked_through.isoformat() if self.locked_through else None,
            "warnings": [warning.to_json() for warning in self.warnings],
            "entries": [
                {
                    "id": entry.id,
                    "date": entry.date.isoformat(),
                    "text": entry.text,
                    "amount": format_amount(_debit_total(entry)),
                    "problems": self.problems.get(entry.id, []),
                    "warnings": [warning.to_json() for warning in self.entry_warnings(entry)],
                }
                for entry in self.entries
            ],
        }


@dataclass(frozen=True, slots=True)
class PreflightWarning:
    """What only Fortnox can decide; the export goes ahead once the user has seen it. `text` is the English."""

    key: str
    params: dict
    text: str

    def to_json(self) -> dict:
        return {"key": self.key, "params": self.params, "text": self.text}


class PreflightNotClean(BokslutError):
    """Nothing is sent until the preflight is clean; the problems are in .preflight."""

    def __init__(self, preflight: Preflight) -> None:
        self.preflight = preflight
        count = len(preflight.general) + sum(len(problems) for problems in preflight.problems.values())
        super().__init__(
            f"the preflight of the export to Fortnox series {preflight.series} found "
            f"{counted(count, 'problem', 'problems')}, so nothing was sent; fix {'it' if count == 1 else 'them'} and "
            "export again",
            key="export_preflight_not_clean", params={"series": preflight.series, "count": count},
        )


class ExportNotConfirmed(BokslutError):
    """The user saw the clean preflight and said no."""


RESULT_TEXTS = {  # each entry's result: its key and English words; the app says them in the reader's language
    "sent": "sent as {series} {number}",
    "found": "found in Fortnox as {series} {number} (its answer had been lost)",
    "found_more_than_once": "found in Fortnox as {series} {number} (its answer had been lost); Fortnox holds it "
    "{times} times ({listed}): reverse the extra ones in Fortnox",
    "refused": "Fortnox refused the voucher{says}",
    "answer_lost": "no answer from Fortnox (the answer was lost); checking Fortnox",
    "answer_without_number": "no answer from Fortnox (its answer had no voucher number: {error}); checking Fortnox",
    "unchecked": "no answer from Fortnox, and the export stopped before it could check; the next export finds out "
    "whether Fortnox has it",
    "untried": "not exported: the export stopped before it; export again to send it",
    "unsent": "not sent: Fortnox did not answer it {sends} times; export again later",
    "already_exported": "already exported as {series} {number}",
    "already_exported_elsewhere": "already exported to {target}",
    "withdrawn": "deleted or marked not applicable since the preflight",
    "claimed_by_another_bokslut": "being exported by another bokslut ({process})",
    "claimed_by_another_export": "being exported by another export in this bokslut",
}
_Said = tuple[str, dict]  # a key of RESULT_TEXTS and its params


@dataclass(frozen=True, slots=True)
class EntryResult:
    """One step of one entry; the report keeps the last step of each."""

    entry_id: int
    # sent, found (after a lost answer), skipped, failed, unsent; "uncertain" while it is checked (or left for the
    # next export to check when this one stopped), "untried" when the export stopped before it
    outcome: str
    message: str  # RESULT_TEXTS[key] with params: the English of the CLI and the log
    number: int | None = None
    code: int | None = None  # Fortnox's error code of a refusal (2000401: the period is locked)
    key: str = ""
    params: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "id": self.entry_id,
            "outcome": self.outcome,
            "number": self.number,
            "code": self.code,
            "message": self.message,
        }


@dataclass
class ExportReport:
    series: str
    fortnox_year: int
    results: dict[int, EntryResult] = field(default_factory=dict)
    resolved: int = 0  # unanswered POSTs settled by reading Fortnox (found or absent)

    @property
    def counts(self) -> dict[str, int]:
        outcomes = Counter(result.outcome for result in self.results.values())
        counts = {name: outcomes[name] for name in ("sent", "found", "skipped", "failed", "unsent")}
        return {**counts, "resolved": self.resolved}

    def summary(self) -> str:
        counts = self.counts
        text = (
            f"Fortnox series {self.series}: {counts['sent']} sent, {counts['found']} found after a lost answer, "
            f"{counts['skipped']} skipped, {counts['failed']} failed"
        )
        if counts["unsent"]:
            text += f", {counts['unsent']} unsent because Fortnox did not answer (export again later)"
        return text + "."

    def params(self) -> dict:
        """What summary() says, as plain JSON for the app to say in the reader's language."""
        return {"series": self.series, **self.counts}

    def to_json(self) -> dict:
        return {
            "series": self.series,
            "fortnox_year": self.fortnox_year,
            "counts": self.counts,
            "entries": [self.results[entry_id].to_json() for entry_id in sorted(self.results)],
        }


class ExportStopped(BokslutError):
    """Fortnox could not be used any more (outage, permissions, connection); what was done is in .report."""

    def __init__(self, error: BaseException, report: ExportReport) -> None:
        self.report = report
        done = report.counts["sent"] + report.counts["found"]
        super().__init__(
            f"{user_message(error).rstrip('.')}. The export stopped after {done} entries were exported; "
            "export again to send the rest"
        )


# --- the series a user may choose --------------------------------------------------------------------


async def voucher_series(
    db: pw.Database, settings: Settings, company: Company, fiscal_year: FiscalYear
) -> list[SeriesChoice]:
    """Fetched fresh: series are per Fortnox financial year and the user may have just created one."""
    async with _link(settings, company) as link:
        year = await _fortnox_year(link.client, fiscal_year)
        if year is None:
            raise BokslutError(_no_fortnox_year(fiscal_year))
        return _choices(await _series(link.client, year.id))


def _choices(items: list[dict]) -> list[SeriesChoice]:
    codes = {str(item.get("Code")): bool(item.get("Manual")) for item in items}
    preselect = codes.get(PRESELECTED_SERIES, False)
    return [
        SeriesChoice(
            code=str(item.get("Code")),
            description=str(item.get("Description") or ""),
            manual=bool(item.get("Manual")),
            preselected=preselect and str(item.get("Code")) == PRESELECTED_SERIES,
        )
        for item in items
    ]


async def _series(client: FortnoxClient, year_id: int) -> list[dict]:
    return await client.get_all("/voucherseries", "VoucherSeriesCollection", {"financialyear": year_id})


# --- preflight ----------------------------------------------------------------------------------------


async def preflight(
    db: pw.Database,
    settings: Settings,
    company: Company,
    fiscal_year: FiscalYear,
    series: str,
    entries: Iterable[ClosingEntry] | None = None,
) -> Preflight:
    """Every problem per entry, from fresh Fortnox data; `entries` narrows the check to some candidates."""
    async with _link(settings, company) as link:
        return await _preflight(db, link.client, company, fiscal_year, series, entries)


def candidates(fiscal_year: FiscalYear) -> list[ClosingEntry]:
    """The entries an export sends: not deleted, not yet exported, not marked not applicable."""
    return list(
        ClosingEntry.select()
        .where(
            ClosingEntry.fiscal_year == fiscal_year.id,
            ClosingEntry.deleted == False,  # noqa: E712 (peewee expression)
            ClosingEntry.status.in_(EXPORTABLE),
        )
        .order_by(ClosingEntry.id)
    )


@dataclass(frozen=True, slots=True)
class _FortnoxYear:
    id: int
    start: dt.date
    end: dt.date


async def _fortnox_year(client: FortnoxClient, fiscal_year: FiscalYear) -> _FortnoxYear | None:
    """The import stores Fortnox's Id of the year; a year that came from a SIE file is looked up by its last day."""
    if fiscal_year.fortnox_id is not None:
        return _FortnoxYear(fiscal_year.fortnox_id, fiscal_year.start, fiscal_year.end)
    found = (await client.get_json("/financialyears", {"date": fiscal_year.end.isoformat()})).get("FinancialYears")
    if not found:
        return None
    item = found[0]
    return _FortnoxYear(int(item["Id"]), dt.date.fromisoformat(item["FromDate"]), dt.date.fromisoformat(item["ToDate"]))


def _no_fortnox_year(fiscal_year: FiscalYear) -> str:
    return (
        f"Fortnox has no financial year that holds {fiscal_year.end}; create the year "
        f"{fiscal_year.start}..{fiscal_year.end} in Fortnox, then try again"
    )


async def _preflight(
    db: pw.Database,
    client: FortnoxClient,
    company: Company,
    fiscal_year: FiscalYear,
    series: str,
    entries: Iterable[ClosingEntry] | None,
) -> Preflight:
    require_same_company(company, await fortnox_company(client))  # never write into another company's books
    chosen = candidates(fiscal_year)
    if entries is not None:
        wanted = {entry.id for entry in entries}
        chosen = [entry for entry in chosen if entry.id in wanted]
    year = await _fortnox_year(client, fiscal_year)
    check = Preflight(series, fiscal_year.start, fiscal_year.end, year.id if year else None, chosen)
    if year is None:
        check.general.append(_no_fortnox_year(fiscal_year))
        return check
    if (year.start, year.end) != (fiscal_year.start, fiscal_year.end):
        check.general.append(
            f"Fortnox's financial year {year.start}..{year.end} does not match {fiscal_year.start}..{fiscal_year.end} "
            "here; import from Fortnox again so the years agree"
        )
    check.general.extend(_series_problems(series, await _series(client, year.id), year))
    if not chosen:
        return check
    rows = {entry.id: rows_of(entry) for entry in chosen}
    every_row = [row for entry_rows in rows.values() for row in entry_rows]
    chart = await _accounts(client, {int(row.account) for row in every_row if row.account.isdigit()}, year.id)
    centres = await _codes(client, "/costcenters", "CostCenters", "Code") if _any(every_row, "cost_center") else {}
    projects = await _codes(client, "/projects", "Projects", "ProjectNumber") if _any(every_row, "project") else {}
    check.locked_through = await locked_through(client)
    label = f"{year.start}..{year.end}"
    for entry in chosen:
        problems = [str(problem) for problem in validate(db, fiscal_year, draft_of(entry), saving=False)]
        if check.locked_through is not None and entry.date <= check.locked_through:
            check.in_locked_period.append(entry.id)
        for position, row in enumerate(rows[entry.id], start=1):
            problems.extend(_row_problems(f"rows[{position}]", row, chart, centres, projects, label))
        if problems:
            check.problems[entry.id] = problems
    return check


def _series_problems(code: str, items: list[dict], year: _FortnoxYear) -> list[str]:
    manual = sorted(str(item.get("Code")) for item in items if item.get("Manual"))
    offer = f"choose one of the manual series {', '.join(manual)}" if manual else "create a manual series in Fortnox"
    found = next((item for item in items if str(item.get("Code")) == code), None)
    if found is None:
        return [f"series: Fortnox has no voucher series {code} in the financial year {year.start}..{year.end}; {offer}"]
    if not found.get("Manual"):
        return [
            f"series: voucher series {code} is not a manual series in Fortnox (Fortnox's own modules fill it); {offer}"
        ]
    return []


async def _accounts(client: FortnoxClient, numbers: set[int], year_id: int) -> dict[int, dict]:
    """Each account the export uses, by itself: only the single-account GET carries TransactionInformationSettings
    and QuantitySettings (the list lacks them). Not found: not in that year's chart."""
    found = {}
    for number in sorted(numbers):
        try:
            found[number] = (await client.get_json(f"/accounts/{number}", {"financialyear": year_id}))["Account"]
        except FortnoxNotFound:
            continue
    return found


async def _codes(client: FortnoxClient, path: str, key: str, code_field: str) -> dict[str, bool]:
    """Code -> active."""
    items = await client.get_all(path, key)
    return {str(item.get(code_field)): item.get("Active", True) is not False for item in items}


def _row_problems(
    where: str,
    row: ClosingRow,
    chart: dict[int, dict],
    centres: dict[str, bool],
    projects: dict[str, bool],
    year_label: str,
) -> list[str]:
    problems = []
    account = chart.get(int(row.account)) if row.account.isdigit() else None
    if row.account.isdigit() and account is None:
        problems.append(
            f"{where}.account: account {row.account} is not in Fortnox's chart of accounts for {year_label}; "
            "add it in Fortnox or choose another account"
        )
    elif account is not None and account.get("Active") is False:
        problems.append(
            f"{where}.account: account {row.account} is not active in Fortnox ({year_label}); "
            "activate it in Fortnox or choose another account"
        )
    for field_name, what, code, known, setting in (
        ("cost_center", "cost centre", row.cost_center, centres, "CostCenterSettings"),
        ("project", "project", row.project, projects, "ProjectSettings"),
    ):
        demand = (account or {}).get(setting)
        if not code and demand == "MANDATORY":
            problems.append(
                f"{where}.{field_name}: account {row.account} requires a {what} in Fortnox; add one to the row"
            )
        if code and demand == "NOTALLOWED":
            problems.append(
                f"{where}.{field_name}: account {row.account} allows no {what} in Fortnox; remove {code} from the row"
            )
        if code and code not in known:
            problems.append(
                f"{where}.{field_name}: {what} {code} does not exist in Fortnox; create it there or remove it"
            )
        elif code and not known[code]:
            problems.append(f"{where}.{field_name}: {what} {code} is inactive in Fortnox; activate it or remove it")
    information = (account or {}).get("TransactionInformationSettings")
    if not row.text and information == "MANDATORY":
        problems.append(
            f"{where}.text: account {row.account} requires transaction information in Fortnox; give the row a text"
        )
    if row.text and information == "NOTALLOWED":
        problems.append(
            f"{where}.text: account {row.account} allows no transaction information in Fortnox; remove the row's text"
        )
    if (account or {}).get("QuantitySettings") == "MANDATORY":  # a closing entry's rows carry no quantity
        problems.append(
            f"{where}.account: account {row.account} requires a quantity in Fortnox, which closing entries do not "
            "carry; choose another account or allow it without a quantity in Fortnox"
        )
    return problems


def _any(rows: list[ClosingRow], field_name: str) -> bool:
    """Cost centres and projects are fetched only when some row uses one: each request costs a quarter second."""
    return any(getattr(row, field_name) for row in rows)


def _debit_total(entry: ClosingEntry) -> Decimal:
    return sum((row.amount for row in rows_of(entry) if row.amount > 0), Decimal(0))


# --- export -------------------------------------------------------------------------------------------


async def export_to_fortnox(
    db: pw.Database,
    settings: Settings,
    company: Company,
    fiscal_year: FiscalYear,
    series: str,
    *,
    confirm_clean_preflight: bool | Callable[[Preflight], bool] = True,
    on_entry: Callable[[EntryResult], None] | None = None,
) -> ExportReport:
    """Preflight, then send each candidate once; one activity with the counts and every entry's result.

    `confirm_clean_preflight` is the user's go-ahead: True when already given, or a function asked with the clean
    preflight (what will be sent) just before the first voucher goes out.
    """
    wait = dt.timedelta(seconds=unanswered_wait_seconds(settings))
    with activity.recorded(
        "export", f"Fortnox series {series}", company.id, subject_said=("fortnox_series", {"series": series})
    ) as record:
        async with _link(settings, company) as link:
            check = await _preflight(db, link.client, company, fiscal_year, series, None)
            if not check.clean:
                raise PreflightNotClean(check)
            if check.entries and not _confirmed(confirm_clean_preflight, check):
                raise ExportNotConfirmed(
                    f"the export of {counted(len(check.entries), 'entry', 'entries')} to Fortnox series {series} was "
                    "not confirmed; nothing was sent",
                    key="export_not_confirmed", params={"series": series, "count": len(check.entries)},
                )
            assert check.fortnox_year is not None  # a clean preflight found the year
            exporter = _Exporter(db, link, fiscal_year, series, check.fortnox_year, wait, record, on_entry)
            await exporter.run([entry.id for entry in check.entries])
        report = exporter.report
        record.message = f"Export to {report.summary()}"  # each entry's line follows (the exporter keeps them)
        record.said("export_fortnox", **report.params())
    return report


def unanswered_wait_seconds(settings: Settings) -> int:
    """How long after an unanswered POST its absence in Fortnox is believed; [export] unanswered_wait_seconds."""
    return positive_int(
        dict(settings.config),
        "export",
        "unanswered_wait_seconds",
        UNANSWERED_WAIT_SECONDS,
        settings.config_file or Path("the config file"),
    )


def _confirmed(confirm: bool | Callable[[Preflight], bool], check: Preflight) -> bool:
    return confirm(check) if callable(confirm) else bool(confirm)


@asynccontextmanager
async def _link(settings: Settings, company: Company) -> AsyncIterator[FortnoxLink]:
    try:
        async with open_link(settings, company) as link:
            yield link
    except ConnectionExpired:
        raise ReconnectNeeded(company, company_status(settings, company)["connection"]) from None


@dataclass(frozen=True, slots=True)
class _Claimed:
    attempt: ExportAttempt
    body: dict


@dataclass(frozen=True, slots=True)
class _Uncertain:
    attempt: ExportAttempt


class _Exporter:
    """One export run: claims, posts, and settles the POSTs whose answers were lost."""

    def __init__(
        self,
        db: pw.Database,
        link: FortnoxLink,
        fiscal_year: FiscalYear,
        series: str,
        fortnox_year: int,
        wait: dt.timedelta,
        record: activity.ActivityRecord,
        on_entry: Callable[[EntryResult], None] | None,
    ) -> None:
        self.db = db
        self.client = link.client
        self.fiscal_year_id = fiscal_year.id
        self.series = series
        self.fortnox_year = fortnox_year
        self.wait = wait
        self.record = record
        self.on_entry = on_entry
        self.report = ExportReport(series, fortnox_year)
        self.candidates: list[int] = []
        self.me = activity.this_process()
        self.owned: set[int] = set()
        self.pending: dict[int, ExportAttempt] = {}  # entry id -> its unanswered intent
        self.sends: Counter[int] = Counter()
        self.next_number: int | None = None  # a lower bound of the number Fortnox gives the series' next voucher

    async def run(self, entry_ids: list[int]) -> None:
        self.candidates = list(entry_ids)
        try:
            if entry_ids:
                self.next_number = await self._next_voucher_number(self.series, self.fortnox_year)
            for entry_id in entry_ids:
                await self._export(entry_id)
            await self._settle()
        except BaseException as error:
            self._stopped()
            # an expired connection: the caller tells the user to reconnect
            if isinstance(error, _STOPS_THE_EXPORT) and not isinstance(error, ConnectionExpired):
                raise ExportStopped(error, self.report) from error
            raise
        finally:
            _OWNED.difference_update(self.owned)  # unsettled intents stay for the next export to settle

    def _stopped(self) -> None:
        """Whatever stopped the export, every entry has its result on record: those sent with their numbers, a
        refused one with Fortnox's reason, an unanswered one left for the next export, the rest not tried."""
        unanswered = [entry_id for entry_id, step in self.report.results.items() if step.outcome == "uncertain"]
        for entry_id in dict.fromkeys([*unanswered, *self.pending]):
            self._result(entry_id, "uncertain", ("unchecked", {}))
        for entry_id in self.candidates:
            if entry_id not in self.report.results:
                self._result(entry_id, "untried", ("untried", {}))

    # claiming

    async def _export(self, entry_id: int, absent: ExportAttempt | None = None) -> None:
        claim = self._claim(entry_id, absent)
        if isinstance(claim, _Uncertain):
            self.pending[entry_id] = claim.attempt
        elif isinstance(claim, _Claimed):
            await self._post(entry_id, claim)
        else:
            self._result(entry_id, "skipped", claim)

    def _claim(self, entry_id: int, absent: ExportAttempt | None) -> _Claimed | _Uncertain | _Said:
        """In one exclusive transaction: decide whose the entry is and, if ours to send, commit the intent.

        Returns why the entry is skipped when it is not ours.
        """
        now = utc_now()
        with self._ledger():
            if absent is not None:  # the settled "absent" and the new intent commit together
                ExportAttempt.update(state="absent", finished=now, message="not in Fortnox: sent again").where(
                    ExportAttempt.id == absent.id, ExportAttempt.state == "intent"
                ).execute()
            entry = ClosingEntry.get_by_id(entry_id)
            if entry.status == "exported":
                if entry.exported_to == TARGET:
                    return "already_exported", {"series": entry.fortnox_series, "number": entry.fortnox_number}
                return "already_exported_elsewhere", {"target": entry.sie_file or entry.exported_to}
            if entry.deleted or entry.status not in EXPORTABLE:
                return "withdrawn", {}
            intent = (
                ExportAttempt.select()
                .where(ExportAttempt.entry == entry_id, ExportAttempt.state == "intent")
                .order_by(ExportAttempt.id.desc())
                .first()
            )
            ours = entry_id in self.owned
            if intent is not None:
                if intent.process != self.me and activity.process_alive(intent.process):
                    return "claimed_by_another_bokslut", {"process": intent.process}
                if intent.process == self.me and entry_id in _OWNED and not ours:
                    return "claimed_by_another_export", {}
                self._own(entry_id)
                return _Uncertain(intent)
            if entry_id in _OWNED and not ours:
                return "claimed_by_another_export", {}
            attempt = ExportAttempt.create(
                entry=entry_id,
                target=TARGET,
                series=self.series,
                fortnox_year=self.fortnox_year,
                state="intent",
                process=self.me,
                started=now,
                next_voucher_number=self.next_number,
            )
            body = _voucher(entry, rows_of(entry), self.series)
        self._own(entry_id)
        return _Claimed(attempt, body)

    def _ledger(self):
        """Every change of the export ledger (a claim, and each intent's settling) takes the year's closing lock.
        SQLite's one writer gave that for nothing; on PostgreSQL (read committed) a claim that read an entry as not
        exported and then found no intent could otherwise see another process settle it in between, and send it
        again (the shared-store test caught this)."""
        return exclusive(self.db, *year_closing(self.fiscal_year_id))

    def _own(self, entry_id: int) -> None:
        self.owned.add(entry_id)
        _OWNED.add(entry_id)

    # sending

    async def _post(self, entry_id: int, claim: _Claimed) -> None:
        self.sends[entry_id] += 1
        try:
            answer = await self.client.post_json(
                "/vouchers", claim.body, {"financialyear": self.fortnox_year}, on_send=partial(_sending, claim.attempt)
            )
            number = int(answer["Voucher"]["VoucherNumber"])
        except (FortnoxRejected, FortnoxNotFound) as refusal:
            self._refused(entry_id, claim.attempt, refusal)
        except _STOPS_THE_EXPORT as error:  # refused before processing, or never sent: nothing is in Fortnox
            with self._ledger():
                self._close(claim.attempt, "failed", message=user_message(error))
            raise
        except (FortnoxOutcomeUnknown, KeyError, TypeError, ValueError) as unknown:
            self.pending[entry_id] = claim.attempt
            self._result(entry_id, "uncertain", _unanswered(unknown))
        else:
            self.next_number = max(self.next_number or 1, number + 1)
            self._exported(entry_id, claim.attempt, number, "posted")
            self._result(entry_id, "sent", ("sent", {"series": claim.attempt.series, "number": number}), number)

    def _refused(self, entry_id: int, attempt: ExportAttempt, refusal: FortnoxRejected | FortnoxNotFound) -> None:
        says = fortnox_says(refusal.status or 400, refusal.code, refusal.fortnox_message)
        reason = RESULT_TEXTS["refused"].format(says=says)  # the entry's failure and the attempt's say what it says
        with self._ledger():
            self._close(attempt, "failed", message=reason)
            if ClosingEntry.update(status="failed", failure=reason, updated=utc_now()).where(
                ClosingEntry.id == entry_id, ClosingEntry.status != "exported"
            ).execute():
                history.record(entry_id, "failed", reason=reason)
        self._result(entry_id, "failed", ("refused", {"says": says}), code=refusal.code)

    def _exported(self, entry_id: int, attempt: ExportAttempt, number: int, state: str) -> bool:
        """False when another bokslut settled this attempt first (then the entry is claimed afresh)."""
        now = utc_now()
        with self._ledger():
            if not self._close(attempt, state, number=number):
                return False
            ClosingEntry.update(
                status="exported",
                exported_to=TARGET,
                exported_at=now,
                fortnox_series=attempt.series,
                fortnox_number=number,
                fortnox_year=attempt.fortnox_year,
                failure="",
                updated=now,
            ).where(ClosingEntry.id == entry_id).execute()
            history.record(entry_id, "exported", to=TARGET, series=attempt.series, number=number)
        return True

    def _close(self, attempt: ExportAttempt, state: str, *, number: int | None = None, message: str = "") -> bool:
        return bool(
            ExportAttempt.update(state=state, voucher_number=number, finished=utc_now(), message=message)
            .where(ExportAttempt.id == attempt.id, ExportAttempt.state == "intent")
            .execute()
        )

    # settling unanswered POSTs

    async def _settle(self) -> None:
        """Read the series for the markers of unanswered POSTs; send again only what is surely absent."""
        while self.pending:
            read_at = utc_now()  # what is read shows every voucher committed before this moment
            found: dict[tuple[str, int | None], dict[str, list[int]]] = {}
            for attempt in self.pending.values():
                key = (attempt.series, attempt.fortnox_year)
                if key not in found:
                    waiting = {
                        entry_id: waiting
                        for entry_id, waiting in self.pending.items()
                        if (waiting.series, waiting.fortnox_year) == key
                    }
                    found[key] = await self._markers(*key, waiting)
            progressed = False
            for entry_id, attempt in list(self.pending.items()):
                numbers = found[(attempt.series, attempt.fortnox_year)].get(ClosingEntry.get_by_id(entry_id).marker)
                if numbers:
                    del self.pending[entry_id]
                    progressed = True
                    self.report.resolved += 1
                    await self._found(entry_id, attempt, numbers)
                elif read_at >= _settled_at(attempt, self.wait):
                    del self.pending[entry_id]
                    progressed = True
                    self.report.resolved += 1
                    await self._absent(entry_id, attempt)
            if self.pending and not progressed:
                wake = min(_settled_at(attempt, self.wait) for attempt in self.pending.values())
                await asyncio.sleep(max(0.0, (wake - dt.datetime.now(dt.UTC).replace(tzinfo=None)).total_seconds()))

    async def _markers(self, series: str, year: int | None, waiting: dict[int, ExportAttempt]) -> dict[str, list[int]]:
        """Marker -> voucher numbers, complete for every marker of `waiting` (entry id -> its unanswered intent).

        The series list is enough only when every item carries `Comments`; otherwise the single vouchers that can
        be one of these are read: from the lowest NextVoucherNumber the intents recorded, up to the series' next
        number now, leaving out those the export ledger already gives to other entries.
        """
        markers: dict[str, list[int]] = {}
        listed = carried = 0
        async for item in self.client.iter_all(f"/vouchers/sublist/{series}", "Vouchers", {"financialyear": year}):
            listed += 1
            carried += "Comments" in item
            for marker in _MARKER.findall(str(item.get("Comments") or "")):
                markers.setdefault(marker, []).append(int(item["VoucherNumber"]))
        if listed and carried == listed:
            return markers
        markers = {}
        bodies = {ClosingEntry.get_by_id(entry_id).marker: _claimed_body(entry_id, series) for entry_id in waiting}
        first = min(attempt.next_voucher_number or 1 for attempt in waiting.values())  # 1: recorded before it was kept
        known = _numbers_in_ledger(series, year)
        for number in range(first, await self._next_voucher_number(series, year)):
            if number in known:
                continue
            try:
                voucher = (await self.client.get_json(f"/vouchers/{series}/{number}", {"financialyear": year}))[
                    "Voucher"
                ]
            except FortnoxNotFound:  # numbers have no gaps in Fortnox; a missing one holds nothing of ours
                continue
            for marker in _markers_of(voucher, bodies):
                markers.setdefault(marker, []).append(number)
        return markers

    async def _next_voucher_number(self, series: str, year: int | None) -> int:
        answer = await self.client.get_json(f"/voucherseries/{series}", {"financialyear": year})
        return int(answer["VoucherSeries"]["NextVoucherNumber"])

    async def _found(self, entry_id: int, attempt: ExportAttempt, numbers: list[int]) -> None:
        number = min(numbers)
        if not self._exported(entry_id, attempt, number, "found"):
            await self._export(entry_id)
            return
        said: _Said = ("found", {"series": attempt.series, "number": number})
        if len(numbers) > 1:
            listed = ", ".join(f"{attempt.series} {n}" for n in sorted(numbers))
            said = ("found_more_than_once", {**said[1], "times": len(numbers), "listed": listed})
        self._result(entry_id, "found", said, number)

    async def _absent(self, entry_id: int, attempt: ExportAttempt) -> None:
        if self.sends[entry_id] < SENDS_PER_ENTRY:
            await self._export(entry_id, absent=attempt)
            return
        with self._ledger():
            self._close(attempt, "absent", message="not in Fortnox")
        self._result(entry_id, "unsent", ("unsent", {"sends": self.sends[entry_id]}))

    def _result(
        self, entry_id: int, outcome: str, said: _Said, number: int | None = None, *, code: int | None = None
    ) -> None:
        key, params = said
        result = EntryResult(entry_id, outcome, RESULT_TEXTS[key].format(**params), number, code, key, params)
        self.report.results[entry_id] = result
        # kept current, so an export that stops part-way still has each entry's result on record
        self.record.counts = self.report.counts
        self.record.lines = [f"entry {step.entry_id}: {step.message}" for step in self.report.results.values()]
        self.record.lines_said = [
            {"entry": step.entry_id, "key": step.key, "params": step.params} for step in self.report.results.values()
        ]
        if self.on_entry is not None:
            self.on_entry(result)


def _sending(attempt: ExportAttempt) -> None:
    """Just before the POST leaves (again, after a 429): committed at once, so even a killed export's intent tells
    the next one how long Fortnox may still be working on it."""
    now = utc_now()
    ExportAttempt.update(sent=now).where(ExportAttempt.id == attempt.id, ExportAttempt.state == "intent").execute()
    attempt.sent = now


def _settled_at(attempt: ExportAttempt, wait: dt.timedelta) -> dt.datetime:
    """From the POST's last sending (else its intent): throttling and 429 retries can hold a POST long after its
    intent. Times are stored to the second, rounded down: one second more keeps the wait a lower bound."""
    return (attempt.sent or attempt.started) + wait + dt.timedelta(seconds=1)


def _numbers_in_ledger(series: str, year: int | None) -> set[int]:
    """Voucher numbers the export ledger knows belong to an entry (posted or found)."""
    return {
        attempt.voucher_number
        for attempt in ExportAttempt.select(ExportAttempt.voucher_number).where(
            ExportAttempt.target == TARGET,
            ExportAttempt.series == series,
            ExportAttempt.fortnox_year == year,
            ExportAttempt.state.in_(["posted", "found"]),
            ExportAttempt.voucher_number.is_null(False),
        )
    }


def _claimed_body(entry_id: int, series: str) -> dict:
    entry = ClosingEntry.get_by_id(entry_id)
    return _voucher(entry, rows_of(entry), series)["Voucher"]


def _markers_of(voucher: dict, bodies: dict[str, dict]) -> list[str]:
    """The markers a single voucher is: by its Comments when it has the field, else by its content."""
    if "Comments" in voucher:
        return _MARKER.findall(str(voucher.get("Comments") or ""))
    return [marker for marker, body in bodies.items() if _same_content(voucher, body)]


def _same_content(voucher: dict, body: dict) -> bool:
    """Fortnox's voucher as the POST body made it: text, date and the rows not struck out."""

    def rows(items: list) -> Counter:
        return Counter(
            (int(row["Account"]), Decimal(str(row.get("Debit") or 0)), Decimal(str(row.get("Credit") or 0)))
            for row in items
            if not row.get("Removed")
        )

    return (
        voucher.get("Description") == body["Description"]
        and voucher.get("TransactionDate") == body["TransactionDate"]
        and rows(voucher.get("VoucherRows") or []) == rows(body["VoucherRows"])
    )


def _unanswered(error: BaseException) -> _Said:
    if isinstance(error, FortnoxOutcomeUnknown):
        return "answer_lost", {}
    return "answer_without_number", {"error": type(error).__name__}


def _voucher(entry: ClosingEntry, rows: list[ClosingRow], series: str) -> dict:
    """The POST body; amounts stay Decimal (the client writes them with two decimals)."""
    zero = Decimal(0)
    voucher_rows = []
    for row in rows:
        voucher_row: dict = {
            "Account": int(row.account),
            "Debit": max(row.amount, zero),
            "Credit": max(-row.amount, zero),
        }
        if row.cost_center:
            voucher_row["CostCenter"] = row.cost_center
        if row.project:
            voucher_row["Project"] = row.project
        if row.text:
            voucher_row["TransactionInformation"] = fortnox_text(row.text)
        voucher_rows.append(voucher_row)
    return {
        "Voucher": {
            "Description": fortnox_text(entry.text),
            "TransactionDate": entry.date.isoformat(),
            "VoucherSeries": series,
            "Comments": COMMENT.format(marker=entry.marker),
            "VoucherRows": voucher_rows,
        }
    }
