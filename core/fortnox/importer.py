"""Import from Fortnox: the same SIE 4 pipeline as a file, fed by `GET /3/sie/4` per financial year.

All years and what the export dialog needs (voucher series, cost centres, projects, the locked period) land in one
transaction. The first year is stored (in a thread, on a connection of its own) while the later years and the
metadata download; the transaction commits only once everything has arrived, and a download that fails rolls back
what was stored, so the store never holds part of an import. Why SIE and not the JSON vouchers: JSON lists carry no
rows, so a year would cost one request per voucher (see docs/ARCHITECTURE.md and bench/fortnox_import.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import peewee as pw

from core import activity
from core.config import Settings
from core.errors import BokslutError
from core.fortnox.client import FortnoxClient
from core.fortnox.connection import fortnox_company, open_link, require_same_company
from core.fortnox.errors import FortnoxForbidden
from core.importer import ArrivingFiles, ImportAbandoned, ImportProgress, ImportResult, SourceFile, import_sources
from core.scratch import SCRATCH_PREFIX, remove_abandoned_scratch
from core.sie.errors import Phrase, SieError
from core.sie.reader import SieReader
from core.store.models import Company, DimensionObject, FiscalYear, FortnoxSeries
from core.store.orgnr import format_org_number
from core.text import counted

FIRST_IMPORT_YEARS = 3
COST_CENTRE_DIMENSION = "1"
PROJECT_DIMENSION = "6"


@dataclass(frozen=True, slots=True)
class FinancialYearRef:
    fortnox_id: int
    start: dt.date
    end: dt.date


@dataclass(slots=True)
class FortnoxImportResult:
    company_name: str
    org_number: str
    years: list[ImportResult] = field(default_factory=list)
    requests: int = 0
    rate_limited: int = 0  # 429s Fortnox answered; with the client's own throttle this stays 0 on a quiet tenant
    seconds: float = 0.0
    steps: list[tuple[Step, float]] = field(default_factory=list)  # (what, seconds), in order

    def summary(self) -> str:
        spans = ", ".join(f"{r.year_start}..{r.year_end}" for r in self.years)
        vouchers = sum(r.vouchers for r in self.years)
        transactions = sum(r.transactions for r in self.years)
        return (
            f"{self.company_name} ({format_org_number(self.org_number)}): imported "
            f"{counted(len(self.years), 'year', 'years')} from Fortnox ({spans}), "
            f"{counted(vouchers, 'voucher', 'vouchers')}, {counted(transactions, 'transaction', 'transactions')}, "
            f"{counted(self.requests, 'request', 'requests')} in {self.seconds:.1f} s"
        )

    def step_report(self) -> str:
        return "; ".join(f"{what} {seconds:.1f} s" for what, seconds in self.steps)

    def params(self) -> dict:
        """What summary() and step_report() say, as plain JSON for the app to say in the reader's language."""
        return {
            "company": self.company_name,
            "org": self.org_number,
            "spans": [[r.year_start.isoformat(), r.year_end.isoformat()] for r in self.years],
            "vouchers": sum(r.vouchers for r in self.years),
            "transactions": sum(r.transactions for r in self.years),
            "requests": self.requests,
            "seconds": self.seconds,
            "steps": [[what.key, what.params, seconds] for what, seconds in self.steps],
        }

    def to_json(self) -> dict:
        return {
            "company": {"name": self.company_name, "org_number": self.org_number},
            "years": [result.to_json() for result in self.years],
            "requests": self.requests,
            "rate_limited": self.rate_limited,
            "seconds": round(self.seconds, 2),
            "steps": [{"step": str(what), "seconds": round(seconds, 2)} for what, seconds in self.steps],
        }


@dataclass(slots=True)
class _Fetched:
    """What one import brings from Fortnox beside the books; filled while the first year is stored, read by the
    store's thread only once every file has arrived (ArrivingFiles.close)."""

    tenant: int | None
    years: list[FinancialYearRef]
    series: dict[int, list[dict]] = field(default_factory=dict)
    cost_centres: list[dict] = field(default_factory=list)
    projects: list[dict] = field(default_factory=list)
    locked_through: dt.date | None = None


def choose_years(available: list[FinancialYearRef], *, first_import: bool, all_years: bool, today: dt.date) -> list[FinancialYearRef]:
    """The first import brings the last three years, later ones the current year: older years do not change."""
    ordered = sorted(available, key=lambda year: year.start)
    if all_years:
        return ordered
    started = [year for year in ordered if year.start <= today] or ordered
    if first_import:
        return started[-FIRST_IMPORT_YEARS:]
    return started[-1:]


async def import_from_fortnox(
    db: pw.Database,
    settings: Settings,
    company: Company,
    *,
    all_years: bool = False,
    confirm_locked_changes: bool = False,
    on_step: Callable[[Step], None] | None = None,
    on_progress: Callable[[ImportProgress], None] | None = None,
    today: dt.date | None = None,
) -> FortnoxImportResult:
    """Renew the connection, check the organisation number, fetch the first year, then store it while the rest
    downloads: all or nothing. Each step is timed; the activity entry keeps the counts and the steps' durations."""
    steps = _Steps(on_step)
    remove_abandoned_scratch()
    with activity.recorded("import", "Fortnox", company.id) as record, tempfile.TemporaryDirectory(
        prefix=f"{SCRATCH_PREFIX}{os.getpid()}-"
    ) as scratch:
        async with open_link(settings, company) as link:
            fetched = await _plan(link.client, company, all_years=all_years, today=today or dt.date.today(), steps=steps)
            arriving = ArrivingFiles(len(fetched.years))
            first, *later = fetched.years
            steps.begin("fetch-year", start=first.start.isoformat(), end=first.end.isoformat())
            arriving.put(await _fetch_year(link.client, first, fetched, Path(scratch), settings))
            steps.begin("store")

            def store() -> list[ImportResult]:
                return import_sources(
                    db,
                    arriving,
                    subject="Fortnox",
                    company_org=company.org_number,
                    confirm_locked_changes=confirm_locked_changes,
                    source="fortnox",
                    on_progress=on_progress,
                    also=lambda company_id: _store_metadata(company_id, fetched),
                    record=record,
                )

            storing = asyncio.ensure_future(asyncio.to_thread(_on_own_connection, db, store))
            try:
                await _fetch_rest(link.client, later, fetched, arriving, storing, Path(scratch), settings, steps)
                results = await asyncio.shield(storing)
            except BaseException:
                arriving.abandon()  # the store's thread rolls back what it holds: wait for that before going on
                await asyncio.wait([storing])
                failed = storing.exception()  # the store's own error comes first; ImportAbandoned is our doing
                if failed is not None and not isinstance(failed, ImportAbandoned):
                    raise _refused(failed, fetched.years, Path(scratch)) from None
                raise
            stats = link.client.stats
        steps.end()
        outcome = FortnoxImportResult(
            company.name, company.org_number or "", results, stats.requests, stats.rate_limited, steps.total, steps.done
        )
        record.counts.update(requests=stats.requests, rate_limited=stats.rate_limited)
        record.message = f"Fortnox: {outcome.summary()}. Steps: {outcome.step_report()}"
        record.said("import_fortnox", **outcome.params())
    return outcome


def _on_own_connection(db: pw.Database, work: Callable[[], list[ImportResult]]) -> list[ImportResult]:
    """Runs in a thread of its own; peewee gives each thread its own connection, closed here when the work ends."""
    try:
        return work()
    finally:
        db.close()


def _refused(error: BaseException, years: list[FinancialYearRef], scratch: Path) -> BaseException:
    return _refused_year(error, years, scratch) if isinstance(error, SieError) else error


STEPS = {  # each step's key and its English words
    "check-company": "renew the connection and check the company",
    "fetch-year": "fetch {start}..{end}",
    "fetch-metadata": "fetch cost centres, projects and the locked period",  # imports on record before 2026-12
    "store": "import into the store",
    "fetch-year-beside": "fetch {start}..{end} while storing",
    "fetch-metadata-beside": "fetch cost centres, projects and the locked period while storing",
}


@dataclass(frozen=True, slots=True)
class Step:
    """What an import is doing now: str() is the English, `key` (in STEPS) and `params` let the app translate it."""

    key: str
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return STEPS[self.key].format(**self.params)


class _Steps:
    """Tells the caller what is happening now and remembers how long each step took."""

    def __init__(self, on_step: Callable[[Step], None] | None) -> None:
        self._on_step = on_step
        self._started = self._current_start = time.monotonic()
        self._current: Step | None = None
        self.done: list[tuple[Step, float]] = []

    def begin(self, key: str, **params: object) -> None:
        self.end()
        self._current, self._current_start = Step(key, params), time.monotonic()
        if self._on_step is not None:
            self._on_step(self._current)

    def end(self) -> None:
        if self._current is not None:
            self.done.append((self._current, time.monotonic() - self._current_start))
            self._current = None

    @contextmanager
    def beside(self, key: str, **params: object) -> Iterator[None]:
        """A step done while the current one runs (a download while the store works): timed and kept, not announced,
        so the caller keeps saying what the user waits for."""
        started = time.monotonic()
        yield
        self.done.append((Step(key, params), time.monotonic() - started))

    @property
    def total(self) -> float:
        return time.monotonic() - self._started


async def _plan(client: FortnoxClient, company: Company, *, all_years: bool, today: dt.date, steps: _Steps) -> _Fetched:
    """Check it is this company, and choose the years to bring."""
    steps.begin("check-company")
    found = await fortnox_company(client)
    require_same_company(company, found)
    years = [
        FinancialYearRef(int(item["Id"]), dt.date.fromisoformat(item["FromDate"]), dt.date.fromisoformat(item["ToDate"]))
        for item in await client.get_all("/financialyears", "FinancialYears")
    ]
    if not years:
        raise BokslutError(f"{company.name} has no financial years in Fortnox; create one there, then import again.")
    first_import = not FiscalYear.select().where(FiscalYear.company == company, FiscalYear.fortnox_id.is_null(False)).exists()
    return _Fetched(found.tenant, choose_years(years, first_import=first_import, all_years=all_years, today=today))


async def _fetch_year(
    client: FortnoxClient, year: FinancialYearRef, fetched: _Fetched, scratch: Path, settings: Settings
) -> SourceFile:
    """One year's SIE 4 to a private file, read far enough to know it is SIE, and the year's voucher series."""
    path = _sie_path(scratch, year)
    await client.get_to_file("/sie/4", path, params={"financialyear": year.fortnox_id}, max_bytes=settings.max_file_bytes)
    try:
        reader = SieReader(path, settings.sie_limits())
    except SieError as error:
        raise _refused_year(error, [year], scratch) from None
    fetched.series[year.fortnox_id] = await client.get_all(
        "/voucherseries", "VoucherSeriesCollection", params={"financialyear": year.fortnox_id}
    )
    return SourceFile(reader, f"Fortnox {year.start}..{year.end}", reader.sha256)


async def _fetch_rest(
    client: FortnoxClient,
    later: list[FinancialYearRef],
    fetched: _Fetched,
    arriving: ArrivingFiles,
    storing: asyncio.Future,
    scratch: Path,
    settings: Settings,
    steps: _Steps,
) -> None:
    """While the store's thread writes: the later years, then the metadata; each timed as a step beside the store.
    Stops as soon as the store has failed (its error is the one to tell)."""
    for year in later:
        if storing.done():
            return
        with steps.beside("fetch-year-beside", start=year.start.isoformat(), end=year.end.isoformat()):
            arriving.put(await _fetch_year(client, year, fetched, scratch, settings))
    if storing.done():
        return
    with steps.beside("fetch-metadata-beside"):
        fetched.cost_centres = await client.get_all("/costcenters", "CostCenters")
        fetched.projects = await client.get_all("/projects", "Projects")
        fetched.locked_through = await locked_through(client)
    arriving.close()


def _sie_path(scratch: Path, year: FinancialYearRef) -> Path:
    return scratch / f"fortnox-sie4-{year.start}-{year.end}.se"


# The reader's hints speak of a file the user chose; for Fortnox's answer the way on is a limit raised or a new import.
_FORTNOX_HINTS = {
    "raise_objects": "fortnox_raise_objects",
    "raise_objects_in_all": "fortnox_raise_objects_in_all",
    "shorter_period": "fortnox_larger_files",
}


def _refused_year(error: SieError, years: list[FinancialYearRef], scratch: Path) -> SieError:
    """The reader's refusal said of the Fortnox financial year, not of the temporary file it came in (a path and a
    line the user never saw, and gone once the import ends); what was wrong and what was expected stay."""
    year = next((year for year in years if str(_sie_path(scratch, year)) == error.path), None)
    where = f"Fortnox {year.start}..{year.end}" if year is not None else "Fortnox"
    hint = Phrase(_FORTNOX_HINTS.get(getattr(error.hint, "key", ""), "fortnox_import_again"))
    return SieError(where, None, error.problem, expected=error.expected, hint=hint)


async def locked_through(client: FortnoxClient) -> dt.date | None:
    """Fortnox omits EndDate, or sends null or "", when nothing is locked; an unknown lock is stored as none."""
    try:
        locked = (await client.get_json("/settings/lockedperiod")).get("LockedPeriod") or {}
    except FortnoxForbidden:
        return None
    end = locked.get("EndDate")
    return dt.date.fromisoformat(end) if end else None


def _store_metadata(company_id: int, fetched: _Fetched) -> None:
    """Inside the import's transaction, so the books and what the export dialog needs always agree."""
    Company.update(source="fortnox", fortnox_tenant=fetched.tenant, locked_through=fetched.locked_through).where(
        Company.id == company_id
    ).execute()
    for year in fetched.years:
        stored = FiscalYear.get_or_none(FiscalYear.company == company_id, FiscalYear.start == year.start)
        if stored is None:
            continue
        FiscalYear.update(fortnox_id=year.fortnox_id).where(FiscalYear.id == stored.id).execute()
        FortnoxSeries.delete().where(FortnoxSeries.fiscal_year == stored.id).execute()
        rows = [
            {"fiscal_year": stored.id, "code": s["Code"], "description": s.get("Description") or "", "manual": bool(s.get("Manual"))}
            for s in fetched.series.get(year.fortnox_id, [])
        ]
        if rows:
            FortnoxSeries.insert_many(rows).execute()
    objects = [
        (COST_CENTRE_DIMENSION, str(c["Code"]), c.get("Description") or "", bool(c.get("Active", True)))
        for c in fetched.cost_centres
    ] + [
        (PROJECT_DIMENSION, str(p["ProjectNumber"]), p.get("Description") or "", p.get("Status") != "COMPLETED")
        for p in fetched.projects
    ]
    for dimension, number, name, active in objects:
        DimensionObject.insert(company=company_id, dimension=dimension, number=number, name=name, active=active).on_conflict(
            conflict_target=[DimensionObject.company, DimensionObject.dimension, DimensionObject.number],
            update={DimensionObject.name: name, DimensionObject.active: active},
        ).execute()
