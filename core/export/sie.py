"""Closing entries as a SIE 4I file, for companies whose books come from a SIE file (sie4.md §9).

Each voucher goes out with an empty series and number (`#VER "" "" 20251231 "..."`): the receiving
program numbers it in its own series, as 4C ch. 12 and sie4.md §9 allow for 4I. Numbers of our own
could collide with the books' numbering, which has moved on since the import (Sie4j even warns about
numbers in a 4I). The voucher text ends with the entry's marker in brackets, which the receiving
program keeps, so the next import recognises the voucher (core.closing.booking).

Exactly once: entries are chosen, marked exported and written in one exclusive transaction, so two
exports at the same time never put an entry into two files; the file is complete before it appears
(the writer renames it into place) and is removed again if the statuses cannot be committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import peewee as pw

from core import activity
from core.closing import history
from core.closing.booking import marked_text
from core.closing.entries import (
    COST_CENTRE_DIMENSION,
    EXPORTABLE,
    PROJECT_DIMENSION,
    draft_of,
    rows_of,
    validate,
)
from core.errors import BokslutError
from core.sie import model as sie
from core.store.locks import exclusive, year_closing
from core.sie.writer import write_sie4i
from core.store.models import (
    Account,
    ClosingEntry,
    Company,
    Dimension,
    DimensionObject,
    ExportAttempt,
    FiscalYear,
    utc_now,
)
from core.store.orgnr import format_org_number
from core.text import counted

TARGET = "sie-file"
# Why a chosen entry cannot go into the file: its key and English words (the CLI's, the log's); the app says them in
# the reader's language.
SKIP_TEXTS = {
    "unsettled": "has a Fortnox export whose outcome is not yet known; run bokslut export-fortnox again to settle it",
    "deleted": "is deleted",
    "exported": "was already exported to {where}",
    "not_applicable": "is marked not applicable for transfer",
}
# Reserved dimensions (§8.17) a company may use without declaring them in its own file.
_DIMENSION_NAMES = {COST_CENTRE_DIMENSION: "Kostnadsställe", PROJECT_DIMENSION: "Projekt"}


@dataclass(frozen=True, slots=True)
class SieExportReport:
    path: Path
    exported: tuple[int, ...]  # entry ids, in the file's order
    skips: tuple[tuple[int, str, dict], ...]  # (entry id, key of SKIP_TEXTS, params): chosen but cannot go out again
    activity_id: int

    @property
    def skipped(self) -> tuple[tuple[int, str], ...]:
        """(entry id, why in English) of each skipped entry."""
        return tuple((entry_id, SKIP_TEXTS[key].format(**params)) for entry_id, key, params in self.skips)

    def summary(self) -> str:
        ids = ", ".join(map(str, self.exported))
        text = f"wrote {counted(len(self.exported), 'closing entry', 'closing entries')} ({ids}) to {self.path}"
        if self.skipped:
            text += f"; skipped {len(self.skipped)}: " + "; ".join(f"entry {i} {why}" for i, why in self.skipped)
        return text

    def params(self) -> dict:
        """What summary() says, as plain JSON for the app: the reasons for skipping in English and by their keys."""
        return {
            "file": self.path.name,
            "path": str(self.path),
            "exported": list(self.exported),
            "skipped": [[entry_id, why] for entry_id, why in self.skipped],
            "skipped_said": [[entry_id, key, params] for entry_id, key, params in self.skips],
        }

    def to_json(self) -> dict:
        return {
            "path": str(self.path),
            "sent": len(self.exported),
            "skipped": len(self.skipped),
            "entries": [{"id": entry_id, "result": "exported"} for entry_id in self.exported]
            + [{"id": entry_id, "result": "skipped", "reason": why} for entry_id, why in self.skipped],
        }


def export_closing_sie(
    db: pw.Database,
    company: Company,
    fiscal_year: FiscalYear,
    path: Path,
    entry_ids: list[int] | None = None,
) -> SieExportReport:
    """Write the entries (default: every one not yet exported) to a new 4I file and mark them exported.

    The entries remember the file's absolute path, so the user can find it from any directory later.
    """
    path = Path(path).resolve()
    with activity.recorded("export", path.name, company.id) as record:
        if company.source == "fortnox":
            raise BokslutError(
                f"{company.name} takes its books from Fortnox, so its closing entries go back with "
                f"'bokslut export-fortnox --company {format_org_number(company.org_number or '')} "
                f"--year {fiscal_year.end.year} --series CODE', not as a SIE file."
            )
        written = False
        try:
            with exclusive(db, *year_closing(fiscal_year.id)):  # one exporter at a time: an entry never lands twice
                entries, skipped = _choose(company, fiscal_year, entry_ids)
                _refuse_invalid(db, fiscal_year, entries)
                if path.exists():
                    raise BokslutError(
                        f"{path} already exists; choose a new file name (an earlier export there may not "
                        "have been imported into the books yet)."
                    )
                _mark_exported(entries, path)
                vouchers = [_voucher(entry, rows_of(entry)) for entry in entries]
                write_sie4i(path, _header(company, fiscal_year, vouchers), vouchers)  # 0600: the company's books
                written = True
        except BaseException:
            if written:  # the file is complete but the statuses did not commit: it must not be booked
                path.unlink(missing_ok=True)
            raise
        report = SieExportReport(path, tuple(e.id for e in entries), tuple(skipped), record.id)
        record.counts = {"sent": len(report.exported), "skipped": len(report.skipped), "failed": 0}
        record.message = f"{path.name}: {report.summary()}"
        record.said("export_sie", **report.params())
    return report


def _choose(
    company: Company, fiscal_year: FiscalYear, entry_ids: list[int] | None
) -> tuple[list[ClosingEntry], list[tuple[int, str, dict]]]:
    """(entries to write, (id, key of SKIP_TEXTS, params) of chosen ones that cannot be); refuses when nothing is left
    to write."""
    year = fiscal_year.end.year
    query = ClosingEntry.select().where(ClosingEntry.fiscal_year == fiscal_year.id)
    if entry_ids is None:
        query = query.where(ClosingEntry.deleted == False, ClosingEntry.status.in_(EXPORTABLE))  # noqa: E712
    else:
        query = query.where(ClosingEntry.id.in_(entry_ids))
    chosen = list(query.order_by(ClosingEntry.date, ClosingEntry.id))
    missing = sorted(set(entry_ids or ()) - {entry.id for entry in chosen})
    if missing:
        raise BokslutError(
            f"{company.name} has no closing entry {', '.join(map(str, missing))} in {year}; "
            "see 'bokslut closing list' for the entries."
        )
    unsettled = set(
        ExportAttempt.select(ExportAttempt.entry)
        .where(ExportAttempt.entry.in_([entry.id for entry in chosen]), ExportAttempt.state == "intent")
        .tuples()
    )
    entries, skipped = [], []
    for entry in chosen:
        why = _not_exportable(entry, (entry.id,) in unsettled)
        if why:
            skipped.append((entry.id, *why))
        else:
            entries.append(entry)
    if not entries:
        reasons = "".join(f"; entry {entry_id} {SKIP_TEXTS[key].format(**params)}" for entry_id, key, params in skipped)
        raise BokslutError(
            f"{company.name} has no closing entries of {year} left to export{reasons}. Entries already exported or "
            "marked not applicable are never exported again."
        )
    return entries, skipped


def _refuse_invalid(db: pw.Database, fiscal_year: FiscalYear, entries: list[ClosingEntry]) -> None:
    """The same checks as when the entry was saved (but the lock: entries.validate): the chart or the year may have
    changed since (a re-import)."""
    problems = [f"entry {entry.id}: {problem}"
                for entry in entries for problem in validate(db, fiscal_year, draft_of(entry), saving=False)]
    if problems:
        raise BokslutError(
            "nothing was exported, because these closing entries are no longer valid; correct them first:\n"
            + "\n".join(f"  {problem}" for problem in problems)
        )


def _not_exportable(entry: ClosingEntry, unsettled: bool) -> tuple[str, dict] | None:
    """Why an entry cannot go into the file (a key of SKIP_TEXTS and its params), or None. An unsettled Fortnox
    export may already be in the books."""
    if unsettled:
        return "unsettled", {}
    if entry.deleted:
        return "deleted", {}
    if entry.status == "exported":
        return "exported", {"where": entry.sie_file if entry.exported_to == TARGET else "Fortnox"}
    if entry.status == "not_applicable":
        return "not_applicable", {}
    return None


def _mark_exported(entries: list[ClosingEntry], path: Path) -> None:
    now = utc_now()
    ids = [entry.id for entry in entries]
    ClosingEntry.update(status="exported", exported_to=TARGET, sie_file=str(path), exported_at=now, failure="").where(
        ClosingEntry.id.in_(ids)
    ).execute()
    history.record(ids, "exported", to=TARGET, file=str(path))
    process = activity.this_process()
    ExportAttempt.insert_many(
        [
            {"entry": entry_id, "target": TARGET, "state": "posted", "process": process, "started": now,
             "finished": now, "message": str(path)}
            for entry_id in ids
        ]
    ).execute()


def _voucher(entry: ClosingEntry, rows) -> sie.Voucher:
    return sie.Voucher(
        series="",
        number="",
        date=entry.date,
        text=marked_text(entry.text, entry.marker),
        rows=[sie.VoucherRow(row.account, row.amount, _objects(row), text=row.text) for row in rows],
    )


def _objects(row) -> tuple[sie.ObjectRef, ...]:
    objects = []
    if row.cost_center:
        objects.append((COST_CENTRE_DIMENSION, row.cost_center))
    if row.project:
        objects.append((PROJECT_DIMENSION, row.project))
    return tuple(objects)


def _header(company: Company, fiscal_year: FiscalYear, vouchers: list[sie.Voucher]) -> sie.Header:
    """#KONTO, #DIM and #OBJEKT for what the vouchers use: optional in 4I, but the spec recommends them."""
    used_accounts = sorted({row.account for voucher in vouchers for row in voucher.rows})
    used_objects = sorted({ref for voucher in vouchers for row in voucher.rows for ref in row.objects})
    account_names = dict(
        Account.select(Account.number, Account.name)
        .where(Account.company == company.id, Account.number.in_(used_accounts))
        .tuples()
    )
    dimensions = {dimension for dimension, _ in used_objects}
    dimension_names = {
        **_DIMENSION_NAMES,
        **{
            number: name
            for number, name in Dimension.select(Dimension.number, Dimension.name)
            .where(Dimension.company == company.id, Dimension.number.in_(dimensions))
            .tuples()
            if name
        },
    }
    object_names = {
        (dimension, number): name
        for dimension, number, name in DimensionObject.select(
            DimensionObject.dimension, DimensionObject.number, DimensionObject.name
        )
        .where(DimensionObject.company == company.id, DimensionObject.dimension.in_(dimensions))
        .tuples()
    }
    return sie.Header(
        org_number=company.org_number or "",
        company_name=company.name,
        years={0: sie.FiscalYear(0, fiscal_year.start, fiscal_year.end)},
        accounts={number: sie.Account(number, account_names.get(number, "")) for number in used_accounts},
        dimensions={number: sie.Dimension(number, dimension_names.get(number, "")) for number in sorted(dimensions)},
        objects={ref: object_names.get(ref, "") for ref in used_objects},
    )
