"""SIE records into the store: one transaction per file, streamed in batches so memory stays flat.

`import_source` takes any reader-like object (`.header`, `.warnings`, iteration yielding `Voucher`
and `Balance`), so a Fortnox `GET /3/sie/4` download goes through the same path as a file.
"""

from __future__ import annotations

import copyreg
import datetime as dt
import itertools
import json
import os
import pickle
import queue
import signal
import struct
import subprocess
import threading
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Protocol

import peewee as pw

from core import activity, integrity
from core.checks import after_import, before_import, row_line, voucher_fingerprint
from core.closing.booking import mark_booked
from core.errors import BokslutError
from core.integrity import CheckResult
from core.money import to_ore
from core.periods import LockedPeriodsChanged, locked_spans
from core.sie.errors import Phrase, SieError, SieWarning
from core.sie.model import Balance, Header, RowKind, Voucher
from core.sie.reader import SieLimits, SieReader
from core.store.db import copy_rows, executemany, refresh_statistics
from core.store.locks import exclusive, is_postgres, lock_within
from core.store.models import Company, FiscalYear, utc_now
from core.store.orgnr import check_digit_valid, format_org_number, normalise_org_number
from core.text import counted

BATCH_ROWS = 10_000
# A file this big is parsed in a second process that hands ready rows to the writer, so reading and writing overlap
# on two cores (a thread cannot: the GIL). Below it, starting that process (~0.2 s) costs more than it saves.
SEPARATE_PARSER_BYTES = 4 * 1024 * 1024
SHARED_TEXTS = 50_000  # distinct account numbers and row texts the encoder hands on as one object each
COST_CENTER_DIMENSION = "1"
PROJECT_DIMENSION = "6"
OBJECT_CACHE_SIZE = 100_000  # bounds memory on files where nearly every row has its own object list
_KIND_TEXT = {kind: kind.value for kind in RowKind}
_TRANS = RowKind.TRANS


class SieSource(Protocol):
    header: Header
    warnings: list[SieWarning]

    def __iter__(self) -> Iterator[Voucher | Balance]: ...


class OrgNumberMismatch(BokslutError):
    """The file belongs to another company than the one being imported into."""

    def __init__(self, expected: str, found: str) -> None:
        self.expected = expected
        self.found = found
        found_text = f"organisation number {found}" if found else "no organisation number (#ORGNR)"
        super().__init__(
            f"the file has {found_text}, but the company is {expected}; "
            "import anyway only if you are sure the file belongs to this company"
        )


class VouchersOnlyFile(BokslutError):
    """A voucher file (4I: no #RAR, or no balances before its vouchers, like an exported closing-entries file) must
    not replace a year loaded from a full export."""

    def __init__(self, file_name: str, loaded_from: str, year: int) -> None:
        super().__init__(
            f"{file_name} holds vouchers only (no balances), so importing it would replace the fiscal year {year} "
            f"imported from {loaded_from} with just these vouchers. Import the full SIE 4E export of the year instead."
        )


@dataclass(frozen=True, slots=True)
class ImportProgress:
    vouchers: int
    transactions: int
    balances: int
    bytes_read: int = 0  # of all the files being imported: a progress bar's position, without counting records first
    total_bytes: int = 0  # 0 when the source is no file


@dataclass(frozen=True, slots=True)
class ImportResult:
    company_id: int
    company_name: str
    org_number: str  # ten digits, "" when unknown
    fiscal_year_id: int | None  # None for a file with neither #RAR nor vouchers (a chart only)
    year_start: dt.date | None
    year_end: dt.date | None
    batch_id: int
    activity_id: int
    vouchers: int
    transactions: int  # #TRANS rows
    rows: int  # all rows, #RTRANS and #BTRANS included
    balances: int
    replaced: bool  # the year was in the store before and has been replaced
    warnings: tuple[SieWarning, ...]
    checks: tuple[CheckResult, ...]

    def summary(self) -> str:
        year = f"{self.year_start}..{self.year_end}" if self.year_start else "no fiscal year"
        action = "replaced" if self.replaced else "imported"
        problems = sorted({c.check_id + " " + c.status for c in self.checks if c.status != integrity.OK})
        return (
            f"{self.company_name} ({format_org_number(self.org_number)}) {year}: {action} "
            f"{counted(self.vouchers, 'voucher', 'vouchers')}, "
            f"{counted(self.transactions, 'transaction', 'transactions')}, "
            f"{counted(self.balances, 'balance', 'balances')}; "
            f"checks: {', '.join(problems) if problems else 'all ok'}"
        )

    def params(self) -> dict:
        """What summary() says, as plain JSON for the app to say in the reader's language (core.activity)."""
        return {
            "company": self.company_name,
            "org": self.org_number,
            "start": self.year_start.isoformat() if self.year_start else None,
            "end": self.year_end.isoformat() if self.year_end else None,
            "replaced": self.replaced,
            "vouchers": self.vouchers,
            "transactions": self.transactions,
            "balances": self.balances,
            "problems": sorted({c.check_id + " " + c.status for c in self.checks if c.status != integrity.OK}),
        }

    def to_json(self) -> dict:
        return {
            "company": {"name": self.company_name, "org_number": self.org_number},
            "fiscal_year": {"start": self.year_start.isoformat(), "end": self.year_end.isoformat()}
            if self.year_start
            else None,
            "replaced": self.replaced,
            "vouchers": self.vouchers,
            "transactions": self.transactions,
            "rows": self.rows,
            "balances": self.balances,
            "warnings": [str(w) for w in self.warnings],
            "checks": [{"id": c.check_id, "status": c.status, "message": c.message} for c in self.checks],
        }


@dataclass(frozen=True, slots=True)
class Confirmed:
    """What the user said yes to before the import: a file of another organisation number, changed vouchers in
    locked periods. Either is refused (and the import rolled back) without it."""

    org_mismatch: bool = False
    locked_changes: bool = False


def import_sie(
    db: pw.Database,
    path: Path,
    *,
    company_org: str | None = None,
    confirm_org_mismatch: bool = False,
    confirm_locked_changes: bool = False,
    limits: SieLimits = SieLimits(),
    source: str = "sie-file",
    on_progress: Callable[[ImportProgress], None] | None = None,
    batch_rows: int = BATCH_ROWS,
) -> ImportResult:
    """Import a SIE file (types 1-4); raises SieError, OrgNumberMismatch, LockedPeriodsChanged, or sqlite errors."""
    path = Path(path)
    with activity.recorded("import", path.name, _known_company(company_org)) as record:
        reader = SieReader(path, limits)  # a missing or oversized file fails here, and is on record too
        files = [SourceFile(reader, path.name, reader.sha256)]
        confirmed = Confirmed(confirm_org_mismatch, confirm_locked_changes)
        return _import_recorded(db, record, files, company_org, confirmed, source, on_progress, batch_rows)[0]



@dataclass(frozen=True, slots=True)
class SourceFile:
    """One SIE document to load: a file on disk or a download, with the name the user knows it by."""

    reader: SieSource
    file_name: str
    sha256: str = ""


class ImportAbandoned(Exception):
    """The one handing files over gave up (a later download failed): the files already stored are rolled back."""


class ArrivingFiles:
    """Files handed over one at a time while the first are already being stored: a download's later years arrive
    while its first is written, in the same transaction. The store's thread takes each as it comes; if the one
    handing them over gives up (a failed download, Ctrl+C), the store stops at its next batch or take with
    ImportAbandoned and nothing is kept."""

    _END = object()
    _ABANDONED = object()

    def __init__(self, expected: int) -> None:
        self.expected = expected  # how many will come, known before the first arrives: the progress bar's span
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self.abandoned = threading.Event()  # the store looks at it between batches, so it need not finish a year

    def put(self, file: SourceFile) -> None:
        self._queue.put(file)

    def close(self) -> None:
        """Every file has been handed over (and what `also` needs is ready)."""
        self._queue.put(self._END)

    def abandon(self) -> None:
        self.abandoned.set()
        self._queue.put(self._ABANDONED)

    def __iter__(self) -> Iterator[SourceFile]:
        while (item := self._queue.get()) is not self._END:
            if item is self._ABANDONED:
                raise ImportAbandoned()
            yield item


def import_source(
    db: pw.Database,
    reader: SieSource,
    *,
    file_name: str = "",
    sha256: str = "",
    company_org: str | None = None,
    confirm_org_mismatch: bool = False,
    confirm_locked_changes: bool = False,
    source: str = "sie-file",
    on_progress: Callable[[ImportProgress], None] | None = None,
    batch_rows: int = BATCH_ROWS,
) -> ImportResult:
    """Import everything `reader` yields in one transaction, logging the attempt outside it."""
    files = [SourceFile(reader, file_name, sha256)]
    return import_sources(
        db, files, subject=file_name, company_org=company_org, confirm_org_mismatch=confirm_org_mismatch,
        confirm_locked_changes=confirm_locked_changes, source=source, on_progress=on_progress, batch_rows=batch_rows,
    )[0]


def import_sources(
    db: pw.Database,
    files: Sequence[SourceFile] | ArrivingFiles,
    *,
    subject: str,
    company_org: str | None = None,
    confirm_org_mismatch: bool = False,
    confirm_locked_changes: bool = False,
    source: str = "sie-file",
    on_progress: Callable[[ImportProgress], None] | None = None,
    batch_rows: int = BATCH_ROWS,
    also: Callable[[int], None] | None = None,
    record: activity.ActivityRecord | None = None,
) -> list[ImportResult]:
    """Several years in ONE transaction and one activity entry: they all land, or none does.

    `files` may still be arriving (ArrivingFiles): the first is stored while the others download.
    `also(company_id)` runs inside the same transaction, for what the source brings beside the books.
    A caller whose work began before the files existed (a download) passes its own activity `record`.
    """
    confirmed = Confirmed(confirm_org_mismatch, confirm_locked_changes)
    if record is not None:
        return _import_recorded(db, record, files, company_org, confirmed, source, on_progress, batch_rows, also)
    with activity.recorded("import", subject, _known_company(company_org)) as record:
        return _import_recorded(db, record, files, company_org, confirmed, source, on_progress, batch_rows, also)


def _known_company(company_org: str | None) -> int | None:
    """The company an import targets, when it already exists, so even a failed attempt shows under it."""
    if not company_org:
        return None
    try:
        company = Company.get_or_none(Company.org_number == normalise_org_number(company_org))
    except ValueError:
        return None
    return company.id if company else None


def _import_recorded(
    db: pw.Database,
    record: activity.ActivityRecord,
    files: Sequence[SourceFile] | ArrivingFiles,
    company_org: str | None,
    confirmed: Confirmed,
    source: str,
    on_progress: Callable[[ImportProgress], None] | None,
    batch_rows: int = BATCH_ROWS,
    also: Callable[[int], None] | None = None,
) -> list[ImportResult]:
    expected_org = normalise_org_number(company_org) if company_org is not None else None
    results: list[ImportResult] = []
    stored: list[SourceFile] = []
    expected_files = files.expected if isinstance(files, ArrivingFiles) else len(files)
    bar = _ProgressInBytes(on_progress, expected_files) if on_progress else None
    with exclusive(db):  # each file's loader locks its company once the header names it (docs/ARCHITECTURE.md)
        for file in files:
            progress = bar.next_file(getattr(file.reader, "size", 0)) if bar else None
            loader = _Loader(
                db, file.reader, file.file_name, file.sha256, source, expected_org, confirmed, progress, batch_rows,
                files.abandoned if isinstance(files, ArrivingFiles) else None,
            )
            results.append(loader.run(record.id))
            stored.append(file)
        company_id = results[-1].company_id
        Company.update(last_import=utc_now()).where(Company.id == company_id).execute()
        refresh_statistics(db)
        if also is not None:
            also(company_id)
    record.company_id = company_id
    record.counts = {
        "vouchers": sum(r.vouchers for r in results),
        "transactions": sum(r.transactions for r in results),
        "balances": sum(r.balances for r in results),
    }
    if len(results) > 1:
        record.counts["years"] = len(results)
    record.message = "; ".join(f"{file.file_name}: {result.summary()}" for file, result in zip(stored, results))
    record.said("import", years=[{"file": file.file_name, **result.params()} for file, result in zip(stored, results)])
    return results


def _objects_text(objects: tuple[tuple[str, str], ...]) -> str:
    return json.dumps(objects, separators=(",", ":"), ensure_ascii=False) if objects else ""


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# The encoder's rows carry the voucher's ordinal in its file; SQLite adds the first id and the constants itself.
_VOUCHER_COLUMNS = ("id", "fiscal_year_id", "batch_id", "series", "number", "date", "text", "registered", "signature",
                    "fingerprint")
_ROW_COLUMNS = ("voucher_id", "fiscal_year_id", "kind", "account", "amount", "objects", "cost_center", "project",
                "quantity", "text", "date", "signature")
_VOUCHER_SQL = (
    "INSERT INTO voucher (id, fiscal_year_id, batch_id, series, number, date, text, registered, signature, "
    "fingerprint) VALUES (? + {base}, {year}, {batch}, ?, ?, ?, ?, ?, ?, ?)"
)
_ROW_SQL = (
    "INSERT INTO voucher_row (voucher_id, fiscal_year_id, kind, account, amount, objects, cost_center, project, "
    "quantity, text, date, signature) VALUES (? + {base}, {year}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_BALANCE_SQL = (
    "INSERT INTO balance (fiscal_year_id, batch_id, kind, account, period, objects, amount, quantity) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


VOUCHER_ID_BLOCK = 10_000
# Rows per INSERT on SQLite: a statement run from Python costs a fixed part (binding starts, the table's and indexes'
# cursors opened) besides each value; many rows in one VALUES list pay it once. 90 x 11 values stays under the 999
# parameters older SQLite builds allow. Measured on 1.7 M rows: 8.6 s CPU one row a statement, 6.6 s at 100.
ROWS_PER_STATEMENT = 90


def _insert_flat(cursor, one_row_sql: str, values: list) -> int:
    """SQLite: the rows whose values lie one after another in `values`, ROWS_PER_STATEMENT to an INSERT; returns
    how many rows."""
    width = one_row_sql.count("?")
    head, _, row = one_row_sql.partition(" VALUES ")
    per_statement = ROWS_PER_STATEMENT * width
    whole = len(values) - len(values) % per_statement
    if whole:
        cursor.executemany(f"{head} VALUES {', '.join([row] * ROWS_PER_STATEMENT)}",
                           [values[start:start + per_statement] for start in range(0, whole, per_statement)])
    if whole < len(values):
        cursor.executemany(one_row_sql, [values[start:start + width] for start in range(whole, len(values), width)])
    return len(values) // width


def _new_voucher_ids(db: pw.Database) -> Iterator[int]:
    """Ids for the vouchers an import inserts (their rows refer to them before the insert). SQLite: on from the
    largest, as the import holds the store's only write lock. PostgreSQL: blocks from the table's own sequence, so
    imports of different companies can run at the same time without taking each other's ids."""
    if not is_postgres(db):
        yield from itertools.count(db.execute_sql("SELECT COALESCE(MAX(id), 0) + 1 FROM voucher").fetchone()[0])
        return
    while True:
        block = db.execute_sql(
            "SELECT nextval(pg_get_serial_sequence('voucher', 'id')) FROM generate_series(1, ?)", (VOUCHER_ID_BLOCK,)
        ).fetchall()
        yield from (voucher_id for (voucher_id,) in block)


class _ProgressInBytes:
    """One bar across all the files of an import, by bytes read. A file still to arrive (a year still downloading)
    is guessed at the mean size of those that have; when its real size corrects the guess, the bar does not move back."""

    def __init__(self, report: Callable[[ImportProgress], None], expected_files: int) -> None:
        self.report = report
        self.expected_files = expected_files
        self.sizes: list[int] = []
        self.shown = 0.0  # the largest fraction reported so far

    def next_file(self, size: int) -> Callable[[int, int, int, int], None]:
        bytes_before = sum(self.sizes)
        self.sizes.append(size)
        known = sum(self.sizes)
        total = known + known // len(self.sizes) * max(self.expected_files - len(self.sizes), 0)

        def progressed(vouchers: int, transactions: int, balances: int, bytes_read: int) -> None:
            if total:
                self.shown = max(self.shown, min(bytes_before + bytes_read, total) / total)
            self.report(ImportProgress(vouchers, transactions, balances, round(self.shown * total), total))

        return progressed


# What parsing hands the writer, wherever it runs (these tuples are pickled between the processes):
#   ("begin", first item or None): the header records before it have been read; the writer resolves company and years
#   ("batch", vouchers, rows, balances, transactions so far, rows so far, bytes read)
#   ("day_sums", [(account, ISO voucher date, öre), ...]): the #TRANS rows summed, after the last batch
#   ("end", header, warnings, warning count, checksum verified): from the parser process only
#   ("error", exception class, args, attributes): from the parser process only


class _Encoder:
    """Turns a voucher into the store's tuples: the per-row work of an import, so it can run beside the writer.

    Repeated dates and object lists are encoded once; each voucher's fingerprint is hashed from the values in hand.
    A voucher's tuples start with its ordinal in the file; the writer turns that into its id."""

    def __init__(self, path: object, *, flat: bool) -> None:
        self.path = path
        self.flat = flat  # SQLite's writer takes each batch's values in one list (_insert_flat); COPY takes tuples
        self.ordinal = 0
        self.transactions = self.rows = 0
        self.date_texts: dict[dt.date, str] = {}
        self.object_texts: dict[tuple, tuple[str, str | None, str | None]] = {}
        # One object per repeated account and row text: pickle then sends each once per batch, and the writer's
        # unpickling makes one string instead of thousands.
        self.shared: dict[str, str] = {}
        self.day_sums: dict[tuple[str, str], int] = {}  # (account, ISO date) -> öre of the #TRANS rows

    def messages(self, reader: SieSource, batch_rows: int) -> Iterator[tuple]:
        """The messages above, from iterating `reader` (the header is read as the items come)."""
        vouchers: list = []
        rows: list = []
        balances: list[Balance] = []
        begun = False
        rows_before = 0  # self.rows when the batch began
        for item in reader:
            if not begun:
                begun = True
                yield ("begin", item)
            if item.__class__ is Voucher:
                self.add_voucher(item, vouchers, rows)
            else:
                balances.append(item)
            if self.rows - rows_before + len(balances) >= batch_rows:
                yield ("batch", vouchers, rows, balances, self.transactions, self.rows, _bytes_read(reader))
                vouchers, rows, balances, rows_before = [], [], [], self.rows
        if not begun:
            yield ("begin", None)
        yield ("batch", vouchers, rows, balances, self.transactions, self.rows, _bytes_read(reader))
        yield ("day_sums", [(account, day, ore) for (account, day), ore in self.day_sums.items()])

    def add_voucher(self, voucher: Voucher, vouchers: list, rows: list) -> None:
        """The hot loop of a 1.7M-row import."""
        ordinal = self.ordinal
        self.ordinal += 1
        iso = self._iso_date
        date = iso(voucher.date)
        append = rows.extend if self.flat else rows.append
        shared = self.shared
        share = shared.setdefault if len(shared) < SHARED_TEXTS else shared.get
        object_texts = self.object_texts
        lines = []  # for the fingerprint, from the values in hand
        day_sums = self.day_sums
        transactions = 0
        try:
            for row in voucher.rows:
                objects_text, cost_center, project = object_texts.get(row.objects) or self._encoded_objects(row.objects)
                kind = _KIND_TEXT[row.kind]
                ore = to_ore(row.amount)
                row_date = row.date and iso(row.date)  # most rows have no date of their own
                account, text = share(row.account, row.account), share(row.text, row.text)
                quantity = row.quantity
                append((ordinal, kind, account, ore, objects_text, cost_center, project,
                        None if quantity is None else str(quantity), text, row_date, row.signature))
                lines.append(row_line(kind, account, ore, objects_text, text, row_date))
                if row.kind is _TRANS:
                    transactions += 1
                    day_sums[account, date] = day_sums.get((account, date), 0) + ore
        except ValueError:
            _ore(self.path, row.amount, row.line)  # the line's own refusal, if its amount is what failed
            raise
        self.transactions += transactions
        (vouchers.extend if self.flat else vouchers.append)(
            (ordinal, voucher.series, voucher.number, date, voucher.text, iso(voucher.registered), voucher.signature,
             voucher_fingerprint(date, voucher.text, lines))
        )
        self.rows += len(voucher.rows)

    def _iso_date(self, date: dt.date | None) -> str | None:
        text = self.date_texts.get(date)
        if text is None and date is not None:
            text = self.date_texts[date] = date.isoformat()
        return text

    def _encoded_objects(self, objects: tuple[tuple[str, str], ...]) -> tuple[str, str | None, str | None]:
        """(stored text, cost centre, project) for an object list; a file has few distinct ones. An empty object
        number is no object (NULL), on both stores."""
        encoded = self.object_texts.get(objects)
        if encoded is None:
            by_dimension = dict(objects)
            encoded = (
                _objects_text(objects),
                by_dimension.get(COST_CENTER_DIMENSION) or None,
                by_dimension.get(PROJECT_DIMENSION) or None,
            )
            if len(self.object_texts) < OBJECT_CACHE_SIZE:
                self.object_texts[objects] = encoded
        return encoded


def _ore(path: object, amount: Decimal, line: int) -> int:
    try:
        return to_ore(amount)
    except ValueError:
        raise SieError(
            path,
            line or None,
            Phrase("sub_ore_amount", amount=amount),
            field="belopp",
            expected=Phrase("ore_amount"),
            hint=Phrase("correct_amount"),
        ) from None


def _bytes_read(reader: SieSource) -> int:
    return getattr(reader, "bytes_read", 0)


def _parses_elsewhere(reader: SieSource) -> bool:
    """Whether the source is a file big enough to be worth a parser process of its own, on a machine with cores
    to spare."""
    return (
        isinstance(reader, SieReader)
        and not reader._started
        and reader.size >= SEPARATE_PARSER_BYTES
        and (os.cpu_count() or 1) > 1
    )


class ParserLost(BokslutError):
    """The process parsing the file ended without a word (killed, or out of memory): nothing was imported."""

    def __init__(self, file_name: str, returncode: int | None) -> None:
        super().__init__(
            f"{file_name}: reading the file stopped unexpectedly (the reading process ended with {returncode}), so "
            "nothing was imported. Try again; if it happens again, the computer may be short of memory.",
            key="import_parser_lost", params={"file": file_name, "code": returncode},
        )


_FRAME = struct.Struct("<Q")


def _send(stream, message: tuple) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_FRAME.pack(len(data)))
    stream.write(data)


def _receive(stream) -> tuple | None:
    head = stream.read(_FRAME.size)
    if len(head) < _FRAME.size:
        return None
    size = _FRAME.unpack(head)[0]
    data = stream.read(size)
    return pickle.loads(data) if len(data) == size else None


def _parsed_elsewhere(reader: SieReader, batch_rows: int, file_name: str, *, flat: bool) -> Iterator[tuple]:
    """The encoder's messages from a parser process of our own, which reads `reader`'s file while we write.

    The reader (not yet iterated) goes over as a pickle, so the child does not decide the encoding again. The pipe
    holds about one batch, so the child runs at most that far ahead and memory stays flat in both. Whatever ends
    this generator (an error, the caller's rollback, a kill of ours) ends the child too: a killed parent closes
    the pipe, and the child's next write fails."""
    package = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (package, os.environ.get("PYTHONPATH"))))}
    child = subprocess.Popen(
        [sys.executable, "-c", "from core.importer import parser_process; parser_process()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, bufsize=1 << 20,
    )  # stderr: nothing may write over the app's screen; what the child raises comes as a message
    try:
        _send(child.stdin, (reader, batch_rows, flat))
        child.stdin.close()
        while True:
            message = _receive(child.stdout)
            if message is None:
                raise ParserLost(file_name, child.wait())
            kind = message[0]
            if kind == "end":
                _, reader.header, reader.warnings, reader.warning_count, reader.checksum_verified = message
                return
            if kind == "error":
                raise _rebuilt(*message[1:])
            if kind == "begin":
                reader.header = message[2]
                yield ("begin", message[1])
            else:
                yield message
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        child.stdout.close()


def parser_process() -> None:
    """The parser process: a pickled SieReader and batch size come on stdin; the encoder's messages go out on
    stdout, framed, then ("end", …) with the reader's header and warnings, or ("error", …) with what it raised."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the writer's to handle; it ends us
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write into the stream of frames
    reader, batch_rows, flat = _receive(sys.stdin.buffer)
    try:
        for message in _Encoder(reader.path, flat=flat).messages(reader, batch_rows):
            if message[0] == "begin":
                message = ("begin", message[1], reader.header)
            _send(out, message)
        _send(out, ("end", reader.header, reader.warnings, reader.warning_count, reader.checksum_verified))
    except BrokenPipeError:  # the writer is gone
        return
    except Exception as error:
        _send(out, ("error", *_portable(error)))
    out.flush()


def _portable(error: Exception) -> tuple:
    """An exception as picklable parts; errors whose __init__ takes other arguments than their args (SieError) do
    not survive pickle as they are."""
    parts = (type(error), error.args, dict(vars(error)))
    try:
        pickle.dumps(parts)
    except Exception:
        parts = (RuntimeError, (f"{type(error).__name__}: {error}",), {})
    return parts


def _rebuilt(cls: type[BaseException], args: tuple, attributes: dict) -> BaseException:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(attributes)
    return error


def _phrase(text: str, key: str, params: dict) -> Phrase:
    """A Phrase as it was said: pickle would make it anew from its English, which is no key."""
    phrase = str.__new__(Phrase, text)
    phrase.key, phrase.params = key, params
    return phrase


copyreg.pickle(Phrase, lambda phrase: (_phrase, (str(phrase), phrase.key, phrase.params)))


class _Loader:
    """State of one import inside its transaction: resolved ids, pending batches and counts."""

    def __init__(
        self,
        db: pw.Database,
        reader: SieSource,
        file_name: str,
        sha256: str,
        source: str,
        expected_org: str | None,
        confirmed: Confirmed,
        on_progress: _ProgressInBytes | None,
        batch_rows: int,
        abandoned: threading.Event | None = None,
    ) -> None:
        self.db = db
        self.reader = reader
        self.path = getattr(reader, "path", file_name)
        self.file_name = file_name
        self.sha256 = sha256
        self.source = source
        self.expected_org = expected_org
        self.confirmed = confirmed
        self.on_progress = on_progress
        self.batch_rows = batch_rows
        self.abandoned = abandoned
        self.company_id: int | None = None
        self.batch_id: int | None = None
        self.year_ids: dict[int, int] = {}  # SIE year index -> fiscal_year.id, for the years we store
        self.current_year: tuple[dt.date, dt.date] | None = None
        self.replaced = False
        self.compare_vouchers = False  # the year replaces vouchers: compare them with the new ones when all are in
        self.voucher_ids: Iterator[int] = iter(())
        self.voucher_sql = self.row_sql = ""  # SQLite's, with the year's ids and the first voucher id in them
        self.pending_balances: list[tuple] = []
        self.warnings: list[SieWarning] = []  # the importer's own, after the reader's
        self.previous_closing: dict[str, int] = {}  # the file's #UB -1, kept for the opening check
        self.vouchers = self.transactions = self.rows = self.balances = 0

    def run(self, activity_id: int) -> ImportResult:
        flat = not is_postgres(self.db)
        if _parses_elsewhere(self.reader):
            messages = _parsed_elsewhere(self.reader, self.batch_rows, self.file_name, flat=flat)
        else:
            messages = _Encoder(self.path, flat=flat).messages(self.reader, self.batch_rows)
        try:
            for message in messages:
                if self.abandoned is not None and self.abandoned.is_set():
                    raise ImportAbandoned()
                if message[0] == "batch":
                    self._write(*message[1:])
                elif message[0] == "day_sums":
                    self._write_day_sums(message[1])
                else:
                    self._begin(message[1])
        finally:
            messages.close()  # a refusal half-way (another company's file, a store failure) ends the parser now
        # exported closing entries these books now hold count once; uncertain matches are the user's to check
        booked = mark_booked(self.db, self.year_ids[0]) if self.current_year is not None else None
        if self.compare_vouchers:
            own = booked.certain if booked is not None else ()
            self._refuse_locked_changes(after_import(self.db, self.year_ids[0], self._locked_spans(), own))
        self._write_chart()
        if booked is not None:
            self.warnings.extend(SieWarning(None, phrase) for phrase in booked.warnings)
        checks = self._run_checks()
        self.db.execute_sql(
            "UPDATE import_batch SET vouchers = ?, transactions = ?, balances = ?, finished = ?, status = 'done' "
            "WHERE id = ?",
            (self.vouchers, self.transactions, self.balances, utc_now().isoformat(sep=" "), self.batch_id),
        )
        company = Company.get_by_id(self.company_id)
        return ImportResult(
            company_id=self.company_id,
            company_name=company.name,
            org_number=company.org_number or "",
            fiscal_year_id=self.year_ids.get(0),
            year_start=self.current_year[0] if self.current_year else None,
            year_end=self.current_year[1] if self.current_year else None,
            batch_id=self.batch_id,
            activity_id=activity_id,
            vouchers=self.vouchers,
            transactions=self.transactions,
            rows=self.rows,
            balances=self.balances,
            replaced=self.replaced,
            warnings=(*self.reader.warnings, *self.warnings),
            checks=tuple(checks),
        )

    def _locked_spans(self) -> list[tuple[str, dt.date, dt.date]]:
        return locked_spans(FiscalYear.get_by_id(self.year_ids[0]))

    def _refuse_locked_changes(self, changed: list[tuple[str, int]]) -> None:
        """Raising rolls the whole import back; confirmed, the import says what it changed."""
        if not changed:
            return
        if not self.confirmed.locked_changes:
            raise LockedPeriodsChanged(*self.current_year, changed)
        periods = ", ".join(f"{name} ({count})" for name, count in changed)
        vouchers = sum(count for _, count in changed)
        self.warnings.append(SieWarning(None, Phrase("locked_periods_changed", vouchers=vouchers, periods=periods)))

    # --- company and years, resolved once the header records have been read ---

    def _begin(self, first_item: Voucher | Balance | None) -> None:
        header = self.reader.header
        self.company_id = self._resolve_company(header)
        self.batch_id = self._insert(
            "INSERT INTO import_batch (company_id, source, file_name, sha256, vouchers, transactions, balances, "
            "started, status) VALUES (?, ?, ?, ?, 0, 0, 0, ?, 'running')",
            (self.company_id, self.source, self.file_name, self.sha256, utc_now().isoformat(sep=" ")),
        )
        self.current_year = self._current_year_span(header, first_item)
        if self.current_year is not None:
            vouchers_only = 0 not in header.years or isinstance(first_item, Voucher)  # balances come before #VER
            self.year_ids[0] = self._take_over_current_year(*self.current_year, vouchers_only=vouchers_only)
        previous = header.years.get(-1)
        if previous is not None:
            previous_id = self._previous_year_id(previous.start, previous.end)
            if previous_id is not None:
                self.year_ids[-1] = previous_id
        self.voucher_ids = _new_voucher_ids(self.db)
        if not is_postgres(self.db) and self.current_year is not None:  # ids follow on from the first: one writer
            ids = {"base": next(self.voucher_ids), "year": self.year_ids[0], "batch": self.batch_id}
            self.voucher_sql, self.row_sql = _VOUCHER_SQL.format(**ids), _ROW_SQL.format(**ids)

    def _resolve_company(self, header: Header) -> int:
        """Refuses a differing #ORGNR before anything is written, unless the user confirmed it. Imports of one
        company take turns from here on (on a shared store, other companies' imports go on meanwhile)."""
        try:
            file_org = normalise_org_number(header.org_number)
        except ValueError as error:
            self.warnings.append(SieWarning(None, f"{error}; the file is treated as having none"))
            file_org = ""
        if file_org and not check_digit_valid(file_org):  # real files have such numbers: said, not refused
            self.warnings.append(SieWarning(None, Phrase("org_check_digit", org=format_org_number(file_org))))
        lock_within(self.db, "import", self.expected_org or file_org or header.company_name)
        if self.expected_org is not None:
            if file_org != self.expected_org and not self.confirmed.org_mismatch:
                raise OrgNumberMismatch(self.expected_org, file_org)
            company = Company.get_or_none(Company.org_number == self.expected_org)
            return company.id if company else self._create_company(header, self.expected_org)
        if file_org:
            company = Company.get_or_none(Company.org_number == file_org)
        else:
            company = Company.get_or_none(Company.org_number.is_null(), Company.name == header.company_name)
        return company.id if company else self._create_company(header, file_org)

    def _create_company(self, header: Header, org_number: str) -> int:
        name = header.company_name or (format_org_number(org_number) if org_number else self.file_name)
        return self._insert(
            "INSERT INTO company (name, org_number, created) VALUES (?, ?, ?)",
            (name, org_number or None, utc_now().isoformat(sep=" ")),
        )

    def _current_year_span(
        self, header: Header, first_item: Voucher | Balance | None
    ) -> tuple[dt.date, dt.date] | None:
        """#RAR 0; without one (4I files omit it) the company's stored year holding the first voucher, else that
        voucher's calendar year, said as a warning: a company with a broken fiscal year must not get a second,
        overlapping calendar year from a voucher file."""
        if 0 in header.years:
            return header.years[0].start, header.years[0].end
        if isinstance(first_item, Voucher):
            day = first_item.date.isoformat()
            known = self.db.execute_sql(
                'SELECT start, "end" FROM fiscal_year WHERE company_id = ? AND start <= ? AND "end" >= ?',
                (self.company_id, day, day),
            ).fetchone()
            if known is not None:
                return dt.date.fromisoformat(str(known[0])), dt.date.fromisoformat(str(known[1]))
            start, end = dt.date(first_item.date.year, 1, 1), dt.date(first_item.date.year, 12, 31)
            self.warnings.append(SieWarning(None, Phrase("year_from_first_voucher", start=start.isoformat(),
                                                         end=end.isoformat())))  # fmt: skip
            return start, end
        if isinstance(first_item, Balance):
            raise SieError(self.path, first_item.line, Phrase("balances_without_rar"), field="#RAR")
        return None

    def _take_over_current_year(self, start: dt.date, end: dt.date, *, vouchers_only: bool) -> int:
        """Re-importing a year replaces everything it held, so nothing is duplicated."""
        # Check results go stale; the replaced vouchers' fingerprints are kept to compare the new ones with.
        self.compare_vouchers = before_import(self.db, self.company_id, start)
        row = self._existing_year(start)
        if row is None:
            return self._insert(
                "INSERT INTO fiscal_year (company_id, start, \"end\", batch_id) VALUES (?, ?, ?, ?)",
                (self.company_id, start.isoformat(), end.isoformat(), self.batch_id),
            )
        year_id, previous_batch = row
        self.replaced = previous_batch is not None
        if self.replaced and vouchers_only:
            raise VouchersOnlyFile(self.file_name, self._file_name_of(previous_batch), start.year)
        for table in ("voucher_row", "voucher", "account_day_sum", "balance", "integrity_check"):
            self.db.execute_sql(f"DELETE FROM {table} WHERE fiscal_year_id = ?", (year_id,))
        self.db.execute_sql(
            "UPDATE fiscal_year SET \"end\" = ?, batch_id = ? WHERE id = ?", (end.isoformat(), self.batch_id, year_id)
        )
        return year_id

    def _previous_year_id(self, start: dt.date, end: dt.date) -> int | None:
        """Year -1 balances fill in a year only known from other files, never one imported as year 0."""
        row = self._existing_year(start)
        if row is None:
            return self._insert(
                "INSERT INTO fiscal_year (company_id, start, \"end\") VALUES (?, ?, ?)",
                (self.company_id, start.isoformat(), end.isoformat()),
            )
        year_id, loaded_as_current = row
        if loaded_as_current is not None:
            return None
        self.db.execute_sql("DELETE FROM balance WHERE fiscal_year_id = ?", (year_id,))
        return year_id

    def _file_name_of(self, batch_id: int) -> str:
        return self.db.execute_sql("SELECT file_name FROM import_batch WHERE id = ?", (batch_id,)).fetchone()[0]

    def _existing_year(self, start: dt.date) -> tuple[int, int | None] | None:
        """(id, batch that loaded it as year 0) of the company's year starting on `start`."""
        return self.db.execute_sql(
            "SELECT id, batch_id FROM fiscal_year WHERE company_id = ? AND start = ?",
            (self.company_id, start.isoformat()),
        ).fetchone()

    # --- records ---

    def _write(
        self, vouchers: list[tuple], rows: list[tuple], balances: list[Balance], transactions: int, row_count: int,
        bytes_read: int,
    ) -> None:
        """One batch from the encoder, whose vouchers start with the voucher's ordinal in the file: tuples for
        PostgreSQL's COPY, one flat list of values for SQLite."""
        voucher_count = len(vouchers)
        if vouchers:
            if is_postgres(self.db):
                self._copy_vouchers(vouchers, rows)
            else:
                cursor = self.db.cursor()
                voucher_count = _insert_flat(cursor, self.voucher_sql, vouchers)
                _insert_flat(cursor, self.row_sql, rows)
        for balance in balances:
            self._add_balance(balance)
        if self.pending_balances:
            executemany(self.db, _BALANCE_SQL, self.pending_balances)
            self.pending_balances.clear()
        self.vouchers += voucher_count
        self.transactions, self.rows = transactions, row_count
        if self.on_progress is not None:
            self.on_progress(self.vouchers, self.transactions, self.balances, bytes_read)

    def _write_day_sums(self, sums: list[tuple[str, str, int]]) -> None:
        """The year's sums per account and day (models.AccountDaySum), which reconciliation reads."""
        if sums and 0 in self.year_ids:
            year = self.year_ids[0]
            executemany(self.db,
                        "INSERT INTO account_day_sum (fiscal_year_id, account, date, amount) VALUES (?, ?, ?, ?)",
                        [(year, account, day, ore) for account, day, ore in sums])  # fmt: skip

    def _copy_vouchers(self, vouchers: list[tuple], rows: list[tuple]) -> None:
        """PostgreSQL: ids from the sequence's blocks (imports of other companies take theirs meanwhile), then COPY."""
        first = vouchers[0][0]
        ids = list(itertools.islice(self.voucher_ids, len(vouchers)))
        year, batch = self.year_ids[0], self.batch_id
        copy_rows(self.db, "voucher", _VOUCHER_COLUMNS,
                  [(ids[voucher[0] - first], year, batch, *voucher[1:]) for voucher in vouchers],
                  nullable=("registered", "fingerprint"))
        copy_rows(self.db, "voucher_row", _ROW_COLUMNS, [(ids[row[0] - first], year, *row[1:]) for row in rows],
                  nullable=("cost_center", "project", "quantity", "date"))

    def _add_balance(self, balance: Balance) -> None:
        amount = _ore(self.path, balance.amount, balance.line)
        if balance.year_index == -1 and balance.kind.value == "UB" and not balance.objects:
            self.previous_closing[balance.account] = self.previous_closing.get(balance.account, 0) + amount
        year_id = self.year_ids.get(balance.year_index)
        if year_id is None:  # years before -1, or a -1 already imported on its own
            return
        self.pending_balances.append(
            (
                year_id,
                self.batch_id,
                balance.kind.value,
                balance.account,
                balance.period,
                _objects_text(balance.objects),
                amount,
                _decimal_text(balance.quantity),
            )
        )
        self.balances += 1

    # --- after the records ---

    def _write_chart(self) -> None:
        """Accounts, dimensions and objects from the header; the newest file's names win."""
        header = self.reader.header
        company = self.company_id
        executemany(self.db, 
            "INSERT INTO account (company_id, number, name, type, sru, unit) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (company_id, number) DO UPDATE SET name = excluded.name, type = excluded.type, "
            "sru = excluded.sru, unit = excluded.unit",
            # sru holds every #SRU code of the account, space-separated, in file order
            [(company, a.number, a.name, a.type, " ".join(a.sru_codes), a.unit) for a in header.accounts.values()],
        )
        for year_id in self.year_ids.values():  # accounts used but never declared with #KONTO
            for table in ("voucher_row", "balance"):
                self.db.execute_sql(
                    f"INSERT INTO account (company_id, number, name, type, sru, unit) "
                    f"SELECT DISTINCT ?, account, '', '', '', '' FROM {table} WHERE fiscal_year_id = ? "
                    "ON CONFLICT DO NOTHING",
                    (company, year_id),
                )
        executemany(self.db, 
            "INSERT INTO dimension (company_id, number, name, parent) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (company_id, number) DO UPDATE SET name = excluded.name, parent = excluded.parent",
            [(company, d.number, d.name, d.parent) for d in header.dimensions.values()],
        )
        executemany(self.db, 
            "INSERT INTO dimension_object (company_id, dimension, number, name) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (company_id, dimension, number) DO UPDATE SET name = excluded.name",
            [(company, dimension, number, name) for (dimension, number), name in header.objects.items()],
        )

    def _run_checks(self) -> list[CheckResult]:
        if self.current_year is None:
            return []
        year_id = self.year_ids[0]
        start, end = self.current_year
        checks = integrity.run_checks(self.db, year_id, start, end, previous_closing_from_file=self.previous_closing)
        integrity.store_checks(self.db, year_id, self.batch_id, checks)
        return checks

    def _insert(self, sql: str, params: tuple) -> int:
        return self.db.execute_sql(f"{sql} RETURNING id", params).fetchone()[0]
